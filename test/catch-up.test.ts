// Catch-up: live mode for a source bqx does not own. A user's table with its own column
// names, seen through a view named in setting 'source'; CALL bqx.catch_up() computes new
// bars and late bars in the horizon, and gives the same rows as the live trigger does for
// the same bars in bqx.m1. schedule_live/unschedule_live drive it with pg_cron.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBqx } from './support/bars.js';
import { cronDatabaseUrl, testDatabase, type TestDb } from './support/db.js';
import { applyBars, expectFullRecompute, FAR_FUTURE, FAR_PAST, iso, MINUTE, newModel, rateText, type Bar } from './support/live-model.js';
import { describeEachEngine, useEngine } from './support/engines.js';
import { eurSeries, jpySeries, mulberry32, randInt } from './support/random-series.js';

const PAIRS = ['EURUSD', 'USDJPY'];

describeEachEngine('catch-up over a user-shaped source', (engine) => {
  let viaView: TestDb;
  let viaTrigger: TestDb;
  beforeAll(async () => {
    viaView = await testDatabase(`catchup_view_${engine}`);
    viaTrigger = await testDatabase(`catchup_trigger_${engine}`);
    await useEngine(viaView, engine);
    await useEngine(viaTrigger, engine);
    // the user's own table: other column names, numeric prices, a symbol in lower case
    await viaView.query(`create table public.quotes (symbol text, bar_time timestamptz, close_px numeric, primary key (symbol, bar_time))`);
    await viaView.query(`create view public.quotes_m1 as
      select upper(symbol) as pair, bar_time as ts_utc, close_px::float8 as rate from public.quotes`);
    await viaView.query(`update bqx.settings set value = 'public.quotes_m1' where key = 'source'`);
  });
  afterAll(async () => {
    await viaView?.end();
    await viaTrigger?.end();
  });

  const model = newModel(PAIRS);

  async function addBars(bars: readonly Bar[]): Promise<void> {
    await viaView.query(
      // rates as text: float8::numeric would keep only 15 significant digits
      `insert into public.quotes select lower(p), t, r::numeric from unnest($1::text[], $2::timestamptz[], $3::text[]) as u(p, t, r)`,
      [bars.map((b) => b.pair), bars.map((b) => iso(b.ts)), bars.map((b) => rateText(b.rate))]);
    await viaTrigger.query(
      `insert into bqx.m1 select * from unnest($1::text[], $2::timestamptz[], $3::float8[])`,
      [bars.map((b) => b.pair), bars.map((b) => iso(b.ts)), bars.map((b) => rateText(b.rate))]);
    applyBars(model, bars);
  }

  async function catchUp(horizon = '1 hour'): Promise<{ pairs: number; rows_written: string; rows_deleted: string }> {
    const r = await viaView.query(`call bqx.catch_up($1::interval)`, [horizon]);
    return r.rows[0];
  }

  async function expectSameAsTriggerAndRecompute(context: string): Promise<void> {
    for (const pair of PAIRS) {
      await expectFullRecompute(viaView, model, pair, `${context} (catch-up)`);
      const fromView = await readBqx(viaView, pair, FAR_PAST, FAR_FUTURE);
      const fromTrigger = await readBqx(viaTrigger, pair, FAR_PAST, FAR_FUTURE);
      // same engine, same bars: the catch-up rows are the trigger's rows, bit for bit
      expect(fromView, `${context}: ${pair} vs trigger`).toEqual(fromTrigger);
    }
  }

  it('computes the whole history of pairs with no stored rows, then only what is new', async () => {
    const t0 = Date.UTC(2024, 6, 31, 20, 0); // crosses into August
    const bars: Bar[] = [];
    const series = { EURUSD: eurSeries(5, 500), USDJPY: jpySeries(6, 500) } as Record<string, number[]>;
    for (const pair of PAIRS) series[pair].forEach((rate, i) => bars.push({ pair, ts: t0 + i * MINUTE, rate: i % 97 === 5 ? null : rate }));
    await addBars(bars);
    const first = await catchUp();
    expect(first.pairs).toBe(28);
    expect(Number(first.rows_written)).toBe(bars.filter((b) => b.rate !== null).length);
    await expectSameAsTriggerAndRecompute('first catch-up');
    const again = await catchUp();
    expect(Number(again.rows_written)).toBe(0);
    expect(Number(again.rows_deleted)).toBe(0);
  });

  it('picks up new bars, late bars inside the horizon, corrections and deletions', async () => {
    const rng = mulberry32(77);
    for (let round = 0; round < 6; round++) {
      const bars: Bar[] = [];
      for (const pair of PAIRS) {
        const keys = [...model.get(pair)!.keys()].sort((a, b) => a - b);
        const last = keys[keys.length - 1];
        const base = pair === 'USDJPY' ? 150 : 1.1;
        // new bars, one of them bad
        for (let i = 1; i <= randInt(rng, 1, 20); i++) bars.push({ pair, ts: last + i * MINUTE, rate: i === 3 ? 0 : base * (1 + (rng() - 0.5) * 1e-3) });
        // late bars between existing minutes, inside the last hour
        for (let i = 0; i < 3; i++) {
          const ts = last - randInt(rng, 1, 50) * MINUTE + 30_000 + i * 1000;
          if (!model.get(pair)!.has(ts) && !bars.some((b) => b.pair === pair && b.ts === ts)) bars.push({ pair, ts, rate: base * (1 + (rng() - 0.5) * 1e-3) });
        }
      }
      await addBars(bars);
      // a correction and a deletion inside the horizon
      const pair = PAIRS[round % 2];
      const keys = [...model.get(pair)!.keys()].sort((a, b) => a - b);
      const fix = keys[keys.length - 10];
      const del = keys[keys.length - 20];
      const delRate = model.get(pair)!.get(del);
      const deletesARow = typeof delRate === 'number' && delRate > 0 && Number.isFinite(delRate);
      const fixedRate = model.get(pair)!.get(fix) === null ? 1.1 : (model.get(pair)!.get(fix) as number) * 1.001;
      for (const db of [viaView, viaTrigger]) {
        const table = db === viaView ? `public.quotes` : `bqx.m1`;
        const [p, t, r] = db === viaView ? ['symbol', 'bar_time', 'close_px'] : ['pair', 'ts_utc', 'rate'];
        const sym = db === viaView ? pair.toLowerCase() : pair;
        await db.query(`update ${table} set ${r} = $3 where ${p} = $1 and ${t} = $2`, [sym, iso(fix), fixedRate]);
        await db.query(`delete from ${table} where ${p} = $1 and ${t} = $2`, [sym, iso(del)]);
      }
      model.get(pair)!.set(fix, fixedRate);
      model.get(pair)!.delete(del);
      const r = await catchUp();
      expect(Number(r.rows_deleted), `round ${round}`).toBe(deletesARow ? 1 : 0);
      await expectSameAsTriggerAndRecompute(`round ${round}`);
    }
  });

  it('skips pairs that are not live and rejects bad arguments', async () => {
    await viaView.query(`select bqx.set_live('GBPJPY', false)`);
    await viaView.query(`insert into public.quotes values ('gbpjpy', '2024-08-01', 190)`);
    await catchUp();
    expect((await viaView.query(`select count(*)::int as n from bqx.bqx where pair = 'GBPJPY'`)).rows[0].n).toBe(0);
    await viaView.query(`select bqx.set_live('GBPJPY', true)`);
    await catchUp();
    expect((await viaView.query(`select count(*)::int as n from bqx.bqx where pair = 'GBPJPY'`)).rows[0].n).toBe(1);

    await expect(viaView.query(`call bqx.catch_up(null)`)).rejects.toMatchObject({ code: '22004' });
    await expect(viaView.query(`call bqx.catch_up('-5 minutes')`)).rejects.toMatchObject({ code: '22023' });
  });

  it('the live trigger stays out of the way while the source is not bqx.m1', async () => {
    await viaView.query(`insert into bqx.m1 values ('CHFJPY', '2024-08-01', 170)`);
    expect((await viaView.query(`select count(*)::int as n from bqx.bqx where pair = 'CHFJPY'`)).rows[0].n).toBe(0);
  });

  it('schedule_live needs pg_cron: a clear 55000 error where it is not installed', async () => {
    const installed = (await viaView.query(`select exists (select from pg_extension where extname = 'pg_cron') as ok`)).rows[0].ok;
    if (installed) return; // the test server put pg_cron into every database: nothing to check here
    await expect(viaView.query(`select bqx.schedule_live()`)).rejects.toMatchObject({
      code: '55000', message: expect.stringMatching(/pg_cron is not installed/), hint: expect.stringMatching(/catch_up/),
    });
    await expect(viaView.query(`select bqx.unschedule_live()`)).rejects.toMatchObject({ code: '55000' });
  });
});

describe('schedule_live with pg_cron', () => {
  let cronUrl = '';
  try {
    cronUrl = cronDatabaseUrl();
  } catch {
    cronUrl = '';
  }

  it.skipIf(!cronUrl)('schedules CALL bqx.catch_up() every minute and unschedules it', async () => {
    const c = new pg.Client({ connectionString: cronUrl });
    await c.connect();
    try {
      const id = (await c.query(`select bqx.schedule_live('2 hours') as id`)).rows[0].id;
      const job = await c.query(`select schedule, command from cron.job where jobid = $1`, [id]);
      expect(job.rows[0].schedule).toBe('* * * * *');
      expect(job.rows[0].command).toMatch(/CALL bqx\.catch_up\('02:00:00'::interval\)/);
      // scheduling again replaces the job instead of adding a second one
      const again = (await c.query(`select bqx.schedule_live('2 hours') as id`)).rows[0].id;
      expect(Number(again)).toBe(Number(id));
      expect((await c.query(`select bqx.unschedule_live() as ok`)).rows[0].ok).toBe(true);
      expect((await c.query(`select bqx.unschedule_live() as ok`)).rows[0].ok).toBe(false);
    } finally {
      await c.query(`select cron.unschedule(jobid) from cron.job where jobname = 'bqx-live'`).catch(() => {});
      await c.end();
    }
  });
});
