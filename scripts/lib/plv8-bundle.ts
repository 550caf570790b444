// The PLV8 kernel bundle and the SQL files that embed it (sql/plv8/*.sql).
//
// dist/plv8/bqx-kernel.js (built by build.mjs from plv8-src/plv8-entry.ts) is one
// self-contained script defining globalThis.bqxKernel. A sql/plv8 file carries the
// placeholder BUNDLE_PLACEHOLDER inside its $plv8$ ... $plv8$ body; renderPlv8Sql()
// splices the bundle there and puts the bundle's hash in place of BUNDLE_ID_PLACEHOLDER.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from './paths.js';

export const BUNDLE_PLACEHOLDER = '/*@bqx-kernel-bundle@*/';
export const BUNDLE_ID_PLACEHOLDER = '/*@bqx-kernel-bundle-id@*/';
export const PLV8_TAG = '$plv8$';

export function kernelBundlePath(): string {
  return resolve(projectRoot, 'dist/plv8/bqx-kernel.js');
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
