// bqx import's resource limits (scripts/import/limits.ts, README "Importing real data"):
// a zip bomb, a zip whose header lies about its size, a huge line, millions of duplicate
// lines. Each runs the real CLI in a child process and shows that it stops early with
// the limit's message (SQLSTATE 54000 or 22P04, DETAIL, HINT), stores nothing, and that
// the child's peak RSS stays bounded (measured by the child itself: getrusage maxRSS).
import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../scripts/import/limits.js';
import { testDatabase, type TestDb } from './support/db.js';
import { makeZip } from './import-zip.js';

const ROOT = new URL('..', import.meta.url).pathname;
/**
 * The child prints its peak resident set size (kB) on exit: VmHWM of /proc/self/status,
 * the high-water mark of its own memory (getrusage's maxRSS would also count the vitest
 * worker it was forked from: Linux carries it across exec).
 */
const MAXRSS = `data:text/javascript,${encodeURIComponent(
  'import { readFileSync } from "node:fs";' +
  'process.on("exit", () => process.stderr.write("maxrss_kb=" + /VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1] + "\\n"));')}`;
/** a bqx import process holds ~100 MB (node, pg, the CLI) before the file's bars */
const BOUND_MB = 150;

let db: TestDb;
let dir: string;
beforeAll(async () => {
  db = await testDatabase('import_limits');
  dir = mkdtempSync(join(tmpdir(), 'bqx-limits-'));
});
afterAll(async () => { await db?.end(); });

interface Run { code: number; stdout: string; stderr: string; rssMb: number }

function bqxImport(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile('node', ['--import', MAXRSS, 'dist/bqx.js', 'import', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, ...env }, maxBuffer: 1 << 24 },
      (err, stdout, stderr) => {
        const m = /maxrss_kb=(\d+)/.exec(stderr);
        resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stdout, stderr, rssMb: m ? Number(m[1]) / 1024 : NaN });
      });
  });
}

async function stored(): Promise<number> {
  return (await db.query(`select count(*)::int as n from bqx.m1`)).rows[0].n;
}

/**
 * `n` bytes of zeros (a multiple of 64 MiB) as one raw deflate stream, made in a second:
 * 64 MiB of zeros deflated once and sync-flushed (non-final blocks whose matches never
 * reach before their own output), repeated, then an empty final block.
 */
function deflatedZeros(n: number): Buffer {
  const piece = deflateRawSync(Buffer.alloc(64 << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const copies = Array.from({ length: Math.ceil(n / (64 << 20)) }, () => piece);
  return Buffer.concat([...copies, deflateRawSync(Buffer.alloc(0))]);
}

const measured: Record<string, number> = {};
afterAll(() => { console.log(`bqx import peak RSS (MB): ${JSON.stringify(measured)}`); });

describe('import limits', () => {
  it('the defaults are the documented ones', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxLineBytes: 65_536, maxTextBytes: 1024 ** 3, maxRatio: 100, maxBars: 10_000_000 });
  });

  it('a zip bomb (1.5 GiB of zeros in 1.5 MB) is refused before a byte is inflated', async () => {
    const size = 24 * (64 << 20); // 1.5 GiB
    const deflated = deflatedZeros(size);
    expect(inflateRawSync(deflated.subarray(0, deflated.length >> 4), { finishFlush: constants.Z_SYNC_FLUSH }).length).toBeGreaterThan(64 << 20);
    const bomb = join(dir, 'HISTDATA_COM_ASCII_EURUSD_M1BOMB.zip');
    writeFileSync(bomb, makeZip([{ name: 'DAT_ASCII_EURUSD_M1_BOMB.csv', raw: { deflated, uncompressedSize: size, crc: 0 } }]));
    const r = await bqxImport([bomb]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/inflates to 1536 MiB, more than the 1024 MiB bqx import reads from one file \(SQLSTATE 54000\)/);
    expect(r.stderr).toMatch(/HINT: Nothing was stored from this file.*BQX_IMPORT_MAX_BYTES/);
    // under the size limit, the ratio refuses it: 1,000 times
    const r2 = await bqxImport([bomb], { BQX_IMPORT_MAX_BYTES: String(2 * 1024 ** 3) });
    expect(r2.stderr).toMatch(/inflates \d+ times .*: a zip bomb, or not bar data \(SQLSTATE 54000\)/);
    expect(r2.stderr).toMatch(/DETAIL: Bar files compress about 6 times/);
    for (const x of [r, r2]) expect(x.rssMb).toBeLessThan(BOUND_MB);
    measured.zipBomb = Math.round(Math.max(r.rssMb, r2.rssMb));
    expect(await stored()).toBe(0);
  }, 120_000);

  it('a zip whose header hides a bomb (says 10 MB, inflates to 1.5 GiB) stops right after 10 MB', async () => {
    const deflated = deflatedZeros(24 * (64 << 20));
    const liar = join(dir, 'HISTDATA_COM_ASCII_EURUSD_M1LIAR.zip');
    writeFileSync(liar, makeZip([{ name: 'DAT_ASCII_EURUSD_M1_LIAR.csv', raw: { deflated, uncompressedSize: 10_000_000, crc: 0 } }]));
    const r = await bqxImport([liar], { BQX_IMPORT_MAX_LINE_BYTES: String(64 << 20) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is damaged: more than the 10000000 bytes the zip says \(SQLSTATE 22P04\)/);
    expect(r.rssMb).toBeLessThan(BOUND_MB + 64); // the line limit was raised to 64 MiB for this one
    measured.lyingZip = Math.round(r.rssMb);
    expect(await stored()).toBe(0);
  }, 120_000);

  it('a 200 MB line stops at the line limit', async () => {
    const f = join(dir, 'DAT_ASCII_EURUSD_M1_LONG.csv');
    const w = createWriteStream(f);
    w.write('20190102 100000;1;1;1;1.14;0\n');
    const piece = Buffer.alloc(1 << 20, 0x39);
    for (let i = 0; i < 200; i++) if (!w.write(piece)) await new Promise<void>((r) => w.once('drain', () => r()));
    await new Promise<void>((r) => w.end(() => r()));
    const r = await bqxImport([f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the line at byte 29 is longer than 65,536 bytes \(SQLSTATE 54000\)/);
    expect(r.stderr).toMatch(/DETAIL: A bar line is about 45 bytes.*\(line 2\)/);
    expect(r.stderr).toMatch(/BQX_IMPORT_MAX_LINE_BYTES/);
    expect(r.rssMb).toBeLessThan(BOUND_MB);
    measured.hugeLine = Math.round(r.rssMb);
    expect(await stored()).toBe(0);
  }, 120_000);

  it('millions of duplicate lines: a zip of 3M is refused by its ratio, a plain file stops at the bar limit', async () => {
    const line = '20190102 100000;1.1;1.1;1.1;1.14000;0\n';
    const text = Buffer.alloc(line.length * 3_000_000, line);
    const zip = join(dir, 'HISTDATA_COM_ASCII_EURUSD_M1DUPS.zip');
    writeFileSync(zip, makeZip([{ name: 'DAT_ASCII_EURUSD_M1_DUPS.csv', data: text }]));
    const r = await bqxImport([zip]);
    expect(r.stderr).toMatch(/inflates \d+ times .*: a zip bomb, or not bar data \(SQLSTATE 54000\)/);
    expect(r.rssMb).toBeLessThan(BOUND_MB);
    measured.duplicatesZip = Math.round(r.rssMb);
    // the same lines in a plain file, with the bar limit lowered to 1M: stops at line 1,000,001
    const plain = join(dir, 'DAT_ASCII_EURUSD_M1_DUPS.csv');
    writeFileSync(plain, text.subarray(0, line.length * 1_500_000));
    const r2 = await bqxImport([plain], { BQX_IMPORT_MAX_BARS: '1000000' });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/more than 1,000,000 bar lines, the most bqx import holds in memory for one file \(SQLSTATE 54000\)/);
    expect(r2.stderr).toMatch(/BQX_IMPORT_MAX_BARS/);
    expect(r2.rssMb).toBeLessThan(BOUND_MB);
    measured.maxBars1M = Math.round(r2.rssMb);
    expect(await stored()).toBe(0);
  }, 180_000);
});
