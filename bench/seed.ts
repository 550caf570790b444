// Benchmark of `bqx seed`: the full 28 pairs x 12 months (2024-07 .. 2025-06, ~10.4M bars)
// into the database at connectionString (migrated; bqx.m1 rows of that range are replaced).
// Pass { months } to measure a fraction; the result is then extrapolated to 12 months and
// labelled so.
import { seedBars } from '../scripts/seed/index.js';

export interface SeedBench {
  bars: number;
  seconds: number;
  barsPerSec: number;
  /** What was measured, e.g. '28 pairs x 12 months' or '28 pairs x 3 months, extrapolated x4'. */
  label: string;
}

export async function benchSeed(
  connectionString: string,
  opts: { months?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<SeedBench> {
  const months = opts.months ?? 12;
  if (!Number.isInteger(months) || months < 1 || months > 12) throw new Error(`months must be 1 .. 12, got ${months}`);
  const to = new Date(Date.UTC(2024, 6 + months - 1, 1)).toISOString().slice(0, 7);
  const r = await seedBars(connectionString, {
    pairs: 'all',
    from: '2024-07',
    to,
    seed: 1,
    onProgress: opts.onProgress ? (p) => opts.onProgress?.(p.done, p.total) : undefined,
  });
  const barsPerSec = r.bars / r.seconds;
  if (months === 12) return { bars: r.bars, seconds: r.seconds, barsPerSec, label: `${r.pairs.length} pairs x 12 months` };
  const factor = 12 / months;
  return {
    bars: Math.round(r.bars * factor),
    seconds: r.seconds * factor,
    barsPerSec,
    label: `${r.pairs.length} pairs x ${months} months measured (${r.bars} bars in ${r.seconds.toFixed(1)} s), extrapolated x${factor.toFixed(2)} to 12 months`,
  };
}

// tsx bench/seed.ts [url] [months]: run it alone
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) throw new Error('usage: tsx bench/seed.ts <database url> [months]');
  const r = await benchSeed(url, { months: process.argv[3] ? Number(process.argv[3]) : 12, onProgress: (d, t) => { if (d % 28 === 0) console.error(`${d}/${t}`); } });
  console.log(JSON.stringify(r));
}
