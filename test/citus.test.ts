// bqx on a real 3-node Citus cluster on localhost (coordinator + 2 workers): Citus mode set
// up by bqx migrate, 4 pairs x 3 months backfilled through the queue by 2 workers, equal
// bit for bit to the single-node result under each engine; each pair's rows in its shard on
// its worker; the computation delegated to that worker; a worker backend killed mid-job;
// pg_cron workers; bqx.verify on the worker; live mode refused; migrations down to zero
// and up again on the cluster.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBars, monthBounds, weekdayMinutes } from './support/bars.js';
import { describeCitus, startTestCitus, type TestCitus } from './support/citus.js';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, useEngine } from './support/engines.js';
import { eurSeries, mulberry32, sprinkleBadBars } from './support/random-series.js';
import { migrate } from '../scripts/lib/migrate.js';
import { collectReport } from '../scripts/report/collect.js';

const PAIRS = ['EURUSD', 'USDJPY', 'GBPUSD', 'AUDCAD'];
const FROM = '2024-01';
const TO = '2024-03';
const STEP_MINUTES = 5;

type Queryable = Pick<pg.Pool, 'connect'> | { pool: Pick<pg.Pool, 'connect'> };
type Notice = { message: string; detail?: string };

/** The same bars in every database: a seeded walk per pair over weekday minutes, a few bad bars. */
async function loadSameBars(db: Queryable): Promise<void> {
  const ts = weekdayMinutes(monthBounds(FROM)[0], monthBounds(TO)[1], STEP_MINUTES);
  for (const [i, pair] of PAIRS.entries()) {
    const rates = sprinkleBadBars(mulberry32(100 + i), eurSeries(7 + i, ts.length), 0.002);
    await loadBars(db, pair, ts, rates);
  }
}

/** Every stored row, each column as text (float8 text round-trips every bit), in key order, per pair. */
async function storedRows(db: Pick<pg.Pool, 'query'>): Promise<Record<string, { n: number; digest: string }>> {
  const r = await db.query(
    `select pair, count(*)::int as n, md5(string_agg(b::text, E'\\n' order by ts_utc)) as digest
       from bqx.bqx b group by pair order by pair`);
  return Object.fromEntries(r.rows.map((x) => [x.pair, { n: x.n, digest: x.digest }]));
}

/** Drain the queue with `workers` concurrent CALL bqx.work(); returns the NOTICEs they received. */
async function drain(url: string, workers: number, setup: string[] = []): Promise<Notice[]> {
  const notices: Notice[] = [];
  await Promise.all(Array.from({ length: workers }, async (_, i) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    c.on('notice', (n) => notices.push({ message: n.message ?? '', detail: n.detail }));
    try {
      for (const s of setup) await c.query(s);
      await c.query(`call bqx.work(worker => $1)`, [`test-${i + 1}`]);
    } finally {
      await c.end();
    }
  }));
  return notices;
}

async function jobsState(db: Pick<pg.Pool, 'query'>): Promise<Record<string, number>> {
  const r = await db.query(`select status, count(*)::int as n from bqx.jobs group by status`);
  return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
}

describeCitus('bqx on a 3-node Citus cluster', () => {
  let cluster: TestCitus;
  let single: TestDb;

  beforeAll(async () => {
    cluster = await startTestCitus(2);
    single = await testDatabase('citus_reference');
    await loadSameBars(cluster.pool);
    await loadSameBars(single);
  }, 300_000);
  afterAll(async () => {
    await single?.end();
    await cluster?.stop();
  });

  it('bqx migrate set up Citus mode: m1 and bqx distributed by pair and co-located, pairs and settings reference tables, the queue on the coordinator', async () => {
    const r = await cluster.pool.query(
      `select logicalrelid::text as t, partmethod, colocationid, repmodel
         from pg_dist_partition where logicalrelid::text like 'bqx.%' order by 1`);
    const by = Object.fromEntries(r.rows.map((x) => [x.t, x]));
    expect(by['bqx.m1'].partmethod).toBe('h');
    expect(by['bqx.bqx'].partmethod).toBe('h');
    expect(by['bqx.bqx'].colocationid).toBe(by['bqx.m1'].colocationid);
    expect(by['bqx.pairs'].partmethod).toBe('n');
    expect(by['bqx.pairs'].repmodel).toBe('t');
    expect(by['bqx.settings'].partmethod).toBe('n');
    // the queue: no shard anywhere but the coordinator
    const jobs = await cluster.pool.query(
      `select count(*)::int as n from citus_shards where table_name = 'bqx.jobs'::regclass and nodeport <> $1`, [cluster.coordinator.port]);
    expect(jobs.rows[0].n).toBe(0);
    expect((await cluster.pool.query(`select bqx_internal.citus_mode() as on`)).rows[0].on).toBe(true);
    // the engines exist on every worker (routines are distributed objects)
    for (const w of cluster.workerPools) {
      const f = await w.query(`select to_regprocedure('bqx_internal.engine_sql(text, timestamptz, timestamptz)') is not null as ok`);
      expect(f.rows[0].ok).toBe(true);
    }
  });

  describeEachEngine('backfill through the queue with 2 workers', (engine) => {
    let notices: Notice[] = [];

    beforeAll(async () => {
      await useEngine(cluster.pool, engine);
      await useEngine(single, engine);
      await single.query(`select bqx.enqueue($1, $2, $3, true)`, [PAIRS, FROM, TO]);
      await drain(single.url, 1);
      await cluster.pool.query(`select bqx.enqueue($1, $2, $3, true)`, [PAIRS, FROM, TO]);
      notices = await drain(cluster.coordinator.url, 2, [`set citus.log_remote_commands = on`]);
    }, 600_000);

    it('every job is done, and every stored row equals the single-node result bit for bit', async () => {
      expect(await jobsState(cluster.pool)).toEqual({ done: PAIRS.length * 3 });
      const engines = await cluster.pool.query(`select distinct engine from bqx.jobs`);
      expect(engines.rows.map((x) => x.engine)).toEqual([engine]);
      const want = await storedRows(single);
      expect(Object.keys(want)).toEqual([...PAIRS].sort());
      expect(await storedRows(cluster.pool)).toEqual(want);
    });

    it("each pair's rows live in its shard on the worker that holds its bars", async () => {
      for (const pair of PAIRS) {
        const s = await cluster.pool.query(
          `select b.shard_name as bqx_shard, b.nodeport, m.nodeport as m1_port
             from citus_shards b, citus_shards m
            where b.shardid = get_shard_id_for_distribution_column('bqx.bqx', $1::text)
              and m.shardid = get_shard_id_for_distribution_column('bqx.m1', $1::text)`, [pair]);
        const { bqx_shard: shard, nodeport, m1_port: m1Port } = s.rows[0];
        expect(nodeport).toBe(m1Port);
        expect(nodeport).not.toBe(cluster.coordinator.port);
        const total = (await cluster.pool.query(`select count(*)::int as n from bqx.bqx where pair = $1`, [pair])).rows[0].n;
        const i = cluster.workers.findIndex((w) => w.port === nodeport);
        const local = await cluster.workerPools[i].query(`select count(*)::int as n from ${shard} where pair = $1`, [pair]);
        expect(local.rows[0].n).toBe(total);
        expect(total).toBeGreaterThan(0);
      }
      // both workers hold data: the pairs are spread
      const ports = await cluster.pool.query(
        `select count(distinct nodeport)::int as n from citus_shards where table_name = 'bqx.bqx'::regclass and shard_size > 8192`);
      expect(ports.rows[0].n).toBe(2);
    });

    it('bqx.verify passes every check of every month, run on the worker holding the pair', async () => {
      const r = await cluster.pool.query(
        `select p.pair, m.month, v."check", v.ok
           from unnest($1::text[]) p(pair), unnest(array['2024-01', '2024-02', '2024-03']) m(month),
                lateral bqx.verify(p.pair, m.month, 50) v where not v.ok`, [PAIRS]);
      expect(r.rows).toEqual([]);
      const one = await cluster.pool.query(`select "check", expected from bqx.verify('EURUSD', '2024-01', 0) where "check" = 'partition'`);
      expect(one.rows[0].expected).toMatch(/^bqx\.bqx_\d+$/); // the pair's shard of bqx.bqx
      // what bqx verify (the CLI) checks: every pair-month with rows or bars
      const targets = await cluster.pool.query(`select count(*)::int as n from bqx_internal.verify_targets(null, $1, $2)`, [FROM, TO]);
      expect(targets.rows[0].n).toBe(PAIRS.length * 3);
    });

    it("the report's data reads across the cluster: progress, data quality, storage by pair", async () => {
      const c = await cluster.pool.connect();
      try {
        const d = await collectReport(c, { verifyMonths: 2 });
        expect(d.overall).toMatchObject({ jobs_total: PAIRS.length * 3, jobs_done: PAIRS.length * 3 });
        expect(d.byPair.map((p) => p.pair).sort()).toEqual([...PAIRS].sort());
        expect(d.quality.map((q) => q.pair).sort()).toEqual(expect.arrayContaining([...PAIRS].sort()));
        expect(d.verify?.rows.every((v) => v.ok)).toBe(true);
        // no month leaves on a cluster: each pair's share of the distributed table
        expect(d.storage.map((x) => [x.pair, x.months])).toEqual([...PAIRS].sort().map((p) => [p, 3]));
        const stored = await cluster.pool.query(`select pair, count(*)::bigint as n from bqx.bqx group by pair`);
        for (const r of stored.rows) expect(d.storage.find((x) => x.pair === r.pair)?.live_rows).toBe(r.n);
        expect(d.storage.every((x) => Number(x.table_bytes) > 0 && Number(x.total_bytes) >= Number(x.table_bytes))).toBe(true);
      } finally {
        c.release();
      }
    });

    it('the computation ran on the worker: the coordinator sent one delegated call per job, and no row', async () => {
      const sent = notices.filter((n) => /^issuing /.test(n.message));
      const calls = sent.filter((n) => /shard_write_month/.test(n.message));
      expect(calls.length).toBe(PAIRS.length * 3);
      for (const c of calls) {
        const pair = /shard_write_month\('([A-Z]{6})'/.exec(c.message)?.[1];
        const port = Number(/:(\d+)/.exec(c.detail ?? '')?.[1]);
        const holder = await cluster.pool.query(
          `select nodeport from citus_shards where shardid = get_shard_id_for_distribution_column('bqx.m1', $1::text)`, [pair]);
        expect(port).toBe(holder.rows[0].nodeport);
      }
      // nothing computed on the coordinator was shipped as rows
      expect(sent.filter((n) => /insert into bqx\.bqx|copy bqx\.bqx/i.test(n.message))).toEqual([]);
    });
  });

  describe('a worker backend killed mid-job', () => {
    it('the attempt stores nothing, the job re-runs, and the month is whole', async () => {
      const pair = PAIRS[0];
      const month = (db: Pick<pg.Pool, 'query'>) => db.query(
        `select count(*)::int as n, md5(string_agg(b::text, ',' order by ts_utc)) as d from bqx.bqx b
          where pair = $1 and ts_utc >= '2024-02-01' and ts_utc < '2024-03-01'`, [pair]).then((r) => r.rows[0]);
      await cluster.pool.query(`call bqx.backfill($1, '2024-02')`, [pair]);
      const before = await month(cluster.pool);
      expect(before.n).toBeGreaterThan(0);
      const holder = await cluster.pool.query(
        `select nodeport from citus_shards where shardid = get_shard_id_for_distribution_column('bqx.m1', $1::text)`, [pair]);
      const w = cluster.workerPools[cluster.workers.findIndex((x) => x.port === holder.rows[0].nodeport)];
      // the worker's backends pause after computing, before the write (ALTER SYSTEM, for
      // the coordinator's cached connection too; the SET makes the name known to it)
      const gate = await w.connect();
      let work: Promise<unknown> | undefined;
      let victim: number | undefined;
      try {
        await gate.query(`set bqx.test_pause_swap = ''`);
        await gate.query(`alter system set bqx.test_pause_swap = '4242015'`);
        await gate.query(`select pg_reload_conf()`);
        await gate.query(`select pg_advisory_lock(4242015)`);
        await cluster.pool.query(`delete from bqx.bqx where pair = $1 and ts_utc >= '2024-02-01' and ts_utc < '2024-03-01'`, [pair]);
        await cluster.pool.query(`select bqx.enqueue($1, '2024-02', '2024-02', true)`, [[pair]]);
        work = drain(cluster.coordinator.url, 1);
        for (let i = 0; i < 600 && victim === undefined; i++) {
          const r = await w.query(`select pid from pg_stat_activity where wait_event_type = 'Lock' and query like '%shard_write_month%'`);
          victim = r.rows[0]?.pid;
          if (victim === undefined) await new Promise((res) => setTimeout(res, 100));
        }
        expect(victim).toBeDefined();
      } finally {
        await gate.query(`alter system reset bqx.test_pause_swap`);
        await gate.query(`select pg_reload_conf()`);
        if (victim !== undefined) await w.query(`select pg_terminate_backend($1::int)`, [victim]);
        await gate.query(`select pg_advisory_unlock_all()`);
        gate.release();
      }
      // Citus cannot commit a transaction whose worker connection died, so this bqx.work
      // call fails like a crashed worker: its job stays claimed by a session that is gone
      const failed = await work?.then(() => undefined, (e: Error) => e);
      expect(failed?.message).toMatch(/could not commit transaction|connection/);
      expect((await month(cluster.pool)).n).toBe(0);
      // the next worker re-runs it
      await drain(cluster.coordinator.url, 1);
      const job = await cluster.pool.query(`select status, attempts, last_sqlstate from bqx.jobs where pair = $1 and month = '2024-02'`, [pair]);
      expect(job.rows[0].status).toBe('done');
      expect(job.rows[0].attempts).toBe(2);
      expect(job.rows[0].last_sqlstate).toBe('57P01');
      expect(await month(cluster.pool)).toEqual(before);
    }, 180_000);
  });

  it('pg_cron on the coordinator drains the queue: bqx.schedule(2), each job computed on its worker', async () => {
    await cluster.pool.query(`select bqx.enqueue($1, '2024-03', '2024-03', true)`, [PAIRS]);
    await cluster.pool.query(`select bqx.schedule(2)`);
    let state: Record<string, number> = {};
    for (let i = 0; i < 150; i++) {
      state = await jobsState(cluster.pool);
      if (Object.keys(state).length === 1 && state.done) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(state).toEqual({ done: PAIRS.length * 3 });
    const workers = await cluster.pool.query(`select distinct worker ~ '^bqx-worker-[12] ' as cron from bqx.jobs where month = '2024-03'`);
    expect(workers.rows).toEqual([{ cron: true }]);
    expect((await cluster.pool.query(`select count(*)::int as n from cron.job where jobname like 'bqx-worker-%'`)).rows[0].n).toBe(0);
  }, 200_000);

  it('live mode is refused with SQLSTATE 0A000, DETAIL and HINT', async () => {
    for (const sql of [`select bqx.set_live('EURUSD', true)`, `call bqx.catch_up()`]) {
      const err = await cluster.pool.query(sql).then(() => undefined, (e: pg.DatabaseError) => e);
      expect(err?.code).toBe('0A000');
      expect(err?.message).toMatch(/live mode is not supported in Citus mode/);
      expect(err?.detail).toBeTruthy();
      expect(err?.hint).toBeTruthy();
    }
  });

  it('migrations down to zero and up again on the cluster: Citus mode comes back and backfills', async () => {
    await migrate(cluster.coordinator.url, { direction: 'down', count: Infinity });
    const gone = await cluster.pool.query(`select count(*)::int as n from pg_dist_partition where logicalrelid::text like 'bqx.%'`);
    expect(gone.rows[0].n).toBe(0);
    await migrate(cluster.coordinator.url);
    const back = await cluster.pool.query(
      `select logicalrelid::text as t from pg_dist_partition where logicalrelid::text like 'bqx.%' order by 1`);
    expect(back.rows.map((x) => x.t)).toEqual(expect.arrayContaining(['bqx.bqx', 'bqx.m1', 'bqx.pairs', 'bqx.settings']));
    await loadSameBars(cluster.pool);
    await cluster.pool.query(`call bqx.backfill('USDJPY', '2024-01')`);
    await single.query(`call bqx.backfill('USDJPY', '2024-01')`);
    const a = await cluster.pool.query(`select md5(string_agg(b::text, ',' order by ts_utc)) as d from bqx.bqx b where pair = 'USDJPY'`);
    const b = await single.query(`select md5(string_agg(b::text, ',' order by ts_utc)) as d from bqx.bqx b where pair = 'USDJPY' and ts_utc < '2024-02-01'`);
    expect(a.rows[0].d).toBe(b.rows[0].d);
  }, 300_000);
});
