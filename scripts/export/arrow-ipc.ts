// One pair-month's decoded columns as an Apache Arrow table (apache-arrow, built on the
// decoded typed arrays without copying) and its IPC stream, which the encoder thread turns
// into Parquet (parquet.ts). Types: ts_utc TIMESTAMP(MICROS, UTC), rate and the features
// DOUBLE, agg_sign_balance INT32; only ts_utc and rate are not nullable.
import * as arrow from 'apache-arrow';
import type { ColumnBatch } from './copy-binary-reader.js';
import type { ExportColumn } from './columns.js';

// makeData's overloads are keyed by the static type; the columns' types are only known at run time
const makeData = arrow.makeData as unknown as (props: Record<string, unknown>) => arrow.Data;

function arrowType(c: ExportColumn): arrow.DataType {
  if (c.kind === 'timestamp') return new arrow.TimestampMicrosecond('UTC');
  return c.kind === 'int32' ? new arrow.Int32() : new arrow.Float64();
}

function toArrowTable(columns: readonly ExportColumn[], b: ColumnBatch): arrow.Table {
  const n = b.rows;
  const fields: arrow.Field[] = [];
  const data: arrow.Data[] = [];
  columns.forEach((c, i) => {
    const type = arrowType(c);
    fields.push(new arrow.Field(c.name, type, c.nullable));
    const values = c.kind === 'timestamp' ? b.ts.subarray(0, n) : (b.values[i] as Float64Array | Int32Array).subarray(0, n);
    const nullCount = b.nullCounts[i];
    data.push(makeData({
      type, length: n, nullCount, data: values,
      nullBitmap: nullCount > 0 ? (b.validity[i] as Uint8Array).subarray(0, (n + 7) >> 3) : undefined,
    }));
  });
  const schema = new arrow.Schema(fields);
  const struct = makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: data }) as arrow.Data<arrow.Struct>;
  return new arrow.Table(schema, new arrow.RecordBatch(schema, struct));
}

/** One pair-month's columns as an Arrow IPC stream: what the encoder thread is handed. */
export function arrowIpc(columns: readonly ExportColumn[], b: ColumnBatch): Uint8Array {
  return arrow.tableToIPC(toArrowTable(columns, b), 'stream');
}
