// Writes the app's sample file, or benchmark files in CSV and Parquet:
//   npx tsx scripts/generate-sample.ts                          → public/sample-orders.csv
//   npx tsx scripts/generate-sample.ts --rows 100k,1M,5M [--out bench-data/] [--seed 42]
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Float64, Int32, Table, TimestampMillisecond, Utf8, makeData, makeVector, tableToIPC, type Vector } from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, transformParquetStream, type RecordBatch } from 'parquet-wasm/node';
import { SAMPLE_COLUMNS, generateOrders, toCsvLine, type SampleOrderRow } from '../src/sample/generate-orders';

// Under ~2.5 MB: a quick first load for "Try sample data", still ~7,600 customers over three years.
const SAMPLE_ORDERS = 17_500;
const SAMPLE_PATH = fileURLToPath(new URL('../public/sample-orders.csv', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../bench-data/', import.meta.url));
const DEFAULT_SEED = 42;
// One Parquet row group per chunk: small enough to stream, large enough to read efficiently.
const CHUNK_ROWS = 100_000;

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    out: { type: 'string', default: BENCH_DIR },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
  },
});

const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

if (values.rows === undefined) {
  await writeFiles({ rows: SAMPLE_ORDERS, seed, csvPath: SAMPLE_PATH });
} else {
  await mkdir(values.out, { recursive: true });
  for (const rows of values.rows.split(',').map(parseCount)) {
    const label = countLabel(rows);
    await writeFiles({ rows, seed, csvPath: join(values.out, `orders-${label}.csv`), parquetPath: join(values.out, `orders-${label}.parquet`) });
  }
}

/** `100k`, `1M`, `5M` or a plain number. */
function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!match) throw new Error(`--rows takes counts like 100k, 1M or 250000, got "${text}"`);
  const unit = { '': 1, k: 1e3, m: 1e6 }[match[2]!.toLowerCase() as '' | 'k' | 'm'];
  const count = Math.round(Number(match[1]) * unit);
  if (count < 1) throw new Error(`--rows counts must be at least 1, got "${text}"`);
  return count;
}

function countLabel(rows: number): string {
  if (rows % 1e6 === 0) return `${rows / 1e6}M`;
  if (rows % 1e3 === 0) return `${rows / 1e3}k`;
  return String(rows);
}

interface WriteOptions {
  rows: number;
  seed: number;
  csvPath: string;
  parquetPath?: string;
}

/** One pass over the generator feeds both files, chunk by chunk, so no size is ever held whole in memory. */
async function writeFiles({ rows, seed, csvPath, parquetPath }: WriteOptions): Promise<void> {
  const started = performance.now();
  const csv = createWriteStream(csvPath);
  await write(csv, SAMPLE_COLUMNS.join(',') + '\n');
  const chunks = chunked(generateOrders({ seed, orders: rows }), CHUNK_ROWS);

  if (parquetPath === undefined) {
    for (const chunk of chunks) await write(csv, csvText(chunk));
  } else {
    const batches = new ReadableStream<RecordBatch>({
      async pull(controller) {
        const next = chunks.next();
        if (next.done) return controller.close();
        await write(csv, csvText(next.value));
        controller.enqueue(toWasmBatch(next.value));
      },
    });
    const properties = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).setMaxRowGroupSize(CHUNK_ROWS).build();
    const parquet = await transformParquetStream(batches, properties);
    await parquet.pipeTo(Writable.toWeb(createWriteStream(parquetPath)));
  }
  csv.end();
  await once(csv, 'close');

  const seconds = (performance.now() - started) / 1000;
  for (const path of parquetPath === undefined ? [csvPath] : [csvPath, parquetPath]) {
    const { size } = await stat(path);
    const shown = relative(process.cwd(), path);
    console.log(`${shown.startsWith('..') ? path : shown}\t${rows.toLocaleString('en-US')} rows\t${size.toLocaleString('en-US')} bytes\t${seconds.toFixed(1)} s`);
  }
  if (parquetPath !== undefined) console.log('(both files come from one pass, so they share the time)');
}

function* chunked<T>(items: Iterable<T>, size: number): Generator<T[], void, undefined> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

function csvText(rows: readonly SampleOrderRow[]): string {
  return rows.map(toCsvLine).join('\n') + '\n';
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** The Parquet types the app expects: ids as strings, a zone-less millisecond timestamp, INT32 and DOUBLE. */
function toWasmBatch(rows: readonly SampleOrderRow[]): RecordBatch {
  const strings = (column: (row: SampleOrderRow) => string) => utf8Vector(rows.map(column));
  const table = new Table({
    order_id: strings((row) => row.order_id),
    customer_id: strings((row) => row.customer_id),
    customer_name: strings((row) => row.customer_name),
    customer_email: strings((row) => row.customer_email),
    ordered_at: makeVector(
      makeData({
        type: new TimestampMillisecond(),
        length: rows.length,
        data: BigInt64Array.from(rows, (row) => BigInt(Date.parse(`${row.ordered_at.replace(' ', 'T')}Z`))),
      }),
    ),
    product: strings((row) => row.product),
    category: strings((row) => row.category),
    quantity: makeVector({ type: new Int32(), data: Int32Array.from(rows, (row) => row.quantity) }),
    amount: makeVector({ type: new Float64(), data: Float64Array.from(rows, (row) => row.amount) }),
    currency: strings((row) => row.currency),
    country: strings((row) => row.country),
    city: strings((row) => row.city),
    channel: strings((row) => row.channel),
    status: strings((row) => row.status),
    refund_amount: makeVector({ type: new Float64(), data: Float64Array.from(rows, (row) => row.refund_amount) }),
  });
  const wasmTable = WasmTable.fromIPCStream(tableToIPC(table, 'stream'));
  const batches = wasmTable.recordBatches();
  wasmTable.free();
  if (batches.length !== 1) throw new Error(`expected one record batch per chunk, got ${batches.length}`);
  return batches[0]!;
}

// Arrow's builder encodes strings one by one, which dominated the run; one encode per column is several times faster.
function utf8Vector(values: readonly string[]): Vector<Utf8> {
  const joined = values.join('');
  const data = Buffer.from(joined, 'utf8');
  const ascii = data.length === joined.length;
  const offsets = new Int32Array(values.length + 1);
  for (let i = 0; i < values.length; i += 1) offsets[i + 1] = offsets[i]! + (ascii ? values[i]!.length : Buffer.byteLength(values[i]!));
  return makeVector(makeData({ type: new Utf8(), length: values.length, valueOffsets: offsets, data }));
}
