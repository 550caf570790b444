// bqx.verify: every check passes on a correct backfill (real EURUSD bars, a bad bar, a
// month start that looks back into the previous month), and each kind of corruption
// makes the right check fail. Corruptions run in a transaction that is rolled back.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBars } from './support/bars.js';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, useEngine, type Engine } from './support/engines.js';
import { readHistdataCloses } from './support/histdata.js';

const PAIR = 'EURUSD';
const ALL = 1_000_000; // sample_size >= the month's rows: every row is recomputed

let db: TestDb;
let client: pg.Client;

interface Check { check: string; ok: boolean; expected: string; actual: string; detail: string }

async function verify(month: string, sample = ALL): Promise<Record<string, Check>> {
  const r = await client.query<Check>('select * from bqx.verify($1, $2, $3)', [PAIR, month, sample]);
  return Object.fromEntries(r.rows.map((x) => [x.check, x]));
}

function failing(checks: Record<string, Check>): string[] {
  return Object.values(checks).filter((c) => !c.ok).map((c) => c.check).sort();
}

/** Runs sql in a transaction, verifies the month, rolls back. */
async function corrupted(sql: string, month = '2019-02'): Promise<Record<string, Check>> {
  await client.query('begin');
  try {
    await client.query(sql);
    return await verify(month);
  } finally {
    await client.query('rollback');
  }
}

/** A database with EURUSD January and February 2019 backfilled by `engine`. */
async function setUp(engine: Engine): Promise<void> {
  db = await testDatabase(`verify_${engine}`);
  await useEngine(db, engine);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await db.query(`update bqx.pairs set live = false where pair = $1`, [PAIR]);
  // January and the first days of February 2019 (EST -> UTC), plus one bad bar in February
  const bars = await readHistdataCloses(PAIR, 2019, 36_000);
  await loadBars(db, PAIR, bars.ts, bars.rate);
  await db.query(`insert into bqx.m1 values ($1, '2019-02-01 12:34:00Z', 0) on conflict (pair, ts_utc) do update set rate = 0`, [PAIR]);
  await db.query('analyze bqx.m1');
  await db.query(`call bqx.backfill($1, '2019-01')`, [PAIR]);
  await db.query(`call bqx.backfill($1, '2019-02')`, [PAIR]);
}

describeEachEngine('bqx.verify', (engine) => {
  beforeAll(() => setUp(engine), 300_000);
  afterAll(async () => {
    await client?.end();
    await db?.end();
  });

  describe('bqx.verify on a correct backfill', () => {
    it('passes every check, in the month with the start of history and in the next one', async () => {
      for (const month of ['2019-01', '2019-02']) {
        const c = await verify(month, month === '2019-01' ? 3000 : ALL);
        expect(failing(c), JSON.stringify(c)).toEqual([]);
        expect(Object.keys(c)).toEqual(['partition', 'row_count', 'no_orphan_rows', 'rate_matches', 'nulls_history_only', 'finite', 'sample_recompute']);
      }
      const jan = await verify('2019-01', 0);
      expect(jan.nulls_history_only.detail).toMatch(/^75 rows with NULLs; 0 good bars of history/);
      const feb = await verify('2019-02');
      expect(feb.nulls_history_only.detail).toMatch(/^0 rows with NULLs; 75 good bars of history/);
      expect(feb.row_count.detail).toContain('(1 bad bars left out)');
      expect(feb.sample_recompute.detail).toMatch(new RegExp(`^${feb.row_count.actual} rows, `));
    });

    it('default sample of 200 rows', async () => {
      const r = await client.query(`select * from bqx.verify('eurusd', '2019-02')`);
      expect(r.rows.find((x) => x.check === 'sample_recompute').detail).toMatch(/^200 rows, 7400 cells/);
    });

    it('a month never backfilled fails partition and row_count', async () => {
      await db.query(`insert into bqx.m1 values ($1, '2019-03-04 10:00Z', 1.13)`, [PAIR]);
      const c = await verify('2019-03');
      expect(failing(c)).toEqual(['partition', 'row_count']);
      expect(c.partition.detail).toContain(`CALL bqx.backfill('EURUSD', '2019-03')`);
      await db.query(`delete from bqx.m1 where pair = $1 and ts_utc = '2019-03-04 10:00Z'`, [PAIR]);
    });

    it('bad arguments: clear errors with SQLSTATEs', async () => {
      await expect(client.query(`select * from bqx.verify('XXXYYY', '2019-02')`)).rejects.toMatchObject({ code: '22023' });
      await expect(client.query(`select * from bqx.verify('EURUSD', '2019-13')`)).rejects.toMatchObject({ code: '22008' });
      await expect(client.query(`select * from bqx.verify('EURUSD', '19-02')`)).rejects.toMatchObject({ code: '22007' });
      await expect(client.query(`select * from bqx.verify('EURUSD', '2019-02', -1)`)).rejects.toMatchObject({ code: '22023' });
      await expect(client.query(`select * from bqx.verify(null, '2019-02')`)).rejects.toMatchObject({ code: '22004' });
    });
  });

  describe('bqx.verify catches corruption', () => {
    const row = `(select ts_utc from bqx.bqx where pair = 'EURUSD' and ts_utc >= '2019-02-01' order by ts_utc offset 500 limit 1)`;

    it('a tampered value fails sample_recompute only', async () => {
      const c = await corrupted(`update bqx.bqx set w30_bqx_avg = w30_bqx_avg * 1.000001 + 1e-9 where pair = 'EURUSD' and ts_utc = ${row}`);
      expect(failing(c)).toEqual(['sample_recompute']);
      expect(c.sample_recompute.actual).toBe('1');
      expect(c.sample_recompute.detail).toContain('w30_bqx_avg @ 2019-02-');
    });

    it('a deleted row fails row_count', async () => {
      const c = await corrupted(`delete from bqx.bqx where pair = 'EURUSD' and ts_utc = ${row}`);
      expect(failing(c)).toEqual(['row_count']);
      expect(Number(c.row_count.expected) - Number(c.row_count.actual)).toBe(1);
      expect(c.row_count.detail).toContain('1 without a row, first at 2019-02-');
    });

    it('a NULL fails nulls_history_only (and the recompute)', async () => {
      const c = await corrupted(`update bqx.bqx set w75_bqx_stdev = null where pair = 'EURUSD' and ts_utc = ${row}`);
      expect(failing(c)).toEqual(['nulls_history_only', 'sample_recompute']);
    });

    it("the seed's defect, NULLs at a month start, fails nulls_history_only", async () => {
      const c = await corrupted(`update bqx.bqx set w75_bqx_return = null, w75_bqx_max = null, w75_bqx_min = null, w75_bqx_avg = null,
          w75_bqx_stdev = null, w75_bqx_endpoint = null, agg_avg_mean = null, agg_avg_stdev = null, agg_avg_slope = null,
          agg_range = null, agg_endpoint_mean = null, agg_stdev_mean = null, agg_sign_balance = null
        where pair = 'EURUSD' and ts_utc in (select ts_utc from bqx.bqx where pair = 'EURUSD' and ts_utc >= '2019-02-01' order by ts_utc limit 74)`);
      expect(failing(c)).toEqual(['nulls_history_only', 'sample_recompute']);
      expect(c.nulls_history_only.actual).toBe('74');
    });

    it('NaN and Infinity fail finite', async () => {
      const c = await corrupted(`update bqx.bqx set w15_bqx_max = 'NaN' where pair = 'EURUSD' and ts_utc = ${row}`);
      expect(failing(c)).toContain('finite');
      const d = await corrupted(`update bqx.bqx set agg_range = '-Infinity' where pair = 'EURUSD' and ts_utc = ${row}`);
      expect(failing(d)).toEqual(['finite', 'sample_recompute']);
    });

    it('a row without a source bar fails no_orphan_rows; a changed source rate fails rate_matches', async () => {
      const c = await corrupted(`insert into bqx.bqx select pair, '2019-02-01 12:34:00Z', rate, w15_bqx_return from bqx.bqx where pair = 'EURUSD' and ts_utc = ${row}`);
      expect(failing(c)).toContain('no_orphan_rows');
      expect(c.no_orphan_rows.detail).toContain('2019-02-01 12:34 UTC');
      const d = await corrupted(`set bqx.live = 'off'; update bqx.m1 set rate = rate + 0.0001 where pair = 'EURUSD' and ts_utc = ${row}`);
      expect(failing(d)).toEqual(['rate_matches', 'sample_recompute']);
    });
  });

  describe('bqx verify (CLI)', () => {
    it('exits 0 when every check passes and 1 with the failures listed otherwise', async () => {
      const run = promisify(execFile);
      const cwd = new URL('..', import.meta.url).pathname;
      const env = { ...process.env, DATABASE_URL: db.url };
      const ok = await run('npx', ['tsx', 'scripts/cli.ts', 'verify', '--pairs', 'EURUSD', '--sample', '50'], { env, cwd });
      expect(ok.stdout).toContain('| 2 | 2 | 0 | 0 |');
      await db.query(`delete from bqx.bqx where pair = 'EURUSD' and ts_utc = (select max(ts_utc) from bqx.bqx where pair = 'EURUSD')`);
      const bad = await run('npx', ['tsx', 'scripts/cli.ts', 'verify', '--pairs', 'EURUSD', '--from', '2019-01', '--to', '2019-02'], { env, cwd })
        .then(() => null, (e: { code: number; stdout: string }) => e);
      expect(bad?.code).toBe(1);
      expect(bad?.stdout).toMatch(/FAILED EURUSD 2019-02 row_count: expected \d+, actual \d+/);
    }, 120_000);
  });
});
