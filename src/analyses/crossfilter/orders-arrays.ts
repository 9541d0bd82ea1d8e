// The panels' arrays (panels.ts DataArrays) built from the orders and their lines alone, before
// customer_base and its tables exist, so the first dashboard does not wait for them: plain reads
// of the orders and of the lines (no join, no sort: the engine hashes nothing; when every order
// has one line, its line is read from the orders) and one pass of JavaScript over each, where the
// customer base's SQL takes seconds at 1M orders
// (docs/benchmarks.md). Every figure is the one
// customer-base.ts defines, worked out here as its SQL does:
//   - a customer's country and city: those of their latest order that has one, channel: of their
//     first; latest and first by (ordered_at, order_id);
//   - first purchase: the first order that is not refund-only, its amount the first order revenue;
//   - lifetime revenue (Σ amount), LTV (Σ net, an order's net being amount − refund as ordersTableSql
//     computes it), paid orders (kind 'sale');
//   - the ranking by lifetime revenue descending, then customer_id (byte order, as DuckDB's VARCHAR
//     order), which cuts the value bands; customer since from the first purchase's day;
//   - item codes and attribute values in DuckDB's order of the values, no value last.
// Customers are numbered 1…n by that ranking, customers tied on revenue in the order first met
// unless a band's cut falls among them: not always as customer_base's cid, so the flag tables' cids
// are not matched on these (panel-index.ts). Sums are added in the engine's scan order; where its hash aggregate merges partial sums the last bit of a figure may
// differ, which no figure shown rounds to. Anything this module does not expect (a NULL where the
// tables have none, a year outside 1000–9999) makes it answer null, and the SQL path is taken.
import type { Table, Vector } from 'apache-arrow';
import { VALUE_BANDS } from '../customer-base';
import {
  DAY_MS, LITTLE_ENDIAN, dataArraysOf, lifetimeScope, orderKeys, ordersByCid, periodsOf, radixSort, paidThrough, purchaseDaysByDay, rangeItems, scopeRows, startsByCid, unfilteredRows,
  type AttributeDimension, type DataArrays, type ItemSets, type ScopeState, type UnfilteredRows,
} from './panels';
import type { ReadTable } from './panel-index';

const US_PER_DAY = DAY_MS * 1000;
const DAYS_OF_YEARS_1000_TO_9999 = (Date.UTC(10_000, 0, 1) - Date.UTC(1000, 0, 1)) / DAY_MS;

/**
 * Every order as stored, in the table's order (the engine scans, the rest is done here), in two
 * reads: what numbering the customers needs first, then the texts needed only after. The other
 * worker starts on the first while the engine reads the second: as one read they took ~0.37 s in
 * the page at 1M orders before that worker could start, the texts ~200 of its ~300 ms in the Node
 * build. Both scan one table and keep its order (DuckDB's preserve_insertion_order, on by
 * default). An order's kind is not read: ordersTableSql makes it of its amount and refund, and
 * kindOf makes it again (that CASE over text cost the read 20–50 ms, Node build).
 */
export const ORDERS_NUMBERS_SQL = 'SELECT customer_id, epoch_us(ordered_at)::DOUBLE AS at, amount, refund FROM orders';
export const ORDERS_TEXTS_SQL = 'SELECT order_id, country, city, channel FROM orders';

/** Every order line (customer-base.ts CUSTOMER_ITEMS_SQL's columns before its joins). */
export const LINES_READ_SQL = `SELECT customer_id, (ordered_at::DATE - DATE '1970-01-01')::INTEGER AS day,
    (NOT (sale = 0 AND refund > 0))::UTINYINT AS bought, product, category, status
  FROM order_lines`;

/**
 * Whether every order has exactly one line: as many lines as orders (each order has one line or
 * more, and the lines of a copy dropped from a later file are lines of no order).
 */
export const ONE_LINE_PER_ORDER_SQL = 'SELECT (SELECT count(*) FROM order_lines) = (SELECT count(*) FROM orders) AS one_line';

/**
 * LINES_READ_SQL's columns when every order has one line, read from the orders, in their order:
 * an order's line is then its first line, whose product, category and status ordersTableSql keeps,
 * and its ordered_at, sale and refund are the order's ordered_at, amount and refund (sums of one).
 * Each line's customer is then its order's, numbered with the orders' ids: no customer id is read
 * for the lines or looked up (at 1M orders, ~70 ms less of the read in the Node build, and ~190 ms
 * of lookups less in the page). Exports of payments or of orders (Stripe's, many shops') are so.
 */
export const ORDERS_AS_LINES_READ_SQL = `SELECT (ordered_at::DATE - DATE '1970-01-01')::INTEGER AS day,
    (NOT (amount = 0 AND refund > 0))::UTINYINT AS bought, product, category, status
  FROM orders`;

const KIND_SALE = 0;
const KIND_FREE = 1;
const KIND_REFUND = 2;

/**
 * An order's kind as ordersTableSql's CASE gives it: 'sale' when its amount is above 0, else
 * 'refund' when its refund is, else 'free'. Written as "not at most 0" because DuckDB orders NaN
 * above every number, so a NaN amount is a sale there.
 */
export function kindOf(amount: number, refund: number): number {
  return !(amount <= 0) ? KIND_SALE : !(refund <= 0) ? KIND_REFUND : KIND_FREE;
}

/**
 * Distinct byte strings (UTF-8 values of an Arrow column) numbered 0, 1, … in the order first met,
 * in an open-addressing hash table: strings are never decoded, except the few a panel shows.
 */
export class ByteDictionary {
  size = 0;
  /** Pairs (hash, code; code −1: empty): a probe reads both from one place, a miss less a lookup than apart. */
  #slots: Int32Array;
  #hashes: Int32Array;
  #start: Int32Array;
  #pool: Uint8Array;
  #poolView: DataView;

  /**
   * `expected`: about how many strings will be added. The table is made that big at once: grown
   * from its smallest size it rehashed every string it held at each doubling, 46 ms of the orders'
   * worker's part and 26 ms of the lines' numbering at 1M orders (a CPU profile of the page).
   */
  constructor(expected = 0) {
    const capacity = Math.max(512, 2 ** Math.ceil(Math.log2(Math.max(1, expected))));
    this.#slots = new Int32Array(4 * capacity).fill(-1);
    this.#hashes = new Int32Array(capacity);
    this.#start = new Int32Array(capacity + 1);
    this.#pool = new Uint8Array(8 * capacity);
    this.#poolView = new DataView(this.#pool.buffer);
  }

  /**
   * The code of bytes[from, to), added when absent (`add`), else −1 when absent; `view`: a DataView
   * of the same bytes (the strings are hashed and compared four bytes at a time), made when not given.
   */
  code(bytes: Uint8Array, from: number, to: number, add: boolean, view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)): number {
    // MurmurHash3's 32-bit mixing, a word at a time (every bit of a word reaches the low bits the table is indexed by).
    const length = to - from;
    let h = length, k = from;
    for (; k + 4 <= to; k += 4) {
      let w = Math.imul(view.getInt32(k, true), 0xcc9e2d51);
      w = Math.imul((w << 15) | (w >>> 17), 0x1b873593);
      h ^= w;
      h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
    }
    let tail = 0;
    for (let shift = 0; k < to; k++, shift += 8) tail |= bytes[k]! << shift;
    h ^= Math.imul((Math.imul(tail, 0xcc9e2d51) << 15) | (Math.imul(tail, 0xcc9e2d51) >>> 17), 0x1b873593);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const slots = this.#slots, wrap = slots.length - 1, start = this.#start, pool = this.#pool, poolView = this.#poolView;
    for (let slot = (h & (wrap >> 1)) << 1; ; slot = (slot + 2) & wrap) {
      const code = slots[slot + 1]!;
      if (code < 0) return add ? this.#add(slot, h, bytes, from, to) : -1;
      if (slots[slot] !== h) continue;
      const at = start[code]!;
      if (start[code + 1]! - at !== length) continue;
      let same = 0;
      while (same + 4 <= length && poolView.getInt32(at + same, true) === view.getInt32(from + same, true)) same += 4;
      while (same < length && pool[at + same] === bytes[from + same]) same++;
      if (same === length) return code;
    }
  }

  /** The bytes of `code`. */
  bytes(code: number): Uint8Array {
    return this.#pool.subarray(this.#start[code]!, this.#start[code + 1]!);
  }

  text(code: number): string {
    return DECODER.decode(this.bytes(code));
  }

  /** Byte order of two codes' strings (memcmp, then length: DuckDB's order of VARCHARs). */
  compare(a: number, b: number): number {
    const pool = this.#pool, start = this.#start;
    const from = start[a]!, to = start[a + 1]!, other = start[b]!, otherTo = start[b + 1]!;
    const n = Math.min(to - from, otherTo - other);
    for (let k = 0; k < n; k++) {
      const d = pool[from + k]! - pool[other + k]!;
      if (d !== 0) return d;
    }
    return to - from - (otherTo - other);
  }

  /** The rank of each code when the strings are in byte order (0 first). */
  ranks(): Int32Array {
    const codes = Int32Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.compare(a, b));
    const rank = new Int32Array(this.size);
    for (let r = 0; r < codes.length; r++) rank[codes[r]!] = r;
    return rank;
  }

  /** Its arrays, to post to another worker (ByteDictionary.from makes it again there). */
  state(): DictionaryState {
    return { size: this.size, slots: this.#slots, hashes: this.#hashes, start: this.#start, pool: this.#pool };
  }

  static from(state: DictionaryState): ByteDictionary {
    const dictionary = new ByteDictionary();
    dictionary.size = state.size;
    dictionary.#slots = state.slots;
    dictionary.#hashes = state.hashes;
    dictionary.#start = state.start;
    dictionary.#pool = state.pool;
    dictionary.#poolView = new DataView(state.pool.buffer, state.pool.byteOffset, state.pool.byteLength);
    return dictionary;
  }

  #add(slot: number, hash: number, bytes: Uint8Array, from: number, to: number): number {
    const code = this.size++;
    if (code + 1 >= this.#hashes.length) {
      this.#hashes = grow(this.#hashes, this.#hashes.length * 2);
      this.#start = grow(this.#start, this.#start.length * 2);
    }
    const at = this.#start[code]!;
    if (at + to - from > this.#pool.length) {
      const pool = new Uint8Array(Math.max(this.#pool.length * 2, at + to - from));
      pool.set(this.#pool);
      this.#pool = pool;
      this.#poolView = new DataView(pool.buffer);
    }
    // Copied byte by byte: a subarray per new string (to set() from) cost more than the copy itself,
    // ~80 of ~190 ms numbering 1M orders' customer ids (Node build).
    const pool = this.#pool;
    for (let k = from; k < to; k++) pool[at + k - from] = bytes[k]!;
    this.#start[code + 1] = at + to - from;
    this.#hashes[code] = hash;
    this.#slots[slot] = hash;
    this.#slots[slot + 1] = code;
    if (4 * this.size > this.#slots.length) this.#rehash();
    return code;
  }

  #rehash(): void {
    const slots = new Int32Array(this.#slots.length * 2).fill(-1), wrap = slots.length - 1;
    for (let code = 0; code < this.size; code++) {
      const hash = this.#hashes[code]!;
      let slot = (hash & (wrap >> 1)) << 1;
      while (slots[slot + 1]! >= 0) slot = (slot + 2) & wrap;
      slots[slot] = hash;
      slots[slot + 1] = code;
    }
    this.#slots = slots;
  }
}

/** A ByteDictionary's arrays, as posted between workers. */
export interface DictionaryState {
  size: number;
  slots: Int32Array;
  hashes: Int32Array;
  start: Int32Array;
  pool: Uint8Array;
}

/** The orders' customer ids as numbered, sent ahead of the orders' part: their dictionary, and each order's code in it (by row). */
export interface NumberedIds {
  dictionary: DictionaryState;
  customerOf: Int32Array;
}

const DECODER = new TextDecoder();

function grow(values: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(length);
  out.set(values);
  return out;
}

/** A column without NULLs as one typed array (a copy only across batches); null when it has NULLs. */
function numbers<T extends Float64Array | Int32Array | Uint8Array>(t: Table, name: string, type: { from(values: Iterable<number>): T }, kind: new (n: number) => T): T | null {
  const vector = t.getChild(name);
  if (!vector || vector.nullCount > 0) return null;
  const values: unknown = vector.toArray();
  return values instanceof kind ? values : type.from(values as Iterable<number>);
}

/**
 * A UTF-8 column of a table read by tableFromIPC, reached by row: whether a row has a value, and its
 * bytes (found through the table's batches, which every column of it shares).
 */
class TextColumn {
  private constructor(
    /** 1 where the row has a value. */
    readonly present: Uint8Array,
    readonly chunks: { offsets: Int32Array; bytes: Uint8Array; view: DataView; length: number }[],
    readonly batchOf: Uint16Array,
    readonly firstRow: Int32Array,
  ) {}

  /** Null when the column is not laid out as expected (one batch per 2^16 rows at most). */
  static of(vector: Vector): TextColumn | null {
    const batches = vector.data;
    if (batches.length > 65_536) return null;
    const present = new Uint8Array(vector.length), batchOf = new Uint16Array(vector.length), firstRow = new Int32Array(batches.length);
    const chunks: TextColumn['chunks'] = [];
    let row = 0;
    for (const [index, data] of batches.entries()) {
      const offsets = data.valueOffsets as Int32Array | undefined, bytes = data.values as Uint8Array | undefined;
      if (!offsets || !(bytes instanceof Uint8Array) || data.offset !== 0) return null;
      chunks.push({ offsets, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), length: data.length });
      firstRow[index] = row;
      batchOf.fill(index, row, row + data.length);
      const nulls = data.nullCount > 0 ? data.nullBitmap : null;
      if (!nulls) present.fill(1, row, row + data.length);
      else for (let i = 0; i < data.length; i++) present[row + i] = (nulls[i >> 3]! >> (i & 7)) & 1;
      row += data.length;
    }
    return new TextColumn(present, chunks, batchOf, firstRow);
  }

  bytes(row: number): Uint8Array {
    const batch = this.batchOf[row]!, { offsets, bytes } = this.chunks[batch]!, i = row - this.firstRow[batch]!;
    return bytes.subarray(offsets[i]!, offsets[i + 1]!);
  }

  /** Every row's code in `dictionary` (−1 for NULL), batch by batch; a value absent is added, or (`add` false) −1 too. */
  codes(dictionary: ByteDictionary, add = true): Int32Array {
    const codes = new Int32Array(this.present.length);
    for (const [batch, { offsets, bytes, view, length }] of this.chunks.entries()) {
      for (let i = 0, row = this.firstRow[batch]!; i < length; i++, row++) {
        codes[row] = this.present[row] ? dictionary.code(bytes, offsets[i]!, offsets[i + 1]!, add, view) : -1;
      }
    }
    return codes;
  }

  /**
   * The codes in `dictionary` of the given rows' values (−1: row −1, or NULL), added when absent.
   * The rows are visited in the column's order, whatever theirs: reads that follow the column's
   * bytes, where visiting them as given (in no order) waited on memory for most rows.
   */
  codesOfRows(rows: Int32Array, dictionary: ByteDictionary, scratch: RowScratch): Int32Array {
    // Rows marked with this call's stamp: the marks of an earlier call on the same scratch need no clearing.
    const wanted = scratch.wanted, stamp = ++scratch.stamp, codeOfRow = scratch.codeOfRow;
    for (let k = 0; k < rows.length; k++) if (rows[k]! >= 0) wanted[rows[k]!] = stamp;
    for (const [batch, { offsets, bytes, view, length }] of this.chunks.entries()) {
      for (let i = 0, row = this.firstRow[batch]!; i < length; i++, row++) {
        if (wanted[row] === stamp && this.present[row]) codeOfRow[row] = dictionary.code(bytes, offsets[i]!, offsets[i + 1]!, true, view);
      }
    }
    const codes = new Int32Array(rows.length);
    for (let k = 0; k < rows.length; k++) codes[k] = rows[k]! >= 0 && this.present[rows[k]!] ? codeOfRow[rows[k]!]! : -1;
    return codes;
  }
}

/** Working arrays of TextColumn.codesOfRows, one per row, shared by its calls on columns of one table (up to 255 calls). */
class RowScratch {
  stamp = 0;
  readonly wanted: Uint8Array;
  readonly codeOfRow: Int32Array;
  constructor(rows: number) {
    this.wanted = new Uint8Array(rows);
    this.codeOfRow = new Int32Array(rows);
  }
}

/** Byte order of two UTF-8 strings (memcmp, then length): DuckDB's order of VARCHARs. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

/**
 * The customers' indices (0…n − 1) by `revenue` descending, ties in first-met order: a stable radix
 * sort of the numbers' bits (panels.ts), a few passes over n.
 */
function byRevenueDescending(revenue: Float64Array): Int32Array {
  const identity = new Int32Array(revenue.length);
  for (let i = 0; i < identity.length; i++) identity[i] = i;
  return radixSort(orderKeys(revenue, true), identity).carried!;
}

const BAND_SHARES = [0.5, 0.8, 0.95] as const;
const BANDS_BY_SHARE = ['top_50', 'next_30', 'next_15', 'last_5'] as const;

/**
 * customer_base's ranking (revenue descending, then customer_id) and value band of each customer
 * (by index in `ids`). Customers tied on revenue share their running totals whatever their order,
 * so ids are compared only within a tie that a band's cut falls into.
 */
export function rankCustomers(revenue: Float64Array, ids: ByteDictionary): { order: Int32Array; band: Uint8Array } {
  const order = byRevenueDescending(revenue);
  const n = order.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += revenue[i]!;
  // The band of a customer with `value` after running total `before`: plain comparisons, as it
  // runs once per customer (with a findIndex over the shares, ranking 429k customers took 105-115 ms
  // in the Node build; with these, 27-31).
  const [cut50, cut80, cut95] = BAND_SHARES.map((s) => s * total) as [number, number, number];
  const [top50, next30, next15, last5] = BANDS_BY_SHARE.map((b) => VALUE_BANDS.indexOf(b)) as [number, number, number, number];
  const noRevenue = VALUE_BANDS.indexOf('no_revenue');
  const bandOf = (before: number, value: number) => (value <= 0 ? noRevenue : before < cut50 ? top50 : before < cut80 ? next30 : before < cut95 ? next15 : last5);
  // Ties in order of customer_id: sorted where a tie spans more than one band.
  let start = 0, before = 0;
  while (start < n) {
    const value = revenue[order[start]!]!;
    let end = start + 1;
    let sum = before + value;
    while (end < n && revenue[order[end]!] === value) {
      sum += value;
      end++;
    }
    if (end - start > 1 && bandOf(before, value) !== bandOf(sum - value, value)) {
      order.subarray(start, end).sort((a, b) => ids.compare(a, b));
    }
    before = sum;
    start = end;
  }
  const band = new Uint8Array(n);
  let running = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    band[i] = bandOf(running, revenue[i]!);
    running += revenue[i]!;
  }
  return { order, band };
}

/** Values of a code column by cid, in DuckDB's order (ORDER BY value NULLS LAST), and each cid's code in them. */
function attribute(codeOfCustomer: Int32Array, cidOf: Int32Array, size: number, textOf: (code: number) => string, compare: (a: number, b: number) => number): DataArrays['attributes'][AttributeDimension] {
  // By code + 1 (0: NULL): −1 until a customer has it, then its place among the values.
  let codes = 0;
  for (let i = 0; i < codeOfCustomer.length; i++) codes = Math.max(codes, codeOfCustomer[i]! + 2);
  const at = new Int32Array(codes).fill(-1);
  for (let i = 0; i < codeOfCustomer.length; i++) at[codeOfCustomer[i]! + 1] = 0;
  const sorted: number[] = [];
  for (let k = 0; k < codes; k++) if (at[k] === 0) sorted.push(k - 1);
  sorted.sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : compare(a, b)));
  sorted.forEach((code, place) => (at[code + 1] = place));
  const codeByCid = new Int32Array(size);
  for (let i = 0; i < codeOfCustomer.length; i++) codeByCid[cidOf[i]!] = at[codeOfCustomer[i]! + 1]!;
  return { codeByCid, values: sorted.map((code) => (code < 0 ? null : textOf(code))) };
}

/** Customer since by year, quarter and month, from the first purchase's day (NaN: none); null for a year outside 1000–9999. */
function sinceAttributes(firstOrderDay: Float64Array, size: number): Pick<DataArrays['attributes'], 'since_year' | 'since_quarter' | 'since_month'> | null {
  // Months as year × 12 + month (−1: no purchase), each day's worked out once and kept by day from
  // the first (looked up in a Map per customer, and the months gathered in a Set of every
  // customer's, this took ~30 ms at 1M orders, Node build).
  let firstDay = Infinity, lastDay = -Infinity;
  for (let cid = 1; cid < size; cid++) {
    const day = firstOrderDay[cid]!;
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  // Days further apart than years 1000–9999 are: one of them is outside (see below).
  if (lastDay - firstDay > DAYS_OF_YEARS_1000_TO_9999) return null;
  const monthOfDay = new Int32Array(firstDay <= lastDay ? lastDay - firstDay + 1 : 0).fill(-1);
  const month = new Int32Array(size);
  const seen = new Set<number>();
  for (let cid = 1; cid < size; cid++) {
    const day = firstOrderDay[cid]!;
    if (Number.isNaN(day)) {
      month[cid] = -1;
      seen.add(-1);
      continue;
    }
    // An integer index (the days are doubles): a double index deoptimises the loop.
    const at = (day - firstDay) | 0;
    let m = monthOfDay[at]!;
    if (m < 0) {
      const date = new Date(day * DAY_MS);
      // strftime('%Y') pads a year below 1000: not worth matching here.
      if (date.getUTCFullYear() < 1000 || date.getUTCFullYear() > 9999) return null;
      m = date.getUTCFullYear() * 12 + date.getUTCMonth();
      monthOfDay[at] = m;
      seen.add(m);
    }
    month[cid] = m;
  }
  const months = [...seen];
  const purchased = months.filter((m) => m >= 0);
  const first = purchased.length > 0 ? Math.min(...purchased) : 0;
  const grain = (label: (year: number, month: number) => string): DataArrays['attributes'][AttributeDimension] => {
    const labelOf = new Map(months.map((m) => [m, m < 0 ? null : label(Math.floor(m / 12), m % 12)]));
    // ASCII labels of one length: string order is byte order; no purchase last.
    const values = [...new Set(labelOf.values())].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
    // Codes by month from the first one (index 0: no purchase), read by index in the loop over customers.
    const codeOfMonth = new Int32Array((purchased.length > 0 ? Math.max(...purchased) - first + 1 : 0) + 1);
    for (const m of months) codeOfMonth[m < 0 ? 0 : m - first + 1] = values.indexOf(labelOf.get(m)!);
    const codeByCid = new Int32Array(size);
    for (let cid = 1; cid < size; cid++) codeByCid[cid] = codeOfMonth[month[cid]! < 0 ? 0 : month[cid]! - first + 1]!;
    return { codeByCid, values };
  };
  const mm = (m: number) => String(m + 1).padStart(2, '0');
  return {
    since_year: grain((y) => String(y)),
    since_quarter: grain((y, m) => `${y}-Q${Math.floor(m / 3) + 1}`),
    since_month: grain((y, m) => `${y}-${mm(m)}`),
  };
}

/**
 * What the orders alone give: every array but the lines', each customer's cid (by code in the
 * customer ids' dictionary, which ordersPart hands out before), and all time's rows (rangeScope's,
 * from the sums made here).
 */
export interface OrdersPart {
  arrays: Omit<DataArrays, 'lines' | 'itemValues'>;
  cidOf: Int32Array;
  /** By cid: the orders table's row (its rowid) of the customer's latest order, by (ordered_at, order_id). */
  latestOrderRow: Int32Array;
  allTime: Omit<ScopeState, 'fails'>;
  /** unfilteredRows of all time's rows: the first dashboard's KPIs, acquisition and Pareto curve. */
  allTimeUnfiltered: UnfilteredRows;
}

/**
 * Where the orders' part is built elsewhere (a worker of its own, in the page), while the lines'
 * part is built here: the orders' two reads as Arrow IPC streams, the texts' still being read when
 * the part is begun on the numbers (its rejection is the part's), and the part built from them.
 * Two things are sent ahead of it, each once, as copies: the customer ids' dictionary (`onIds`),
 * then the customers' ranking (`onRanked`). Its failure (a rejection) falls back to building it
 * here; its null stands (the data are not covered).
 */
export interface OrdersElsewhere {
  readBytes(sql: string): Promise<Uint8Array[]>;
  ordersPart(numbers: Uint8Array[], texts: Promise<Uint8Array[]>, onIds: (ids: NumberedIds) => void, onRanked: (ranked: Ranked) => void): Promise<OrdersPart | null>;
}

/** readArraysFromOrders' answer: the arrays, the customers' ids, and all time's rows and item sets (rangeScope's and rangeItems'), and its OrdersPart.allTimeUnfiltered. */
export interface ArraysFromOrders {
  arrays: DataArrays;
  ids: CustomerIds;
  allTime: Omit<ScopeState, 'fails'>;
  allTimeUnfiltered: UnfilteredRows;
  allTimeItems: ItemSets;
}

/**
 * The data-wide arrays of the panels from the orders and order lines alone (see the top of this
 * file); null when there are no orders or something is not as expected.
 */
export async function readArraysFromOrders(read: ReadTable, elsewhere?: OrdersElsewhere): Promise<ArraysFromOrders | null> {
  // The ranking's radix sort reads the numbers' bits as little-endian words (every browser's order).
  if (!LITTLE_ENDIAN) return null;
  // Elsewhere, the orders' part is built while the lines are read and numbered here (the machine's
  // other core); its customer ids come first, for the lines' to be numbered in their dictionary,
  // then the ranking, for the lines to be joined while the part is finished.
  let sent: (ids: NumberedIds) => void = () => {};
  const idsSent = new Promise<NumberedIds>((resolve) => (sent = resolve));
  let rankedThere: (ranked: Ranked) => void = () => {};
  const rankedSent = new Promise<Ranked>((resolve) => (rankedThere = resolve));
  let built: Promise<OrdersPart | null | undefined> | undefined;
  if (elsewhere) {
    const numbers = await elsewhere.readBytes(ORDERS_NUMBERS_SQL);
    // Read here while the other worker numbers the customers, before the lines.
    built = elsewhere.ordersPart(numbers, elsewhere.readBytes(ORDERS_TEXTS_SQL), sent, rankedThere).catch(() => undefined);
  }
  // Asked after the texts (the engine runs its queries in turn): the other worker waits for them.
  const [asked] = (await read(ONE_LINE_PER_ORDER_SQL)).toArray() as { one_line: boolean | null }[];
  const oneLine = asked?.one_line === true;
  const lines = linesPart(await read(oneLine ? ORDERS_AS_LINES_READ_SQL : LINES_READ_SQL), oneLine);
  if (!lines) return null;
  // What is sent ahead comes before the part is, though it may arrive after it (by another port);
  // null (not covered) or a failure (undefined) may come without it.
  const ahead = <T,>(sentAhead: Promise<T>) => built && Promise.race([sentAhead, built.then((part) => (part ? sentAhead : part))]);
  let ids = await ahead(idsSent);
  if (ids === null) return null;
  let dictionary = ids && ByteDictionary.from(ids.dictionary);
  let customerOf = ids && dictionary && lines.customersIn(dictionary, ids.customerOf);
  const ranked = customerOf && (await ahead(rankedSent));
  if (ranked === null) return null;
  // Joined before the part comes (the join and all time's items took 125–180 ms after it, in the page).
  let joined = customerOf && ranked ? joinedLines(lines, customerOf, ranked) : undefined;
  let orders = ids && (await built);
  if (orders === undefined) {
    // Built here, the lines' customer ids numbered in its dictionary.
    let here = undefined as NumberedIds | undefined;
    orders = ordersPart(await read(ORDERS_NUMBERS_SQL), await read(ORDERS_TEXTS_SQL), (sent) => (here = sent));
    dictionary = here && ByteDictionary.from(here.dictionary);
    customerOf = here && dictionary && lines.customersIn(dictionary, here.customerOf);
    joined = undefined;
  }
  if (!orders || !dictionary || !customerOf) return null;
  joined ??= joinedLines(lines, customerOf, { cidOf: orders.cidOf, bounds: orders.arrays.bounds });
  return {
    arrays: dataArraysOf({ ...orders.arrays, ...joined.lines }), ids: customerIdsOf(dictionary, orders), allTime: orders.allTime, allTimeUnfiltered: orders.allTimeUnfiltered, allTimeItems: joined.items,
  };
}

/** The lines grouped by the customers' cids, and all time's item sets (of every customer, cids 1…n, as all time's rows are). */
function joinedLines(part: LinesPart, customerOf: Int32Array, { cidOf, bounds }: Ranked): { lines: Pick<DataArrays, 'lines' | 'itemValues'>; items: ItemSets } {
  const lines = joinLines(part, customerOf, cidOf);
  const everyone = new Int32Array(cidOf.length);
  for (let k = 0; k < everyone.length; k++) everyone[k] = k + 1;
  return { lines, items: rangeItems(lines, periodsOf(null, bounds).current, everyone) };
}

/** Each cid's customer id, as the orders name it: the customer list's page needs the ids of the customers it shows. */
export interface CustomerIds {
  dictionary: ByteDictionary;
  /** The dictionary's code of customer cid (index 0: no one, −1). */
  codeByCid: Int32Array;
  /** OrdersPart's latestOrderRow. */
  latestOrderRow: Int32Array;
}

function customerIdsOf(dictionary: ByteDictionary, part: Pick<OrdersPart, 'cidOf' | 'latestOrderRow'>): CustomerIds {
  const { cidOf, latestOrderRow } = part;
  const codeByCid = new Int32Array(cidOf.length + 1).fill(-1);
  for (let code = 0; code < cidOf.length; code++) codeByCid[cidOf[code]!] = code;
  return { dictionary, codeByCid, latestOrderRow };
}

/** The orders' numbers (ORDERS_NUMBERS_SQL's table) as arrays, their customer ids numbered: the orders' part's first half. */
export interface NumberedOrders {
  ids: ByteDictionary;
  /** Each order's customer, by code in `ids`. */
  customerOf: Int32Array;
  at: Float64Array;
  kind: Uint8Array;
  amount: Float64Array;
  refund: Float64Array;
}

/** The first half of the orders' part: null when the numbers are not as expected (a NULL, no orders). */
export function numberOrders(orders: Table): NumberedOrders | null {
  const n = orders.numRows;
  if (n === 0 || !LITTLE_ENDIAN) return null;
  // Customers: as many as half the orders, or fewer, in most shops (the table grows past that if needed).
  const ids = new ByteDictionary(n / 2);
  const customerOf = TextColumn.of(orders.getChild('customer_id')!)?.codes(ids);
  const at = numbers(orders, 'at', Float64Array, Float64Array);
  const amount = numbers(orders, 'amount', Float64Array, Float64Array);
  const refund = numbers(orders, 'refund', Float64Array, Float64Array);
  if (!customerOf || !at || !amount || !refund) return null;
  if (customerOf.some((c) => c < 0)) return null;
  const kind = new Uint8Array(n);
  for (let r = 0; r < n; r++) kind[r] = kindOf(amount[r]!, refund[r]!);
  return { ids, customerOf, at, kind, amount, refund };
}

/**
 * The orders' part of the arrays (readArraysFromOrders), from the two reads' tables. The customer
 * ids' dictionary goes to `onIds` as soon as the ids are numbered, and the ranking to `onRanked` as
 * soon as the customers are ranked: still this one's (neither changes after), to be copied, not
 * moved, if posted.
 */
export function ordersPart(numbers: Table, texts: Table, onIds: (ids: NumberedIds) => void, onRanked?: (ranked: Ranked) => void): OrdersPart | null {
  const numbered = numberOrders(numbers);
  if (!numbered) return null;
  onIds({ dictionary: numbered.ids.state(), customerOf: numbered.customerOf });
  return finishOrdersPart(numbered, texts, onRanked);
}

/** What the lines' join needs of the orders' part, known once the customers are ranked: each one's cid (by code in the ids) and the data's days. */
export interface Ranked {
  cidOf: Int32Array;
  bounds: DataArrays['bounds'];
}

/**
 * The second half, once the texts (ORDERS_TEXTS_SQL's table, the same orders in the same order) are
 * there; null when they are not as expected.
 */
export function finishOrdersPart(numbered: NumberedOrders, texts: Table, onRanked?: (ranked: Ranked) => void): OrdersPart | null {
  const { ids, customerOf, at, kind, amount, refund } = numbered;
  const n = customerOf.length;
  if (texts.numRows !== n) return null;
  const orderIds = TextColumn.of(texts.getChild('order_id')!);
  // Places are numbered only for the orders that decide a customer's (a third of them here, at 1M
  // orders): the values some customer has, as customer_base's DISTINCT would list them.
  const places = { country: new ByteDictionary(), city: new ByteDictionary(), channel: new ByteDictionary() };
  const placeColumns = { country: TextColumn.of(texts.getChild('country')!), city: TextColumn.of(texts.getChild('city')!), channel: TextColumn.of(texts.getChild('channel')!) };
  if (!orderIds || !placeColumns.country || !placeColumns.city || !placeColumns.channel) return null;
  if (orderIds.present.includes(0)) return null;

  // Per customer (by index in ids): sums, and the rows of the orders that decide the attributes.
  const customers = ids.size;
  // One customer's state side by side (the orders come in no order of customer: each row's state is
  // one or two cache misses away, not seven): revenue, LTV, paid orders and the instants of the rows
  // deciding latest country, latest city, first channel and first purchase; then those rows (−1: none).
  const state = new Float64Array(7 * customers), decided = new Int32Array(4 * customers).fill(-1);
  // Rows compared by (ordered_at, order_id): order ids are read only when two orders of a customer share an instant.
  const after = (a: number, b: number) => compareBytes(orderIds.bytes(a), orderIds.bytes(b)) > 0;
  const country = placeColumns.country.present, city = placeColumns.city.present, channel = placeColumns.channel.present;
  let firstUs = Infinity, lastUs = -Infinity;
  for (let r = 0; r < n; r++) {
    const c = customerOf[r]!, time = at[r]!, s = 7 * c, d = 4 * c;
    state[s]! += amount[r]!;
    state[s + 1]! += amount[r]! - refund[r]!;
    if (kind[r] === KIND_SALE) state[s + 2]!++;
    if (time < firstUs) firstUs = time;
    if (time > lastUs) lastUs = time;
    let best = decided[d]!;
    if (country[r] && (best < 0 || time > state[s + 3]! || (time === state[s + 3] && after(r, best)))) (decided[d] = r), (state[s + 3] = time);
    best = decided[d + 1]!;
    if (city[r] && (best < 0 || time > state[s + 4]! || (time === state[s + 4] && after(r, best)))) (decided[d + 1] = r), (state[s + 4] = time);
    best = decided[d + 2]!;
    if (channel[r] && (best < 0 || time < state[s + 5]! || (time === state[s + 5] && after(best, r)))) (decided[d + 2] = r), (state[s + 5] = time);
    best = decided[d + 3]!;
    if (kind[r] !== KIND_REFUND && (best < 0 || time < state[s + 6]! || (time === state[s + 6] && after(best, r)))) (decided[d + 3] = r), (state[s + 6] = time);
  }
  const revenue = new Float64Array(customers), ltv = new Float64Array(customers), paid = new Float64Array(customers);
  const latestCountry = new Int32Array(customers), latestCity = new Int32Array(customers), firstChannel = new Int32Array(customers), firstPurchase = new Int32Array(customers);
  for (let c = 0; c < customers; c++) {
    revenue[c] = state[7 * c]!;
    ltv[c] = state[7 * c + 1]!;
    paid[c] = state[7 * c + 2]!;
    latestCountry[c] = decided[4 * c]!;
    latestCity[c] = decided[4 * c + 1]!;
    firstChannel[c] = decided[4 * c + 2]!;
    firstPurchase[c] = decided[4 * c + 3]!;
  }

  // NaN has no place in the ranking's order (nor in DuckDB's, the same way): left to the SQL path.
  if (revenue.some(Number.isNaN)) return null;
  const { order, band } = rankCustomers(revenue, ids);
  const size = customers + 1;
  const cidOf = new Int32Array(customers);
  for (let k = 0; k < customers; k++) cidOf[order[k]!] = k + 1;
  const firstDay = Math.floor(firstUs / US_PER_DAY), endDay = Math.floor(lastUs / US_PER_DAY) + 1;
  onRanked?.({ cidOf, bounds: { firstDay, endDay } });

  const facts = {
    ltv: new Float64Array(size), firstOrderRevenue: new Float64Array(size), firstOrderDay: new Float64Array(size).fill(NaN), lifetimePaidOrders: new Float64Array(size),
    firstOrderUs: new Float64Array(size).fill(NaN), lastOrderUs: new Float64Array(size).fill(NaN),
  };
  for (let c = 0; c < customers; c++) {
    const cid = cidOf[c]!, first = firstPurchase[c]!;
    facts.ltv[cid] = ltv[c]!;
    facts.lifetimePaidOrders[cid] = paid[c]!;
    if (first >= 0) {
      facts.firstOrderRevenue[cid] = amount[first]!;
      facts.firstOrderDay[cid] = Math.floor(at[first]! / US_PER_DAY);
      facts.firstOrderUs[cid] = at[first]!;
    }
  }
  // The last purchase's instant (max(ordered_at) of the orders that are not refund-only), and the
  // row of the latest order of any kind by (ordered_at, order_id): where the list's first pages
  // read a customer's name and e-mail (panel-index.ts #customerText).
  const lastOrderUs = facts.lastOrderUs, latestOrderRow = new Int32Array(size).fill(-1), latestUs = new Float64Array(size);
  for (let r = 0; r < n; r++) {
    const cid = cidOf[customerOf[r]!]!, time = at[r]!, latest = latestOrderRow[cid]!;
    if (latest < 0 || time > latestUs[cid]! || (time === latestUs[cid] && after(r, latest))) (latestOrderRow[cid] = r), (latestUs[cid] = time);
    if (kind[r] === KIND_REFUND) continue;
    if (!(time <= lastOrderUs[cid]!)) lastOrderUs[cid] = time;
  }
  const since = sinceAttributes(facts.firstOrderDay, size);
  if (!since) return null;
  const rowScratch = new RowScratch(n);
  const placeAttribute = (d: keyof typeof places, rows: Int32Array) => {
    const dictionary = places[d];
    return attribute(placeColumns[d]!.codesOfRows(rows, dictionary, rowScratch), cidOf, size, (code) => dictionary.text(code), (a, b) => dictionary.compare(a, b));
  };
  const bandAttribute = attribute(Int32Array.from(band), cidOf, size, (code) => VALUE_BANDS[code]!, (a, b) => (VALUE_BANDS[a]! < VALUE_BANDS[b]! ? -1 : 1));

  // Orders in day order (a stable counting sort: within a day the order does not change a figure).
  const dayOf = new Int32Array(n);
  for (let r = 0; r < n; r++) dayOf[r] = Math.floor(at[r]! / US_PER_DAY);
  const dayStart = new Int32Array(endDay - firstDay + 1);
  for (let r = 0; r < n; r++) dayStart[dayOf[r]! - firstDay + 1]!++;
  for (let d = 1; d < dayStart.length; d++) dayStart[d]! += dayStart[d - 1]!;
  const timeOrdered = { cid: new Int32Array(n), day: new Int32Array(n), purchase: new Uint8Array(n), amount: new Float64Array(n), refund: new Float64Array(n) };
  for (let r = 0; r < n; r++) {
    const to = dayStart[dayOf[r]! - firstDay]!++;
    timeOrdered.cid[to] = cidOf[customerOf[r]!]!;
    timeOrdered.day[to] = dayOf[r]!;
    timeOrdered.purchase[to] = kind[r] === KIND_REFUND ? 0 : 1;
    timeOrdered.amount[to] = amount[r]!;
    timeOrdered.refund[to] = refund[r]!;
  }
  const withPaid = { ...timeOrdered, paidThrough: paidThrough(timeOrdered, size) };
  const byCid = ordersByCid(withPaid, size);

  // Purchase days: each customer's distinct days with a purchase, and the next one (−1: none). The
  // same walk sums all time's rows (row cid − 1) as rangeScope's walk by customer does, in the same
  // order, which the first dashboard's panels then take as they are (that walk took 70–150 ms of
  // its serial end in the page, a cold first call).
  const dayCid = new Int32Array(n), days = new Int32Array(n), nextDays = new Int32Array(n);
  const lifetime = scopeRows(customers);
  const { purchase: purchaseOf, day: dayByCid, amount: amountOf, refund: refundOf } = byCid;
  let purchaseDayCount = 0;
  for (let cid = 1; cid < size; cid++) {
    let last = -1, orders = 0, paidOrders = 0, revenue = 0, refunds = 0;
    for (let r = byCid.start[cid]!, end = byCid.start[cid + 1]!; r < end; r++) {
      if (purchaseOf[r]) orders++;
      if (amountOf[r]! > 0) paidOrders++;
      revenue += amountOf[r]!;
      refunds += refundOf[r]!;
      if (!purchaseOf[r] || dayByCid[r] === last) continue;
      if (last >= 0) nextDays[purchaseDayCount - 1] = dayByCid[r]!;
      last = dayByCid[r]!;
      dayCid[purchaseDayCount] = cid;
      days[purchaseDayCount] = last;
      nextDays[purchaseDayCount++] = -1;
    }
    lifetime.orders[cid - 1] = orders;
    lifetime.paidOrders[cid - 1] = paidOrders;
    lifetime.revenue[cid - 1] = revenue;
    lifetime.refunds[cid - 1] = refunds;
  }
  // Views, not copies: at most one per order, most orders are a purchase day of their own.
  const purchaseDays = { cid: dayCid.subarray(0, purchaseDayCount), day: days.subarray(0, purchaseDayCount), nextDay: nextDays.subarray(0, purchaseDayCount) };

  const allTime = lifetimeScope(lifetime, facts, { firstDay, endDay });
  return {
    arrays: {
      attributes: {
        country: placeAttribute('country', latestCountry), city: placeAttribute('city', latestCity), channel: placeAttribute('channel', firstChannel),
        value_band: bandAttribute, ...since,
      },
      orders: withPaid,
      ordersByCid: byCid,
      purchaseDays: { start: startsByCid(purchaseDays.cid, size), day: purchaseDays.day, nextDay: purchaseDays.nextDay },
      purchaseDaysByDay: purchaseDaysByDay(purchaseDays.cid, purchaseDays.day, purchaseDays.nextDay),
      customers: facts,
      bounds: { firstDay, endDay },
    },
    cidOf,
    latestOrderRow,
    allTime,
    allTimeUnfiltered: unfilteredRows(allTime),
  };
}

/** Every buffer of an orders' part, once each: what posting it moves instead of copying. */
export function buffersOf(part: OrdersPart): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (value: unknown): void => {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
    } else if (value && typeof value === 'object') for (const v of Object.values(value)) add(v);
  };
  add(part);
  return [...buffers];
}

/**
 * The order lines numbered but for the customers they name: their item codes and values, and the
 * customer ids' column, numbered once the orders' dictionary of them is there (customersIn).
 */
interface LinesPart {
  /** Each line's customer, by code in the orders' ids (`ids`; `ordersCustomers`: each order's, by row); −1: none; null when not as expected. */
  customersIn(ids: ByteDictionary, ordersCustomers: Int32Array): Int32Array | null;
  day: Int32Array;
  bought: Uint8Array;
  codes: [Int32Array, Int32Array, Int32Array];
  itemValues: DataArrays['itemValues'];
}

/**
 * LINES_READ_SQL's table numbered (customer_items' columns before its joins, with item_codes'
 * values), or (`ofOrders`) ORDERS_AS_LINES_READ_SQL's, whose lines are the orders' rows.
 */
function linesPart(table: Table, ofOrders: boolean): LinesPart | null {
  const customers = ofOrders ? null : TextColumn.of(table.getChild('customer_id')!);
  const day = numbers(table, 'day', Int32Array, Int32Array);
  const bought = numbers(table, 'bought', Uint8Array, Uint8Array);
  const dictionaries = [new ByteDictionary(), new ByteDictionary(), new ByteDictionary()];
  const codes = (['product', 'category', 'status'] as const).map((d, i) => TextColumn.of(table.getChild(d)!)?.codes(dictionaries[i]!));
  if ((!ofOrders && !customers) || !day || !bought || codes.some((c) => !c)) return null;
  // Codes 1… in the values' byte order (0: no value), as item_codes numbers them.
  const itemValues = dictionaries.map((dictionary, i) => {
    const rank = dictionary.ranks();
    const column = codes[i]!;
    for (let r = 0; r < column.length; r++) column[r] = column[r]! < 0 ? 0 : rank[column[r]!]! + 1;
    const values: (string | null)[] = [null];
    for (let code = 0; code < dictionary.size; code++) values[rank[code]! + 1] = dictionary.text(code);
    return values;
  });
  return {
    // Looked up, not added: an id the orders do not name (or NULL) is −1. Lines that are the orders' rows are their orders' customers'.
    customersIn: (ids, ordersCustomers) => (customers ? customers.codes(ids, false) : ordersCustomers.length === day.length ? ordersCustomers : null),
    day, bought, codes: [codes[0]!, codes[1]!, codes[2]!],
    itemValues: { product: itemValues[0]!, category: itemValues[1]!, status: itemValues[2]! },
  };
}

/**
 * customer_items grouped by the orders' cids (`cidOf`, by code in the orders' customer ids, which
 * `customerOf` gives each line's of): lines of customers without an order are left out, as its join leaves them.
 */
function joinLines(part: LinesPart, customerOf: Int32Array, cidOf: Int32Array): Pick<DataArrays, 'lines' | 'itemValues'> {
  const size = cidOf.length + 1;
  const { day, bought, codes } = part;
  const cids = new Int32Array(customerOf.length);
  let kept = 0;
  for (let r = 0; r < cids.length; r++) {
    cids[r] = customerOf[r]! < 0 ? 0 : cidOf[customerOf[r]!]!;
    if (cids[r]) kept++;
  }
  const start = startsByCid(cids, size);
  // cid 0 (no customer) sorts first: its lines are skipped by starting past them.
  const next = start.slice(0, size);
  const out = { day: new Int32Array(cids.length), bought: new Uint8Array(cids.length), codes: [new Int32Array(cids.length), new Int32Array(cids.length), new Int32Array(cids.length)] as [Int32Array, Int32Array, Int32Array] };
  // Every array through a local: the loop reads no property (it looked up out.codes[d] per line and item).
  const [products, categories, statuses] = codes, [productsTo, categoriesTo, statusesTo] = out.codes, dayTo = out.day, boughtTo = out.bought;
  for (let r = 0; r < cids.length; r++) {
    const to = next[cids[r]!]!++;
    dayTo[to] = day[r]!;
    boughtTo[to] = bought[r]!;
    productsTo[to] = products[r]!;
    categoriesTo[to] = categories[r]!;
    statusesTo[to] = statuses[r]!;
  }
  const skipped = cids.length - kept;
  const keep = <T extends Int32Array | Uint8Array>(values: T) => values.subarray(skipped) as T;
  const starts = start.map((s) => Math.max(0, s - skipped));
  return {
    itemValues: part.itemValues,
    lines: { start: starts, day: keep(out.day), bought: keep(out.bought), codes: [keep(out.codes[0]), keep(out.codes[1]), keep(out.codes[2])] },
  };
}
