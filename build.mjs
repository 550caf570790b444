// Build: bundles the CLI (dist/bqx.js) and the PLV8 kernel (dist/plv8/bqx-kernel.js).
// The PLV8 bundle is one self-contained script (no imports, no require) that defines
// globalThis.bqxKernel; sql/plv8/*.sql splice it into LANGUAGE plv8 function bodies.
// `node build.mjs --kernel` builds only the PLV8 bundle (what the bundle test needs).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

const kernelOnly = process.argv.includes('--kernel');

if (!kernelOnly) {
  await build({
    entryPoints: ['scripts/cli.ts'],
    outfile: 'dist/bqx.js',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  chmodSync('dist/bqx.js', 0o755);
  // bqx export's Parquet encoder thread (scripts/export/parquet-encoder.ts starts it)
  await build({
    entryPoints: ['scripts/export/parquet-worker.ts'], outfile: 'dist/export-worker.js',
    bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
  });
}

await build({
  entryPoints: ['plv8-src/plv8-entry.ts'],
  outfile: 'dist/plv8/bqx-kernel.js',
  bundle: true,
  platform: 'neutral',
  format: 'iife',
  target: 'es2019',
  logLevel: 'warning',
});
