// Live mode benchmark (run by bench/run.ts, or alone: tsx bench/live.ts [connection URL]).
//
//   everyMinuteMedianMs  one INSERT of one new bar for each of the 28 pairs (the
//                        every-minute feed), median wall time of 50 statements after 5
//                        warm-up ones, over a backfilled history of two days per pair
//   batch10kLiveMs       one INSERT of 10,000 new bars of one pair with live mode on
//   batch10kOffMs        the same INSERT for another pair in a session with bqx.live = off
//
// The database must be migrated and is written to (bars of July 2024 in bqx.m1).
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { median, timed } from './stats.js';

export interface LiveBenchResult {
  everyMinuteMedianMs: number;
  batch10kLiveMs: number;
  batch10kOffMs: number;
}

const HISTORY_START = '2024-07-01T00:00:00Z';
const HISTORY_BARS = 2 * 24 * 60;
const EVERY_MINUTE_RUNS = 50;
const WARM_UP = 5;
const BATCH = 10_000;

/** Milliseconds taken by fn. */
const timedMs = async (fn: () => Promise<unknown>): Promise<number> => 1000 * await timed(fn);

export async function benchLive(connectionString: string): Promise<LiveBenchResult> {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    await c.query(`set client_min_messages = warning`);
    const pairs: string[] = (await c.query(`select pair from bqx.pairs order by pair`)).rows.map((r) => r.pair);

    // history: two days of bars per pair, loaded with live mode off, then backfilled
    await c.query(`set bqx.live = 'off'`);
    await c.query(
      `insert into bqx.m1 (pair, ts_utc, rate)
       select p.pair, $1::timestamptz + i * interval '1 minute',
              (1 + pg_catalog.length(p.pair) * 0.01) * (1 + 0.001 * sin(i / 97.0) + 0.0002 * cos(i / 7.0))
         from bqx.pairs p, generate_series(0, $2 - 1) as i`,
      [HISTORY_START, HISTORY_BARS]);
    await c.query(`reset bqx.live`);
    for (const pair of pairs) await c.query(`call bqx.backfill($1, '2024-07')`, [pair]);
    await c.query(`analyze bqx.m1`);
    await c.query(`analyze bqx.bqx`);

    // the every-minute statement: one bar per pair, next minute each time
    const everyMinute = async (minute: number) => c.query(
      `insert into bqx.m1 (pair, ts_utc, rate)
       select p.pair, $1::timestamptz + $2 * interval '1 minute', 1.05 + 0.0001 * $2
         from bqx.pairs p`,
      [HISTORY_START, HISTORY_BARS + minute]);
    const times: number[] = [];
    for (let k = 0; k < WARM_UP + EVERY_MINUTE_RUNS; k++) {
      const ms = await timedMs(() => everyMinute(k));
      if (k >= WARM_UP) times.push(ms);
    }
    const after = HISTORY_BARS + WARM_UP + EVERY_MINUTE_RUNS;

    // 10k-bar batches appended to two pairs with the same history: live on, then off
    const batch = (pair: string) => c.query(
      `insert into bqx.m1 (pair, ts_utc, rate)
       select $1, $2::timestamptz + ($3 + i) * interval '1 minute', 1.05 * (1 + 0.001 * sin(i / 53.0))
         from generate_series(0, $4 - 1) as i`,
      [pair, HISTORY_START, after, BATCH]);
    const batch10kLiveMs = await timedMs(() => batch('EURUSD'));
    await c.query(`set bqx.live = 'off'`);
    const batch10kOffMs = await timedMs(() => batch('GBPUSD'));
    await c.query(`reset bqx.live`);

    return { everyMinuteMedianMs: median(times), batch10kLiveMs, batch10kOffMs };
  } finally {
    await c.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error('usage: tsx bench/live.ts postgres://... (a migrated bqx database; bars of July 2024 are written)');
    process.exit(2);
  }
  benchLive(url).then((r) => console.log(JSON.stringify(r, null, 2)), (e) => {
    console.error(e);
    process.exit(1);
  });
}
