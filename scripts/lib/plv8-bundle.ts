// The PLV8 kernel bundle and the SQL files that embed it (sql/plv8/*.sql).
//
// dist/plv8/bqx-kernel.js (built by build.mjs from plv8-src/plv8-entry.ts) is one
// self-contained script defining globalThis.bqxKernel. A sql/plv8 file carries the
// placeholder BUNDLE_PLACEHOLDER inside its $plv8$ ... $plv8$ body; renderPlv8Sql()
// splices the bundle there and puts the bundle's hash in place of BUNDLE_ID_PLACEHOLDER.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLE_PLACEHOLDER = '/*@bqx-kernel-bundle@*/';
export const BUNDLE_ID_PLACEHOLDER = '/*@bqx-kernel-bundle-id@*/';
export const PLV8_TAG = '$plv8$';

/** Repository root (this file is scripts/lib/plv8-bundle.ts, or dist/bqx.js once bundled). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(resolve(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export function kernelBundlePath(): string {
  return resolve(repoRoot(), 'dist/plv8/bqx-kernel.js');
}

/** The built bundle's text. Throws a clear error if it has not been built. */
export function kernelBundle(path = kernelBundlePath()): string {
  if (!existsSync(path)) {
    throw new Error(`PLV8 kernel bundle not found at ${path}: run \`node build.mjs\` (npm run build) first.`);
  }
  const text = readFileSync(path, 'utf8');
  checkBundle(text, path);
  return text;
}

/** Rejects a bundle that cannot be embedded in a $plv8$-quoted body or is not self-contained. */
export function checkBundle(bundle: string, where = 'the PLV8 bundle'): void {
  if (bundle.includes(PLV8_TAG)) {
    throw new Error(`${where} contains the dollar-quote tag ${PLV8_TAG}; it cannot be embedded in a $plv8$ body.`);
  }
  if (bundle.includes(BUNDLE_PLACEHOLDER) || bundle.includes(BUNDLE_ID_PLACEHOLDER)) {
    throw new Error(`${where} contains a bundle placeholder.`);
  }
  if (/\brequire\s*\(|^\s*import\s|^\s*export\s/m.test(bundle)) {
    throw new Error(`${where} is not self-contained (require/import/export found).`);
  }
  if (!bundle.includes('bqxKernel')) throw new Error(`${where} does not define bqxKernel.`);
}

/** Short content hash identifying a bundle (the body reloads the kernel when it changes). */
export function bundleId(bundle: string): string {
  return createHash('sha256').update(bundle).digest('hex').slice(0, 16);
}

/**
 * Splices the bundle into a sql/plv8 file: every BUNDLE_PLACEHOLDER becomes the bundle,
 * (a file without a $plv8$ body is returned unchanged),
 * every BUNDLE_ID_PLACEHOLDER its hash. Throws if the placeholder is missing or the
 * result would not be a well-formed $plv8$ body.
 */
export function renderPlv8Sql(sqlText: string, bundle?: string): string {
  // a plain SQL file of sql/plv8 (one that only calls the PLV8 functions) is used as is
  if (!sqlText.includes(PLV8_TAG) && !sqlText.includes(BUNDLE_PLACEHOLDER)) return sqlText;
  bundle ??= kernelBundle();
  if (!sqlText.includes(BUNDLE_PLACEHOLDER)) {
    throw new Error(`PLV8 SQL has no bundle placeholder ${BUNDLE_PLACEHOLDER}.`);
  }
  checkBundle(bundle);
  const id = bundleId(bundle);
  // split/join, not String.replace: the bundle may contain `$&` or `$'` sequences.
  const rendered = sqlText.split(BUNDLE_PLACEHOLDER).join(bundle).split(BUNDLE_ID_PLACEHOLDER).join(id);
  const tags = rendered.split(PLV8_TAG).length - 1;
  if (tags === 0 || tags % 2 !== 0) {
    throw new Error(`PLV8 SQL must quote its body with ${PLV8_TAG} ... ${PLV8_TAG} (found ${tags} tags).`);
  }
  return rendered;
}

/** A CREATE FUNCTION's name, argument names and $plv8$-quoted body. */
export interface Plv8Function {
  name: string;
  args: string[];
  body: string;
}

/** Parses the first CREATE FUNCTION ... $plv8$ body $plv8$ of a (rendered) SQL text. */
export function plv8FunctionBody(renderedSql: string): Plv8Function {
  const head = /create\s+(?:or\s+replace\s+)?function\s+([\w$."]+)\s*\(/i.exec(renderedSql);
  if (!head) throw new Error('no CREATE FUNCTION found');
  // Argument list: up to the matching parenthesis (types may contain parentheses, e.g. numeric(10,2)).
  let depth = 1;
  let i = head.index + head[0].length;
  const argsStart = i;
  for (; i < renderedSql.length && depth > 0; i++) {
    if (renderedSql[i] === '(') depth++;
    else if (renderedSql[i] === ')') depth--;
  }
  if (depth !== 0) throw new Error(`unbalanced argument list of ${head[1]}`);
  const argText = renderedSql.slice(argsStart, i - 1);
  const args = splitTopLevel(argText)
    .map((a) => a.replace(/--[^\n]*/g, '').trim())
    .filter((a) => a.length > 0)
    .map((a) => {
      const words = a.split(/\s+/);
      const w = /^(in|out|inout|variadic)$/i.test(words[0]) ? words.slice(1) : words;
      return w[0].replace(/"/g, '');
    });
  const open = renderedSql.indexOf(PLV8_TAG, i);
  if (open < 0) throw new Error(`no ${PLV8_TAG} body in ${head[1]}`);
  const close = renderedSql.indexOf(PLV8_TAG, open + PLV8_TAG.length);
  if (close < 0) throw new Error(`unterminated ${PLV8_TAG} body in ${head[1]}`);
  return { name: head[1], args, body: renderedSql.slice(open + PLV8_TAG.length, close) };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
