// The statistics a month leaf carries (migration 0007, bqx_internal.create_like_bqx).
// ANALYZE of a new month with the default target sorted a 30,000-row sample of each of
// its 40 columns: 0.27 s of autovacuum CPU per month, as much as computing it. bqx.bqx
// keeps statistics on its key (pair, ts_utc) and none on rate and the features, and every
// table bqx makes in its shape (a backfilled month, a month live mode opens, a pair's
// partition) takes bqx.bqx's targets, including ones a user sets.
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { testDatabase, type TestDb } from './support/db.js';
import { loadWalkBars } from './support/queue.js';

describe('statistics targets of month leaves', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await testDatabase('leaf_statistics');
    await loadWalkBars(db, ['EURUSD'], '2024-06-25', '2024-09-01');
  });
  afterAll(async () => { await db?.end(); });

  const targets = async (rel: string) => (await db.query(
    `select attname, attstattarget from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`,
    [rel])).rows.map((r) => [r.attname as string, Number(r.attstattarget)] as const);
  const analyzed = async (rel: string) => {
    await db.query(`analyze ${rel}`);
    return (await db.query(`select attname from pg_stats where schemaname = 'bqx' and tablename = $1 order by attname`,
      [rel.replace(/^bqx\./, '')])).rows.map((r) => r.attname);
  };

  it('keeps the key\'s statistics and none of the other 38 columns\', on bqx.bqx and a backfilled month', async () => {
    const parent = await targets('bqx.bqx');
    expect(parent).toHaveLength(40);
    expect(parent.filter(([, t]) => t === -1).map(([a]) => a)).toEqual(['pair', 'ts_utc']);
    expect(parent.filter(([, t]) => t === 0)).toHaveLength(38);

    await db.query(`call bqx.backfill('EURUSD', '2024-07')`);
    expect(await targets('bqx.bqx_eurusd_2024_07')).toEqual(parent);
    expect(await targets('bqx.bqx_eurusd')).toEqual(parent);
    expect(await analyzed('bqx.bqx_eurusd_2024_07')).toEqual(['pair', 'ts_utc']);
  });

  it('gives a month live mode opens the same targets', async () => {
    const leaf = (await db.query(`select bqx_internal.ensure_month_partition('EURUSD', '2024-10-15 12:00+00') as l`)).rows[0].l;
    expect(leaf).toBe('bqx_eurusd_2024_10');
    expect(await targets(`bqx.${leaf}`)).toEqual(await targets('bqx.bqx'));
  });

  it('carries a target a user sets on bqx.bqx to the existing months and to every later one', async () => {
    await db.query(`alter table bqx.bqx alter column w15_bqx_return set statistics 50`);
    const old = new Map(await targets('bqx.bqx_eurusd_2024_07'));
    expect(old.get('w15_bqx_return')).toBe(50);
    await db.query(`call bqx.backfill('EURUSD', '2024-08')`);
    const fresh = new Map(await targets('bqx.bqx_eurusd_2024_08'));
    expect(fresh.get('w15_bqx_return')).toBe(50);
    expect(fresh.get('w15_bqx_max')).toBe(0);
    expect(await analyzed('bqx.bqx_eurusd_2024_08')).toEqual(['pair', 'ts_utc', 'w15_bqx_return']);
  });
});
