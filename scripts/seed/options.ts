// Argument checking for `bqx seed` and seedBars(): clear errors naming the argument and
// what was expected, as UserErrors with a SQLSTATE and a hint (printed by scripts/cli.ts).
import { parsePairsOption } from '../lib/pairs-option.js';
import { INVALID_PARAMETER as INVALID, UserError } from '../lib/user-error.js';
import { FIRST_YEAR, LAST_YEAR, monthIndex, pairSpec, type PairSpec } from './market-model.js';

/** 'YYYY-MM' to a month index (months since 2000-01). */
export function parseSeedMonth(value: unknown, name: string): number {
  const m = typeof value === 'string' ? /^(\d{4})-(\d{2})$/.exec(value) : null;
  const year = m ? Number(m[1]) : NaN;
  const month = m ? Number(m[2]) : NaN;
  if (!m || month < 1 || month > 12) {
    throw new UserError(
      `${name} must be a month YYYY-MM, got ${JSON.stringify(value ?? null)}`,
      INVALID,
      'e.g. 2024-07 (a UTC calendar month)',
    );
  }
  if (year < FIRST_YEAR || year > LAST_YEAR) {
    throw new UserError(
      `${name} must be a month between ${FIRST_YEAR}-01 and ${LAST_YEAR}-12, got ${value}`,
      INVALID,
      `the synthetic market starts at its epoch ${FIRST_YEAR}-01`,
    );
  }
  return monthIndex(year, month);
}

/** The month range [from, to] as indices; `to` defaults to `from`. */
export function parseMonthRange(from: unknown, to: unknown): { from: number; to: number } {
  const f = parseSeedMonth(from, 'from');
  const t = to === undefined || to === null ? f : parseSeedMonth(to, 'to');
  if (f > t) {
    throw new UserError(`from (${from}) is after to (${to})`, INVALID, 'from and to are inclusive months with from <= to');
  }
  return { from: f, to: t };
}

/** Seed: an integer 0 .. 2^32-1. */
export function parseSeed(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new UserError(
      `seed must be an integer between 0 and 4294967295, got ${JSON.stringify(value ?? null)}`,
      INVALID,
    );
  }
  return n;
}

/**
 * Pairs: 'all' (every registered pair) or a list / comma-separated string of pairs, each
 * of which must be registered in bqx.pairs and made of two of the eight currencies.
 */
export function parsePairs(value: unknown, registered: readonly string[]): PairSpec[] {
  // a list goes through the one --pairs reader too (upper-cased, each six letters, once)
  const text = Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(',') : value;
  if (typeof text !== 'string') throw new UserError(`pairs must be "all" or a list of pairs, got ${JSON.stringify(value ?? null)}`, INVALID);
  if (text === '') throw new UserError('pairs must name at least one pair', INVALID, 'e.g. --pairs EURUSD,USDJPY or --pairs all');
  const names = parsePairsOption(text, 'pairs')
    // all: every registered pair the market can price (a user's XAUUSD is skipped)
    ?? registered.filter((r) => pairSpec(r) !== undefined).sort();
  return names.map((name) => {
    const spec = pairSpec(name);
    if (!spec || !registered.includes(name)) {
      throw new UserError(
        `unknown pair ${JSON.stringify(name)}: the seed generates registered pairs of AUD CAD CHF EUR GBP JPY NZD USD`,
        INVALID,
        `registered pairs: ${[...registered].sort().join(' ')}`,
      );
    }
    return spec;
  });
}
