// Made-up orders, shaped as the tables ORDERS_NUMBERS_SQL and ORDERS_TEXTS_SQL read (their columns,
// Arrow types and DuckDB's batches of 2,048 rows), to run orders-arrays.ts' ordersPart on before any
// data set comes. It runs once per data set, in a worker of its own, so at 1M orders it ran as the
// JavaScript engine first compiles a function, unoptimised until it has run for a while: ~0.1 s of
// its ~0.8 s at 1M orders (docs/benchmarks.md). Run first on these, while the user picks a file, it
// is optimised by then. Arrow's IPC reader is warmed up the same way (warmUpArrowReads).
import { Float64, Int32, Table, Uint8, Utf8, Vector, makeData, tableFromIPC, tableToIPC, type Data, type DataType } from 'apache-arrow';
import { ordersPart } from './orders-arrays';
import { DAY_MS } from './panels';

const US_PER_DAY = DAY_MS * 1000;
const BATCH_ROWS = 2_048;
const FIRST_DAY = 19_000; // 2022-01-08
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'CA', 'AU'];
const CITIES = ['Austin', 'Berlin', 'Paris', 'London', 'Toronto', 'Sydney', 'Boston', 'Lyon', 'Leeds', 'Munich', 'Perth', 'Ottawa'];
const CHANNELS = ['web', 'app', 'store', 'email'];

const ENCODER = new TextEncoder();

/** A column in batches of BATCH_ROWS rows, as DuckDB's Arrow stream gives them. */
function column<T extends DataType>(n: number, batch: (from: number, to: number) => Data<T>): Vector<T> {
  const chunks: Data<T>[] = [];
  for (let from = 0; from < n; from += BATCH_ROWS) chunks.push(batch(from, Math.min(n, from + BATCH_ROWS)));
  return new Vector(chunks);
}

function nullBitmap(values: readonly unknown[], from: number, to: number): { nullBitmap: Uint8Array; nullCount: number } {
  const bitmap = new Uint8Array(Math.ceil((to - from) / 8));
  let nullCount = 0;
  for (let i = from; i < to; i++) {
    if (values[i] == null) nullCount++;
    else bitmap[(i - from) >> 3]! |= 1 << ((i - from) & 7);
  }
  return { nullBitmap: bitmap, nullCount };
}

function texts(values: readonly (string | null)[]): Vector<Utf8> {
  return column(values.length, (from, to) => {
    const encoded = values.slice(from, to).map((v) => ENCODER.encode(v ?? ''));
    const valueOffsets = new Int32Array(to - from + 1);
    encoded.forEach((bytes, i) => (valueOffsets[i + 1] = valueOffsets[i]! + bytes.length));
    const data = new Uint8Array(valueOffsets[to - from]!);
    encoded.forEach((bytes, i) => data.set(bytes, valueOffsets[i]!));
    return makeData({ type: new Utf8(), length: to - from, valueOffsets, data, ...nullBitmap(values, from, to) });
  });
}

function doubles(values: readonly number[]): Vector<Float64> {
  return column(values.length, (from, to) => makeData({ type: new Float64(), length: to - from, data: Float64Array.from(values.slice(from, to)), ...nullBitmap(values, from, to) }));
}

function ints(values: readonly number[]): Vector<Int32> {
  return column(values.length, (from, to) => makeData({ type: new Int32(), length: to - from, data: Int32Array.from(values.slice(from, to)), ...nullBitmap(values, from, to) }));
}

function bytes(values: readonly number[]): Vector<Uint8> {
  return column(values.length, (from, to) => makeData({ type: new Uint8(), length: to - from, data: Uint8Array.from(values.slice(from, to)), ...nullBitmap(values, from, to) }));
}

/**
 * The orders of `customers` made-up customers, one to four each over two years, in no order of
 * customer (as the orders table is stored). Every branch of ordersPart is met: a customer's orders
 * at one instant (decided by order id), refund-only and free orders, no country, city or channel,
 * revenue ties.
 */
export function madeUpOrders(customers: number): { numbers: Table; texts: Table } {
  const orders = { customer_id: [] as string[], at: [] as number[], order_id: [] as string[], amount: [] as number[], refund: [] as number[], country: [] as (string | null)[], city: [] as (string | null)[], channel: [] as (string | null)[] };
  // Customers' orders interleaved: every customer's first order, then their second, …
  for (let j = 0; j < 4; j++) {
    for (let c = 0; c < customers; c++) {
      if (j > (c * 7) % 4) continue;
      const day = FIRST_DAY + ((c * 37 + j * 53) % 730);
      // Every fifth customer's second order at the instant of their first.
      const sameInstant = c % 5 === 0 && j <= 1;
      const at = (sameInstant ? FIRST_DAY + ((c * 37) % 730) : day) * US_PER_DAY + (sameInstant ? 0 : ((c * 13 + j) % 86_400) * 1e6);
      const refundOnly = c % 11 === 3 && j === 0, free = c % 13 === 4 && j === 0;
      const amount = refundOnly || free ? 0 : 5 + ((c * 31 + j * 17) % 200) * (c % 3 === 0 ? 1 : 0.5);
      const refund = refundOnly ? 20 : c % 17 === 0 ? 2.5 : 0;
      orders.customer_id.push(`M${String((c * 7919) % 100_003).padStart(6, '0')}`);
      orders.at.push(at);
      orders.order_id.push(`O${c}-${j}`);
      orders.amount.push(amount);
      orders.refund.push(refund);
      orders.country.push(c % 13 === 0 && j > 0 ? null : COUNTRIES[(c + j) % COUNTRIES.length]!);
      orders.city.push(c % 19 === 0 ? null : CITIES[(c * 3 + j) % CITIES.length]!);
      orders.channel.push(c % 23 === 0 && j === 0 ? null : CHANNELS[(c + 2 * j) % CHANNELS.length]!);
    }
  }
  return {
    numbers: new Table({ customer_id: texts(orders.customer_id), at: doubles(orders.at), amount: doubles(orders.amount), refund: doubles(orders.refund) }),
    texts: new Table({ order_id: texts(orders.order_id), country: texts(orders.country), city: texts(orders.city), channel: texts(orders.channel) }),
  };
}

/** Customers and rounds of the warm-up: enough rounds for each function to be optimised whole (V8 compiles a loop alone first). */
const WARM_UP_CUSTOMERS = 2_000;
const WARM_UP_ROUNDS = 8;

/**
 * Runs ordersPart on made-up orders until it is optimised; false if a round built nothing (the
 * warm-up would have missed most of it). It yields to the worker's other messages between rounds,
 * so a small data set dropped at once waits for one round (~35 ms in the page), not all eight (~280 ms).
 */
export async function warmUpOrdersPart(): Promise<boolean> {
  const { numbers, texts } = madeUpOrders(WARM_UP_CUSTOMERS);
  let built = true;
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    built = ordersPart(numbers, texts, () => {}) !== null && built;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return built;
}

/** Rounds of warmUpArrowReads: ~300 batches decoded (100 rounds made the first real read 17 ms, 8 rounds 46, none 84; Node build). */
const ARROW_WARM_UP_ROUNDS = 100;

/**
 * Made-up batches holding every Arrow type of the first dashboard's big reads (the orders' two and
 * the lines', orders-arrays.ts): text, double, 32-bit integer and byte columns, as an IPC stream.
 */
export function madeUpIpc(): Uint8Array {
  const { numbers } = madeUpOrders(WARM_UP_CUSTOMERS);
  const at = numbers.getChild('at')!.toArray() as Float64Array;
  return tableToIPC(new Table({
    customer_id: numbers.getChild('customer_id')!, at: numbers.getChild('at')!,
    day: ints(Array.from(at, (us) => Math.floor(us / US_PER_DAY))), bought: bytes(Array.from(at, (_, r) => r % 2)),
  }), 'stream');
}

/**
 * Runs Arrow's IPC reader on made-up batches (madeUpIpc) until it is optimised: a worker decodes
 * each big read once per data set (~490 batches at 1M orders), and cold that took 55–71 ms in the
 * page against ~20 once optimised. It yields to the worker's other messages every few rounds
 * (~90 ms in all, Node build). The number of rows read.
 */
export async function warmUpArrowReads(rounds = ARROW_WARM_UP_ROUNDS): Promise<number> {
  const ipc = madeUpIpc();
  let rows = 0;
  for (let round = 0; round < rounds; round++) {
    rows += tableFromIPC([ipc]).numRows;
    if (round % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return rows;
}
