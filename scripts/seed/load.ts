// seedBars(): synthetic bars into bqx.m1 through a binary COPY (scripts/lib/copy-bars.ts).
//
// Work unit: one pair-month, in its own transaction on one of (at most) two connections:
//   begin; delete the pair's bars in [month start, next month start); copy ...; commit;
// so re-seeding replaces the range exactly (never a duplicate, never a mix: a reader sees
// the old month or the new one) and a failure leaves the pair-month as it was. Plain
// delete + COPY is the fastest safe choice: COPY straight into bqx.m1 writes every row
// once, where a temp table + INSERT ... ON CONFLICT would write it twice.
// Loading sessions run with bqx.live = 'off' (the live trigger skips bulk loads; backfill
// the months afterwards) and synchronous_commit = off (a crash can lose only the last
// commits, which a re-run restores).
import pg from 'pg';
import { inTransaction } from '../lib/client.js';
import { copyBars, type Bars } from '../lib/copy-bars.js';
import { monthLabel, monthStartMs, simulateMonth, type MarketMonth, type PairSpec } from './market-model.js';
import { pairMonthBars } from './generate.js';
import { UserError } from '../lib/user-error.js';
import { parseMonthRange, parsePairs, parseSeed } from './options.js';

export const DEFAULT_SEED = 1;

export interface SeedOptions {
  /** 'all' (every registered pair), a list of pairs, or a comma-separated string. */
  pairs: 'all' | string | readonly string[];
  /** First month, 'YYYY-MM'. */
  from: string;
  /** Last month (inclusive), 'YYYY-MM'; default: from. */
  to?: string;
  /** Random seed, 0 .. 2^32-1; default 1. */
  seed?: number;
  /** Loading connections, 1 or 2 (default 2, capped at the number of pair-months). */
  connections?: number;
  onProgress?: (p: SeedProgress) => void;
}

export interface SeedProgress {
  /** The pair-month just written. */
  pair: string;
  month: string;
  rows: number;
  /** Pair-months written so far and in all. */
  done: number;
  total: number;
  /** Bars written so far. */
  bars: number;
}

export interface SeedResult {
  bars: number;
  pairMonths: number;
  pairs: string[];
  from: string;
  to: string;
  seed: number;
  seconds: number;
  /** Bars written per pair. */
  perPair: Record<string, number>;
}

interface Task {
  month: number;
  pair: PairSpec;
}

async function loadPairMonth(client: pg.Client, task: Task, bars: Bars): Promise<void> {
  const start = new Date(monthStartMs(task.month)).toISOString();
  const end = new Date(monthStartMs(task.month + 1)).toISOString();
  await inTransaction(client, async () => {
    await client.query('delete from bqx.m1 where pair = $1 and ts_utc >= $2 and ts_utc < $3', [task.pair.pair, start, end]);
    await copyBars(client, 'copy bqx.m1 (pair, ts_utc, rate) from stdin (format binary)', bars, task.pair.pair);
  });
}

/** Pairs registered in bqx.pairs. */
async function registeredPairs(client: pg.Client): Promise<string[]> {
  const r = await client.query<{ pair: string }>('select pair from bqx.pairs order by pair');
  return r.rows.map((x) => x.pair);
}

/**
 * Seed deterministic synthetic one-minute bars into bqx.m1 for the given pairs and months
 * (inclusive). Identical rows for the same seed whatever the pairs or the way the months
 * are cut; re-seeding replaces the pair-months.
 */
export async function seedBars(connectionString: string, options: SeedOptions): Promise<SeedResult> {
  const range = parseMonthRange(options.from, options.to);
  const seed = parseSeed(options.seed ?? DEFAULT_SEED);
  const maxConn = options.connections ?? 2;
  if (!Number.isInteger(maxConn) || maxConn < 1 || maxConn > 2) {
    throw new UserError(`connections must be 1 or 2, got ${maxConn}`);
  }
  const t0 = performance.now();
  const first = new pg.Client({ connectionString });
  await first.connect();
  const clients: pg.Client[] = [first];
  try {
    const pairs = parsePairs(options.pairs, await registeredPairs(first));
    // month-major, so the market of a month is simulated once and shared by its pairs
    const tasks: Task[] = [];
    for (let m = range.from; m <= range.to; m++) for (const p of pairs) tasks.push({ month: m, pair: p });
    const n = Math.min(maxConn, tasks.length);
    while (clients.length < n) {
      const c = new pg.Client({ connectionString });
      clients.push(c);
      await c.connect();
    }
    for (const c of clients) {
      await c.query(`set bqx.live = 'off'`);
      await c.query(`set synchronous_commit = off`);
    }

    // Tasks are taken in order and their bars made at once (synchronously), so the
    // market of the month being taken is the only one ever needed.
    let market: MarketMonth | undefined;
    const marketOf = (month: number): MarketMonth => (market?.index === month ? market : (market = simulateMonth(seed, month)));

    const perPair: Record<string, number> = {};
    for (const p of pairs) perPair[p.pair] = 0;
    let next = 0;
    let done = 0;
    let bars = 0;
    let failed = false;
    const worker = async (client: pg.Client) => {
      while (!failed && next < tasks.length) {
        const task = tasks[next++];
        const b = pairMonthBars(seed, marketOf(task.month), task.pair);
        const rows = b.n;
        try {
          await loadPairMonth(client, task, b);
        } catch (e) {
          failed = true;
          throw e;
        }
        perPair[task.pair.pair] += rows;
        bars += rows;
        done++;
        options.onProgress?.({ pair: task.pair.pair, month: monthLabel(task.month), rows, done, total: tasks.length, bars });
      }
    };
    const results = await Promise.allSettled(clients.map(worker));
    const err = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (err) throw err.reason;
    // fresh statistics for the backfill's plans
    await first.query('analyze bqx.m1');
    return {
      bars,
      pairMonths: tasks.length,
      pairs: pairs.map((p) => p.pair),
      from: monthLabel(range.from),
      to: monthLabel(range.to),
      seed,
      seconds: (performance.now() - t0) / 1000,
      perPair,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
}
