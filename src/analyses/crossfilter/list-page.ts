// The customer list's first page from the panels' arrays, so that a new data set or a new date range
// shows its list with the panels instead of after the scope tables and the RFM scores are built in
// SQL (~2.6 s on the first dashboard and ~0.4 s after a new range at 1M orders: docs/benchmarks.md).
// The list stays defined by customer-list.ts (its sorting and ties) and rfm.ts (its scores); this
// module only finds the page's customers and their RFM cells as those define them, and the SQL list
// replaces this page once the scope tables are built. test/unit/analyses/list-page.test.ts checks it
// row for row against the SQL list.
import type { CustomerListColumn } from '../customer-list';
import type { SegmentGrid } from '../rfm-grid';
import { DAY_MS, lowerBound, type DataArrays, type ScopeRows } from './panels';

/** The sorts the page can be taken in from the arrays: the range's figures a row holds, and the customer's first and last purchase. */
export const ARRAY_LIST_SORTS = ['revenue', 'refunds', 'orders', 'aov', 'ltv', 'first_order_at', 'last_order_at'] as const satisfies readonly CustomerListColumn[];
export type ArrayListSort = (typeof ARRAY_LIST_SORTS)[number];

export const isArrayListSort = (sort: string): sort is ArrayListSort => (ARRAY_LIST_SORTS as readonly string[]).includes(sort);

/** Beyond this many customers tied with the page's last one, the page is left to SQL. */
export const MAX_LIST_CANDIDATES = 2_000;

/** A row's value in `sort`, NaN for SQL's NULL (aov without a paid order, no purchase yet); instants in epoch µs. */
export function sortValue(rows: ScopeRows, customers: DataArrays['customers'], sort: ArrayListSort, i: number): number {
  switch (sort) {
    case 'first_order_at':
      return customers.firstOrderUs[rows.cid[i]!]!;
    case 'last_order_at':
      return customers.lastOrderUs[rows.cid[i]!]!;
    case 'revenue':
      return rows.revenue[i]!;
    case 'refunds':
      return rows.refunds[i]!;
    case 'orders':
      return rows.orders[i]!;
    case 'ltv':
      return rows.ltv[i]!;
    case 'aov':
      // revenue / NULLIF(paid_orders, 0), as filters.ts rangeColumns.
      return rows.paidOrders[i]! > 0 ? rows.revenue[i]! / rows.paidOrders[i]! : NaN;
  }
}

/** Whether value a comes before b in ORDER BY … direction NULLS LAST (NaN: NULL). */
function before(a: number, b: number, descending: boolean): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return descending ? a > b : a < b;
}

/**
 * The rows (indices, in row order) that can be on the first page of `limit` rows in ORDER BY sort
 * direction NULLS LAST, customer_id: every row passing the filters (fails 0) whose value comes
 * before the page's last value, and every row with that value (their order is their customer ids',
 * which the caller reads); with their values and the count of passing rows. Null when more than
 * MAX_LIST_CANDIDATES rows share the last value.
 */
export function listCandidates(
  rows: ScopeRows, customers: DataArrays['customers'], fails: Uint32Array | null, sort: ArrayListSort, descending: boolean, limit: number,
): { rows: Int32Array; values: Float64Array; passing: number } | null {
  const n = rows.n;
  let passing = 0;
  // The best `limit` values so far, best first: a row is inserted only when it beats the last.
  const best = new Float64Array(Math.max(limit, 1));
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (fails && fails[i] !== 0) continue;
    passing++;
    if (limit <= 0) continue;
    const v = sortValue(rows, customers, sort, i);
    if (kept === limit && !before(v, best[kept - 1]!, descending)) continue;
    let at = Math.min(kept, limit - 1);
    while (at > 0 && before(v, best[at - 1]!, descending)) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = v;
    if (kept < limit) kept++;
  }
  if (kept === 0) return { rows: new Int32Array(0), values: new Float64Array(0), passing };
  const last = best[kept - 1]!;
  const chosen: number[] = [];
  let tied = 0;
  for (let i = 0; i < n; i++) {
    if (fails && fails[i] !== 0) continue;
    const v = sortValue(rows, customers, sort, i);
    // Fewer passing rows than the page: every one is on it.
    if (kept < limit || before(v, last, descending)) chosen.push(i);
    else if (v === last || (Number.isNaN(v) && Number.isNaN(last))) {
      if (++tied > MAX_LIST_CANDIDATES) return null;
      chosen.push(i);
    }
  }
  return { rows: Int32Array.from(chosen), values: Float64Array.from(chosen, (i) => sortValue(rows, customers, sort, i)), passing };
}

/**
 * The page: candidates (in order of value) ordered by value, then customer id in byte order (as
 * DuckDB orders VARCHARs), cut to `limit`. `compareIds` compares two candidates' ids by index.
 */
export function pageOrder(values: Float64Array, descending: boolean, limit: number, compareIds: (a: number, b: number) => number): number[] {
  const order = Array.from(values, (_, k) => k);
  order.sort((a, b) => (before(values[a]!, values[b]!, descending) ? -1 : before(values[b]!, values[a]!, descending) ? 1 : compareIds(a, b)));
  return order.slice(0, limit);
}

// ---- RFM scores ------------------------------------------------------------------------------

/**
 * round(x, 6) as DuckDB computes it for a DOUBLE (std::round of x × 10⁶, halves away from zero,
 * divided back): rfm.ts ranks monetary values so rounded, which the arrays' sums (added in another
 * order than SQL's) match where the unrounded ones could differ in their last bit.
 */
export function roundMicros(x: number): number {
  const scaled = x * 1e6;
  const rounded = (scaled < 0 ? -Math.round(-scaled) : Math.round(scaled)) / 1e6;
  return Number.isFinite(rounded) ? rounded : x;
}

/** The customers RFM is scored on, one entry each: what rfm.ts's rfm_base reads. */
export interface RfmInput {
  /** Days from the last purchase to the day scored as of. */
  recency: Float64Array;
  frequency: Float64Array;
  /** roundMicros of the monetary value. */
  monetary: Float64Array;
}

/**
 * An RFM input counted once, so that a page's customers' ranks are read from it: recency and
 * frequency (whole numbers from 0) by a running count per value; monetary by one pass over the
 * values for the page's values (sorting them took ~15 ms more at 1M orders, Node build).
 */
export class RfmRanks {
  readonly n: number;
  readonly #recencyAtMost: Int32Array;
  readonly #frequencyAtMost: Int32Array;
  readonly #monetary: Float64Array;
  /** The monetary values in order, once sortMonetary() ran: a page's ranks are then binary searches. */
  #sortedMonetary: Float64Array | null = null;

  constructor(input: RfmInput) {
    this.n = input.recency.length;
    this.#recencyAtMost = countsAtMost(input.recency);
    this.#frequencyAtMost = countsAtMost(input.frequency);
    this.#monetary = input.monetary;
  }

  /**
   * The scores of customers with these values (each one of the input's), as rfm.ts scoreSql: rank()
   * over the worst value first (most days for recency), ties sharing the lowest rank, then
   * min(5, 1 + ⌊5 × (rank − 1) / max(n − 1, 1)⌋).
   */
  scores(customers: readonly { recency: number; frequency: number; monetary: number }[]): { r: number; f: number; m: number }[] {
    const score = (rank: number) => Math.min(5, 1 + Math.floor((5 * (rank - 1)) / Math.max(this.n - 1, 1)));
    const below = this.#monetaryBelow(customers.map((c) => roundMicros(c.monetary)));
    return customers.map((c, k) => ({
      r: score(1 + this.n - atMost(this.#recencyAtMost, c.recency)),
      f: score(1 + atMost(this.#frequencyAtMost, c.frequency - 1)),
      m: score(1 + below[k]!),
    }));
  }

  /**
   * Sorts the monetary values once, in idle time (~7 ms a page at 1M orders in the Node build is the
   * pass #monetaryBelow makes otherwise); not when one is NaN, which has no place in the order.
   */
  sortMonetary(): void {
    if (this.#sortedMonetary || this.#monetary.some(Number.isNaN)) return;
    this.#sortedMonetary = Float64Array.from(this.#monetary).sort();
  }

  /** For each of `values`, how many monetary values are below it: one pass, each value placed among the sorted `values`. */
  #monetaryBelow(values: number[]): number[] {
    const sorted = this.#sortedMonetary;
    if (sorted && !values.some(Number.isNaN)) return values.map((v) => lowerBound(sorted, v));
    const thresholds = [...new Set(values)].sort((a, b) => a - b);
    // In bucket j: the values at least thresholds[j − 1] and below thresholds[j].
    const buckets = new Int32Array(thresholds.length + 1);
    const monetary = this.#monetary, t = thresholds.length;
    for (let i = 0; i < monetary.length; i++) {
      const v = monetary[i]!;
      let lo = 0, hi = t;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (thresholds[mid]! <= v) lo = mid + 1;
        else hi = mid;
      }
      buckets[lo]!++;
    }
    const belowThreshold = new Map<number, number>();
    let running = 0;
    for (let j = 0; j < t; j++) belowThreshold.set(thresholds[j]!, (running += buckets[j]!));
    return values.map((v) => belowThreshold.get(v)!);
  }
}

/** For each whole number v from 0 to the largest value, how many values are at most v. */
function countsAtMost(values: Float64Array): Int32Array {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && Math.floor(v) === v)) throw new Error(`An RFM count must be a whole number from 0: ${v}.`);
    if (v > max) max = v;
  }
  const counts = new Int32Array(max + 1);
  for (let i = 0; i < values.length; i++) counts[values[i]!]!++;
  for (let v = 1; v <= max; v++) counts[v]! += counts[v - 1]!;
  return counts;
}

/** How many values are at most x (a whole number): countsAtMost's table read beyond its ends. */
const atMost = (counts: Int32Array, x: number) => (x < 0 ? 0 : counts[Math.min(x, counts.length - 1)]!);

/**
 * The day of customer cid's last purchase (an order that is not refund-only) before day `endDay`,
 * NaN for none: rfm.ts rfmInputSql's last_order_at.
 */
export function lastPurchaseDay(data: DataArrays, cid: number, endDay: number): number {
  const { start, day, purchase } = data.ordersByCid;
  let last = NaN;
  // Each customer's orders are in time order.
  for (let r = start[cid]!, end = start[cid + 1]!; r < end && day[r]! < endDay; r++) if (purchase[r]) last = day[r]!;
  return last;
}

/** A customer's RFM values, as rfm.ts's rfm_base reads them; null for one it does not score. */
export type RfmValues = { recency: number; frequency: number; monetary: number } | null;

/**
 * The RFM input of a date range (rfmInputSql(false)): its rows (scope_range, before any filter) with
 * a purchase before its end, recency counted to `asOfDay`; the range's purchases; its net revenue.
 */
export function rangeRfmValues(data: DataArrays, rows: ScopeRows, endDay: number, asOfDay: number, i: number): RfmValues {
  const last = lastPurchaseDay(data, rows.cid[i]!, endDay);
  return Number.isNaN(last) ? null : { recency: asOfDay - last, frequency: rows.orders[i]!, monetary: rows.net[i]! };
}

/**
 * The RFM input of all history (rfmInputSql(true)): every customer with a purchase, recency counted
 * to `asOfDay`; lifetime purchases; LTV.
 */
export function historyRfmValues(data: DataArrays, asOfDay: number, cid: number): RfmValues {
  const { start, day, purchase } = data.ordersByCid;
  let last = NaN, purchases = 0;
  for (let r = start[cid]!, end = start[cid + 1]!; r < end; r++) {
    if (!purchase[r]) continue;
    purchases++;
    last = day[r]!;
  }
  return Number.isNaN(last) ? null : { recency: asOfDay - last, frequency: purchases, monetary: data.customers.ltv[cid]! };
}

/**
 * The ranks of a range's RFM input (rangeRfmValues for every row), or of all history's
 * (historyRfmValues for every customer): the same values, written straight into arrays rather than
 * through those functions' object per customer (hundreds of thousands of them for all time).
 */
export function rfmRanksOf(data: DataArrays, asOfDay: number, range: { rows: ScopeRows; endDay: number } | null): RfmRanks {
  const { start, day, purchase } = data.ordersByCid;
  const n = range ? range.rows.n : data.customers.ltv.length - 1;
  const endDay = range ? range.endDay : Infinity;
  // A range that ends with the data (all time's, the first list's): a customer's last purchase in it
  // is their last one, kept with their facts; walking their orders for it took ~40 ms of the first
  // list's page at 1M orders (a probe of the page).
  const lastPurchaseUs = range && endDay >= data.bounds.endDay ? data.customers.lastOrderUs : null;
  const recency = new Float64Array(n), frequency = new Float64Array(n), monetary = new Float64Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    // All history: customers are cids 1…n.
    const cid = range ? range.rows.cid[k]! : k + 1;
    let last = NaN, purchases = 0;
    if (lastPurchaseUs) last = Math.floor(lastPurchaseUs[cid]! / US_PER_DAY);
    else {
      for (let r = start[cid]!, end = start[cid + 1]!; r < end && day[r]! < endDay; r++) {
        if (!purchase[r]) continue;
        purchases++;
        last = day[r]!;
      }
    }
    if (Number.isNaN(last)) continue;
    recency[m] = asOfDay - last;
    frequency[m] = range ? range.rows.orders[k]! : purchases;
    monetary[m] = roundMicros(range ? range.rows.net[k]! : data.customers.ltv[cid]!);
    m++;
  }
  return new RfmRanks({ recency: recency.subarray(0, m), frequency: frequency.subarray(0, m), monetary: monetary.subarray(0, m) });
}

const US_PER_DAY = DAY_MS * 1000;

/** The segment of a customer's scores in `grid` (rfm.ts: FM = ⌈(F + M) / 2⌉), null in a cell no rule covers. */
export function segmentOf(grid: SegmentGrid, cells: (string | null)[][], scores: { r: number; f: number; m: number }): string | null {
  const y = grid.axis === 'F' ? scores.f : grid.axis === 'M' ? scores.m : Math.floor((scores.f + scores.m + 1) / 2);
  return cells[y - 1]?.[scores.r - 1] ?? null;
}
