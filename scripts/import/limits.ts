// What bqx import accepts, in one place (README, "Importing real data": limits): the time
// range of the data contract, and a bound on every resource a file can make it use, so
// that no file (a zip bomb, a file without line breaks, millions of duplicate lines)
// runs for minutes or exhausts memory: it is refused early, with a message saying which
// limit and how to raise it.
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';

/** ts_utc lies in [1900-01-01, 2200-01-01) UTC (bqx.m1 CHECK m1_ts_utc_range, migration 0004). */
export const MIN_TS_MS = Date.UTC(1900, 0, 1);
export const MAX_TS_MS = Date.UTC(2200, 0, 1);

export interface ImportLimits {
  /** longest line, bytes (a HistData line is ~45 bytes) */
  maxLineBytes: number;
  /** most text one file may hold: a plain file's size, a zip entry's uncompressed size */
  maxTextBytes: number;
  /** most a zip entry of more than RATIO_FLOOR_BYTES may inflate, relative to its compressed size (HistData: ~6.4) */
  maxRatio: number;
  /** most bar lines held in memory for one file (~40 bytes each at the peak: 10M = ~400 MB) */
  maxBars: number;
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxLineBytes: 64 * 1024,
  maxTextBytes: 1024 ** 3,
  maxRatio: 100,
  maxBars: 10_000_000,
};

/** Entries smaller than this are never refused for their compression ratio (a few lines compress well). */
export const RATIO_FLOOR_BYTES = 16 * 1024 * 1024;

const ENV: Record<keyof ImportLimits, string> = {
  maxLineBytes: 'BQX_IMPORT_MAX_LINE_BYTES',
  maxTextBytes: 'BQX_IMPORT_MAX_BYTES',
  maxRatio: 'BQX_IMPORT_MAX_RATIO',
  maxBars: 'BQX_IMPORT_MAX_BARS',
};

/** The defaults, each overridden by its environment variable when set to a positive number. */
export function importLimits(env: NodeJS.ProcessEnv = process.env): ImportLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const k of Object.keys(ENV) as (keyof ImportLimits)[]) {
    const v = env[ENV[k]];
    if (v === undefined || v === '') continue;
    const n = Number(v);
    if (!(n > 0 && Number.isFinite(n))) {
      throw new UserError(`${ENV[k]} must be a positive number, got "${v}"`, INVALID_PARAMETER, `Unset it for the default (${DEFAULT_LIMITS[k]}).`);
    }
    out[k] = n;
  }
  return out;
}

/** The error of a limit exceeded: SQLSTATE 54000 (program_limit_exceeded), what and how to raise it. */
export function limitError(message: string, detail: string, k: keyof ImportLimits): UserError {
  return new UserError(message, '54000',
    `Nothing was stored from this file. If the file really is bar data, split it, or raise the limit with ${ENV[k]}.`, detail);
}

const MB = (n: number): string => `${(n / 1024 / 1024).toFixed(n < 1024 * 1024 ? 3 : 0)} MiB`;
export { MB as mib };
