// The one reader of a --pairs option, shared by every command: "all", or pairs separated
// by commas. Whether a pair is registered is decided in SQL (bqx_internal.check_pair),
// where every command's pairs end up.
import { UserError } from './user-error.js';

/**
 * `all` (any case) -> null, meaning every registered pair; otherwise the listed pairs,
 * trimmed, upper-cased, each six letters, first occurrence kept.
 */
export function parsePairsOption(value: string, option = '--pairs'): string[] | null {
  if (value.trim().toLowerCase() === 'all') return null;
  const pairs = [...new Set(value.split(',').map((p) => p.trim().toUpperCase()).filter((p) => p !== ''))];
  if (pairs.length === 0) {
    throw new UserError(`${option} must list pairs or be "all", got "${value}"`, undefined, `For example ${option} EURUSD,GBPJPY or ${option} all.`);
  }
  const bad = pairs.find((p) => !/^[A-Z]{6}$/.test(p));
  if (bad !== undefined) {
    throw new UserError(`${option}: invalid pair "${bad}"`, undefined, `For example ${option} EURUSD,GBPJPY or ${option} all.`,
      'A pair is six letters, base currency then quote currency, for example EURUSD.');
  }
  return pairs;
}
