// The dashboard's panels from arrays held beside the engine (panels.ts), read out of the tables the
// SQL plan builds: data-wide arrays once per data set (prepare), one range's scope rows once per
// range, the filter flags on every state. At 1M orders a facet click's panels take tens of
// milliseconds this way against hundreds by SQL (docs/benchmarks.md). Where a case is not covered
// (a facet search, filters on a dated range, a NULL where a figure is expected) panels() answers
// null and the caller runs the SQL plan: the arrays never guess.
import type { Table, Vector } from 'apache-arrow';
import { customerFilterPredicate } from '../filters';
import type { DashboardPlanOptions } from '../dashboard';
import type { Grain } from '../activity-series';
import {
  ATTRIBUTE_DIMENSIONS, DAY_MS, FLAG_BITS, ITEM_DIMENSIONS, panelRows, periodsOf, rangeItems, rangeScope, scopeOf,
  type AttributeDimension, type DataArrays, type ItemSets, type Period, type ScopeRows, type ScopeState,
} from './panels';

export type ReadTable = (sql: string) => Promise<Table>;

/**
 * Which data set, which range (its key: the same range gives the same scope rows) and which build of
 * that range's scope tables (the stamp scopeStampSql wrote after them) a request is for.
 */
export interface PanelVersions {
  data: number;
  range: string;
  stamp: number;
}

/**
 * Marks the scope tables just built for a range. Every read of them returns the stamp in the same
 * statement, so rows read while another refresh rebuilt them for another range are never kept.
 */
export const scopeStampSql = (stamp: number) => `CREATE OR REPLACE TEMP TABLE scope_stamp AS SELECT ${Math.floor(stamp)}::INTEGER AS stamp`;
const STAMP = '(SELECT stamp FROM scope_stamp) AS stamp';

/**
 * A range's scope rows are kept by data set and range: a prepare for an earlier data set that ends
 * late can never leave its rows where the current data set's are looked up.
 */
const rangeKey = (versions: PanelVersions) => `${versions.data} ${versions.range}`;
/** Ranges whose scope rows are kept (all time and the last ranges used, typically). */
const RANGES_KEPT = 3;

interface RangeArrays {
  current: Omit<ScopeState, 'fails'>;
  previous: Omit<ScopeState, 'fails'>;
  items: ItemSets;
}

/** Above this many orders the arrays are not built (their memory is the JavaScript heap's, beside DuckDB's). */
export const PANEL_INDEX_MAX_ORDERS = 3_000_000;

export class PanelIndex {
  readonly #read: ReadTable;
  #data: { version: number; arrays: DataArrays; customers: number } | null = null;
  /** The data set the latest prepare() is for. */
  #preparing = 0;
  /** By rangeKey, least recently used first. */
  readonly #ranges = new Map<string, RangeArrays>();

  constructor(read: ReadTable) {
    this.#read = read;
  }

  /**
   * Reads the data-wide arrays for data set `versions.data` (after the customer base was built), and
   * the scope rows of the range its scope tables hold now (`versions.range`, if still `versions.stamp`);
   * false when too big or not covered.
   */
  async prepare(versions: PanelVersions): Promise<boolean> {
    const version = versions.data;
    this.#preparing = version;
    this.#data = null;
    this.#ranges.clear();
    const [counts] = rowsOf(await this.#read('SELECT (SELECT count(*) FROM customer_orders)::DOUBLE AS orders, (SELECT COALESCE(max(cid), 0) FROM customer_base)::DOUBLE AS customers'));
    const orders = Number(counts?.orders ?? 0);
    const customers = Number(counts?.customers ?? 0);
    if (orders > PANEL_INDEX_MAX_ORDERS) return false;
    const arrays = await this.#readData(customers);
    // A prepare for a newer data set started meanwhile: it decides what is kept.
    if (!arrays || this.#preparing !== version) return false;
    this.#data = { version, arrays, customers };
    // The first filter change then reads only its flags (all time's rows are ~0.5 s at 1M orders).
    const range = await this.#readRange(versions.stamp, customers, arrays.attributes).catch(() => null);
    if (range) this.#ranges.set(rangeKey(versions), range);
    return true;
  }

  /** Drops the arrays: the data changed. */
  forget(): void {
    this.#data = null;
    this.#ranges.clear();
  }

  /**
   * The rows dashboardPanelsStatementSql would return for `plan`, after the caller ran its scope
   * statements; null when this index cannot answer (then run the SQL).
   */
  async panels(plan: DashboardPlanOptions, versions: PanelVersions): Promise<Record<string, unknown>[] | null> {
    const data = this.#data;
    if (!data || data.version !== versions.data) return null;
    if (Object.values(plan.facetSearch ?? {}).some((term) => term)) return null;
    const filtered = customerFilterPredicate(plan.filter, plan).sql !== 'TRUE';
    // Lost customers of a filtered dated range are matched among customers without orders in it,
    // whom the range's flag table does not hold.
    if (filtered && plan.filter.range !== null) return null;
    if (!(Math.round(plan.churnWindowDays) >= 1)) return null;
    const key = rangeKey(versions);
    let range = this.#ranges.get(key);
    if (!range) {
      range = (await this.#readRange(versions.stamp, data.customers, data.arrays.attributes)) ?? undefined;
      if (!range) return null;
    }
    this.#ranges.delete(key);
    this.#ranges.set(key, range);
    for (const oldest of this.#ranges.keys()) if (this.#ranges.size > RANGES_KEPT) this.#ranges.delete(oldest);
    const currentFails = await this.#readFlags('scope_flags', range.current, versions.stamp);
    const previousFails = currentFails && (await this.#readFlags('prev_scope_flags', range.previous, versions.stamp));
    if (!currentFails || !previousFails) return null;
    return panelRows({ ...range.current, fails: currentFails }, { ...range.previous, fails: previousFails }, data.arrays, range.items, {
      grain: plan.grain,
      churnWindowDays: plan.churnWindowDays,
      facetLimit: plan.facetLimit,
      sinceGrain: plan.sinceGrain,
      filtered,
    });
  }

  /**
   * The panels of an unfiltered state without the range's SQL scope tables: its rows built here from
   * the time-ordered orders (rangeScope), so a new range is painted before those tables are rebuilt
   * (for the list, RFM and exports). Null when filtered, searched, or not prepared for `dataVersion`.
   */
  panelsWithoutScope(plan: DashboardPlanOptions, dataVersion: number): Record<string, unknown>[] | null {
    const data = this.#data;
    if (!data || data.version !== dataVersion) return null;
    if (Object.values(plan.facetSearch ?? {}).some((term) => term)) return null;
    if (customerFilterPredicate(plan.filter, plan).sql !== 'TRUE') return null;
    if (!(Math.round(plan.churnWindowDays) >= 1)) return null;
    const periods = periodsOf(plan.filter.range, data.arrays.bounds);
    const current = rangeScope(data.arrays, periods.current, data.arrays.attributes);
    const previous = rangeScope(data.arrays, periods.previous, data.arrays.attributes);
    return panelRows({ ...current, fails: new Uint32Array(current.rows.n) }, { ...previous, fails: new Uint32Array(previous.rows.n) }, data.arrays, rangeItems(data.arrays, periods.current), {
      grain: plan.grain,
      churnWindowDays: plan.churnWindowDays,
      facetLimit: plan.facetLimit,
      sinceGrain: plan.sinceGrain,
      filtered: false,
    });
  }

  async #readData(customers: number): Promise<DataArrays | null> {
    const attributes = {} as DataArrays['attributes'];
    const dictionary = (d: AttributeDimension) =>
      `(SELECT value, (row_number() OVER (ORDER BY value ASC NULLS LAST) - 1)::INTEGER AS code FROM (SELECT DISTINCT ${d} AS value FROM customer_base))`;
    for (const d of ATTRIBUTE_DIMENSIONS) {
      const values = await this.#read(`SELECT value FROM ${dictionary(d)} ORDER BY code`);
      attributes[d] = { codeByCid: new Int32Array(customers + 1), values: Array.from(values.getChild('value')!, (v) => (v == null ? null : String(v))) };
    }
    const codes = await this.#read(`SELECT b.cid, ${ATTRIBUTE_DIMENSIONS.map((d) => `d_${d}.code AS ${d}`).join(', ')}
      FROM customer_base b ${ATTRIBUTE_DIMENSIONS.map((d) => `LEFT JOIN ${dictionary(d)} d_${d} ON d_${d}.value IS NOT DISTINCT FROM b.${d}`).join(' ')}`);
    const cids = ints(codes, 'cid');
    for (const d of ATTRIBUTE_DIMENSIONS) {
      const code = ints(codes, d);
      const target = attributes[d].codeByCid;
      for (let r = 0; r < cids.length; r++) target[cids[r]!] = code[r]!;
    }
    const orders = await this.#read(`SELECT cid, floor(epoch_ms(ordered_at) / ${DAY_MS})::INTEGER AS day, purchase::UTINYINT AS purchase, amount, refund FROM customer_orders ORDER BY ordered_at`);
    const days = await this.#read(`SELECT cid, (day - DATE '1970-01-01')::INTEGER AS day, COALESCE((next_day - DATE '1970-01-01')::INTEGER, -1) AS next_day FROM purchase_days`);
    const itemCodes = rowsOf(await this.#read(`SELECT dim, code, value FROM item_codes WHERE code IS NOT NULL ORDER BY dim, code`));
    const facts = await this.#read(`SELECT cid, ltv::DOUBLE AS ltv, first_order_revenue::DOUBLE AS first_order_revenue,
        COALESCE(floor(epoch_ms(first_order_at) / ${DAY_MS})::DOUBLE, 'NaN'::DOUBLE) AS first_order_day, lifetime_paid_orders::DOUBLE AS lifetime_paid_orders
      FROM customer_base`);
    // A NULL test leaves a line out of a set (WHERE … AND i.bought), as false does.
    const lines = await this.#read(`SELECT cid, floor(epoch_ms(ordered_at) / ${DAY_MS})::INTEGER AS day, COALESCE(bought, FALSE)::UTINYINT AS bought,
        COALESCE(product, 0)::INTEGER AS product, COALESCE(category, 0)::INTEGER AS category, COALESCE(status, 0)::INTEGER AS status
      FROM customer_items ORDER BY cid`);
    const [bounds] = rowsOf(await this.#read(`SELECT (first_day - DATE '1970-01-01')::INTEGER AS first_day, (end_day - DATE '1970-01-01')::INTEGER AS end_day FROM data_bounds`));
    if (!noNulls(orders, ['cid', 'day', 'purchase', 'amount', 'refund']) || !noNulls(days, ['cid', 'day']) || !noNulls(lines, ['cid', 'day'])) return null;
    if (!bounds || !noNulls(facts, ['cid', 'ltv', 'first_order_revenue', 'lifetime_paid_orders'])) return null;
    const customerFacts = { ltv: new Float64Array(customers + 1), firstOrderRevenue: new Float64Array(customers + 1), firstOrderDay: new Float64Array(customers + 1).fill(NaN), lifetimePaidOrders: new Float64Array(customers + 1) };
    {
      const cid = ints(facts, 'cid'), ltv = doubles(facts, 'ltv'), first = doubles(facts, 'first_order_revenue'), day = doubles(facts, 'first_order_day'), paid = doubles(facts, 'lifetime_paid_orders');
      for (let r = 0; r < cid.length; r++) {
        const c = cid[r]!;
        customerFacts.ltv[c] = ltv[r]!;
        customerFacts.firstOrderRevenue[c] = first[r]!;
        customerFacts.firstOrderDay[c] = day[r]!;
        customerFacts.lifetimePaidOrders[c] = paid[r]!;
      }
    }
    const itemValues = {} as DataArrays['itemValues'];
    for (const d of ITEM_DIMENSIONS) {
      const values: (string | null)[] = [null];
      for (const row of itemCodes) if (row.dim === d) values[Number(row.code)] = String(row.value);
      itemValues[d] = values;
    }
    return {
      attributes,
      orders: { cid: ints(orders, 'cid'), day: ints(orders, 'day'), purchase: ints8(orders, 'purchase'), amount: doubles(orders, 'amount'), refund: doubles(orders, 'refund') },
      purchaseDays: { cid: ints(days, 'cid'), day: ints(days, 'day'), nextDay: ints(days, 'next_day') },
      itemValues,
      customers: customerFacts,
      lines: { cid: ints(lines, 'cid'), day: ints(lines, 'day'), bought: ints8(lines, 'bought'), codes: [ints(lines, 'product'), ints(lines, 'category'), ints(lines, 'status')] },
      bounds: { firstDay: Number(bounds.first_day), endDay: Number(bounds.end_day) },
    };
  }

  async #readRange(stamp: number, customers: number, attributes: DataArrays['attributes']): Promise<RangeArrays | null> {
    const current = await this.#readScope('scope_period', 'scope_range', stamp, customers, attributes);
    const previous = current && (await this.#readScope('prev_scope_period', 'prev_scope_range', stamp, customers, attributes));
    const items = previous && (await this.#read(`SELECT CASE dim ${ITEM_DIMENSIONS.map((d, i) => `WHEN '${d}' THEN ${i}`).join(' ')} END::UTINYINT AS dim, COALESCE(code, 0)::INTEGER AS code, cid, ${STAMP} FROM scope_items`));
    if (!current || !previous || !items || !stamped(items, stamp) || !noNulls(items, ['dim', 'cid'])) return null;
    return { current, previous, items: { dim: ints8(items, 'dim'), code: ints(items, 'code'), cid: ints(items, 'cid') } };
  }

  async #readScope(periodTable: string, rangeTable: string, stamp: number, customers: number, attributes: DataArrays['attributes']): Promise<Omit<ScopeState, 'fails'> | null> {
    const [p] = rowsOf(await this.#read(`SELECT epoch_ms(start_at)::DOUBLE AS start_ms, epoch_ms(end_at)::DOUBLE AS end_ms,
        (start_day - DATE '1970-01-01')::INTEGER AS start_day, (end_day - DATE '1970-01-01')::INTEGER AS end_day,
        (observed_end_day - DATE '1970-01-01')::INTEGER AS observed_end_day, days, grain, ${STAMP} FROM ${periodTable}`));
    if (!p || p.stamp !== stamp) return null;
    const period: Period = {
      startMs: Number(p.start_ms), endMs: Number(p.end_ms), startDay: Number(p.start_day), endDay: Number(p.end_day),
      observedEndDay: Number(p.observed_end_day), days: Number(p.days), grain: String(p.grain) as Grain,
    };
    // A NULL in a test counts as false (FILTER (WHERE NULL) leaves the row out), so COALESCE keeps
    // the meaning; the three tests travel as the bits of one small integer.
    const t = await this.#read(`SELECT cid,
        (COALESCE(purchased, FALSE)::UTINYINT + 2 * COALESCE(is_new, FALSE)::UTINYINT + 4 * COALESCE(is_returning, FALSE)::UTINYINT)::UTINYINT AS tests,
        CASE kind WHEN 'free_trial' THEN 1 WHEN 'one_time' THEN 2 WHEN 'repeat' THEN 3 ELSE 0 END::UTINYINT AS kind,
        revenue::DOUBLE AS revenue, refunds::DOUBLE AS refunds, net::DOUBLE AS net, orders::DOUBLE AS orders, paid_orders::DOUBLE AS paid_orders,
        ltv::DOUBLE AS ltv, first_order_revenue::DOUBLE AS first_order_revenue,
        COALESCE(floor(epoch_ms(first_order_at) / ${DAY_MS})::DOUBLE, 'NaN'::DOUBLE) AS first_order_day, ${STAMP}
      FROM ${rangeTable}`);
    // The figures the panels sum must all be there: SQL's sums skip NULLs, plain addition would not.
    if (!stamped(t, stamp) || !noNulls(t, ['cid', 'revenue', 'refunds', 'net', 'orders', 'paid_orders', 'ltv', 'first_order_revenue'])) return null;
    const tests = ints8(t, 'tests');
    const bit = (b: number) => {
      const out = new Uint8Array(tests.length);
      for (let i = 0; i < tests.length; i++) out[i] = (tests[i]! >> b) & 1;
      return out;
    };
    const rows: ScopeRows = {
      n: t.numRows, cid: ints(t, 'cid'), purchased: bit(0), isNew: bit(1), isReturning: bit(2), kind: ints8(t, 'kind'),
      revenue: doubles(t, 'revenue'), refunds: doubles(t, 'refunds'), net: doubles(t, 'net'), orders: doubles(t, 'orders'), paidOrders: doubles(t, 'paid_orders'),
      ltv: doubles(t, 'ltv'), firstOrderRevenue: doubles(t, 'first_order_revenue'), firstOrderDay: doubles(t, 'first_order_day'),
    };
    return scopeOf(period, rows, customers + 1, attributes);
  }

  /**
   * The filters each row fails, as bits (flagBit), in the range's row order; null when the flag
   * table is not of that range's scope tables (another build, or other customers).
   */
  async #readFlags(flagTable: string, scope: Omit<ScopeState, 'fails'>, stamp: number): Promise<Uint32Array | null> {
    // A NULL flag fails, as in the SQL's AND of flags.
    const t = await this.#read(`SELECT cid, (${FLAG_BITS.map((d, bit) => `(NOT COALESCE(f_${d}, FALSE))::INTEGER * ${2 ** bit}`).join(' + ')})::INTEGER AS fails, ${STAMP} FROM ${flagTable}`);
    if (t.numRows !== scope.rows.n || (t.numRows > 0 && !stamped(t, stamp))) return null;
    const cid = ints(t, 'cid');
    const failed = ints(t, 'fails');
    const fails = new Uint32Array(scope.rows.n).fill(UNSET);
    for (let r = 0; r < cid.length; r++) {
      const row = scope.rowByCid[cid[r]!] ?? -1;
      if (row < 0) return null;
      fails[row] = failed[r]!;
    }
    return fails.includes(UNSET) ? null : fails;
  }
}

/** No flags read for a row yet (a value no filter combination sets). */
const UNSET = 0xffffffff;
/** The rows came from the scope tables built with `stamp` (scopeStampSql), read in the same statement. */
const stamped = (t: Table, stamp: number) => t.numRows === 0 || column(t, 'stamp').get(0) === stamp;

const rowsOf = (t: Table) => t.toArray().map((r) => ({ ...r.toJSON() }) as Record<string, unknown>);
const column = (t: Table, name: string): Vector => t.getChild(name)!;
const noNulls = (t: Table, names: string[]) => names.every((n) => column(t, n).nullCount === 0);
// toArray() hands a column of one type without NULLs over as one typed array (a copy only across batches).
function typed<T extends Int32Array | Uint8Array | Float64Array>(t: Table, name: string, type: { from(values: Iterable<number>): T }, kind: new (n: number) => T): T {
  const values: unknown = column(t, name).toArray();
  return values instanceof kind ? values : type.from(values as Iterable<number>);
}
const ints = (t: Table, name: string) => typed(t, name, Int32Array, Int32Array);
const ints8 = (t: Table, name: string) => typed(t, name, Uint8Array, Uint8Array);
const doubles = (t: Table, name: string) => typed(t, name, Float64Array, Float64Array);
