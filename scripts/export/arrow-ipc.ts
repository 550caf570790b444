// One pair-month's decoded columns as an Apache Arrow table (apache-arrow, built on the
// decoded typed arrays without copying) and its IPC stream, which the encoder thread turns
// into Parquet (parquet.ts). Types: ts_utc TIMESTAMP(MICROS, UTC), rate and the features
// DOUBLE, agg_sign_balance INT32; only ts_utc and rate are not nullable.
// apache-arrow is loaded on first use, not when the CLI starts: every other command
// would pay its load (~10 MB of RSS, which import's memory-bound test caught).
import type * as Arrow from 'apache-arrow';
import type { ColumnBatch } from './copy-binary-reader.js';
import type { ExportColumn } from './columns.js';

type ArrowModule = typeof Arrow;
let loaded: Promise<ArrowModule> | null = null;

function arrowType(arrow: ArrowModule, c: ExportColumn): Arrow.DataType {
  if (c.kind === 'timestamp') return new arrow.TimestampMicrosecond('UTC');
  return c.kind === 'int32' ? new arrow.Int32() : new arrow.Float64();
}

function toArrowTable(arrow: ArrowModule, columns: readonly ExportColumn[], b: ColumnBatch): Arrow.Table {
  // makeData's overloads are keyed by the static type; the columns' types are only known at run time
  const makeData = arrow.makeData as unknown as (props: Record<string, unknown>) => Arrow.Data;
  const n = b.rows;
  const fields: Arrow.Field[] = [];
  const data: Arrow.Data[] = [];
  columns.forEach((c, i) => {
    const type = arrowType(arrow, c);
    fields.push(new arrow.Field(c.name, type, c.nullable));
    const values = c.kind === 'timestamp' ? b.ts.subarray(0, n) : (b.values[i] as Float64Array | Int32Array).subarray(0, n);
    const nullCount = b.nullCounts[i];
    data.push(makeData({
      type, length: n, nullCount, data: values,
      nullBitmap: nullCount > 0 ? (b.validity[i] as Uint8Array).subarray(0, (n + 7) >> 3) : undefined,
    }));
  });
  const schema = new arrow.Schema(fields);
  const struct = makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children: data }) as Arrow.Data<Arrow.Struct>;
  return new arrow.Table(schema, new arrow.RecordBatch(schema, struct));
}

/** One pair-month's columns as an Arrow IPC stream: what the encoder thread is handed. */
export async function arrowIpc(columns: readonly ExportColumn[], b: ColumnBatch): Promise<Uint8Array> {
  const arrow = await (loaded ??= import('apache-arrow'));
  return arrow.tableToIPC(toArrowTable(arrow, columns, b), 'stream');
}
