// bqx report --html from a real run: seeded bars (with a few bad bars), a backfill with
// failures, then the file: every section, every chart with as many marks as the database
// implies, nothing fetched. Then headless Chromium opens it offline: no console error,
// every chart drawn, screenshots under test-artifacts/ (git-ignored).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { testDatabase, type TestDb } from './support/db.js';
import { seedBars } from '../scripts/seed/index.js';
import { runBackfill } from '../scripts/backfill/run.js';
import { buildHtmlReport } from '../scripts/commands/report.js';
import { collectReport } from '../scripts/report/collect.js';
import { collectChartData } from '../scripts/report/chart-data.js';
import { renderHtmlReport } from '../scripts/report/html.js';
import { projectRoot } from '../scripts/lib/paths.js';

const ARTIFACTS = join(projectRoot, 'test-artifacts');
const FILE = join(ARTIFACTS, 'report.html');
const CHROMIUM = process.env.BQX_CHROMIUM ?? '/usr/bin/chromium';
const SECTIONS = ['Overall statistics', 'Completion by pair', 'Performance', 'Time analysis', 'Recent activity',
  'Data quality', 'Features', 'Storage', 'Failures', 'Verification'];
const CHARTS = ['completion', 'throughput', 'seconds', 'badbars', 'features', 'storage'];

/** The items (paths, lines) of the Vega mark whose class is `cls` (an empty mark is one self-closing <g/>). */
function markItems(html: string, cls: string): string[] {
  return [...html.matchAll(new RegExp(`<g class="mark-\\w+ role-mark ${cls}"[^>]*>`, 'g'))]
    .filter((g) => !g[0].endsWith('/>'))
    .flatMap((g) => html.slice(g.index! + g[0].length, html.indexOf('</g>', g.index)).match(/<(path|line)\b[^>]*>/g) ?? []);
}
const labels = (items: string[]) => items.map((i) => i.match(/aria-label="([^"]*)"/)?.[1] ?? '');
/** Points of a line mark's path: its M and L commands. */
const points = (item: string) => (item.match(/ d="([^"]*)"/)?.[1].match(/[ML]/g) ?? []).length;

describe('bqx report --html', () => {
  let db: TestDb;
  let html: string;
  let empty: string;
  const q = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;
  beforeAll(async () => {
    db = await testDatabase('report_html');
    empty = await buildHtmlReport(db.url, { verifyMonths: 0 });
    await seedBars(db.url, { pairs: ['EURUSD', 'USDJPY'], from: '2024-07', to: '2024-08', connections: 1 });
    // bad bars in two pair-months (a bulk edit: the live trigger is off for it)
    const c = await db.pool.connect();
    try {
      await c.query(`begin`);
      await c.query(`set local bqx.live = 'off'`);
      await c.query(`update bqx.m1 set rate = 'NaN' where pair = 'EURUSD' and ts_utc in
                       (select ts_utc from bqx.m1 where pair = 'EURUSD' and ts_utc >= '2024-08-05' order by ts_utc limit 3)`);
      await c.query(`update bqx.m1 set rate = 0 where pair = 'USDJPY' and ts_utc in
                       (select ts_utc from bqx.m1 where pair = 'USDJPY' and ts_utc >= '2024-07-10' order by ts_utc limit 5)`);
      await c.query(`commit`);
    } finally {
      c.release();
    }
    // AUDCAD has no bars: its two jobs fail after 3 attempts
    await runBackfill(db.url, { pairs: ['EURUSD', 'USDJPY', 'AUDCAD'], from: '2024-07', to: '2024-08', workers: 2, pollMs: 100 });
    // how a job looks after its first worker died and the next one re-ran it
    await q(`update bqx.jobs set attempts = 2 where pair = 'USDJPY' and month = '2024-08'`);
    // text from the database is shown, never run: an error message carrying markup
    await q(`update bqx.jobs set last_error = last_error || ' <img src="x" onerror="alert(1)">' where pair = 'AUDCAD' and month = '2024-08'`);
    html = await buildHtmlReport(db.url, { verifyMonths: 1 });
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(FILE, html);
  });
  afterAll(async () => { await db?.end(); });

  it('has every section of the Markdown report, and the features', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>BQX backfill progress report</h1>');
    for (const s of SECTIONS) expect(html).toContain(`<h2>${s}</h2>`);
    // the Markdown tables, as HTML tables
    expect(html).toMatch(/<td>EURUSD<\/td>\s*<td>2\/2<\/td>\s*<td>100\.0<\/td>/);
    expect(html).toMatch(/<td>AUDCAD<\/td>\s*<td>2024-07<\/td>\s*<td>3<\/td>\s*<td>P0002<\/td>/);
    for (const c of CHARTS) expect(html).toContain(`<figure class="chart" data-chart="${c}"`);
  });

  it('renders a database where nothing has run yet', () => {
    for (const s of SECTIONS) expect(empty).toContain(`<h2>${s}</h2>`);
    expect(empty).toContain('No pair-month is backfilled yet');
    expect(empty).not.toContain('<figure');
  });

  it('is self-contained: nothing to fetch, no duplicate ids', () => {
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/\s(src|href)="(?!#)/);
    expect(html).not.toMatch(/url\((?!#)/);
    expect(html).toContain('&lt;img src=&quot;x&quot; onerror=&quot;alert(1)&quot;&gt;');
    expect(html.match(/<script\b/g)).toHaveLength(1);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('completion: one bar segment per pair and status', async () => {
    const expected = await q(`select pair, status, count(*)::int as n from bqx.jobs group by 1, 2 order by 1, 2`);
    const got = labels(markItems(html, 'completion_marks'));
    expect(got).toHaveLength(expected.length);
    for (const e of expected) expect(got).toContain(`${e.pair}: ${e.n} ${e.status}`);
  });

  it('throughput: its bars add up to the rows written; failed and retried jobs marked', async () => {
    const [t] = await q(`select sum(rows_written)::bigint as rows from bqx.jobs where status = 'done'`);
    const bars = labels(markItems(html, 'throughput_marks'));
    expect(bars.length).toBeGreaterThan(0);
    const step = Number(html.match(/rows\/s \((\d+)-s buckets\)/)![1]);
    const rows = bars.reduce((a, l) => a + Number(l.match(/: ([\d,]+) rows\/s$/)![1].replace(/,/g, '')) * step, 0);
    expect(Math.abs(rows - Number(t.rows))).toBeLessThanOrEqual(bars.length * step);
    const events = labels(markItems(html, 'throughput_events_marks'));
    expect(events.sort()).toEqual(['failed: AUDCAD 2024-07, 3 attempts', 'failed: AUDCAD 2024-08, 3 attempts', 'retried: USDJPY 2024-08, attempt 2']);
  });

  it('seconds per pair-month: one point per finished job, by outcome', async () => {
    const jobs = await q(`select pair, month, status, attempts, seconds from bqx.job_activity where status in ('done', 'failed')`);
    const got = labels(markItems(html, 'seconds_marks'));
    expect(got).toHaveLength(jobs.length);
    for (const j of jobs) {
      const outcome = j.status === 'failed' ? 'failed' : j.attempts > 1 ? 'done after retry' : 'done first try';
      expect(got).toContain(`${j.pair} ${j.month}: ${Number(j.seconds).toFixed(2)} s, ${outcome} (${j.attempts} attempts)`);
    }
  });

  it('bad bars: one cell per pair-month, with the bad bars of each', async () => {
    const cells = labels(markItems(html, 'badbars_marks'));
    expect(cells.sort()).toEqual(['EURUSD 2024-07: 0 bad bars', 'EURUSD 2024-08: 3 bad bars',
      'USDJPY 2024-07: 5 bad bars', 'USDJPY 2024-08: 0 bad bars']);
    expect(labels(markItems(html, 'badbars_other_marks')).sort()).toEqual(['AUDCAD 2024-07: failed', 'AUDCAD 2024-08: failed']);
  });

  it('storage: table and indexes of each pair', async () => {
    const pairs = await q(`select pair from bqx.storage order by pair`);
    expect(pairs.map((p) => p.pair)).toEqual(['EURUSD', 'USDJPY']);
    const got = labels(markItems(html, 'storage_marks'));
    expect(got).toHaveLength(2 * pairs.length);
    for (const p of pairs) for (const part of ['table', 'indexes']) expect(got.some((l) => l.startsWith(`${p.pair} ${part}: `))).toBe(true);
  });

  it('features: the most recent full day by default, every bar on each of the seven lines', async () => {
    const [last] = await q(`select day from (select to_char(ts_utc at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as n
                                               from bqx.bqx where pair = 'EURUSD' group by 1) d
                             where n >= 1200 order by day desc limit 1`);
    expect(html).toContain(`Features of EURUSD on ${last.day} (UTC)`);
    const [{ n }] = await q(`select count(*)::int as n from bqx.bqx where pair = 'EURUSD'
                               and ts_utc >= $1::date::timestamp at time zone 'UTC' and ts_utc < ($1::date + 1)::timestamp at time zone 'UTC'`, [last.day]);
    expect(n).toBeGreaterThan(600);
    const rate = markItems(html, 'features_rate_marks');
    const returns = markItems(html, 'features_returns_marks');
    expect(rate).toHaveLength(1);
    expect(returns).toHaveLength(5);
    for (const line of [...rate, ...returns]) expect(points(line)).toBe(n);
    expect(markItems(html, 'features_sign_marks')).toHaveLength(1);
  });

  it('renders a clean run too: nothing failed, retried or pending (no empty layer left to draw)', async () => {
    const c = await db.pool.connect();
    try {
      const [data, charts] = [await collectReport(c, { verifyMonths: 0 }), await collectChartData(c)];
      const clean = charts.jobs.filter((j) => j.status === 'done').map((j) => ({ ...j, attempts: 1 }));
      const out = await renderHtmlReport(data, { ...charts, jobs: clean });
      expect(markItems(out, 'completion_marks')).toHaveLength(2);
      expect(markItems(out, 'throughput_marks').length).toBeGreaterThan(0);
      expect(markItems(out, 'throughput_events_marks')).toHaveLength(0);
      expect(markItems(out, 'seconds_marks')).toHaveLength(4);
      expect(markItems(out, 'badbars_marks')).toHaveLength(4);
      expect(markItems(out, 'badbars_other_marks')).toHaveLength(0);
    } finally {
      c.release();
    }
  });

  it('features of a chosen pair and day; clear errors for a bad or empty day', async () => {
    const other = await buildHtmlReport(db.url, { verifyMonths: 0, pair: 'usdjpy', day: '2024-07-15' });
    expect(other).toContain('Features of USDJPY on 2024-07-15 (UTC)');
    const [{ n }] = await q(`select count(*)::int as n from bqx.bqx where pair = 'USDJPY' and ts_utc >= '2024-07-15Z' and ts_utc < '2024-07-16Z'`);
    for (const line of markItems(other, 'features_returns_marks')) expect(points(line)).toBe(n);
    await expect(buildHtmlReport(db.url, { verifyMonths: 0, day: '2024-02-30' })).rejects.toMatchObject({ code: '22007' });
    await expect(buildHtmlReport(db.url, { verifyMonths: 0, pair: 'EURUSD', day: '2024-07-13' }))
      .rejects.toMatchObject({ code: 'P0002', message: 'no BQX rows for EURUSD on 2024-07-13' });
    await expect(buildHtmlReport(db.url, { verifyMonths: 0, pair: 'AUDCAD' })).rejects.toMatchObject({ code: 'P0002' });
  });

  it('opens in headless Chromium offline: no console error, every chart drawn, screenshots saved', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`no Chromium at ${CHROMIUM}: CI must install Debian's chromium (.ci/run does)`);
      ctx.skip(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set BQX_CHROMIUM)`);
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM });
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
      const requests: string[] = [];
      const errors: string[] = [];
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(FILE).href, { waitUntil: 'load' });

      const figures = await page.$$eval('figure.chart', (fs) => fs.map((f) => {
        const svg = f.querySelector('svg')!.getBoundingClientRect();
        const marks = JSON.parse(f.getAttribute('data-marks')!) as Record<string, number>;
        const drawn = Object.fromEntries(Object.keys(marks).map((cls) => {
          const items = [...f.querySelectorAll(`g.${cls} > *`)];
          // drawn: laid out with a size (a line, a bar, a point), not just present
          return [cls, items.filter((i) => { const b = i.getBoundingClientRect(); return b.width > 0 || b.height > 0; }).length];
        }));
        return { id: f.getAttribute('data-chart'), width: svg.width, height: svg.height, marks, drawn };
      }));
      expect(figures.map((f) => f.id).sort()).toEqual([...CHARTS].sort());
      for (const f of figures) {
        expect(f.width, f.id!).toBeGreaterThan(300);
        expect(f.height, f.id!).toBeGreaterThan(100);
        expect(f.drawn, f.id!).toEqual(f.marks);
      }
      // a mark's description shows as a tooltip
      await page.hover('g.completion_marks > path');
      await expect.poll(() => page.textContent('#tip')).toMatch(/^[A-Z]{6}: \d (done|failed)$/);
      await page.mouse.move(0, 0);

      await page.screenshot({ path: join(ARTIFACTS, 'report-light.png'), fullPage: true });
      const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(await bg()).toBe('rgb(255, 255, 255)');
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await bg()).toBe('rgb(21, 24, 28)');
      // chart text follows the theme
      expect(await page.$eval('figure.chart svg text', (t) => getComputedStyle(t).fill)).toBe('rgb(226, 230, 234)');
      await page.screenshot({ path: join(ARTIFACTS, 'report-dark.png'), fullPage: true });

      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(FILE).href]);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
