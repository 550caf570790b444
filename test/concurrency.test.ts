// A backfill beside live writers and readers of the same pair (issue #11, findings 1-2):
// the four deadlock recipes (an UPDATE or DELETE of a bar of the month, an UPDATE inside
// the month's 75-bar lookback, a transaction that reads bqx.bqx and then inserts a bar)
// end as a serial run would; a long reader of the pair never stalls other readers, live
// inserts or the backfill (each of them runs with lock_timeout = 1s: blocked longer, it
// would fail); max_seconds of bqx.work bounds a backfill's lock wait and costs
// no attempt. Real sessions; the backfill is paused by the bqx_internal.test_pause hook
// and every wait is observed in pg_locks / pg_stat_activity, never guessed with a sleep.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';
import { openSession, settle, waitFor, WAITING, WAITING_OR_IDLE, type Session } from './support/sessions.js';

const PAUSE_KEY = 7_250_611;
let db: TestDb;
const opened: Session[] = [];

async function session(name: string): Promise<Session> {
  const s = await openSession(db.url, `bqx test ${name}`);
  opened.push(s);
  return s;
}

async function julyVerified(): Promise<void> {
  const r = await db.query(`select "check", ok, detail from bqx.verify('EURUSD', '2024-07', 100) where not ok`);
  expect(r.rows, JSON.stringify(r.rows)).toEqual([]);
}

beforeAll(async () => {
  db = await testDatabase('concurrency');
  await loadWalkBars(db, ['EURUSD'], '2024-06-24', '2024-08-08');
  // one bar in four minutes: the same story on a quarter of the rows
  const c = await db.pool.connect();
  await c.query(`set bqx.live = 'off'`);
  await c.query(`delete from bqx.m1 where extract(minute from ts_utc)::int % 4 <> 0`);
  await c.query(`reset bqx.live`);
  c.release();
  await db.query(`call bqx.backfill('EURUSD', '2024-06')`);
  await db.query(`call bqx.backfill('EURUSD', '2024-07')`);
});
// a failed test must not leave a paused backfill or an open transaction to the next one
afterEach(async () => {
  for (const s of opened.splice(0)) await s.end();
});
afterAll(async () => { await db?.end(); });

/**
 * Runs CALL bqx.backfill('EURUSD', '2024-07') paused after it computed the month and
 * before it stores it; `during` runs a live statement that must block behind the
 * backfill (returned promise), then the backfill goes on. Both must succeed.
 */
async function backfillWith(during: (live: Session) => Promise<unknown>): Promise<void> {
  const control = await session('control');
  const backfill = await session('backfill');
  const live = await session('live');
  try {
    await control.query(`select pg_catalog.pg_advisory_lock($1)`, [PAUSE_KEY]);
    await backfill.query(`select pg_catalog.set_config('bqx.test_pause_swap', $1, false)`, [String(PAUSE_KEY)]);
    const b = settle(backfill.query(`call bqx.backfill('EURUSD', '2024-07')`));
    await waitFor(control, WAITING, [backfill.pid], 'the backfill pauses before its swap', 90_000);
    const l = settle(during(live));
    await waitFor(control, WAITING, [live.pid], 'the live statement waits for the backfill', 90_000);
    await control.query(`select pg_catalog.pg_advisory_unlock($1)`, [PAUSE_KEY]);
    const [br, lr] = await Promise.all([b, l]);
    expect(br.error?.message ?? 'ok', 'backfill').toBe('ok');
    expect(lr.error?.message ?? 'ok', 'live statement').toBe('ok');
  } finally {
    for (const s of [control, backfill, live]) await s.end();
  }
  await julyVerified();
}

describe('backfill beside live writers: no deadlock (finding 1)', () => {
  it('an UPDATE of a bar of the month', async () => {
    await backfillWith((live) => live.query(
      `update bqx.m1 set rate = rate * 1.0001 where pair = 'EURUSD' and ts_utc = '2024-07-10T12:00Z'`));
    const r = await db.query(`select b.rate = m.rate as ok from bqx.bqx b join bqx.m1 m using (pair, ts_utc)
                               where pair = 'EURUSD' and ts_utc = '2024-07-10T12:00Z'`);
    expect(r.rows[0].ok).toBe(true);
  });

  it('a DELETE of a bar of the month', async () => {
    await backfillWith((live) => live.query(`delete from bqx.m1 where pair = 'EURUSD' and ts_utc = '2024-07-11T12:00Z'`));
    const r = await db.query(`select count(*)::int as n from bqx.bqx where pair = 'EURUSD' and ts_utc = '2024-07-11T12:00Z'`);
    expect(r.rows[0].n).toBe(0);
  });

  it('an UPDATE inside the month\'s 75-bar lookback (the previous month)', async () => {
    await backfillWith((live) => live.query(
      `update bqx.m1 set rate = rate * 0.9999 where pair = 'EURUSD' and ts_utc = '2024-06-28T23:48Z'`));
    const r = await db.query(`select "check", ok from bqx.verify('EURUSD', '2024-06', 100) where not ok`);
    expect(r.rows).toEqual([]);
  });

  it('a transaction that reads bqx.bqx, then inserts a bar of the month', async () => {
    await backfillWith(async (live) => {
      await live.query(`begin`);
      await live.query(`select max(ts_utc) from bqx.bqx where pair = 'EURUSD'`);
      await live.query(`insert into bqx.m1 values ('EURUSD', '2024-07-06T12:00Z', 1.2345)`);
      await live.query(`commit`);
    });
    const r = await db.query(`select rate from bqx.bqx where pair = 'EURUSD' and ts_utc = '2024-07-06T12:00Z'`);
    expect(r.rows[0]?.rate).toBe(1.2345);
  });
});

describe('a long reader of the pair (finding 2)', () => {
  /** Runs sql in a fresh session that gives up (55P03) after waiting 1 s for any lock. */
  async function notBlocked(sql: string): Promise<void> {
    const s = await session('other');
    await s.query(`set lock_timeout = '1s'`);
    const r = await settle(s.query(sql));
    await s.end();
    expect(r.error?.message ?? 'ok', sql).toBe('ok');
  }

  for (const [what, month] of [['an existing month', '2024-07'], ['a month without a leaf yet', '2024-08']] as const) {
    it(`stalls no other reader or writer while ${what} is backfilled, and the backfill completes`, async () => {
      const reader = await session('reader');
      const backfill = await session('backfill');
      await reader.query(`begin`);
      await reader.query(`select count(*) from bqx.bqx where pair = 'EURUSD'`);
      const b = settle(backfill.query(`call bqx.backfill('EURUSD', $1)`, [month]));
      await waitFor(reader, WAITING_OR_IDLE, [backfill.pid], 'the backfill waits or is done');
      for (const sql of [
        `select count(*) from bqx.bqx where pair = 'EURUSD' and ts_utc >= '2024-06-01' and ts_utc < '2024-07-01'`,
        `select * from bqx.verify('EURUSD', '2024-06', 20)`,
        // a live insert before the first bar: it changes rows of June only
        `insert into bqx.m1 values ('EURUSD', '2024-06-23T12:0${month.endsWith('7') ? 1 : 2}Z', 1.1)`,
        `select count(*) from bqx.bqx`,
      ]) {
        await notBlocked(sql);
      }
      const br = await b;
      expect(br.error?.message ?? 'ok').toBe('ok');
      await reader.query(`commit`);
      await reader.end();
      await backfill.end();
      const r = await db.query(`select "check", ok from bqx.verify('EURUSD', $1, 100) where not ok`, [month]);
      expect(r.rows).toEqual([]);
    });
  }
});

describe('bqx.work(max_seconds) bounds a backfill waiting for a lock (finding 2)', () => {
  it('gives the job back without burning an attempt, and runs it once the lock is free', async () => {
    await loadWalkBars(db, ['EURUSD'], '2024-10-01', '2024-10-08');
    const blocker = await session('blocker');
    const worker = await session('worker');
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-10', '2024-10')`);
    // SHARE UPDATE EXCLUSIVE on the pair's partition (what VACUUM, ANALYZE and CREATE
    // INDEX CONCURRENTLY take): attaching a new leaf must wait for it
    await blocker.query(`begin`);
    await blocker.query(`lock table bqx.bqx_eurusd in share update exclusive mode`);
    const w = settle(worker.query(`call bqx.work(max_seconds => 2)`));
    await waitFor(blocker, WAITING_OR_IDLE, [worker.pid], 'the worker waits for the lock', 60_000);
    // readers of the pair are not held up behind the waiting backfill
    const reader = await session('reader');
    await reader.query(`set lock_timeout = '1s'`);
    const rr = await settle(reader.query(`select count(*) from bqx.bqx where pair = 'EURUSD'`));
    expect(rr.error?.message ?? 'ok').toBe('ok');
    const wr = await w;
    expect(wr.error?.message ?? 'ok').toBe('ok');
    // 2 s, plus at most one lock try (0.5 s) and one pause (1 s), plus a loaded machine
    expect(wr.ms).toBeLessThan(8000);
    const row = wr.value!.rows[0];
    expect(row).toMatchObject({ jobs_done: 0, jobs_failed: 0, drained: false });
    const job = await db.query(`select status, attempts, last_sqlstate from bqx.jobs where month = '2024-10'`);
    expect(job.rows[0]).toMatchObject({ status: 'pending', attempts: 0 });
    await blocker.query(`commit`);
    const again = await worker.query(`call bqx.work()`);
    expect(again.rows[0]).toMatchObject({ jobs_done: 1, jobs_failed: 0, drained: true });
    const done = await db.query(`select status, attempts from bqx.jobs where month = '2024-10'`);
    expect(done.rows[0]).toMatchObject({ status: 'done', attempts: 1 });
  });
});
