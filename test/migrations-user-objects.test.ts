// bqx migrate never drops a user's object (issue #11, findings 4 and 5): routines, views
// and triggers are updated in place (CREATE OR REPLACE), so a user's view on a bqx view
// (and its GRANT), a view on that view, a materialized view with its data, a view over
// bqx.verify(), a BEGIN ATOMIC function, a column DEFAULT and a CHECK constraint that call
// bqx functions all survive; a routine that no file defines any more is dropped without
// CASCADE, and when a user object depends on it bqx migrate refuses, naming it, and
// changes nothing. A migrate while a worker drains the queue costs no attempt and no error.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../scripts/lib/migrate.js';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';
import { openSession, settle, waitFor, type Session } from './support/sessions.js';

let db: TestDb;
const opened: Session[] = [];

beforeAll(async () => {
  db = await testDatabase('migrations_user');
  await loadWalkBars(db, ['EURUSD'], '2024-06-24', '2024-09-01');
  await db.query(`call bqx.backfill('EURUSD', '2024-07')`);
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.end();
});
afterAll(async () => { await db?.end(); });

const USER_OBJECTS = `
  create view public.my_progress as select * from bqx.progress;
  grant select on public.my_progress to bqx_reader;
  create view public.my_progress_2 as select * from public.my_progress;
  create materialized view public.my_pairs as select * from bqx.storage;
  create view public.my_verify as select * from bqx.verify('EURUSD', '2024-07', 5);
  create function public.my_leaf(p text) returns text language sql
    begin atomic select bqx_internal.leaf_name(p, '2024-07-01T00:00Z'::timestamptz); end;
  create table public.my_table (
    leaf text default bqx_internal.leaf_name('EURUSD', '2024-07-01T00:00Z'::timestamptz)
         check (leaf = bqx_internal.leaf_name('EURUSD', '2024-07-01T00:00Z'::timestamptz)));
  insert into public.my_table default values;`;

async function userObjects(): Promise<Record<string, unknown>> {
  const r = await db.query(`
    select (select count(*) from pg_class where relnamespace = 'public'::regnamespace
              and relname in ('my_progress', 'my_progress_2', 'my_pairs', 'my_verify', 'my_table'))::int as relations,
           (select count(*) from public.my_pairs)::int as matview_rows,
           has_table_privilege('bqx_reader', 'public.my_progress', 'select') as grant_kept,
           (select public.my_leaf('EURUSD')) as atomic,
           (select count(*) from pg_attrdef where adrelid = 'public.my_table'::regclass)::int as defaults,
           (select count(*) from pg_constraint where conrelid = 'public.my_table'::regclass and contype = 'c')::int as checks`);
  return r.rows[0];
}

describe('bqx migrate and user objects (finding 4)', () => {
  it('keeps every kind of user object built on bqx, with its data and grants', async () => {
    await db.query(USER_OBJECTS);
    const before = await userObjects();
    expect(before).toMatchObject({ relations: 5, grant_kept: true, atomic: 'bqx_eurusd_2024_07', defaults: 1, checks: 1 });
    expect(before.matview_rows).toBeGreaterThan(0);
    await migrate(db.url);
    expect(await userObjects()).toEqual(before);
    await expect(db.query(`select * from public.my_progress_2`)).resolves.toBeTruthy();
    await expect(db.query(`select * from public.my_verify`)).resolves.toBeTruthy();
  });

  it('drops a routine no file defines, never with CASCADE: refuses, naming a dependent user object', async () => {
    await db.query(`create function bqx_internal.obsolete() returns integer language sql immutable set search_path = '' as 'select 1'`);
    await db.query(`create view public.uses_obsolete as select bqx_internal.obsolete() as x`);
    const r = await settle(migrate(db.url));
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: '2BP01' });
    expect(r.error!.message).toContain('bqx_internal.obsolete()');
    expect((r.error as { detail?: string }).detail).toContain('uses_obsolete');
    // nothing changed: the routine and the user's view are both still there
    expect((await db.query(`select x from public.uses_obsolete`)).rows[0].x).toBe(1);
    await db.query(`drop view public.uses_obsolete`);
    await migrate(db.url);
    const gone = await db.query(`select to_regprocedure('bqx_internal.obsolete()') is null as gone`);
    expect(gone.rows[0].gone).toBe(true);
    expect(await userObjects()).toMatchObject({ relations: 5, grant_kept: true });
  });
});

describe('bqx migrate while a worker drains the queue (finding 5)', () => {
  it('costs no attempt and no error, and does not stall bqx.m1', async () => {
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-08', '2024-08')`);
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-07', '2024-07', true)`);
    const worker = await openSession(db.url, 'bqx test worker');
    opened.push(worker);
    await worker.query(`set bqx.test_job_delay = '1'`);
    const w = settle(worker.query(`call bqx.work()`));
    await waitFor(db.pool, `select exists (select from bqx.jobs where status = 'running') as ok`, [], 'a job runs', 60_000);
    const m = settle(migrate(db.url));
    // a live writer of bqx.m1 is not held up behind the migrate
    const writer = await openSession(db.url, 'bqx test writer');
    opened.push(writer);
    await writer.query(`set lock_timeout = '1s'`);
    const ins = await settle(writer.query(`insert into bqx.m1 values ('EURUSD', '2024-06-23T12:00Z', 1.1)`));
    expect(ins.error?.message ?? 'ok').toBe('ok');
    const mr = await m;
    expect(mr.error?.message ?? 'ok').toBe('ok');
    const wr = await w;
    expect(wr.error?.message ?? 'ok').toBe('ok');
    expect(wr.value!.rows[0]).toMatchObject({ jobs_done: 2, jobs_failed: 0, drained: true });
    const jobs = await db.query(`select month, status, attempts, last_sqlstate from bqx.jobs order by month`);
    for (const j of jobs.rows) expect(j, j.month).toMatchObject({ status: 'done', attempts: 1 });
    // and the worker's session goes on working with the routines the migrate replaced
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-08', '2024-08', true)`);
    const again = await worker.query(`call bqx.work()`);
    expect(again.rows[0]).toMatchObject({ jobs_done: 1, jobs_failed: 0 });
  });
});
