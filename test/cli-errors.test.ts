// The driver's two shared pieces of option handling: the one --pairs reader, and the one
// user-error type with the way the CLI prints it (message, SQLSTATE, DETAIL, HINT, exit 1).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePairsOption } from '../scripts/lib/pairs-option.js';
import { errorLines, UserError } from '../scripts/lib/user-error.js';

describe('parsePairsOption (--pairs of every command)', () => {
  it('reads "all" as every registered pair, and lists upper-cased, trimmed, without repeats', () => {
    expect(parsePairsOption('all')).toBeNull();
    expect(parsePairsOption(' ALL ')).toBeNull();
    expect(parsePairsOption('eurusd, GBPJPY,,EURUSD ')).toEqual(['EURUSD', 'GBPJPY']);
  });
  it('refuses an empty list and a pair that is not six letters, naming the option', () => {
    expect(() => parsePairsOption(' , ')).toThrow(expect.objectContaining({
      name: 'UserError', code: '22023', message: '--pairs must list pairs or be "all", got " , "',
      hint: 'For example --pairs EURUSD,GBPJPY or --pairs all.',
    }));
    expect(() => parsePairsOption('EURUSD,EUR/USD', 'pairs')).toThrow(expect.objectContaining({
      code: '22023', message: 'pairs: invalid pair "EUR/USD"',
      detail: 'A pair is six letters, base currency then quote currency, for example EURUSD.',
    }));
  });
});

describe('UserError and how the CLI prints errors', () => {
  it('prints message with SQLSTATE, then DETAIL and HINT when present', () => {
    expect(errorLines(new UserError('month out of range', '22008', 'For example 2024-07.', 'The month must be 01 to 12.'))).toEqual([
      'bqx: month out of range (SQLSTATE 22008)', 'DETAIL: The month must be 01 to 12.', 'HINT: For example 2024-07.',
    ]);
    expect(new UserError('bad option').code).toBe('22023');
    // a pg error has the same fields; a Node error's code (ENOENT) is shown, but not as a SQLSTATE
    expect(errorLines(Object.assign(new Error('no such file'), { code: 'ENOENT' }))).toEqual(['bqx: no such file (ENOENT)']);
  });

  it('bqx exits with status 1 and prints the error, before connecting to anything', () => {
    const r = spawnSync('npx', ['tsx', 'scripts/cli.ts', 'migrate', 'sideways'], {
      cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'bqx: direction must be up or down, got "sideways" (SQLSTATE 22023)', 'HINT: For example bqx migrate down --count 1.',
    ]);
  }, 60_000);
});
