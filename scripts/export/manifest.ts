// The manifest of an export folder: DIR/_bqx_manifest.json (the leading underscore makes
// pyarrow, Spark and DuckDB's globs skip it, like Spark's _SUCCESS). One entry per
// pair-month file with its row count, time range and the stamp of the stored month it
// was written from (bqx.export_months). Always replaced whole through a temporary file
// and a rename, so it is either the old or the new manifest, never a torn one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './files.js';
import { INVALID_PARAMETER, UserError } from '../lib/user-error.js';

export const MANIFEST_NAME = '_bqx_manifest.json';
export const MANIFEST_VERSION = 'bqx-export/1';

export type FileFormat = 'parquet' | 'csv';

export interface ManifestEntry {
  pair: string;
  month: string;
  /** the file, relative to the folder: pair=EURUSD/month=2024-07/part-0.parquet */
  path: string;
  rows: number;
  first_ts: string | null;
  last_ts: string | null;
  stamp: string;
  bytes: number;
  written_at: string;
}

export interface Manifest {
  version: string;
  format: FileFormat;
  compression: string;
  columns: string[];
  /** keyed by "PAIR YYYY-MM" */
  files: Record<string, ManifestEntry>;
}

export const entryKey = (pair: string, month: string): string => `${pair} ${month}`;

export function readManifest(dir: string): Manifest | null {
  const path = join(dir, MANIFEST_NAME);
  if (!existsSync(path)) return null;
  const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  if (m.version !== MANIFEST_VERSION) {
    throw new UserError(`${path} is not a bqx export manifest of version ${MANIFEST_VERSION}`, INVALID_PARAMETER,
      'Export into a new folder, or remove the folder and export again.', `It says version ${JSON.stringify(m.version)}.`);
  }
  return m;
}

export function writeManifest(dir: string, m: Manifest): Promise<void> {
  const sorted: Record<string, ManifestEntry> = {};
  for (const k of Object.keys(m.files).sort()) sorted[k] = m.files[k];
  return writeFileAtomic(join(dir, MANIFEST_NAME), `${JSON.stringify({ ...m, files: sorted }, null, 2)}\n`);
}
