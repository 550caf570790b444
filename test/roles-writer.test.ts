// Roles do what the README says (issue #11, findings 3 and 7), as real non-superuser
// LOGIN roles: a member of bqx_writer runs every documented write path (backfill, the
// queue, plain inserts with live mode on, import with and without --backfill, catch_up,
// set_live; pg_cron scheduling fails with a clear 55000 where pg_cron is not installed)
// but changes bqx.jobs only through bqx's functions; a member of bqx_reader runs
// bqx.verify; PUBLIC (a role with no bqx grant) may execute no routine of bqx_internal
// and no write path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

describe('roles: writer, reader and PUBLIC', () => {
  let db: TestDb;
  const logins = { writer: `bqx_t_writer_${process.pid}`, reader: `bqx_t_reader_${process.pid}`, stranger: `bqx_t_stranger_${process.pid}` };
  const urls: Record<string, string> = {};
  const clients: pg.Client[] = [];

  async function as(who: keyof typeof logins): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: urls[who] });
    await c.connect();
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    db = await testDatabase('roles_writer');
    await loadWalkBars(db, ['EURUSD'], '2024-06-24', '2024-08-06');
    for (const [k, login] of Object.entries(logins)) {
      await db.query(`drop role if exists ${login}`);
      const member = k === 'writer' ? ' in role bqx_writer' : k === 'reader' ? ' in role bqx_reader' : '';
      // a password: the test server may require one on host connections (testcontainers does)
      await db.query(`create role ${login} login password '${login}'${member}`);
      const url = new URL(db.url);
      url.username = login;
      url.password = login;
      urls[k] = url.toString();
    }
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    for (const login of Object.values(logins)) {
      await db?.query(`drop owned by ${login}`).catch(() => {});
      await db?.query(`drop role if exists ${login}`).catch(() => {});
    }
    await db?.end();
  });

  it('the writer backfills, runs the queue, and inserts bars that live mode computes', async () => {
    const w = await as('writer');
    const b = await w.query(`call bqx.backfill('EURUSD', '2024-06')`);
    expect(Number(b.rows[0].rows_written)).toBeGreaterThan(0);
    expect((await w.query(`select bqx.enqueue(array['EURUSD'], '2024-07', '2024-07') as n`)).rows[0].n).toBe(1);
    const work = await w.query(`call bqx.work()`);
    expect(work.rows[0]).toMatchObject({ jobs_done: 1, jobs_failed: 0, drained: true });
    const job = await db.query(`select status, attempts from bqx.jobs where month = '2024-07'`);
    expect(job.rows[0]).toMatchObject({ status: 'done', attempts: 1 });
    // a plain INSERT with live mode on (the default): its row is computed in the same transaction
    await w.query(`insert into bqx.m1 values ('EURUSD', '2024-08-06T00:00Z', 1.2345)`);
    const row = await w.query(`select rate from bqx.bqx where pair = 'EURUSD' and ts_utc = '2024-08-06T00:00Z'`);
    expect(row.rows[0]?.rate).toBe(1.2345);
    await w.query(`update bqx.m1 set rate = 1.2346 where pair = 'EURUSD' and ts_utc = '2024-08-06T00:00Z'`);
    await w.query(`delete from bqx.m1 where pair = 'EURUSD' and ts_utc = '2024-08-06T00:00Z'`);
    const gone = await w.query(`select count(*)::int as n from bqx.bqx where pair = 'EURUSD' and ts_utc = '2024-08-06T00:00Z'`);
    expect(gone.rows[0].n).toBe(0);
  });

  it('the writer runs catch_up and set_live; scheduling says what is missing', async () => {
    const w = await as('writer');
    expect((await w.query(`select bqx.set_live('EURUSD', false) as was`)).rows[0].was).toBe(true);
    expect((await w.query(`select bqx.set_live('EURUSD', true) as was`)).rows[0].was).toBe(false);
    const c = await w.query(`call bqx.catch_up('1 hour')`);
    expect(c.rows[0].pairs).toBeGreaterThan(0);
    for (const sql of [`select bqx.schedule(1)`, `select bqx.schedule_live()`, `select bqx.unschedule()`, `select bqx.unschedule_live()`]) {
      // this database has no pg_cron: 55000 naming what is missing, never 42501
      await expect(w.query(sql), sql).rejects.toMatchObject({ code: '55000' });
    }
  });

  it('the writer imports a file, with and without --backfill (the bqx command)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bqx-roles-'));
    const bars = (base: number) => Array.from({ length: 300 }, (_, i) => {
      const t = new Date(Date.UTC(2024, 6, 2, 0, i));
      const p = (n: number) => String(n).padStart(2, '0');
      return `2024${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())} ${p(t.getUTCHours())}${p(t.getUTCMinutes())}00;1;1;1;${(base + i * 1e-5).toFixed(5)};0`;
    }).join('\n') + '\n';
    const run = (file: string, ...args: string[]) => execFileAsync(process.execPath,
      [join(repoRoot, 'dist', 'bqx.js'), 'import', file, '--pair', 'GBPUSD', '--format', 'histdata', '--tz', 'UTC', ...args],
      { env: { ...process.env, DATABASE_URL: urls.writer, CI: 'true' } });
    writeFileSync(join(dir, 'a.csv'), bars(1.27));
    await run(join(dir, 'a.csv'));
    expect((await db.query(`select count(*)::int as n from bqx.m1 where pair = 'GBPUSD'`)).rows[0].n).toBe(300);
    writeFileSync(join(dir, 'b.csv'), bars(1.31));
    await run(join(dir, 'b.csv'), '--update', '--backfill');
    const rows = await db.query(`select count(*)::int as n, min(rate) as lo from bqx.bqx where pair = 'GBPUSD'`);
    expect(rows.rows[0]).toMatchObject({ n: 300, lo: 1.31 });
  });

  it('the writer changes bqx.jobs only through bqx functions', async () => {
    const w = await as('writer');
    for (const sql of [
      `update bqx.jobs set status = 'done', rows_written = 999`,
      `insert into bqx.jobs (pair, month, month_start, month_end) values ('EURUSD', '2023-01', '2023-01-01', '2023-02-01')`,
      `delete from bqx.jobs`,
      `insert into bqx.bqx (pair, ts_utc, rate) values ('EURUSD', '2024-07-03', 1.1)`,
      `delete from bqx.bqx_eurusd_2024_07`,
    ]) {
      await expect(w.query(sql), sql).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('the reader runs bqx.verify and reads every view, and nothing else', async () => {
    const r = await as('reader');
    const v = await r.query(`select bool_and(ok) as ok from bqx.verify('EURUSD', '2024-07', 20)`);
    expect(v.rows[0].ok).toBe(true);
    for (const sql of [`select * from bqx.progress`, `select * from bqx.job_activity`, `select * from bqx.storage`]) {
      await expect(r.query(sql), sql).resolves.toBeTruthy();
    }
    for (const sql of [`call bqx.catch_up()`, `select bqx.set_live('EURUSD', false)`,
      `select bqx_internal.lock_live_pairs(array['EURUSD'])`, `insert into bqx.m1 values ('EURUSD', now(), 1.1)`]) {
      await expect(r.query(sql), sql).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('a stranger cannot take bqx\'s advisory locks: live inserts, backfills and the queue go on (finding 6)', async () => {
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-08', '2024-08')`);
    const job = (await db.query(`select job_id from bqx.jobs where month = '2024-08'`)).rows[0].job_id;
    const s = await as('stranger');
    await expect(s.query(`select * from bqx_internal.lock_salt`)).rejects.toMatchObject({ code: '42501' });
    await expect(s.query(`select bqx_internal.lock_key('bqx.live:EURUSD')`)).rejects.toMatchObject({ code: '42501' });
    // the keys of the recipe (fixed hashes before), held for the whole test
    await s.query(`begin`);
    await s.query(`select pg_advisory_xact_lock(hashtextextended('bqx.live:EURUSD', 0)),
                          pg_advisory_xact_lock(hashtextextended('bqx.month:bqx_eurusd_2024_07', 0)),
                          pg_advisory_xact_lock(hashtextextended('bqx.month:bqx_eurusd_2024_08', 0)),
                          pg_advisory_xact_lock(1651603456, $1::int)`, [job]);
    const w = await as('writer');
    await w.query(`set lock_timeout = '2s'`);
    await w.query(`insert into bqx.m1 values ('EURUSD', '2024-07-06T12:00Z', 1.2)`);
    await w.query(`call bqx.backfill('EURUSD', '2024-07')`);
    const work = await w.query(`call bqx.work()`);
    expect(work.rows[0]).toMatchObject({ jobs_done: 1, jobs_failed: 0, drained: true });
    await s.query(`rollback`);
  });

  it('a stranger who copied a job\'s lock key from pg_locks is named, and the queue is not reported drained', async () => {
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-06', '2024-06', true)`);
    const job = (await db.query(`select job_id from bqx.jobs where month = '2024-06'`)).rows[0].job_id;
    // pg_locks shows every session the keys held right now: the class is not secret from there
    const cls = (await db.query(`select bqx_internal.job_lock_class() as c`)).rows[0].c;
    const s = await as('stranger');
    const pid = (await s.query(`select pg_backend_pid() as pid`)).rows[0].pid;
    await s.query(`select pg_advisory_lock($1, $2)`, [cls, job]);
    const w = await as('writer');
    const notices: string[] = [];
    w.on('notice', (n) => notices.push(`${n.message} ${n.detail ?? ''}`));
    const work = await w.query(`call bqx.work()`);
    expect(work.rows[0]).toMatchObject({ jobs_done: 0, drained: false });
    expect(notices.join('\n')).toMatch(new RegExp(`job ${job} \\(EURUSD 2024-06\\) is locked[^]*pid ${pid} \\(user ${logins.stranger}`));
    await s.query(`select pg_advisory_unlock_all()`);
    expect((await w.query(`call bqx.work()`)).rows[0]).toMatchObject({ jobs_done: 1, drained: true });
  });

  it('PUBLIC may execute no routine of bqx_internal and no routine of bqx', async () => {
    const granted = await db.query(`
      select p.oid::regprocedure::text as routine
        from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
       where n.nspname in ('bqx', 'bqx_internal') and has_function_privilege($1, p.oid, 'execute')`, [logins.stranger]);
    expect(granted.rows.map((x) => x.routine)).toEqual([]);
    const s = await as('stranger');
    await expect(s.query(`select * from bqx.verify('EURUSD', '2024-07')`)).rejects.toMatchObject({ code: '42501' });
  });
});
