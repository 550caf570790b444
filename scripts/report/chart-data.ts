// What the HTML report's charts show beyond the Markdown report's data (collect.ts): the
// job records (throughput, seconds per pair-month, bad bars per pair-month) and one
// pair-day of features. Plain reads of bqx.job_activity and bqx.bqx.
import type pg from 'pg';
import { WINDOWS, windowColumn } from '../../plv8-src/spec.js';
import { UserError } from '../lib/user-error.js';

export interface JobRecord {
  pair: string;
  month: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  rowsWritten: number | null;
  badBars: number | null;
  /** epoch ms of the latest attempt's start / end; null when it has none */
  startedAt: number | null;
  finishedAt: number | null;
  seconds: number | null;
}

export interface FeatureBar {
  /** epoch ms (UTC) */
  ts: number;
  rate: number;
  /** w15..w75 bqx_return, in WINDOWS order; null in the first bars of a pair's history */
  returns: (number | null)[];
  signBalance: number | null;
}

export interface FeatureDay {
  pair: string;
  /** 'YYYY-MM-DD', a UTC day */
  day: string;
  bars: FeatureBar[];
}

export interface ChartData {
  jobs: JobRecord[];
  /** null when no pair-month has been backfilled yet */
  features: FeatureDay | null;
}

export interface FeatureChoice {
  pair?: string;
  day?: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const ms = (v: unknown): number | null => (v ? new Date(v as string).getTime() : null);

/** The pair and UTC day to show: the ones asked for, else the most recent full day of the newest done month. */
async function chooseDay(client: pg.ClientBase, choice: FeatureChoice): Promise<{ pair: string; day: string } | null> {
  const validDay = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`))
    && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  if (choice.day !== undefined && !validDay(choice.day)) {
    throw new UserError(`invalid day '${choice.day}'`, '22007', 'give the day as YYYY-MM-DD (a UTC day), e.g. --day 2024-07-15');
  }
  const pair = choice.pair?.toUpperCase();
  // the newest done month (EURUSD first among equals), and in it the latest day with at
  // least 20 hours of bars (else its fullest day): a weekend's last hours make a poor picture
  const r = await client.query(
    `select j.pair, d.day
       from (select pair, month_start, month_end from bqx.jobs
              where status = 'done' and ($1::text is null or pair = $1)
              order by month_start desc, pair = 'EURUSD' desc, pair limit 1) j
       left join lateral (
         select to_char(b.ts_utc at time zone 'UTC', 'YYYY-MM-DD') as day, count(*) as bars
           from bqx.bqx b
          where b.pair = j.pair and b.ts_utc >= j.month_start and b.ts_utc < j.month_end
          group by 1 order by count(*) >= 1200 desc, 1 desc, 2 desc limit 1) d on true`, [pair ?? null]);
  if (r.rows.length === 0 || r.rows[0].day === null) {
    if (pair === undefined) return null;
    throw new UserError(`no BQX rows for ${pair}`, 'P0002',
      `backfill it first (bqx backfill --pairs ${pair} --from YYYY-MM --to YYYY-MM), or pick another --pair`, `no backfilled month of ${pair} in bqx.jobs`);
  }
  return { pair: r.rows[0].pair, day: choice.day ?? r.rows[0].day };
}

export async function collectChartData(client: pg.ClientBase, choice: FeatureChoice = {}): Promise<ChartData> {
  const jobs: JobRecord[] = (await client.query(
    `select pair, month, status, attempts, rows_written, bad_bars, started_at, finished_at, seconds
       from bqx.job_activity order by pair, month`)).rows.map((j) => ({
    pair: j.pair, month: j.month, status: j.status, attempts: j.attempts,
    rowsWritten: num(j.rows_written), badBars: num(j.bad_bars),
    startedAt: ms(j.started_at), finishedAt: ms(j.finished_at), seconds: num(j.seconds),
  }));

  const chosen = await chooseDay(client, choice);
  if (!chosen) return { jobs, features: null };
  const returns = WINDOWS.map((w) => windowColumn(w, 'return'));
  const r = await client.query(
    `select ts_utc, rate, ${returns.join(', ')}, agg_sign_balance
       from bqx.bqx
      where pair = $1 and ts_utc >= $2::date::timestamp at time zone 'UTC'
        and ts_utc < ($2::date + 1)::timestamp at time zone 'UTC'
      order by ts_utc`, [chosen.pair, chosen.day]);
  if (r.rows.length === 0) {
    throw new UserError(`no BQX rows for ${chosen.pair} on ${chosen.day}`, 'P0002',
      'pick a backfilled day (a weekday of a done month: select * from bqx.progress_by_pair), or leave out --day',
      `bqx.bqx holds no row of ${chosen.pair} in [${chosen.day} 00:00, +1 day) UTC`);
  }
  return {
    jobs,
    features: {
      ...chosen,
      bars: r.rows.map((b) => ({
        ts: new Date(b.ts_utc).getTime(), rate: Number(b.rate),
        returns: returns.map((c) => num(b[c])), signBalance: num(b.agg_sign_balance),
      })),
    },
  };
}
