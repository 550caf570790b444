// The synthetic FX market behind `bqx seed`.
//
// Seven USD legs are simulated: the USD value of one unit of EUR, GBP, AUD, NZD, CAD, CHF
// and JPY (USD itself is 1). Every pair is derived from them (AB = value(A) / value(B)),
// so crosses are consistent with the USD pairs at every minute up to floating-point
// rounding: EURJPY = EURUSD * USDJPY within a few ulps.
//
// Randomness is counter-based: every draw is a hash of (seed, stream, counter), with the
// counter being a minute or a month index since the model epoch (2000-01). A month's path
// therefore depends only on (seed, month), never on which pairs or months were generated
// before or in the same run.
//
// Path of a leg (log of its USD value, centred on a realistic level):
//   - monthly anchors: a stationary AR(1) (rho 0.9) sampled at every month start, from the
//     epoch onwards (a few hundred cheap steps);
//   - within the month: a geometric random walk over the trading minutes with an intraday
//     volatility profile and a Sunday-open gap, turned into a Brownian bridge between the
//     month's anchor and the next month's, so months generated separately join up exactly.
// Both levels use the same two-factor correlation (a USD factor and a risk factor).

/** The eight currencies; index = stable id used in hash streams (never reorder). */
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'AUD', 'NZD', 'CAD', 'CHF', 'JPY'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Number of simulated legs (every currency but USD). Leg k is CURRENCIES[k + 1]. */
export const LEG_COUNT = 7;

interface LegSpec {
  /** USD value of one unit, the level the anchors revert to. */
  usdValue: number;
  /** Annualised volatility of the log USD value. */
  annualVol: number;
  /** Loading on the USD factor (all legs rise when the dollar weakens). */
  usd: number;
  /** Loading on the risk factor (commodity currencies up, havens down). */
  risk: number;
}

// Levels of mid-2024 to mid-2025: EURUSD ~1.08, GBPUSD ~1.27, AUDUSD ~0.66, NZDUSD ~0.60,
// USDCAD ~1.36, USDCHF ~0.88, USDJPY ~150.
const LEGS: Record<Exclude<Currency, 'USD'>, LegSpec> = {
  EUR: { usdValue: 1.08, annualVol: 0.075, usd: 0.75, risk: 0.1 },
  GBP: { usdValue: 1.27, annualVol: 0.085, usd: 0.65, risk: 0.2 },
  AUD: { usdValue: 0.66, annualVol: 0.105, usd: 0.5, risk: 0.55 },
  NZD: { usdValue: 0.6, annualVol: 0.105, usd: 0.5, risk: 0.55 },
  CAD: { usdValue: 1 / 1.36, annualVol: 0.065, usd: 0.4, risk: 0.45 },
  CHF: { usdValue: 1 / 0.88, annualVol: 0.08, usd: 0.7, risk: -0.25 },
  JPY: { usdValue: 1 / 150, annualVol: 0.1, usd: 0.45, risk: -0.5 },
};

/** Trading minutes in a year (52 weeks of Sunday 22:00 to Friday 22:00 UTC). */
const TRADING_MINUTES_PER_YEAR = 52 * 5 * 1440;
/** Monthly anchor AR(1) coefficient and stationary deviation as a multiple of annual vol. */
const ANCHOR_RHO = 0.9;
const ANCHOR_SD_PER_ANNUAL_VOL = 0.4;
/** Standard deviation multiplier of the first minute of the week (the Sunday open gap). */
const SUNDAY_GAP_SD = 8;
/**
 * Probability that a pair has no bar in a trading minute (per pair, see missingMinute):
 * low all day, higher in the 22:00 UTC rollover hour, like HistData's EURUSD 2019.
 */
export const MISSING_PROBABILITY = 0.0005;
export const MISSING_PROBABILITY_ROLLOVER = 0.01;

/** Model epoch: 2000-01-01 00:00 UTC. Months before it or from 2100 on are refused. */
export const EPOCH_MS = Date.UTC(2000, 0, 1);
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;

// Hash streams (part of the model: changing them changes every seeded row).
const STREAM_MINUTE = 0x100; // + 0..8: factor usd, factor risk, then 7 idiosyncratic
const STREAM_ANCHOR = 0x200; // + 0..8, counter = month index
const STREAM_MISSING = 0x300; // + pair id (base * 8 + quote)

// ---------------------------------------------------------------------------------------
// Counter-based random numbers

/** A 32-bit avalanche mix (lowbias32 by Chris Wellons). */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of (seed, stream, counter, lane) to a uniform 32-bit integer. */
export function hash32(seed: number, stream: number, counter: number, lane = 0): number {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(stream + 1, 0x85ebca6b));
  h = mix32(h ^ counter);
  h = mix32(h ^ Math.imul(lane + 1, 0xc2b2ae35));
  return h;
}

/** Uniform in (0, 1) with 53 random bits, from (seed, stream, counter). */
export function uniform(seed: number, stream: number, counter: number): number {
  const hi = hash32(seed, stream, counter, 0) >>> 5; // 27 bits
  const lo = hash32(seed, stream, counter, 1) >>> 6; // 26 bits
  return (hi * 67108864 + lo + 0.5) / 9007199254740992;
}

/** Standard normal from (seed, stream, counter) (Box-Muller, cosine branch). */
export function normal(seed: number, stream: number, counter: number): number {
  const u1 = uniform(seed, stream, counter);
  const u2 = hash32(seed, stream, counter, 2) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

// ---------------------------------------------------------------------------------------
// Calendar

/** Is the UTC minute starting at `ms` a trading minute (Sunday 22:00 to Friday 22:00 UTC)? */
export function isTradingMinute(ms: number): boolean {
  const d = new Date(ms);
  const dow = d.getUTCDay();
  const mod = d.getUTCHours() * 60 + d.getUTCMinutes();
  if (dow === 6) return false;
  if (dow === 0) return mod >= 22 * 60;
  if (dow === 5) return mod < 22 * 60;
  return true;
}

/** Intraday standard deviation multiplier by UTC hour (mean square over a week ~ 1). */
const HOUR_SD: readonly number[] = (() => {
  // Sydney/Tokyo quiet, London busy, London-New York overlap busiest, late New York quiet.
  const raw = [
    0.75, 0.8, 0.8, 0.75, 0.7, 0.7, 0.8, 1.05, 1.25, 1.2, 1.1, 1.05,
    1.15, 1.4, 1.45, 1.35, 1.15, 0.95, 0.8, 0.7, 0.6, 0.55, 0.6, 0.7,
  ];
  const ms = raw.reduce((s, x) => s + x * x, 0) / raw.length;
  return raw.map((x) => x / Math.sqrt(ms));
})();

/** Months are integers: (year - 2000) * 12 + (month - 1). */
export function monthIndex(year: number, month1: number): number {
  return (year - FIRST_YEAR) * 12 + (month1 - 1);
}

export function monthStartMs(index: number): number {
  return Date.UTC(FIRST_YEAR + Math.floor(index / 12), index % 12, 1);
}

/** 'YYYY-MM' of a month index. */
export function monthLabel(index: number): string {
  const y = FIRST_YEAR + Math.floor(index / 12);
  const m = (index % 12) + 1;
  return `${y}-${m < 10 ? '0' : ''}${m}`;
}

// ---------------------------------------------------------------------------------------
// Anchors

const legSpecs: LegSpec[] = CURRENCIES.slice(1).map((c) => LEGS[c as Exclude<Currency, 'USD'>]);
const idioLoad: number[] = legSpecs.map((s) => Math.sqrt(1 - s.usd * s.usd - s.risk * s.risk));

/** Correlated standard normal shocks for the 7 legs from (seed, stream base, counter). */
function legShocks(seed: number, base: number, counter: number, out: Float64Array): void {
  const fUsd = normal(seed, base, counter);
  const fRisk = normal(seed, base + 1, counter);
  for (let k = 0; k < LEG_COUNT; k++) {
    const s = legSpecs[k];
    out[k] = s.usd * fUsd + s.risk * fRisk + idioLoad[k] * normal(seed, base + 2 + k, counter);
  }
}

const anchorCache = new Map<number, Float64Array[]>();

/**
 * Log deviations from the centre level at the start of months 0 .. upTo (inclusive), per
 * leg: anchors[m][k]. Deterministic per seed; cached.
 */
function anchors(seed: number, upTo: number): Float64Array[] {
  let list = anchorCache.get(seed);
  if (!list) {
    list = [];
    anchorCache.set(seed, list);
  }
  const shock = new Float64Array(LEG_COUNT);
  const innov = Math.sqrt(1 - ANCHOR_RHO * ANCHOR_RHO);
  while (list.length <= upTo) {
    const m = list.length;
    legShocks(seed, STREAM_ANCHOR, m, shock);
    const a = new Float64Array(LEG_COUNT);
    for (let k = 0; k < LEG_COUNT; k++) {
      const sd = ANCHOR_SD_PER_ANNUAL_VOL * legSpecs[k].annualVol;
      a[k] = m === 0 ? sd * shock[k] : ANCHOR_RHO * list[m - 1][k] + innov * sd * shock[k];
    }
    list.push(a);
  }
  return list;
}

// ---------------------------------------------------------------------------------------
// A month of the market

export interface MarketMonth {
  index: number;
  label: string;
  startMs: number;
  /** Minutes in the month (calendar, including closed ones). */
  minutes: number;
  /** Trading minute flags, one per calendar minute. */
  trading: Uint8Array;
  /** USD value of one unit of each leg currency, per calendar minute (NaN when closed). */
  legs: Float64Array[];
  /** Global minute index (minutes since the epoch) of the month's first minute. */
  firstMinute: number;
}

/** Simulate one month of the seven legs. Depends only on (seed, month index). */
export function simulateMonth(seed: number, index: number): MarketMonth {
  if (!Number.isInteger(index) || index < 0 || index >= monthIndex(LAST_YEAR + 1, 1)) {
    throw new RangeError(`month index ${index} outside ${FIRST_YEAR}-01 .. ${LAST_YEAR}-12`);
  }
  const startMs = monthStartMs(index);
  const endMs = monthStartMs(index + 1);
  const minutes = (endMs - startMs) / 60000;
  const firstMinute = (startMs - EPOCH_MS) / 60000;
  const a = anchors(seed, index + 1);
  const a0 = a[index];
  const a1 = a[index + 1];

  // variance multiplier per minute (0 when closed) and its running total
  const trading = new Uint8Array(minutes);
  const sd = new Float64Array(minutes);
  const tau = new Float64Array(minutes);
  let total = 0;
  for (let i = 0; i < minutes; i++) {
    const ms = startMs + i * 60000;
    if (isTradingMinute(ms)) {
      trading[i] = 1;
      const d = new Date(ms);
      const sunOpen = d.getUTCDay() === 0 && d.getUTCHours() === 22 && d.getUTCMinutes() === 0;
      sd[i] = sunOpen ? SUNDAY_GAP_SD : HOUR_SD[d.getUTCHours()];
      total += sd[i] * sd[i];
    }
    tau[i] = total;
  }

  const legs: Float64Array[] = [];
  for (let k = 0; k < LEG_COUNT; k++) legs.push(new Float64Array(minutes));
  const shock = new Float64Array(LEG_COUNT);
  const sigma = legSpecs.map((s) => s.annualVol / Math.sqrt(TRADING_MINUTES_PER_YEAR));
  // random walk S (log) per leg, stored in legs[k] for now
  const walk = new Float64Array(LEG_COUNT);
  for (let i = 0; i < minutes; i++) {
    if (trading[i]) {
      legShocks(seed, STREAM_MINUTE, firstMinute + i, shock);
      for (let k = 0; k < LEG_COUNT; k++) walk[k] += sigma[k] * sd[i] * shock[k];
    }
    for (let k = 0; k < LEG_COUNT; k++) legs[k][i] = walk[k];
  }
  // Brownian bridge from a0 (month start) to a1 (next month's start), then levels
  for (let k = 0; k < LEG_COUNT; k++) {
    const centre = Math.log(legSpecs[k].usdValue);
    const s = legs[k];
    const end = walk[k];
    const gap = end - (a1[k] - a0[k]);
    for (let i = 0; i < minutes; i++) {
      s[i] = trading[i] ? Math.exp(centre + a0[k] + s[i] - (total > 0 ? (tau[i] / total) * gap : 0)) : NaN;
    }
  }
  return { index, label: monthLabel(index), startMs, minutes, trading, legs, firstMinute };
}

// ---------------------------------------------------------------------------------------
// Pairs

export interface PairSpec {
  pair: string;
  base: number;
  quote: number;
  /** Stable id for hash streams: base * 8 + quote (indices in CURRENCIES). */
  id: number;
}

/** Parse a pair of two of the eight currencies, or return undefined. */
export function pairSpec(pair: string): PairSpec | undefined {
  if (!/^[A-Z]{6}$/.test(pair)) return undefined;
  const base = CURRENCIES.indexOf(pair.slice(0, 3) as Currency);
  const quote = CURRENCIES.indexOf(pair.slice(3) as Currency);
  if (base < 0 || quote < 0 || base === quote) return undefined;
  return { pair, base, quote, id: base * 8 + quote };
}

/** USD value of one unit of currency c (index in CURRENCIES) at minute i of the month. */
export function usdValue(m: MarketMonth, c: number, i: number): number {
  return c === 0 ? 1 : m.legs[c - 1][i];
}

/** Rate of the pair at minute i (base priced in quote). */
export function pairRate(m: MarketMonth, p: PairSpec, i: number): number {
  return usdValue(m, p.base, i) / usdValue(m, p.quote, i);
}

const MISS_LOW = MISSING_PROBABILITY * 4294967296;
const MISS_ROLLOVER = MISSING_PROBABILITY_ROLLOVER * 4294967296;

/**
 * Missing minutes are per pair: a trading minute has no bar for a pair with probability
 * MISSING_PROBABILITY (MISSING_PROBABILITY_ROLLOVER from 22:00 to 22:59 UTC), drawn from
 * (seed, pair, minute). The market (the legs) still moves in a missing minute; only that
 * pair's row is absent. The epoch is midnight UTC, so the minute of day is globalMinute % 1440.
 */
export function missingMinute(seed: number, p: PairSpec, globalMinute: number): boolean {
  const mod = globalMinute % 1440;
  const limit = mod >= 22 * 60 && mod < 23 * 60 ? MISS_ROLLOVER : MISS_LOW;
  return hash32(seed, STREAM_MISSING + p.id, globalMinute) < limit;
}
