// The dashboard's panels for one filter state, computed from arrays instead of by SQL: the same rows
// dashboardPanelsStatementSql returns (period, kpis, acquisition, pareto, activity, facets), from the
// scope tables read out once per range and the filter flags read out per state (panel-index.ts).
// What a customer's range figures are (orders, revenue, new, kind…) and who passes a filter stay
// defined by the SQL (filters.ts, segments.ts); this module only counts, sums, ranks and buckets,
// as kpis.ts, activity-series.ts and facets.ts say. test/unit/analyses/crossfilter.test.ts checks
// it row for row against the SQL plan.
import { FACET_DIMENSIONS, customerSinceColumn, type FacetDimension, type FacetSelections } from '../filters';
import { autoGrain, type Grain } from '../activity-series';
import type { SinceGrain } from '../facets';
import type { KpiValues } from '../kpis';
import { PANEL_SCRATCH as scratch, type Scratch } from './scratch';

export const DAY_MS = 86_400_000;

/** One period's scope_range, row i of each array being row i of the table (and of its flag table). */
export interface ScopeRows {
  n: number;
  cid: Int32Array;
  purchased: Uint8Array;
  isNew: Uint8Array;
  isReturning: Uint8Array;
  /** 0 none, 1 free_trial, 2 one_time, 3 repeat */
  kind: Uint8Array;
  revenue: Float64Array;
  refunds: Float64Array;
  net: Float64Array;
  orders: Float64Array;
  paidOrders: Float64Array;
  ltv: Float64Array;
  firstOrderRevenue: Float64Array;
  /** Days since 1970-01-01 of the first purchase (whole days: first_order_at truncated), NaN for none. */
  firstOrderDay: Float64Array;
}

export interface Period {
  startMs: number;
  endMs: number;
  /** Days since 1970-01-01. */
  startDay: number;
  endDay: number;
  observedEndDay: number;
  days: number;
  grain: Grain;
}

/** Data-wide arrays: customer attributes by cid, orders in time order, purchase days, item values. */
export interface DataArrays {
  /** Per customer-column dimension (and customer_since by grain): code by cid (index cid), and the values in DuckDB's order. */
  attributes: Record<AttributeDimension, { codeByCid: Int32Array; values: (string | null)[] }>;
  /** Orders in time order; day: days since 1970-01-01 of ordered_at; paidThrough: see paidThrough(). */
  orders: { cid: Int32Array; day: Int32Array; purchase: Uint8Array; amount: Float64Array; refund: Float64Array; paidThrough: Int32Array };
  /** Purchase days by cid, then day: customer cid's from start[cid] to start[cid + 1]. */
  purchaseDays: { start: Int32Array; day: Int32Array; nextDay: Int32Array };
  /** The same purchase days in day order, so a period's lapses are read from a slice. */
  purchaseDaysByDay: { cid: Int32Array; day: Int32Array; nextDay: Int32Array };
  /** The orders again, grouped by cid (each customer's in time order): customer cid's from start[cid] to start[cid + 1]. */
  ordersByCid: { start: Int32Array; day: Int32Array; amount: Float64Array; refund: Float64Array; purchase: Uint8Array };
  /** Per item dimension: value by code (code 0: no value), in DuckDB's order of the values. */
  itemValues: Record<ItemDimension, (string | null)[]>;
  /** customer_base's all-history figures a range's rows take as they are, by cid. */
  customers: {
    ltv: Float64Array; firstOrderRevenue: Float64Array; firstOrderDay: Float64Array; lifetimePaidOrders: Float64Array;
    /** epoch_us of first_order_at and last_order_at (the first and last purchase), NaN for none: what the customer list sorts by. */
    firstOrderUs: Float64Array; lastOrderUs: Float64Array;
  };
  /** customer_items by cid (customer cid's from start[cid] to start[cid + 1]): each order line's day, whether it was bought (not only refunded), and its item codes (0: none). */
  lines: { start: Int32Array; day: Int32Array; bought: Uint8Array; codes: [Int32Array, Int32Array, Int32Array] };
  /** data_bounds, in days since 1970-01-01: the first day and the day after the last. */
  bounds: { firstDay: number; endDay: number };
}

/** scope_items of a period: (dimension index in ITEM_DIMENSIONS, code, cid), by cid: customer cid's from start[cid] to start[cid + 1]. */
export interface ItemSets {
  dim: Uint8Array;
  code: Int32Array;
  cid: Int32Array;
  start: Int32Array;
}

export const ATTRIBUTE_DIMENSIONS = ['country', 'city', 'channel', 'value_band', 'since_year', 'since_quarter', 'since_month'] as const;
export type AttributeDimension = (typeof ATTRIBUTE_DIMENSIONS)[number];
export const ITEM_DIMENSIONS = ['product', 'category', 'status'] as const;
export type ItemDimension = (typeof ITEM_DIMENSIONS)[number];

/** The bit a failed filter sets in a row's flags: one per facet dimension (FACET_DIMENSIONS order), then the segment. */
export const FLAG_BITS = [...FACET_DIMENSIONS, 'segment'] as const;
export const flagBit = (d: FacetDimension | 'segment') => 1 << FLAG_BITS.indexOf(d);

export interface PanelOptions {
  grain: Grain | 'auto';
  churnWindowDays: number;
  facetLimit: number;
  sinceGrain?: SinceGrain;
  /** Whether any facet or segment is applied (activity-series.ts: lost customers are then matched, orders restricted). */
  filtered: boolean;
  /**
   * The filters every customer fails, by cid (facetFailsByCid), where known beyond the period's rows:
   * a dated range's lost customers are matched among customers without orders in it. Without it,
   * only the rows' fails are known, which is enough when every customer has a row (all time).
   */
  failsByCid?: Uint32Array;
}

export interface ScopeState {
  period: Period;
  rows: ScopeRows;
  /** Row index by cid, −1 for a customer without a row. */
  rowByCid: Int32Array;
  /** The first and last of the purchasers' first purchase days (min > max when none). */
  firstDays: { min: number; max: number };
  /** Per row: the bits (flagBit) of the filters it fails. */
  fails: Uint32Array;
}

type Row = Record<string, unknown>;

// ---- calendar (UTC days, as DuckDB's naive timestamps) ----------------------------------------

const dayOfMs = (ms: number) => Math.floor(ms / DAY_MS);
const msOfDay = (day: number) => day * DAY_MS;

/** date_trunc(grain, day) as days since 1970-01-01 (weeks start on Monday, as ISO weeks). */
export function truncDay(grain: Grain, day: number): number {
  if (grain === 'day') return day;
  if (grain === 'week') return day - ((((day + 3) % 7) + 7) % 7);
  const d = new Date(msOfDay(day));
  return dayOfMs(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

function nextPeriod(grain: Grain, day: number): number {
  if (grain === 'day') return day + 1;
  if (grain === 'week') return day + 7;
  const d = new Date(msOfDay(day));
  return dayOfMs(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** The periods' starts from date_trunc(grain, start) to the last day before `end`, with a day → bucket lookup. */
function buckets(grain: Grain, startDay: number, endDay: number) {
  const starts: number[] = [];
  for (let s = truncDay(grain, startDay); s <= endDay - 1; s = nextPeriod(grain, s)) starts.push(s);
  const first = starts[0] ?? startDay;
  const last = starts.length > 0 ? nextPeriod(grain, starts[starts.length - 1]!) : first;
  const index = new Int32Array(Math.max(0, last - first)).fill(-1);
  starts.forEach((s, i) => index.fill(i, s - first, nextPeriod(grain, s) - first));
  // The bucket of a day (any day of it, not only its start), or -1 outside them. The index is made
  // an integer (first days are held as doubles): a double index deoptimised the callers ("not a Smi").
  const of = (day: number) => (day >= first && day < last ? index[(day - first) | 0]! : -1);
  return { starts, of };
}

// ---- the parts -------------------------------------------------------------------------------

const divide = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);

/**
 * The running totals of the purchasers' revenues, largest first, as kpis.ts ranks them (revenue
 * descending, then cid): customers tied on revenue add the same amount whichever comes first, so
 * the totals need the revenues in order only.
 */
function ranking(s: ScopeState, label: 'current' | 'previous'): { running: Float64Array } {
  // Hot loops read the arrays through locals: property loads inside them are not always hoisted.
  const { fails } = s, { purchased, revenue } = s.rows;
  const revenues = scratch.float64('ranking.revenues', s.rows.n, null);
  // All time's rows come in cid order, which is the ranking's: seen as they are taken, they need no
  // sort, nor the pass that told it and the reverse (the first dashboard's ranking, on its code's
  // first run: 13–25 ms against 21–38 in the page). Which of two zeros comes first changes no total.
  let n = 0, descending = true;
  for (let i = 0; i < fails.length; i++) {
    if (fails[i] !== 0 || !purchased[i]) continue;
    if (n > 0 && revenue[i]! > revenues[n - 1]!) descending = false;
    revenues[n++] = revenue[i]!;
  }
  // Read until the panels are built: each period's in a slot of its own.
  const running = scratch.float64(`ranking.running.${label}`, n, null);
  let sum = 0;
  if (descending) {
    for (let k = 0; k < n; k++) running[k] = sum += revenues[k]!;
  } else {
    const sorted = sortAscending(revenues.subarray(0, n), scratch);
    for (let k = 0; k < n; k++) running[k] = sum += sorted[n - 1 - k]!;
  }
  return { running };
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many values the built-in sort is as quick. */
const RADIX_FROM = 16_384;

/**
 * Sorts `values` (no NaN) in place, ascending, in the order Float64Array.prototype.sort gives
 * (−0 before +0): for many values by a radix sort of their bits (four passes of 16 bits over keys
 * whose unsigned order is the numbers' order), several times quicker than the built-in sort on the
 * hundreds of thousands of revenues a range ranks.
 */
export function sortAscending(values: Float64Array, buffers?: Scratch): Float64Array {
  const n = values.length;
  // Values in order already need no sort: one pass tells.
  const order = sortedOrder(values);
  if (order === 'ascending') return values;
  if (order === 'descending') return values.reverse();
  if (n < RADIX_FROM || !LITTLE_ENDIAN || values.byteOffset % 4 !== 0) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  const { hi, lo } = radixSort(orderKeys(values, false, buffers), null, buffers);
  for (let i = 0; i < n; i++) {
    const h = hi[i]!, l = lo[i]!;
    const negative = (h & 0x80000000) === 0;
    words[2 * i + 1] = negative ? ~h >>> 0 : h & 0x7fffffff;
    words[2 * i] = negative ? ~l >>> 0 : l;
  }
  return values;
}

/** Whether `values` (no NaN) are already in ascending or descending order, as the sort orders them (−0 before +0). */
function sortedOrder(values: Float64Array): 'ascending' | 'descending' | null {
  let ascending = true, descending = true;
  for (let i = 1; i < values.length && (ascending || descending); i++) {
    const a = values[i - 1]!, b = values[i]!;
    if (a < b) descending = false;
    else if (a > b) ascending = false;
    else if (a === 0 && Object.is(a, -0) !== Object.is(b, -0)) {
      if (Object.is(a, -0)) descending = false;
      else ascending = false;
    }
  }
  return ascending ? 'ascending' : descending ? 'descending' : null;
}

/**
 * 64-bit keys (high and low words) whose unsigned order is the numbers' ascending order (descending
 * when `descending`): a negative number's bits all flipped, a positive number's with the sign bit
 * set. Little-endian only (the caller checks).
 */
export function orderKeys(values: Float64Array, descending: boolean, buffers?: Scratch): { hi: Uint32Array; lo: Uint32Array } {
  const n = values.length;
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  // Every key is written below.
  const hi = buffers ? buffers.uint32('radix.hi', n, null) : new Uint32Array(n), lo = buffers ? buffers.uint32('radix.lo', n, null) : new Uint32Array(n);
  const flip = descending ? 0xffffffff : 0;
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + 1]!, l = words[2 * i]!;
    const negative = (h & 0x80000000) !== 0;
    hi[i] = ((negative ? ~h : h | 0x80000000) ^ flip) >>> 0;
    lo[i] = ((negative ? ~l : l) ^ flip) >>> 0;
  }
  return { hi, lo };
}

/**
 * A stable radix sort of 64-bit keys (four passes of 16 bits), moving `carried` (e.g. the rows'
 * indices) with them: the keys and the carried values in the keys' order. With `buffers`, the
 * passes' arrays are scratch (so are the results, then: read them before the next sort).
 */
export function radixSort(
  keys: { hi: Uint32Array; lo: Uint32Array },
  carried: Int32Array | null,
  buffers?: Scratch,
): { hi: Uint32Array; lo: Uint32Array; carried: Int32Array | null } {
  const n = keys.hi.length;
  // Each pass writes every element of its targets, and clears the counts first.
  const uint32 = (slot: string) => (buffers ? buffers.uint32(slot, n, null) : new Uint32Array(n));
  let hi: Uint32Array = keys.hi, lo: Uint32Array = keys.lo, hiTo: Uint32Array = uint32('radix.hiTo'), loTo: Uint32Array = uint32('radix.loTo');
  let carriedTo: Int32Array | null = carried && (buffers ? buffers.int32('radix.carriedTo', n, null) : new Int32Array(n));
  const count = buffers ? buffers.int32('radix.count', 65_536, null) : new Int32Array(65_536);
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? lo : hi, shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & 0xffff]!++;
    let at = 0;
    for (let digit = 0; digit < 65_536; digit++) {
      const c = count[digit]!;
      count[digit] = at;
      at += c;
    }
    for (let i = 0; i < n; i++) {
      const to = count[(key[i]! >>> shift) & 0xffff]!++;
      hiTo[to] = hi[i]!;
      loTo[to] = lo[i]!;
      if (carried) carriedTo![to] = carried[i]!;
    }
    [hi, hiTo] = [hiTo, hi];
    [lo, loTo] = [loTo, lo];
    if (carried) [carried, carriedTo] = [carriedTo!, carried];
  }
  return { hi, lo, carried };
}

/** One row of KPIS_SQL (kpis.ts summarySql) for a period. */
function summary(label: 'current' | 'previous', s: ScopeState, ranked: { running: Float64Array }): Row {
  const { fails } = s, r = s.rows;
  const { kind, purchased, isNew: isNewRow, isReturning } = r;
  const revenues = r.revenue, refundsOf = r.refunds, nets = r.net, ordersOf = r.orders, paidOf = r.paidOrders, ltvs = r.ltv, firstRevenue = r.firstOrderRevenue;
  let rows = 0, customers = 0, isNew = 0, returning = 0, revenue = 0, refunds = 0, net = 0, orders = 0, paid = 0, ltv = 0, acquired = 0;
  const kinds = new Float64Array(4);
  for (let i = 0; i < fails.length; i++) {
    if (fails[i] !== 0) continue;
    rows++;
    revenue += revenues[i]!;
    refunds += refundsOf[i]!;
    net += nets[i]!;
    orders += ordersOf[i]!;
    paid += paidOf[i]!;
    kinds[kind[i]!]!++;
    if (purchased[i]) {
      customers++;
      ltv += ltvs[i]!;
    }
    if (isNewRow[i]) {
      isNew++;
      acquired += firstRevenue[i]!;
    }
    if (isReturning[i]) returning++;
  }
  // sum() over no rows is NULL in SQL; the COALESCEd ones are 0.
  const sumOrNull = (x: number) => (rows === 0 ? null : x);
  const n = ranked.running.length;
  const top20 = n === 0 ? null : ranked.running[Math.max(Math.ceil(0.2 * n), 1) - 1]!;
  const days = s.period.days;
  // Rows are written as literals, not spread: see withFails.
  const row: { part: 'kpis'; period: string } & KpiValues = {
    part: 'kpis',
    period: label,
    customers,
    new_customers: isNew,
    returning_customers: returning,
    revenue,
    refunds,
    net_revenue: net,
    orders,
    revenue_per_customer: divide(sumOrNull(revenue), customers),
    average_order_value: divide(sumOrNull(revenue), sumOrNull(paid)),
    purchase_frequency: divide(sumOrNull(orders), customers),
    average_ltv: customers === 0 ? null : ltv / customers,
    top20_revenue_share: divide(top20, sumOrNull(revenue)),
    new_customers_per_day: divide(isNew, days),
    acquired_revenue_per_day: divide(acquired, days),
    new_customer_interval_ms: divide(days * DAY_MS, isNew),
    free_trial_customers: kinds[1]!,
    one_time_customers: kinds[2]!,
    repeat_customers: kinds[3]!,
    free_trial_share: divide(kinds[1]!, customers),
    one_time_share: divide(kinds[2]!, customers),
    repeat_share: divide(kinds[3]!, customers),
  };
  return row;
}

/** activity-series.ts acquisitionGrainSql: by the span of the period's purchasers' first days (scopeOf), whatever the filters. */
const acquisitionGrain = (s: Omit<ScopeState, 'fails'>): Grain => (s.firstDays.min > s.firstDays.max ? 'month' : autoGrain(s.firstDays.max - s.firstDays.min + 1));

function acquisition(s: ScopeState): Row[] {
  // Buckets over the purchasers' first days (scopeOf), found by a lookup rather than a date per row.
  if (s.firstDays.min > s.firstDays.max) return [];
  const { starts, of } = buckets(acquisitionGrain(s), s.firstDays.min, s.firstDays.max + 1);
  const customers = new Float64Array(starts.length), revenue = new Float64Array(starts.length);
  const { fails } = s, { purchased, firstOrderDay, firstOrderRevenue } = s.rows;
  for (let i = 0; i < fails.length; i++) {
    if (fails[i] !== 0 || !purchased[i]) continue;
    const b = of(firstOrderDay[i]!);
    customers[b]!++;
    revenue[b]! += firstOrderRevenue[i]!;
  }
  const out: Row[] = [];
  for (let b = 0; b < starts.length; b++) {
    if (customers[b]! > 0) out.push({ part: 'acquisition', period_start: msOfDay(starts[b]!), customers: customers[b]!, first_order_revenue: revenue[b]! });
  }
  return out;
}

function pareto(ranked: { running: Float64Array }, points = 50): Row[] {
  const out: Row[] = [{ part: 'pareto', customer_share: 0, revenue_share: 0 }];
  const n = ranked.running.length;
  if (n === 0) return out;
  const total = ranked.running[n - 1]!;
  for (let k = 1; k <= points; k++) {
    const rank = Math.max(Math.ceil((k * n) / points), 1);
    out.push({ part: 'pareto', customer_share: k / points, revenue_share: total === 0 ? null : ranked.running[rank - 1]! / total });
  }
  return out;
}

function activity(s: ScopeState, data: DataArrays, options: PanelOptions): Row[] {
  // Who passes every filter, by cid: lost customers are matched on the customer, not only on the range's rows.
  const passesByCid = scratch.uint8('activity.passes', s.rowByCid.length, 0);
  const { fails } = s, { cid: cids, isNew, firstOrderDay } = s.rows;
  const failsByCid = options.failsByCid;
  if (options.filtered && failsByCid) for (let cid = 0; cid < passesByCid.length; cid++) passesByCid[cid] = failsByCid[cid] === 0 ? 1 : 0;
  else if (options.filtered) for (let i = 0; i < fails.length; i++) if (fails[i] === 0) passesByCid[cids[i]!] = 1;
  const grain = options.grain === 'auto' ? s.period.grain : options.grain;
  const window = Math.round(options.churnWindowDays);
  const { starts, of } = buckets(grain, s.period.startDay, s.period.endDay);
  const k = starts.length;
  const newBy = new Float64Array(k), lostBy = new Float64Array(k), purchasers = new Float64Array(k), orders = new Float64Array(k), revenue = new Float64Array(k), refunds = new Float64Array(k);
  for (let i = 0; i < fails.length; i++) {
    if (fails[i] !== 0 || !isNew[i]) continue;
    const b = of(firstOrderDay[i]!);
    if (b >= 0) newBy[b]!++;
  }
  // Lapses: a customer lapses on day + window when their next purchase day is later (or never),
  // counted in the period where that day falls, up to the last day of the data. A window shorter
  // than a month can lapse one customer twice in a period: counted once (count DISTINCT), by
  // remembering each customer's last period (their days come in order either way).
  const size = passesByCid.length, filtered = options.filtered;
  const { startDay, endDay, observedEndDay } = s.period;
  const lapse = (day: number, next: number, last: number) => {
    const at = day + window;
    if ((next !== -1 && next <= at) || at < startDay || at >= observedEndDay) return last;
    const b = of(at);
    if (b < 0 || (window < 31 && b === last)) return last;
    lostBy[b]!++;
    return b;
  };
  if (filtered) {
    // The passing customers' days.
    const { start, day, nextDay } = data.purchaseDays;
    for (let cid = 0; cid < size; cid++) {
      if (!passesByCid[cid]) continue;
      let last = -1;
      for (let r = start[cid]!, end = start[cid + 1]!; r < end; r++) last = lapse(day[r]!, nextDay[r]!, last);
    }
  } else {
    // Every customer's days that can lapse in the period: a slice of them in day order, so their
    // lapse days come in order too, bucket after bucket (no bucket looked up per day). A customer's
    // lapses are more than the window apart: with a window of a month or more none lapses twice in
    // a period, and no one's last period is looked up (a jump in memory per day).
    const { cid: cidOf, day, nextDay } = data.purchaseDaysByDay;
    const lastBy = window < 31 ? scratch.int32('activity.lastBy', size, -1) : null;
    let r = lowerBound(day, Math.max(startDay, starts[0] ?? startDay) - window);
    for (let b = 0; b < k; b++) {
      const to = lowerBound(day, Math.min(b + 1 < k ? starts[b + 1]! : observedEndDay, observedEndDay) - window);
      let lost = 0;
      for (; r < to; r++) {
        const next = nextDay[r]!;
        if (next !== -1 && next <= day[r]! + window) continue;
        if (lastBy) {
          const cid = cidOf[r]!;
          if (lastBy[cid] === b) continue;
          lastBy[cid] = b;
        }
        lost++;
      }
      lostBy[b]! += lost;
    }
  }
  // Orders in range: purchasers counted once per customer and period. The range's bounds are
  // midnights (scope_period): ordered_at ≥ start_at is day ≥ start_day.
  const count = (day: number, amount: number, refund: number, purchase: number, seen: number) => {
    const b = of(day);
    if (b < 0) return seen;
    revenue[b]! += amount;
    refunds[b]! += refund;
    if (!purchase) return seen;
    orders[b]!++;
    if (seen !== b) purchasers[b]!++;
    return b;
  };
  if (filtered) {
    // Only the passing customers' orders, each customer's in time order.
    const { start, day: dayOf, amount, refund, purchase } = data.ordersByCid;
    for (let cid = 0; cid < size; cid++) {
      if (!passesByCid[cid]) continue;
      let seen = -1;
      for (let r = start[cid]!, end = start[cid + 1]!; r < end; r++) {
        const day = dayOf[r]!;
        if (day >= startDay && day < endDay) seen = count(day, amount[r]!, refund[r]!, purchase[r]!, seen);
      }
    }
  } else {
    // Every order in range: a slice of the orders in time order, bucket after bucket.
    const { cid: cidOf, day: dayOf, amount, refund, purchase } = data.orders;
    const seenIn = scratch.int32('activity.seenIn', size, -1);
    let r = lowerBound(dayOf, startDay);
    for (let b = 0; b < k; b++) {
      const to = lowerBound(dayOf, b + 1 < k ? Math.min(starts[b + 1]!, endDay) : endDay);
      // Summed in the orders' order from 0, as adding each to the bucket's total does.
      let bucketRevenue = 0, bucketRefunds = 0, bucketOrders = 0, bucketPurchasers = 0;
      for (; r < to; r++) {
        bucketRevenue += amount[r]!;
        bucketRefunds += refund[r]!;
        if (!purchase[r]) continue;
        bucketOrders++;
        const cid = cidOf[r]!;
        if (seenIn[cid] !== b) {
          seenIn[cid] = b;
          bucketPurchasers++;
        }
      }
      revenue[b]! += bucketRevenue;
      refunds[b]! += bucketRefunds;
      orders[b]! += bucketOrders;
      purchasers[b]! += bucketPurchasers;
    }
  }
  return activityRows(starts, newBy, lostBy, purchasers, orders, revenue, refunds);
}

function activityRows(starts: number[], newBy: Float64Array, lostBy: Float64Array, purchasers: Float64Array, orders: Float64Array, revenue: Float64Array, refunds: Float64Array): Row[] {
  return starts.map((start, b) => ({
    part: 'activity',
    period_start: msOfDay(start),
    new_customers: newBy[b]!,
    returning_customers: purchasers[b]! - newBy[b]!,
    lost_customers: lostBy[b]!,
    orders: orders[b]!,
    revenue: revenue[b]!,
    refunds: refunds[b]!,
    net_revenue: revenue[b]! - refunds[b]!,
  }));
}

/**
 * The activity series of every value of one customer attribute at once, for one period, grain and
 * churn window: `series[field][code × buckets + bucket]` (fields: new, lost, purchasers, orders,
 * revenue, refunds). Each customer has one value, and every count of the series is per customer and
 * bucket, so the series of customers with any set of values is the sum of those values' series: a
 * click on a facet value of this attribute, alone, needs no pass over the orders (Mosaic's data
 * cubes, for one dimension). Built in one pass like the unfiltered series (a period of a third of
 * the orders' customers costs about as much through the filtered one).
 */
export interface ActivityCube {
  starts: number[];
  values: number;
  series: Float64Array[];
}

export function activityCube(s: Omit<ScopeState, 'fails'>, data: DataArrays, options: Pick<PanelOptions, 'grain' | 'churnWindowDays'>, codeByCid: Int32Array, values: number): ActivityCube {
  const grain = options.grain === 'auto' ? s.period.grain : options.grain;
  const window = Math.round(options.churnWindowDays);
  const { starts, of } = buckets(grain, s.period.startDay, s.period.endDay);
  const k = starts.length;
  const series = Array.from({ length: 6 }, () => new Float64Array(values * k));
  const [newBy, lostBy, purchasers, orders, revenue, refunds] = series as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const { cid: rowCids, isNew, firstOrderDay } = s.rows;
  for (let i = 0; i < rowCids.length; i++) {
    if (!isNew[i]) continue;
    const b = of(firstOrderDay[i]!);
    if (b >= 0) newBy[codeByCid[rowCids[i]!]! * k + b]!++;
  }
  // As activity's unfiltered walks, each customer's bucket kept to count them once per bucket.
  const size = s.rowByCid.length;
  const { startDay, endDay, observedEndDay } = s.period;
  const lastBy = scratch.int32('cube.lastBy', size, -1);
  const days = data.purchaseDaysByDay;
  for (let r = lowerBound(days.day, startDay - window), to = lowerBound(days.day, observedEndDay - window); r < to; r++) {
    const cid = days.cid[r]!, next = days.nextDay[r]!, at = days.day[r]! + window;
    if ((next !== -1 && next <= at) || at < startDay || at >= observedEndDay) continue;
    const b = of(at);
    if (b < 0 || (window < 31 && b === lastBy[cid])) continue;
    lostBy[codeByCid[cid]! * k + b]!++;
    lastBy[cid] = b;
  }
  const seenIn = scratch.int32('cube.seenIn', size, -1);
  const { cid: orderCids, day: dayOf, amount, refund, purchase } = data.orders;
  for (let r = lowerBound(dayOf, startDay), to = lowerBound(dayOf, endDay); r < to; r++) {
    const cid = orderCids[r]!, b = of(dayOf[r]!);
    if (b < 0) continue;
    const at = codeByCid[cid]! * k + b;
    revenue[at]! += amount[r]!;
    refunds[at]! += refund[r]!;
    if (!purchase[r]) continue;
    orders[at]!++;
    if (seenIn[cid] !== b) purchasers[at]!++;
    seenIn[cid] = b;
  }
  return { starts, values, series };
}

/** activity's rows for the customers whose value's code is `wanted` (1) in `cube`. */
export function activityOfCodes(cube: ActivityCube, wanted: Uint8Array): Row[] {
  const k = cube.starts.length;
  const sums = cube.series.map((values) => {
    const sum = new Float64Array(k);
    for (let code = 0; code < cube.values; code++) {
      if (wanted[code] !== 1) continue;
      for (let b = 0, at = code * k; b < k; b++, at++) sum[b]! += values[at]!;
    }
    return sum;
  }) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return activityRows(cube.starts, ...sums);
}

/** How many orders fall in `period` (what building its rows costs: rangeScope walks them, rangeItems their lines). */
export function periodOrders(data: DataArrays, period: Period): number {
  return lowerBound(data.orders.day, period.endDay) - lowerBound(data.orders.day, period.startDay);
}

/** The first index whose value is ≥ x in an ascending array: how many of its values are below x. */
export function lowerBound(values: Int32Array | Float64Array, x: number): number {
  let lo = 0, hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const SINCE: Record<SinceGrain, AttributeDimension> = { year: 'since_year', quarter: 'since_quarter', month: 'since_month' };

function facets(s: ScopeState, data: DataArrays, items: ItemSets, options: PanelOptions): Row[] {
  // One pass over the rows counts every list: a row counts in every list when it fails no filter,
  // and only in a dimension's own list when that dimension's is the one it fails (a dimension's
  // own selection does not narrow its own list); the item dimensions read the customer's item sets.
  const attributeCounts = FACET_DIMENSIONS.filter((d) => !ITEM_DIMENSIONS.includes(d as ItemDimension)).map((dimension) => {
    const attribute = attributeOf(dimension, options);
    const values = data.attributes[attribute].values;
    return { dimension, values, codeByCid: data.attributes[attribute].codeByCid, customers: new Int32Array(values.length), revenue: new Float64Array(values.length) };
  });
  const itemCounts = ITEM_DIMENSIONS.map((d) => ({ customers: new Int32Array(data.itemValues[d].length), revenue: new Float64Array(data.itemValues[d].length) }));
  // The one filter a row fails, as its index in FLAG_BITS: which list it still counts in.
  const attributeOfFlag = FLAG_BITS.map((d) => attributeCounts.findIndex((c) => c.dimension === d));
  const itemOfFlag = FLAG_BITS.map((d) => ITEM_DIMENSIONS.indexOf(d as ItemDimension));
  const { fails } = s, { purchased, cid: cids, revenue: revenues } = s.rows;
  const { start: itemStart, dim: itemDim, code: itemCode } = items;
  for (let i = 0; i < fails.length; i++) {
    const failed = fails[i]!;
    // No purchase in range, or more than one filter failed: in no list.
    if (!purchased[i] || (failed & (failed - 1)) !== 0) continue;
    const revenue = revenues[i]!, cid = cids[i]!;
    const flag = failed === 0 ? -1 : 31 - Math.clz32(failed);
    const attribute = flag < 0 ? -1 : attributeOfFlag[flag]!, item = flag < 0 ? -1 : itemOfFlag[flag]!;
    for (let k = 0; k < attributeCounts.length; k++) {
      if (flag >= 0 && k !== attribute) continue;
      const counts = attributeCounts[k]!, code = counts.codeByCid[cid]!;
      counts.customers[code]!++;
      counts.revenue[code]! += revenue;
    }
    if (flag >= 0 && item < 0) continue;
    for (let r = itemStart[cid]!, end = itemStart[cid + 1]!; r < end; r++) {
      const dim = itemDim[r]!;
      if (flag >= 0 && dim !== item) continue;
      const counts = itemCounts[dim]!, code = itemCode[r]!;
      counts.customers[code]!++;
      counts.revenue[code]! += revenue;
    }
  }
  return facetRows(data, options, (dimension) => {
    const item = ITEM_DIMENSIONS.indexOf(dimension as ItemDimension);
    return item >= 0 ? itemCounts[item]! : attributeCounts.find((c) => c.dimension === dimension)!;
  });
}

interface FacetCounts {
  customers: Int32Array | Float64Array;
  revenue: Float64Array;
}

/** The facets' rows from each dimension's counts by value code (its own values: data.itemValues or the attribute's). */
function facetRows(data: DataArrays, options: PanelOptions, countsOf: (dimension: FacetDimension) => FacetCounts): Row[] {
  const limit = Math.max(1, Math.floor(options.facetLimit));
  const out: Row[] = [];
  for (const dimension of FACET_DIMENSIONS) {
    const item = ITEM_DIMENSIONS.indexOf(dimension as ItemDimension);
    const values = item >= 0 ? data.itemValues[dimension as ItemDimension] : data.attributes[attributeOf(dimension, options)].values;
    const { customers, revenue } = countsOf(dimension);
    // Values in DuckDB's order: customers descending, then the value (codes follow it), no value last.
    const listed: number[] = [];
    for (let code = 0; code < values.length; code++) if (customers[code]! > 0) listed.push(code);
    listed.sort((a, b) => customers[b]! - customers[a]! || order(values, a) - order(values, b));
    for (const code of listed.slice(0, limit)) {
      out.push({ part: 'facets', dimension, value: values[code] ?? null, customers: customers[code]!, revenue: revenue[code]!, values_total: listed.length });
    }
  }
  return out;
}

/**
 * The facets' counts of one period for each selection in one customer attribute (`dimension`) alone,
 * as activityCube's series: per value of `dimension`, the purchasers' count and revenue by every
 * other attribute's value and every item dimension's (`[code × values + value]`), and its own list,
 * which its selection does not narrow. A customer has one value of `dimension`, so the counts of a
 * selection are the sum of its values'.
 */
export interface FacetCube {
  dimension: AttributeDimension;
  values: number;
  own: FacetCounts;
  attributes: Partial<Record<AttributeDimension, FacetCounts>>;
  items: FacetCounts[];
}

export function facetCube(s: Omit<ScopeState, 'fails'>, data: DataArrays, items: ItemSets, dimension: AttributeDimension): FacetCube {
  const codeOf = data.attributes[dimension].codeByCid;
  const values = data.attributes[dimension].values.length;
  const counts = (n: number): FacetCounts => ({ customers: new Int32Array(n), revenue: new Float64Array(n) });
  const own = counts(values);
  const others = ATTRIBUTE_DIMENSIONS.filter((d) => d !== dimension).map((d) => ({ d, size: data.attributes[d].values.length, codeByCid: data.attributes[d].codeByCid, counts: counts(values * data.attributes[d].values.length) }));
  const itemSizes = ITEM_DIMENSIONS.map((d) => data.itemValues[d].length);
  const itemCounts = itemSizes.map((size) => counts(values * size));
  const { purchased, cid: cids, revenue: revenues } = s.rows;
  const { start: itemStart, dim: itemDim, code: itemCode } = items;
  for (let i = 0; i < purchased.length; i++) {
    if (!purchased[i]) continue;
    const cid = cids[i]!, revenue = revenues[i]!, code = codeOf[cid]!;
    own.customers[code]!++;
    own.revenue[code]! += revenue;
    for (let k = 0; k < others.length; k++) {
      const other = others[k]!, at = code * other.size + other.codeByCid[cid]!;
      other.counts.customers[at]!++;
      other.counts.revenue[at]! += revenue;
    }
    for (let r = itemStart[cid]!, end = itemStart[cid + 1]!; r < end; r++) {
      const dim = itemDim[r]!, at = code * itemSizes[dim]! + itemCode[r]!;
      itemCounts[dim]!.customers[at]!++;
      itemCounts[dim]!.revenue[at]! += revenue;
    }
  }
  return { dimension, values, own, attributes: Object.fromEntries(others.map((o) => [o.d, o.counts])), items: itemCounts };
}

/** The (value, count) cells a facetCube of `dimension` holds: what it costs. */
export function facetCubeCells(data: DataArrays, dimension: AttributeDimension): number {
  const values = data.attributes[dimension].values.length;
  const others = ATTRIBUTE_DIMENSIONS.filter((d) => d !== dimension).reduce((n, d) => n + data.attributes[d].values.length, 0);
  return values * (others + ITEM_DIMENSIONS.reduce((n, d) => n + data.itemValues[d].length, 0));
}

/** facets' rows for the customers whose value's code is `wanted` (1) in `cube`'s attribute, no other filter. */
export function facetsOfCodes(cube: FacetCube, wanted: Uint8Array, data: DataArrays, options: PanelOptions): Row[] {
  const sum = (counts: FacetCounts, size: number): FacetCounts => {
    const out = { customers: new Int32Array(size), revenue: new Float64Array(size) };
    for (let code = 0; code < cube.values; code++) {
      if (wanted[code] !== 1) continue;
      for (let v = 0, at = code * size; v < size; v++, at++) {
        out.customers[v]! += counts.customers[at]!;
        out.revenue[v]! += counts.revenue[at]!;
      }
    }
    return out;
  };
  return facetRows(data, options, (dimension) => {
    const item = ITEM_DIMENSIONS.indexOf(dimension as ItemDimension);
    if (item >= 0) return sum(cube.items[item]!, data.itemValues[dimension as ItemDimension].length);
    const attribute = attributeOf(dimension, options);
    return attribute === cube.dimension ? cube.own : sum(cube.attributes[attribute]!, data.attributes[attribute].values.length);
  });
}

const attributeOf = (dimension: FacetDimension, options: PanelOptions): AttributeDimension =>
  dimension === 'customer_since' ? SINCE[options.sinceGrain ?? 'year'] : (dimension as AttributeDimension);

/** A code's place in ORDER BY value ASC NULLS LAST: codes are ranks of the values, no value last. */
const order = (values: (string | null)[], code: number) => (values[code] === null || values[code] === undefined ? Number.MAX_SAFE_INTEGER : code);

/** The rows of the panels that a period's rows alone decide when nothing is filtered out: its KPIs (as the current period), acquisition and Pareto curve. */
export interface UnfilteredRows {
  kpis: Row;
  acquisition: Row[];
  pareto: Row[];
}

/**
 * panelRows' KPIs, acquisition and Pareto rows of `scope` as the current period with every row
 * passing: the orders' part makes all time's so, in the orders' worker, on code its warm-up has
 * optimised (~20 ms a call at 1M orders, Node build), where the engine's worker ran them for the
 * first time at the first dashboard's serial end (the ranking and the KPIs 30–70 ms in the page).
 */
export function unfilteredRows(scope: Omit<ScopeState, 'fails'>): UnfilteredRows {
  return currentRows(withFails(scope, new Uint32Array(scope.rows.n)));
}

/** The current period's KPIs, acquisition and Pareto rows. */
function currentRows(current: ScopeState): UnfilteredRows {
  const ranked = ranking(current, 'current');
  return { kpis: summary('current', current, ranked), acquisition: acquisition(current), pareto: pareto(ranked) };
}

/**
 * Every panel of dashboardPanelsStatementSql, in its order: period, kpis (current, previous),
 * acquisition, pareto, activity, facets. `fromCubes`: the activity's and the facets' rows when
 * cubes gave them already (activityOfCodes, facetsOfCodes); `unfiltered`: unfilteredRows of the
 * current period's rows, when nothing is filtered out of them.
 */
export function panelRows(
  current: ScopeState, previous: ScopeState, data: DataArrays, items: ItemSets, options: PanelOptions, fromCubes?: { activity?: Row[]; facets?: Row[] }, unfiltered?: UnfilteredRows,
): Row[] {
  const period = current.period;
  const first = unfiltered ?? currentRows(current);
  return [
    { part: 'period', start_ms: period.startMs, end_ms: period.endMs, days: period.days, grain: period.grain, acquisition_grain: acquisitionGrain(current) },
    first.kpis,
    summary('previous', previous, ranking(previous, 'previous')),
    ...first.acquisition,
    ...first.pareto,
    ...(fromCubes?.activity ?? activity(current, data, options)),
    ...(fromCubes?.facets ?? facets(current, data, items, options)),
  ];
}

// ---- a range's scope without the SQL scope tables (an unfiltered state) ------------------------

const dayOfIso = (iso: string) => dayOfMs(Date.parse(`${iso}T00:00:00Z`));

/** scope_period and prev_scope_period (filters.ts periodSql, PREVIOUS_PERIOD_SQL) for a range, null for all time. */
export function periodsOf(range: { start: string; end: string } | null, bounds: DataArrays['bounds']): { current: Period; previous: Period } {
  const start = range ? dayOfIso(range.start) : bounds.firstDay;
  const end = range ? dayOfIso(range.end) : bounds.endDay;
  const days = end - start;
  const grain = autoGrain(days);
  const observedEndDay = Math.min(end, bounds.endDay);
  const period = (s: number, e: number, observed: number): Period => ({ startMs: msOfDay(s), endMs: msOfDay(e), startDay: s, endDay: e, observedEndDay: observed, days, grain });
  return { current: period(start, end, observedEndDay), previous: period(start - days, start, Math.min(start, observedEndDay)) };
}

/**
 * scope_range for a period (filters.ts rangeSql): one row per customer with an order in it, in cid
 * order, with the period's purchases, paid orders, revenue and refunds, and the customer's
 * all-history figures; kind from the paid orders up to the period's end.
 * `by`: how the orders are read (chosen by the period when not given). 'day': only the period's, in time order, each one's row looked up
 * by its cid (a jump in memory per order); 'customer': every customer's in turn (ordersByCid), reads
 * that follow memory, the faster walk when the period holds most orders (all time at 1M orders:
 * ~25 ms against ~85, Node build). Each customer's orders are added in the same order either way.
 */
export function rangeScope(data: DataArrays, period: Period, by?: 'day' | 'customer'): Omit<ScopeState, 'fails'> {
  const { cid: cidOf, day, purchase, amount, refund, paidThrough } = data.orders;
  const size = data.customers.ltv.length;
  const from = lowerBound(day, period.startDay), to = lowerBound(day, period.endDay);
  // By customer when the period holds more than half the orders.
  const walk = by ?? (2 * (to - from) > day.length ? 'customer' : 'day');
  // Hot loops read the arrays through locals (as ranking() does).
  const { start, day: dayOf, amount: amountOf, refund: refundOf, purchase: purchaseOf } = data.ordersByCid;
  // Rows in cid order: the customers with an order in the period are marked first, then numbered.
  const rowByCid = new Int32Array(size).fill(-1);
  if (walk === 'day') {
    for (let r = from; r < to; r++) rowByCid[cidOf[r]!] = -2;
  } else {
    for (let cid = 0; cid < size; cid++) {
      for (let r = start[cid]!, end = start[cid + 1]!; r < end; r++) {
        if (dayOf[r]! >= period.startDay && dayOf[r]! < period.endDay) {
          rowByCid[cid] = -2;
          break;
        }
      }
    }
  }
  let n = 0;
  for (let cid = 0; cid < size; cid++) if (rowByCid[cid] === -2) rowByCid[cid] = n++;
  const rows = scopeRows(n);
  // Paid orders up to the period's end: the count through the customer's last order in it (orders come in time order).
  const paidToEnd = scratch.int32('range.paidToEnd', n, 0);
  const { orders, paidOrders, revenue, refunds } = rows;
  if (walk === 'day') {
    for (let r = from; r < to; r++) {
      const i = rowByCid[cidOf[r]!]!;
      if (purchase[r]) orders[i]!++;
      if (amount[r]! > 0) paidOrders[i]!++;
      revenue[i]! += amount[r]!;
      refunds[i]! += refund[r]!;
      paidToEnd[i] = paidThrough[r]!;
    }
  } else {
    for (let cid = 0; cid < size; cid++) {
      const i = rowByCid[cid]!;
      if (i < 0) continue;
      let paidBefore = 0;
      for (let r = start[cid]!, end = start[cid + 1]!; r < end && dayOf[r]! < period.endDay; r++) {
        if (dayOf[r]! < period.startDay) {
          if (amountOf[r]! > 0) paidBefore++;
          continue;
        }
        if (purchaseOf[r]) orders[i]!++;
        if (amountOf[r]! > 0) paidOrders[i]!++;
        revenue[i]! += amountOf[r]!;
        refunds[i]! += refundOf[r]!;
      }
      paidToEnd[i] = paidBefore + paidOrders[i]!;
    }
  }
  completeRows(rows, rowByCid, paidToEnd, data.customers, period);
  return scopeOf(period, rows, rowByCid);
}

/** A period's n rows, zeroed. */
export function scopeRows(n: number): ScopeRows {
  return {
    n, cid: new Int32Array(n), purchased: new Uint8Array(n), isNew: new Uint8Array(n), isReturning: new Uint8Array(n), kind: new Uint8Array(n),
    revenue: new Float64Array(n), refunds: new Float64Array(n), net: new Float64Array(n), orders: new Float64Array(n), paidOrders: new Float64Array(n),
    ltv: new Float64Array(n), firstOrderRevenue: new Float64Array(n), firstOrderDay: new Float64Array(n),
  };
}

/**
 * The rest of each row, once its period's orders, paid orders, revenue and refunds are summed: its
 * cid, whether the customer purchased, was new or returning, their kind (from `paidToEnd`, the paid
 * orders up to the period's end), net, and their all-history figures.
 */
function completeRows(rows: ScopeRows, rowByCid: Int32Array, paidToEnd: Int32Array, customers: DataArrays['customers'], period: Period): void {
  const { ltv, firstOrderRevenue, firstOrderDay } = customers;
  const { cid: cids, purchased, isNew, isReturning, kind, net, orders, revenue, refunds } = rows;
  for (let cid = 0; cid < rowByCid.length; cid++) {
    const i = rowByCid[cid]!;
    if (i < 0) continue;
    const bought = orders[i]! > 0;
    cids[i] = cid;
    purchased[i] = bought ? 1 : 0;
    isNew[i] = bought && firstOrderDay[cid]! >= period.startDay ? 1 : 0;
    isReturning[i] = bought && firstOrderDay[cid]! < period.startDay ? 1 : 0;
    kind[i] = !bought ? 0 : paidToEnd[i] === 0 ? 1 : paidToEnd[i] === 1 ? 2 : 3;
    net[i] = revenue[i]! - refunds[i]!;
    rows.ltv[i] = ltv[cid]!;
    rows.firstOrderRevenue[i] = firstOrderRevenue[cid]!;
    rows.firstOrderDay[i] = firstOrderDay[cid]!;
  }
}

/**
 * rangeScope of all time from each customer's lifetime sums (`lifetime`: row i is cid i + 1's
 * orders, paid orders, revenue and refunds), summed where the orders were walked by customer already
 * (orders-arrays.ts, in rangeScope's order): every customer has an order in all time, so every cid
 * but 0 has a row.
 */
export function lifetimeScope(lifetime: ScopeRows, customers: DataArrays['customers'], bounds: DataArrays['bounds']): Omit<ScopeState, 'fails'> {
  const period = periodsOf(null, bounds).current;
  const rowByCid = new Int32Array(lifetime.n + 1);
  const paidToEnd = new Int32Array(lifetime.n);
  for (let cid = 0; cid < rowByCid.length; cid++) rowByCid[cid] = cid - 1;
  for (let i = 0; i < lifetime.n; i++) paidToEnd[i] = lifetime.paidOrders[i]!;
  completeRows(lifetime, rowByCid, paidToEnd, customers, period);
  return scopeOf(period, lifetime, rowByCid);
}

/** Where each cid's entries start once `cids` is grouped by cid (cids 0…size − 1; start[size]: the length). */
export function startsByCid(cids: Int32Array, size: number): Int32Array {
  const start = new Int32Array(size + 1);
  for (let r = 0; r < cids.length; r++) start[cids[r]! + 1]!++;
  for (let cid = 0; cid < size; cid++) start[cid + 1]! += start[cid]!;
  return start;
}

/** The orders (in time order) grouped by cid, each customer's still in time order. */
export function ordersByCid(orders: DataArrays['orders'], size: number): DataArrays['ordersByCid'] {
  const start = startsByCid(orders.cid, size);
  const next = start.slice(0, size);
  const n = orders.cid.length;
  const out = { start, day: new Int32Array(n), amount: new Float64Array(n), refund: new Float64Array(n), purchase: new Uint8Array(n) };
  for (let r = 0; r < n; r++) {
    const at = next[orders.cid[r]!]!++;
    out.day[at] = orders.day[r]!;
    out.amount[at] = orders.amount[r]!;
    out.refund[at] = orders.refund[r]!;
    out.purchase[at] = orders.purchase[r]!;
  }
  return out;
}

/** Purchase days (grouped by cid, `cid` each one's) in day order: a counting sort over the days, stable. */
export function purchaseDaysByDay(cid: Int32Array, day: Int32Array, nextDay: Int32Array): DataArrays['purchaseDaysByDay'] {
  let first = Infinity, last = -Infinity;
  for (const d of day) {
    first = Math.min(first, d);
    last = Math.max(last, d);
  }
  const n = day.length;
  const out = { cid: new Int32Array(n), day: new Int32Array(n), nextDay: new Int32Array(n) };
  if (n === 0) return out;
  const at = new Int32Array(last - first + 2);
  for (const d of day) at[d - first + 1]!++;
  for (let k = 1; k < at.length; k++) at[k]! += at[k - 1]!;
  for (let r = 0; r < n; r++) {
    const to = at[day[r]! - first]!++;
    out.cid[to] = cid[r]!;
    out.day[to] = day[r]!;
    out.nextDay[to] = nextDay[r]!;
  }
  return out;
}

/** For each order (in time order), how many orders with an amount its customer had up to it, itself included. */
export function paidThrough(orders: { cid: Int32Array; amount: Float64Array }, size: number): Int32Array {
  const count = new Int32Array(size);
  const out = new Int32Array(orders.cid.length);
  for (let r = 0; r < out.length; r++) out[r] = orders.amount[r]! > 0 ? ++count[orders.cid[r]!]! : count[orders.cid[r]!]!;
  return out;
}

/** A period's rows with their lookups: row by cid, and the span of the purchasers' first days. */
function scopeOf(period: Period, rows: ScopeRows, rowByCid: Int32Array): Omit<ScopeState, 'fails'> {
  const { cid: cids, purchased, firstOrderDay } = rows;
  // The purchasers' first days span the acquisition chart's buckets.
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < cids.length; i++) {
    if (!purchased[i]) continue;
    min = Math.min(min, firstOrderDay[i]!);
    max = Math.max(max, firstOrderDay[i]!);
  }
  return { period, rows, rowByCid, firstDays: { min, max } };
}

/**
 * scope_items for a period (customer-base.ts itemSetsSql): each customer's distinct products and
 * categories bought, and statuses had, on the period's lines; `cids`: the customers with an order
 * in the period (rangeScope's rows), whose lines are the only ones read.
 */
export function rangeItems(data: Pick<DataArrays, 'lines' | 'itemValues'>, period: Period, cids: Int32Array): ItemSets {
  const { start, day, bought, codes } = data.lines;
  const { startDay, endDay } = period;
  let lines = 0;
  for (let i = 0; i < cids.length; i++) lines += start[cids[i]! + 1]! - start[cids[i]!]!;
  // At most three entries a line: written to scratch, and the n written copied out to keep.
  const dim = scratch.uint8('items.dim', 3 * lines, null), code = scratch.int32('items.code', 3 * lines, null), cid = scratch.int32('items.cid', 3 * lines, null);
  // A code already taken for this customer is remembered until the next customer.
  const taken = ITEM_DIMENSIONS.map((d) => new Int32Array(data.itemValues[d].length).fill(-1));
  let n = 0;
  const add = (d: number, c: number, customer: number) => {
    if (taken[d]![c] === customer) return;
    taken[d]![c] = customer;
    dim[n] = d;
    code[n] = c;
    cid[n] = customer;
    n++;
  };
  const [products, categories, statuses] = codes;
  for (let i = 0; i < cids.length; i++) {
    const customer = cids[i]!;
    for (let r = start[customer]!, end = start[customer + 1]!; r < end; r++) {
      if (day[r]! < startDay || day[r]! >= endDay) continue;
      // Products and categories bought; statuses of every line.
      if (bought[r]) {
        add(0, products[r]!, customer);
        add(1, categories[r]!, customer);
      }
      add(2, statuses[r]!, customer);
    }
  }
  const keptCids = cid.slice(0, n);
  // The lines' starts by cid hold one more entry than there are cids (customers + 1).
  return { dim: dim.slice(0, n), code: code.slice(0, n), cid: keptCids, start: startsByCid(keptCids, start.length - 1) };
}

// ---- facet filters without the flag tables -----------------------------------------------------

/** A range's rows for both periods and their item sets: what every filter state of the range reads. */
export interface RangeArrays {
  current: Omit<ScopeState, 'fails'>;
  previous: Omit<ScopeState, 'fails'>;
  items: ItemSets;
  readonly previousItems: ItemSets;
}

/** scope_range and scope_items of a range (null: all time) and of the period before it, built from the arrays. */
export function rangeArrays(data: DataArrays, range: { start: string; end: string } | null): RangeArrays {
  const periods = periodsOf(range, data.bounds);
  const current = rangeScope(data, periods.current);
  const previous = rangeScope(data, periods.previous);
  return rangeArraysOf(data, periods, current, previous, rangeItems(data, periods.current, current.rows.cid));
}

/** A range's arrays from its pieces (rangeArrays builds them in one go; a build ahead of time, one piece a task). */
export function rangeArraysOf(
  data: DataArrays, periods: { current: Period; previous: Period }, current: Omit<ScopeState, 'fails'>, previous: Omit<ScopeState, 'fails'>, items: ItemSets,
): RangeArrays {
  // The previous period's item sets are read only by an item facet's filter: built when first asked for.
  let previousItems: ItemSets | null = null;
  return {
    current,
    previous,
    items,
    get previousItems() {
      return (previousItems ??= rangeItems(data, periods.previous, previous.rows.cid));
    },
  };
}

/**
 * The facet filters (flagBit) each customer fails, by cid, as filters.ts facetPredicate decides
 * them, in each period of a range: a customer column's value among the
 * selected ones (null selects no value), customer since by each value's grain (null: no purchase
 * yet), an item dimension's selected values among what the customer bought (had, for status) in
 * the period. Null when nothing is selected. Scratch arrays: read them before the next call.
 */
export function facetFailsByCid(facets: FacetSelections, data: DataArrays, range: RangeArrays): { current: Uint32Array | null; previous: Uint32Array | null } {
  const chosen = FACET_DIMENSIONS.filter((d) => (facets[d]?.length ?? 0) > 0);
  if (chosen.length === 0) return { current: null, previous: null };
  const size = data.customers.ltv.length;
  // The customer columns' part is the same in every period.
  const fails = scratch.uint32('facets.fails', size, 0);
  for (const dimension of chosen) {
    if (ITEM_DIMENSIONS.includes(dimension as ItemDimension)) continue;
    const selected = facets[dimension]!;
    const bit = flagBit(dimension);
    // Customer since: each value matched against the column of its grain ('2024', '2024-Q1', '2024-01').
    const tests: { codes: Int32Array; wanted: Uint8Array }[] = [];
    if (dimension === 'customer_since') {
      for (const column of ['since_year', 'since_quarter', 'since_month'] as const) {
        const values = selected.filter((v): v is string => v !== null && customerSinceColumn(v) === column);
        if (values.length > 0) tests.push({ codes: data.attributes[column].codeByCid, wanted: selectedCodes(data.attributes[column].values, values) });
      }
    } else {
      const attribute = data.attributes[dimension as AttributeDimension];
      tests.push({ codes: attribute.codeByCid, wanted: selectedCodes(attribute.values, selected) });
    }
    const noPurchase = dimension === 'customer_since' && selected.includes(null);
    if (tests.length === 1 && !noPurchase) {
      const { codes, wanted } = tests[0]!;
      for (let cid = 0; cid < size; cid++) if (wanted[codes[cid]!] !== 1) fails[cid]! |= bit;
      continue;
    }
    const firstDay = data.customers.firstOrderDay;
    for (let cid = 0; cid < size; cid++) {
      let pass = noPurchase && Number.isNaN(firstDay[cid]!);
      for (let t = 0; !pass && t < tests.length; t++) pass = tests[t]!.wanted[tests[t]!.codes[cid]!] === 1;
      if (!pass) fails[cid]! |= bit;
    }
  }
  const items = chosen.filter((d) => ITEM_DIMENSIONS.includes(d as ItemDimension)) as ItemDimension[];
  if (items.length === 0) return { current: fails, previous: fails };
  const withItems = ({ dim, code, cid }: ItemSets, label: 'current' | 'previous') => {
    const period = scratch.uint32(`facets.${label}`, size, null);
    period.set(fails);
    for (const dimension of items) {
      const item = ITEM_DIMENSIONS.indexOf(dimension);
      const wanted = selectedCodes(data.itemValues[dimension], facets[dimension]!);
      const has = scratch.uint8('facets.has', size, 0);
      for (let r = 0; r < cid.length; r++) if (dim[r] === item && wanted[code[r]!]) has[cid[r]!] = 1;
      const bit = flagBit(dimension);
      for (let c = 0; c < size; c++) if (!has[c]) period[c]! |= bit;
    }
    return period;
  };
  return { current: withItems(range.items, 'current'), previous: withItems(range.previousItems, 'previous') };
}

/** Per code of `values` (a dictionary, null for no value): 1 when selected. */
export function selectedCodes(values: readonly (string | null)[], selected: readonly (string | null)[]): Uint8Array {
  const wanted = new Set(selected);
  const out = new Uint8Array(values.length);
  for (let code = 0; code < values.length; code++) if (wanted.has(values[code] ?? null)) out[code] = 1;
  return out;
}

/**
 * A period's state: its rows with their fails. Written as a literal, not a spread: a spread's
 * object gets a hidden class of its own, which the engine collects once no such object is alive,
 * and with it the optimised code that read it ("embedded weak objects cleared" in --trace-deopt):
 * the next click then ran unoptimised while TurboFan compiled the panels' code again (~90 ms).
 */
export function withFails(scope: Omit<ScopeState, 'fails'>, fails: Uint32Array): ScopeState {
  return { period: scope.period, rows: scope.rows, rowByCid: scope.rowByCid, firstDays: scope.firstDays, fails };
}

/**
 * A period's rows' fails, taken from the customers' (facetFailsByCid): no flags at all when nothing
 * is selected. A scratch array, one per period: read it before the next call for the same period.
 */
export function rowFails(scope: Omit<ScopeState, 'fails'>, failsByCid: Uint32Array | null, label: 'current' | 'previous'): Uint32Array {
  // Every row's fails are written when there are customers' fails to take them from.
  const fails = scratch.uint32(`fails.${label}`, scope.rows.n, failsByCid ? null : 0);
  const cids = scope.rows.cid;
  if (failsByCid) for (let i = 0; i < cids.length; i++) fails[i] = failsByCid[cids[i]!]!;
  return fails;
}

/**
 * The data of customers 1…`customers` only (cids keep their numbers), for running the panels' code
 * on something small: the same functions over the same kinds of arrays, at a fraction of the cost.
 */
export function sampleOf(data: DataArrays, customers: number): DataArrays {
  const size = Math.min(customers + 1, data.customers.ltv.length);
  const keep = <T extends Int32Array | Uint8Array | Float64Array>(values: T, rows: number[]): T => {
    const out = new (values.constructor as new (n: number) => T)(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]!]!;
    return out;
  };
  const rowsOf = (cid: Int32Array) => {
    const rows: number[] = [];
    for (let r = 0; r < cid.length; r++) if (cid[r]! < size) rows.push(r);
    return rows;
  };
  const orderRows = rowsOf(data.orders.cid), dayRows = rowsOf(data.purchaseDaysByDay.cid);
  const { orders, purchaseDays, purchaseDaysByDay, ordersByCid, lines, customers: facts } = data;
  // Grouped by cid: the first customers' entries are a prefix.
  const prefix = <T extends Int32Array | Uint8Array | Float64Array>(values: T, start: Int32Array) => values.subarray(0, start[size]!) as T;
  return dataArraysOf({
    attributes: Object.fromEntries(Object.entries(data.attributes).map(([d, a]) => [d, { codeByCid: a.codeByCid.subarray(0, size), values: a.values }])) as DataArrays['attributes'],
    orders: { cid: keep(orders.cid, orderRows), day: keep(orders.day, orderRows), purchase: keep(orders.purchase, orderRows), amount: keep(orders.amount, orderRows), refund: keep(orders.refund, orderRows), paidThrough: keep(orders.paidThrough, orderRows) },
    purchaseDays: { start: purchaseDays.start.subarray(0, size + 1), day: prefix(purchaseDays.day, purchaseDays.start), nextDay: prefix(purchaseDays.nextDay, purchaseDays.start) },
    purchaseDaysByDay: { cid: keep(purchaseDaysByDay.cid, dayRows), day: keep(purchaseDaysByDay.day, dayRows), nextDay: keep(purchaseDaysByDay.nextDay, dayRows) },
    ordersByCid: {
      start: ordersByCid.start.subarray(0, size + 1), day: prefix(ordersByCid.day, ordersByCid.start), amount: prefix(ordersByCid.amount, ordersByCid.start),
      refund: prefix(ordersByCid.refund, ordersByCid.start), purchase: prefix(ordersByCid.purchase, ordersByCid.start),
    },
    itemValues: data.itemValues,
    customers: {
      ltv: facts.ltv.subarray(0, size), firstOrderRevenue: facts.firstOrderRevenue.subarray(0, size), firstOrderDay: facts.firstOrderDay.subarray(0, size), lifetimePaidOrders: facts.lifetimePaidOrders.subarray(0, size),
      firstOrderUs: facts.firstOrderUs.subarray(0, size), lastOrderUs: facts.lastOrderUs.subarray(0, size),
    },
    lines: {
      start: lines.start.subarray(0, size + 1), day: prefix(lines.day, lines.start), bought: prefix(lines.bought, lines.start),
      codes: lines.codes.map((c) => prefix(c, lines.start)) as DataArrays['lines']['codes'],
    },
    bounds: data.bounds,
  });
}

/**
 * DataArrays with every object in it made here, by literals. The data set's arrays and the warm-up's
 * sample (sampleOf) then share their hidden classes, so the code the engine optimised on the sample
 * is the code the data set runs; objects built elsewhere had classes of their own, and the first
 * real click left that code ("wrong map" in --trace-deopt) to be compiled again.
 */
export function dataArraysOf(d: DataArrays): DataArrays {
  const attribute = (a: DataArrays['attributes'][AttributeDimension]) => ({ codeByCid: a.codeByCid, values: a.values });
  const { attributes: a, orders: o, purchaseDays: p, purchaseDaysByDay: pd, ordersByCid: oc, itemValues: iv, customers: c, lines: l } = d;
  return {
    attributes: {
      country: attribute(a.country), city: attribute(a.city), channel: attribute(a.channel), value_band: attribute(a.value_band),
      since_year: attribute(a.since_year), since_quarter: attribute(a.since_quarter), since_month: attribute(a.since_month),
    },
    orders: { cid: o.cid, day: o.day, purchase: o.purchase, amount: o.amount, refund: o.refund, paidThrough: o.paidThrough },
    purchaseDays: { start: p.start, day: p.day, nextDay: p.nextDay },
    purchaseDaysByDay: { cid: pd.cid, day: pd.day, nextDay: pd.nextDay },
    ordersByCid: { start: oc.start, day: oc.day, amount: oc.amount, refund: oc.refund, purchase: oc.purchase },
    itemValues: { product: iv.product, category: iv.category, status: iv.status },
    customers: { ltv: c.ltv, firstOrderRevenue: c.firstOrderRevenue, firstOrderDay: c.firstOrderDay, lifetimePaidOrders: c.lifetimePaidOrders, firstOrderUs: c.firstOrderUs, lastOrderUs: c.lastOrderUs },
    lines: { start: l.start, day: l.day, bought: l.bought, codes: [l.codes[0], l.codes[1], l.codes[2]] },
    bounds: { firstDay: d.bounds.firstDay, endDay: d.bounds.endDay },
  };
}
