// Kernel throughput: one pair-month (31,000 bars + 75 lookback, JPY level, a few bad
// bars), warm, median of several runs. `tsx bench/kernel.ts` prints it; bench/run.ts
// calls benchKernel().

import { pathToFileURL } from 'node:url';
import { computeFeatures } from '../plv8-src/kernel.js';
import { MAX_LOOKBACK } from '../plv8-src/spec.js';
import { jpySeries, mulberry32, sprinkleBadBars } from '../test/support/random-series.js';

export interface KernelBench {
  rowsPerSec: number;
  msPerPairMonth: number;
}

export async function benchKernel(options: { bars?: number; warmup?: number; runs?: number } = {}): Promise<KernelBench> {
  const bars = options.bars ?? 31_000;
  const warmup = options.warmup ?? 20;
  const runs = options.runs ?? 15;
  const rates = sprinkleBadBars(mulberry32(42), jpySeries(43, bars + MAX_LOOKBACK), 0.001);
  let rows = 0;
  for (let i = 0; i < warmup; i++) rows = computeFeatures(rates, MAX_LOOKBACK).length;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    computeFeatures(rates, MAX_LOOKBACK);
    times.push(performance.now() - t0);
    await new Promise((r) => setImmediate(r));
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  return { rowsPerSec: Math.round((rows / ms) * 1000), msPerPairMonth: Number(ms.toFixed(2)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchKernel();
  console.log(`kernel: ${r.msPerPairMonth} ms per pair-month (31k bars), ${r.rowsPerSec.toLocaleString('en-US')} rows/s`);
}
