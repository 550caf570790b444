// The columns of an exported file, from plv8-src/spec.ts (the one source of the column
// list): every column of bqx.bqx but `pair`, which lives in the Hive folder name
// (pair=EURUSD/month=2024-07/), as Spark, pyarrow, Polars and DuckDB expect: a
// partition column repeated inside the files makes some readers refuse the dataset.
import { BQX_COLUMNS } from '../../plv8-src/spec.js';

export type ColumnKind = 'timestamp' | 'float64' | 'int32';

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
}

const kindOf = (name: string): ColumnKind =>
  name === 'ts_utc' ? 'timestamp' : name === 'agg_sign_balance' ? 'int32' : 'float64';

/** ts_utc, rate, then the 37 features, in the contract's order. */
export const EXPORT_COLUMNS: readonly ExportColumn[] = BQX_COLUMNS
  .filter((c) => c !== 'pair')
  .map((name) => ({ name, kind: kindOf(name), nullable: name !== 'ts_utc' && name !== 'rate' }));

/** The SELECT list of the exported columns, for the COPY that reads them. */
export const SELECT_LIST = EXPORT_COLUMNS.map((c) => c.name).join(', ');
