// The full workload part: on one seeded database, from one run, the queue backfill with
// every installed engine (2 workers), the write limit of the same pair-months
// (bench/write-limit.ts) and the seed's own method (bench/seed-method.ts), and the ratios
// the targets are stated in. The seed's method is measured around the run of the engine
// auto picks, the one the ratio is stated for: half of its pair-months just before that
// run, half just after (seedMethodHalves says why).
import { benchFullWorkload } from './backfill.js';
import { autoEngine, installedEngines } from './engine-setting.js';
import { fmt, report } from './report.js';
import { benchSeedMethod, combineSeedMethod, reportSeedMethod, seedMethodHalves } from './seed-method.js';
import { benchWriteLimit, reportWriteLimit } from './write-limit.js';
import type { Workload } from './workload.js';

/** PLV8's full workload against the write limit (issue #10): at least this share. */
export const PLV8_WRITE_LIMIT_MIN = 0.45;
/** bqx's full workload against the seed's method on the same machine: at least this factor. */
export const SEED_METHOD_MIN = 4;
/** The seed's Python script on Aurora, over a network: rows/s (context, not a yardstick). */
export const SEED_AURORA_RATE = 650;

export async function reportFull(url: string, w: Workload): Promise<void> {
  const auto = await autoEngine(url);
  const runs = [];
  const yardstick = seedMethodHalves(w);
  const seedParts = [];
  for (const engine of await installedEngines(url)) {
    if (engine === auto) seedParts.push(await benchSeedMethod(url, yardstick.halves[0]));
    const f = await benchFullWorkload(url, w, engine);
    if (engine === auto) seedParts.push(await benchSeedMethod(url, yardstick.halves[1]));
    runs.push(f);
    report(`full backfill, ${engine} engine, bqx backfill --workers 2 (${fmt(f.jobs)} pair-months, ${fmt(f.rows)} rows)`,
      `${fmt(f.seconds, 1)} s = ${fmt(f.rowsPerSec)} rows/s`);
  }
  // the write limit reads the rows the last backfill stored
  const limit = await benchWriteLimit(url, w.pairMonths);
  reportWriteLimit(limit);
  for (const f of runs) {
    const ratio = f.rowsPerSec / limit.rowsPerSec;
    if (f.engine === 'plv8') report('  plv8 full backfill / write limit', `${fmt(ratio, 2)} x`, `>= ${PLV8_WRITE_LIMIT_MIN} x`, ratio >= PLV8_WRITE_LIMIT_MIN);
    else report(`  ${f.engine} full backfill / write limit`, `${fmt(ratio, 2)} x`);
  }
  if (!runs.some((f) => f.engine === 'plv8')) report('plv8 full backfill', 'not measured: bqx cannot use plv8 on this server');

  const seed = combineSeedMethod(seedParts, `${yardstick.label}; half just before the ${auto} run, half just after`);
  reportSeedMethod(seed);
  report('  the seed\'s method, the half before and the half after', seedParts.map((p) => `${fmt(p.rowsPerSec)} rows/s`).join(', then '));
  report('  write limit / the seed\'s method', `${fmt(limit.rowsPerSec / seed.rowsPerSec, 1)} x`);
  for (const f of runs) {
    const ratio = f.rowsPerSec / seed.rowsPerSec;
    const what = `bqx (${f.engine} engine${f.engine === auto ? ', the one auto picks' : ''}) / the seed's method, same machine, rows/s`;
    if (f.engine === auto) report(what, `${fmt(ratio, 1)} x`, `>= ${SEED_METHOD_MIN} x`, ratio >= SEED_METHOD_MIN);
    else report(what, `${fmt(ratio, 1)} x`);
  }
  for (const f of runs) {
    report(`  context: bqx (${f.engine}) / the seed's ${SEED_AURORA_RATE} rows/s on Aurora over a network`, `${fmt(f.rowsPerSec / SEED_AURORA_RATE)} x`);
  }
}
