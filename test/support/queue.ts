// Test bars for the queue tests: a random walk per pair over weekday minutes, plain SQL.
import type { TestDb } from './db.js';

/** Weekday bars of a random walk for pairs over [from, to), plain SQL. */
export async function loadWalkBars(db: TestDb, pairs: string[], from: string, to: string, seed = 0.42): Promise<void> {
  // a bulk load: the live trigger skips it (bqx.live = off), the months are backfilled
  const c = await db.pool.connect();
  try {
    await c.query(`begin`);
    await c.query(`set local bqx.live = 'off'`);
    await c.query(`select setseed($1)`, [seed]);
    await c.query(
    `insert into bqx.m1 (pair, ts_utc, rate)
     select p.pair, g.ts, p.base * exp(sum((random() - 0.5) * 2e-4) over (partition by p.pair order by g.ts))
       from (select pair, 1 + (ascii(pair) % 7) * 0.3 as base from unnest($1::text[]) as pair) p
      cross join generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') g (ts)
      where extract(isodow from g.ts at time zone 'UTC') < 6`, [pairs, from, to]);
    await c.query(`commit`);
  } finally {
    c.release();
  }
}
