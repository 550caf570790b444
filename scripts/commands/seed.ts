// bqx seed --pairs EURUSD,GBPJPY|all --from 2024-07 [--to 2025-06] [--seed N]
import type { Command } from 'commander';
import { redactUrl, resolveConnection } from '../lib/connection.js';
import { progressView } from '../lib/progress.js';
import { DEFAULT_SEED, seedBars, type SeedProgress } from '../seed/index.js';
import { parseMonthRange, parseSeed } from '../seed/options.js';

interface SeedCliOptions {
  pairs: string;
  from: string;
  to?: string;
  seed: string;
  connections: string;
}

/** Seed progress: a bar on a TTY, a plain line every 2 s otherwise (used by seed and demo). */
export function seedProgressView(): { onProgress: (p: SeedProgress) => void; stop: () => void } {
  const view = progressView<SeedProgress & { barsText: string; last: string }>(
    'seed [{bar}] {percentage}% | {value}/{total} pair-months | {barsText} bars | {last} | ETA {eta_formatted}',
    (done, total, p) => `seed: ${done}/${total} pair-months, ${p.bars} bars (last ${p.last}: ${p.rows})`);
  return {
    onProgress: (p) => view.update(p.done, p.total, { ...p, barsText: p.bars.toLocaleString('en-US'), last: `${p.pair} ${p.month}` }),
    stop: view.stop,
  };
}

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description(
      'write deterministic synthetic one-minute bars into bqx.m1 (28 pairs from 7 simulated USD legs, Sunday 22:00 to Friday 22:00 UTC); replaces the pair-months it writes',
    )
    .requiredOption('--pairs <list>', 'comma-separated pairs (EURUSD,GBPJPY) or "all" (every registered pair)')
    .requiredOption('--from <YYYY-MM>', 'first month (UTC)')
    .option('--to <YYYY-MM>', 'last month, inclusive (default: --from)')
    .option('--seed <n>', 'random seed, 0 .. 4294967295', String(DEFAULT_SEED))
    .option('--connections <n>', 'loading connections, 1 or 2', '2')
    .action(async (o: SeedCliOptions) => {
      // check the arguments before starting or connecting to anything
      parseMonthRange(o.from, o.to);
      const seed = parseSeed(o.seed);
      const connections = Number(o.connections);
      const conn = await resolveConnection();
      console.log(`bqx: seeding ${o.pairs} ${o.from}..${o.to ?? o.from} (seed ${seed}) into ${redactUrl(conn.connectionString)} (${conn.source})`);

      const view = seedProgressView();
      const onProgress = view.onProgress;
      try {
        const r = await seedBars(conn.connectionString, { pairs: o.pairs, from: o.from, to: o.to, seed, connections, onProgress });
        view.stop();
        const rate = r.seconds > 0 ? Math.round(r.bars / r.seconds) : r.bars;
        console.log(
          `bqx: seeded ${r.bars.toLocaleString('en-US')} bars (${r.pairs.length} pairs x ${r.pairMonths / r.pairs.length} months, seed ${r.seed}) in ${r.seconds.toFixed(1)} s (${rate.toLocaleString('en-US')} bars/s)`,
        );
        console.log(`bqx: next: compute the features, e.g. CALL bqx.backfill('${r.pairs[0]}', '${r.from}')`);
      } finally {
        view.stop();
      }
    });
}
