// SQL transcript tests (pg_regress style): every test/sql/<name>.sql runs in real psql
// against a fresh migrated database of its own, and its output must equal
// test/sql/expected/<name>.out byte for byte; a difference fails with a unified diff.
// BQX_TRANSCRIPT_UPDATE=1 writes the outputs as the new expected files instead (then read
// the git diff). How to add one: test/sql/README.md.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabase } from './support/db.js';
import { runPsql, unifiedDiff } from './support/transcript.js';

const DIR = new URL('./sql/', import.meta.url).pathname;
const EXPECTED = join(DIR, 'expected');
const UPDATE = process.env.BQX_TRANSCRIPT_UPDATE === '1';
const transcripts = readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort();

describe('SQL transcripts (test/sql/*.sql = test/sql/expected/*.out)', () => {
  it('has transcripts, each with an expected file', () => {
    expect(transcripts.length).toBeGreaterThan(0);
    if (!UPDATE) for (const f of transcripts) expect(existsSync(join(EXPECTED, f.replace(/\.sql$/, '.out'))), f).toBe(true);
  });

  for (const file of transcripts) {
    const name = file.replace(/\.sql$/, '');
    it(name, async () => {
      const db = await testDatabase(`sql_${name}`);
      try {
        const actual = runPsql(db.url, join(DIR, file));
        const expectedFile = join(EXPECTED, `${name}.out`);
        if (UPDATE) {
          writeFileSync(expectedFile, actual);
          console.log(`sql transcripts: wrote ${expectedFile}`);
          return;
        }
        const diff = unifiedDiff(expectedFile, actual);
        if (diff) console.error(`sql transcript ${name} differs from its expected output:\n${diff}`);
        expect(diff, `test/sql/${file}: output differs from test/sql/expected/${name}.out (diff above; BQX_TRANSCRIPT_UPDATE=1 rewrites it)`).toBe('');
      } finally {
        await db.end();
      }
    });
  }
});
