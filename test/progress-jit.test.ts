// The driver polls bqx_internal.progress_snapshot every second or two during a backfill,
// on the cores the workers need. The progress views' estimates pass jit_above_cost, and
// JIT compiling took 90-190 ms of each poll (3-4 ms without), so the function runs
// without JIT. Seen here through auto_explain's plans of the nested statements, sent to
// the client: the views read directly are JIT-compiled (when the server has JIT), the
// snapshot is not.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';

describe('progress_snapshot and JIT', () => {
  let db: TestDb;
  let c: pg.Client;
  const notices: string[] = [];
  beforeAll(async () => {
    db = await testDatabase('progress_jit');
    await loadWalkBars(db, ['EURUSD'], '2024-06-25', '2024-08-01');
    await db.query(`select bqx.enqueue(array['EURUSD'], '2024-07', '2024-07')`);
    c = new pg.Client({ connectionString: db.url });
    await c.connect();
    c.on('notice', (n) => notices.push(n.message ?? ''));
    await c.query(`load 'auto_explain'`);
    await c.query(`set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on;
                   set auto_explain.log_analyze = on; set auto_explain.log_level = notice;
                   set jit = on; set jit_above_cost = 0; set jit_optimize_above_cost = -1; set jit_inline_above_cost = -1`);
  });
  afterAll(async () => { await c?.end(); await db?.end(); });

  /** The plans auto_explain sends while `sql` runs, one per statement (sql's own included). */
  const plans = async (sql: string) => {
    notices.length = 0;
    await c.query(sql);
    return [...notices];
  };

  it('compiles nothing, even with jit_above_cost = 0', async () => {
    const jitAvailable = (await c.query(`select pg_jit_available() as j`)).rows[0].j as boolean;
    // the control: the same views read directly are compiled where the server has JIT
    const direct = (await plans(`select * from bqx.progress`)).join('\n');
    expect(direct).toMatch(/Query Text/);
    if (jitAvailable) expect(direct).toMatch(/JIT:/);
    const call = 'select bqx_internal.progress_snapshot(null)';
    // the statements inside it (the plan of the call itself is the caller's business)
    const snapshot = (await plans(call)).filter((p) => !p.includes(`Query Text: ${call}`)).join('\n');
    expect(snapshot).toMatch(/Query Text/);
    expect(snapshot).not.toMatch(/JIT:/);
  });
});
