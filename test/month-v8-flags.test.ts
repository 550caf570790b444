// V8's heap in the backends that compute months (bqx_internal.set_month_v8_flags): a month
// writer starts PLV8 with 16 MB semi-spaces (V8 reads plv8.v8_flags only when PLV8 is
// loaded into a backend), puts the session's plv8.v8_flags back afterwards, and lets an
// administrator's own flags win. Each case uses a fresh session, in which nothing has
// loaded PLV8 yet.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { describeEachEngine, useEngine } from './support/engines.js';
import { loadWalkBars } from './support/queue.js';

const MiB = 1024 * 1024;

describeEachEngine('V8 flags of a month writer', (engine) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDatabase(`v8_flags_${engine}`);
    await loadWalkBars(db, ['EURUSD'], '2024-06-25', '2024-08-01');
    await useEngine(db, engine);
  });
  afterAll(async () => { await db?.end(); });

  /** A fresh session: runs `setup`, backfills 2024-07, returns its plv8.v8_flags and (plv8) its V8 heap size. */
  const backfillInFreshSession = async (setup?: string) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      if (setup) await c.query(setup);
      const r = (await c.query(`call bqx.backfill('EURUSD', '2024-07')`)).rows[0];
      expect(r).toMatchObject({ engine });
      const flags = (await c.query(`select current_setting('plv8.v8_flags', true) as f`)).rows[0].f as string | null;
      let heap: number | undefined;
      if (engine === 'plv8') {
        await c.query(`do language plv8 $$ plv8.execute("select set_config('bqx_test.heap', $1, false)", [String(plv8.memory_usage().total_heap_size)]); $$`);
        heap = Number((await c.query(`select current_setting('bqx_test.heap') as h`)).rows[0].h);
      }
      return { flags, heap };
    } finally {
      await c.end();
    }
  };

  it('leaves the session\'s own plv8.v8_flags as they were', async () => {
    expect((await backfillInFreshSession(`set plv8.v8_flags = '--no-expose-wasm'`)).flags).toBe('--no-expose-wasm');
    expect((await backfillInFreshSession()).flags ?? '').toBe('');
  });

  if (engine === 'plv8') {
    it('starts V8 with 16 MB semi-spaces: the heap holds two of them after a month', async () => {
      const { heap } = await backfillInFreshSession();
      expect(heap).toBeGreaterThanOrEqual(32 * MiB);
    });

    it('lets flags the session (an administrator) set win over bqx\'s', async () => {
      const { heap } = await backfillInFreshSession(`set plv8.v8_flags = '--min-semi-space-size=1 --max-semi-space-size=1'`);
      expect(heap).toBeLessThan(32 * MiB);
    });
  }
});
