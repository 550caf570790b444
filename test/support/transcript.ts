// SQL transcripts, the way pg_regress runs them: a .sql file is fed to real psql on stdin
// (-X: no psqlrc, -a: echo every input line, -q: no command tags), stdout and stderr go to
// one stream in order, and the result is compared verbatim with an expected file.
// Everything that could differ between servers or runs is pinned here, so that a
// transcript only has to select stable columns: messages in English (lc_messages=C), UTC,
// ISO dates, no CONTEXT lines (they carry PL/pgSQL line numbers).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** psql of PostgreSQL 15 when installed there, else the one on PATH. */
export const PSQL = existsSync('/usr/lib/postgresql/15/bin/psql') ? '/usr/lib/postgresql/15/bin/psql' : 'psql';

/** The output of psql reading `sqlFile` on stdin, connected to `url`. */
export function runPsql(url: string, sqlFile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bqx-transcript-'));
  const outFile = join(dir, 'out');
  const input = openSync(sqlFile, 'r');
  const output = openSync(outFile, 'w');
  try {
    const r = spawnSync(PSQL, ['-X', '-a', '-q', '-v', 'SHOW_CONTEXT=never', '-d', url], {
      stdio: [input, output, output],
      env: {
        ...process.env,
        PGOPTIONS: '-c lc_messages=C -c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres',
        PGAPPNAME: 'bqx-transcript',
        LC_ALL: 'C',
      },
      timeout: 300_000,
    });
    if (r.error) throw new Error(`cannot run ${PSQL}: ${r.error.message}`);
    return readFileSync(outFile, 'utf8');
  } finally {
    closeSync(input);
    closeSync(output);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `diff -u expected actual` as text ('' when equal; a missing expected file reads as empty). */
export function unifiedDiff(expectedFile: string, actual: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bqx-transcript-'));
  try {
    const actualFile = join(dir, 'actual.out');
    writeFileSync(actualFile, actual);
    const r = spawnSync('diff', ['-u', '-N', '--label', expectedFile, '--label', 'actual', expectedFile, actualFile], { encoding: 'utf8' });
    if (r.error) throw new Error(`cannot run diff: ${r.error.message}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
