// The bars `bqx seed` writes for one pair in one month: every trading minute of the
// simulated market but the pair's missing ones, as typed arrays (no per-row objects),
// sent by the same binary COPY as the import's (scripts/lib/copy-bars.ts), so every
// stored float8 is bit for bit the generated rate.
import type { Bars } from '../lib/copy-bars.js';
import { missingMinute, pairRate, type MarketMonth, type PairSpec } from './market-model.js';

export function pairMonthBars(seed: number, m: MarketMonth, p: PairSpec): Bars {
  const minutes = new Float64Array(m.minutes);
  const rates = new Float64Array(m.minutes);
  const first = m.startMs / 60_000;
  let n = 0;
  for (let i = 0; i < m.minutes; i++) {
    if (m.trading[i] === 0 || missingMinute(seed, p, m.firstMinute + i)) continue;
    minutes[n] = first + i;
    rates[n] = pairRate(m, p, i);
    n++;
  }
  return { minutes, rates, n };
}
