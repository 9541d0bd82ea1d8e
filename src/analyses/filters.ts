// The dashboard's filter state, and the SQL that turns it into the scope tables every panel reads:
//   scope_period    one row: start_day/end_day (end exclusive), start_at/end_at, days, observed_end_day, grain
//   scope_items     (dim, code, cid): the products, categories and statuses each customer had in range (a view;
//                   codes: item_codes; all time reads all_time_items, built with the customer base)
//   scope_range     one row per customer with an order in range, before facet and segment filters (a view: of
//                   customer_base for all time, of scope_range_rows for a dated range)
//   scope_flags     one row per scope_range row, in its order: its cid (to check the alignment), one boolean per filter (f_<dimension>, f_segment)
//   scope_all       a view: scope_range beside scope_flags, so facets can cross-filter
//   scope_customers a view: scope_all rows passing every filter (the columns are listed at SCOPE_COLUMNS)
//   scope_orders    a view: the orders in range of scope_customers
// and the prev_ variants for the previous period of equal length (prev_scope_period, prev_scope_items,
// prev_scope_range, prev_scope_flags, prev_scope_all, prev_scope_customers). Requires customer-base.ts' tables.
// period, items and range depend on the range only (rangeScopeSql); the rest on facets and segment
// too (filterScopeSql), so a facet click does not redo the range's work.
import { itemSetsSql } from './customer-base';
import { itemCustomersSql, segmentPredicate, type Segment } from './segments';
import { inValues, joinSql, raw, sql, type Fragment, type SqlQuery } from './sql-fragment';

export const FACET_DIMENSIONS = ['country', 'city', 'channel', 'category', 'status', 'product', 'value_band', 'customer_since'] as const;
export type FacetDimension = (typeof FACET_DIMENSIONS)[number];

/** ISO dates (YYYY-MM-DD): start inclusive, end exclusive. */
export interface DateRange {
  start: string;
  end: string;
}

/** Selected values per dimension: OR within a dimension, AND across dimensions. null selects "no value". */
export type FacetSelections = Partial<Record<FacetDimension, readonly (string | null)[]>>;

export interface DashboardFilter {
  /** null: all time (from the first to the last day in the data). */
  range: DateRange | null;
  facets?: FacetSelections;
  segment?: Segment | null;
}

export interface ScopeOptions {
  /** Relation (customer_id, rfm_segment) for segments with RFM rules. */
  rfmRelation?: string;
}

/** Written definitions of what a filter selects; shown as help next to the facets. */
export const FILTER_DEFINITIONS: Record<FacetDimension | 'range' | 'segment', string> = {
  range: 'Orders placed from the start date up to, not including, the end date. "All time" runs from the first to the last day in the data. The previous period is the same number of days just before.',
  country: "The customer's country, taken from their latest order that has one.",
  city: "The customer's city, taken from their latest order that has one.",
  channel: 'The channel of the customer’s first order that has one: the channel that acquired them.',
  category: 'Customers who bought something in this category in the date range.',
  status: 'Customers with an order line of this status in the date range.',
  product: 'Customers who bought this product in the date range.',
  value_band: "The customer's band by share of all-time revenue (see the value band definitions).",
  customer_since: "The year (2024), quarter (2024-Q1) or month (2024-01) of the customer's first purchase.",
  segment: 'Customers matching the segment’s rules.',
};

/** Columns of scope_customers (and scope_all, which adds the f_ filter flags). */
export const SCOPE_COLUMNS = [
  'customer_id', 'name', 'email', 'country', 'city', 'channel', 'first_order_at', 'last_order_at',
  'orders', 'paid_orders', 'revenue', 'refunds', 'net', 'aov', 'ltv', 'first_order_revenue',
  'value_band', 'since_year', 'since_quarter', 'since_month', 'purchased', 'is_new', 'is_returning', 'kind',
  'lifetime_orders', 'lifetime_revenue', 'lifetime_aov', 'cid',
] as const;

/** Dimensions read from what a customer bought in the range (scope_items) rather than from the customer. */
const ITEM_DIMENSIONS = ['product', 'category', 'status'] as const satisfies readonly FacetDimension[];
const CUSTOMER_COLUMNS = { country: 'country', city: 'city', channel: 'channel', value_band: 'value_band' } as const;

export const isItemDimension = (d: FacetDimension): d is (typeof ITEM_DIMENSIONS)[number] => (ITEM_DIMENSIONS as readonly string[]).includes(d);

/** The customer_base column holding a customer-since value, judged from how the value is written. */
export function customerSinceColumn(value: string): 'since_year' | 'since_quarter' | 'since_month' | null {
  if (/^\d{4}$/.test(value)) return 'since_year';
  if (/^\d{4}-Q[1-4]$/.test(value)) return 'since_quarter';
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) return 'since_month';
  return null;
}

interface Tables {
  period: string;
  items: string;
  range: string;
  all: string;
  customers: string;
  flags: string;
}
const CURRENT: Tables = { period: 'scope_period', items: 'scope_items', range: 'scope_range', all: 'scope_all', customers: 'scope_customers', flags: 'scope_flags' };
const PREVIOUS: Tables = {
  period: 'prev_scope_period', items: 'prev_scope_items', range: 'prev_scope_range', all: 'prev_scope_all', customers: 'prev_scope_customers', flags: 'prev_scope_flags',
};

/** One dimension's selection as a predicate on a relation aliased `alias` with customer_base's columns. */
function facetPredicate(dimension: FacetDimension, values: readonly (string | null)[], alias: string, items: string): Fragment {
  if (isItemDimension(dimension)) {
    return sql`${raw(alias)}.cid IN ${itemCustomersSql(items, dimension, values)}`;
  }
  if (dimension === 'customer_since') {
    const parts = (['since_year', 'since_quarter', 'since_month'] as const).flatMap((column) => {
      const matching = values.filter((v): v is string => v !== null && customerSinceColumn(v) === column);
      return matching.length > 0 ? [inValues(`${alias}.${column}`, matching)] : [];
    });
    if (values.includes(null)) parts.push(raw(`${alias}.first_order_at IS NULL`));
    return parts.length === 0 ? raw('FALSE') : sql`(${joinSql(parts, ' OR ')})`;
  }
  return inValues(`${alias}.${CUSTOMER_COLUMNS[dimension]}`, values);
}

const selected = (filter: DashboardFilter, dimension: FacetDimension) => {
  const values = filter.facets?.[dimension];
  return values && values.length > 0 ? values : null;
};

/**
 * The whole filter (facets except `except`, and the segment) as a predicate on a relation aliased
 * `alias` with customer_base's columns; range-bound facets read `items` (scope_items).
 */
export function customerFilterPredicate(
  filter: DashboardFilter,
  options: ScopeOptions & { alias?: string; items?: string; except?: FacetDimension } = {},
): Fragment {
  const alias = options.alias ?? 'b';
  const items = options.items ?? CURRENT.items;
  const parts = FACET_DIMENSIONS.filter((d) => d !== options.except).flatMap((d) => {
    const values = selected(filter, d);
    return values ? [facetPredicate(d, values, alias, items)] : [];
  });
  if (filter.segment) parts.push(segmentPredicate(filter.segment, { alias, itemsTable: items, rfmRelation: options.rfmRelation }));
  return parts.length === 0 ? raw('TRUE') : joinSql(parts, ' AND ');
}

export const flagColumn = (dimension: FacetDimension | 'segment') => `f_${dimension}`;

/** The longest spans, in days, drawn by day and by week (longer: by month): autoGrain in activity-series.ts. */
export const GRAIN_MAX_DAYS = { day: 93, week: 731 } as const;

/** autoGrain in SQL: the grain of a span of `days` days (an SQL expression). */
export const autoGrainSql = (days: string) =>
  `CASE WHEN ${days} <= ${GRAIN_MAX_DAYS.day} THEN 'day' WHEN ${days} <= ${GRAIN_MAX_DAYS.week} THEN 'week' ELSE 'month' END`;

function periodSql(range: DateRange | null): SqlQuery {
  return sql`CREATE OR REPLACE TEMP TABLE scope_period AS
    WITH r AS (SELECT COALESCE(${range?.start ?? null}::DATE, first_day) AS s, COALESCE(${range?.end ?? null}::DATE, end_day) AS e, end_day AS data_end FROM data_bounds)
    SELECT s AS start_day, e AS end_day, s::TIMESTAMP AS start_at, e::TIMESTAMP AS end_at, (e - s)::INTEGER AS days,
      least(e, data_end) AS observed_end_day,
      ${raw(autoGrainSql('e - s'))} AS grain
    FROM r`;
}

/** The previous period: the same number of days ending where the current one starts. */
const PREVIOUS_PERIOD_SQL = `CREATE OR REPLACE TEMP TABLE prev_scope_period AS
  SELECT start_day - days AS start_day, start_day AS end_day, (start_day - days)::TIMESTAMP AS start_at, start_at AS end_at, days,
    least(start_day, observed_end_day) AS observed_end_day, grain
  FROM scope_period`;

// A view, so that all time reads all_time_items without a copy (a table cannot be replaced by a view).
function itemsSql(t: Tables, range: DateRange | null): string[] {
  if (range === null && t === CURRENT) return [`CREATE OR REPLACE TEMP VIEW ${t.items} AS SELECT * FROM all_time_items`];
  return [
    `CREATE OR REPLACE TEMP TABLE ${t.items}_in_range AS
    ${itemSetsSql(`i.ordered_at >= (SELECT start_at FROM ${t.period}) AND i.ordered_at < (SELECT end_at FROM ${t.period})`)}`,
    `CREATE OR REPLACE TEMP VIEW ${t.items} AS SELECT * FROM ${t.items}_in_range`,
  ];
}

const rangeColumns = (a: string, paidToEnd = `${a}.paid_orders_to_end`) => `b.customer_id, b.name, b.email, b.country, b.city, b.channel, b.first_order_at, b.last_order_at,
      ${a}.orders, ${a}.paid_orders, ${a}.revenue, ${a}.refunds, (${a}.revenue - ${a}.refunds)::DOUBLE AS net,
      (${a}.revenue / NULLIF(${a}.paid_orders, 0))::DOUBLE AS aov, b.ltv, b.first_order_revenue,
      b.value_band, b.since_year, b.since_quarter, b.since_month,
      ${a}.orders > 0 AS purchased,
      ${a}.orders > 0 AND b.first_order_at >= p.start_at AS is_new,
      ${a}.orders > 0 AND b.first_order_at < p.start_at AS is_returning,
      CASE WHEN ${a}.orders = 0 THEN NULL WHEN ${paidToEnd} = 0 THEN 'free_trial' WHEN ${paidToEnd} = 1 THEN 'one_time' ELSE 'repeat' END AS kind,
      b.lifetime_orders, b.lifetime_revenue, b.lifetime_aov, b.cid`;

/**
 * Per-customer aggregates of the range, before any facet or segment: depends on the range only.
 * `from: 'start'` reads only the orders from the range's start on (paid orders to the end of the
 * range are the lifetime ones less those after it): cheap for a range near the end of the data.
 * `from: 'history'` reads the orders before the range's end: cheap for the period before all time.
 */
function rangeSql(t: Tables, from: 'start' | 'history'): string[] {
  const inRange = from === 'start' ? 'o.ordered_at < p.end_at' : 'o.ordered_at >= p.start_at';
  const paidToEnd = from === 'start' ? '(b.lifetime_paid_orders - a.paid_orders_after_end)' : 'a.paid_orders_to_end';
  return [`CREATE OR REPLACE TEMP TABLE ${t.range}_rows AS
    WITH a AS (
      SELECT o.cid,
        count(*) FILTER (WHERE ${inRange} AND o.purchase)::INTEGER AS orders,
        count(*) FILTER (WHERE ${inRange} AND o.amount > 0)::INTEGER AS paid_orders,
        COALESCE(sum(o.amount) FILTER (WHERE ${inRange}), 0)::DOUBLE AS revenue,
        COALESCE(sum(o.refund) FILTER (WHERE ${inRange}), 0)::DOUBLE AS refunds,
        ${from === 'start' ? 'count(*) FILTER (WHERE o.ordered_at >= p.end_at AND o.amount > 0)::INTEGER AS paid_orders_after_end' : 'count(*) FILTER (WHERE o.amount > 0)::INTEGER AS paid_orders_to_end'}
      FROM customer_orders o, ${t.period} p
      WHERE ${from === 'start' ? 'o.ordered_at >= p.start_at' : 'o.ordered_at < p.end_at'}
      GROUP BY o.cid
      HAVING count(*) FILTER (WHERE ${inRange}) > 0
    )
    SELECT ${rangeColumns('a', paidToEnd)}
    FROM a JOIN customer_base b USING (cid), ${t.period} p`, `CREATE OR REPLACE TEMP VIEW ${t.range} AS SELECT * FROM ${t.range}_rows`];
}

// All time covers every order, so the range's aggregates are the lifetime ones: no pass over orders,
// and a view, so customer_base is not copied. scope_range is a view for dated ranges too (over
// scope_range_rows), as a table cannot be replaced by a view.
const ALL_TIME_RANGE_SQL = `CREATE OR REPLACE TEMP VIEW scope_range AS
  SELECT ${rangeColumns('b')}
  FROM (SELECT *, lifetime_orders AS orders, lifetime_paid_orders AS paid_orders, lifetime_revenue AS revenue,
    lifetime_refunds AS refunds, lifetime_paid_orders AS paid_orders_to_end FROM customer_base) b, scope_period p`;

const FLAGS = [...FACET_DIMENSIONS, 'segment' as const].map((d) => flagColumn(d));

/**
 * One row of filter flags per scope_range row, in the same order: scope_all and scope_customers
 * are views that line the two up (POSITIONAL JOIN), so a filter change writes booleans, not customers.
 * A table, not a view: DuckDB cannot prepare CREATE VIEW with parameters (it can CREATE TABLE AS).
 */
function flagsSql(filter: DashboardFilter, t: Tables, options: ScopeOptions): SqlQuery {
  const flags = FACET_DIMENSIONS.map((d) => {
    const values = selected(filter, d);
    return sql`${values ? facetPredicate(d, values, 'b', t.items) : raw('TRUE')} AS ${raw(flagColumn(d))}`;
  });
  flags.push(
    sql`${filter.segment ? segmentPredicate(filter.segment, { alias: 'b', itemsTable: t.items, rfmRelation: options.rfmRelation }) : raw('TRUE')} AS f_segment`,
  );
  return sql`CREATE OR REPLACE TEMP TABLE ${raw(t.flags)} AS
    SELECT b.cid, ${joinSql(flags, ',\n      ')}
    FROM ${raw(t.range)} b`;
}

/** scope_range with one boolean column per filter: depends on the facets and the segment. */
const allSql = (t: Tables) => `CREATE OR REPLACE TEMP VIEW ${t.all} AS SELECT r.*, f.* EXCLUDE (cid) FROM ${t.range} r POSITIONAL JOIN ${t.flags} f`;

const customersSql = (t: Tables) =>
  `CREATE OR REPLACE TEMP VIEW ${t.customers} AS SELECT r.* FROM ${t.range} r POSITIONAL JOIN ${t.flags} f WHERE ${FLAGS.map((c) => `f.${c}`).join(' AND ')}`;

// A view: panels that need orders read it once each, and a filter change copies no orders.
const SCOPE_ORDERS_SQL = `CREATE OR REPLACE TEMP VIEW scope_orders AS
  SELECT o.* FROM orders o, scope_period p
  WHERE o.ordered_at >= p.start_at AND o.ordered_at < p.end_at AND o.customer_id IN (SELECT customer_id FROM scope_customers)`;

const plain = (text: string): SqlQuery => ({ sql: text, params: [] });

/**
 * scopeSql + previousScopeSql split by what they depend on. These depend on the date range only,
 * for both periods: run them when the range changes.
 */
export function rangeScopeSql(range: DateRange | null): SqlQuery[] {
  return [periodSql(range), ...itemsSql(CURRENT, range).map(plain), ...(range === null ? [ALL_TIME_RANGE_SQL] : rangeSql(CURRENT, 'start')).map(plain), plain(PREVIOUS_PERIOD_SQL), ...itemsSql(PREVIOUS, range).map(plain), ...rangeSql(PREVIOUS, range === null ? 'history' : 'start').map(plain)];
}

/**
 * Statements that depend on the facets and segment, after rangeScopeSql: run them on every
 * filter change.
 */
export function filterScopeSql(filter: DashboardFilter, options: ScopeOptions = {}): SqlQuery[] {
  return [...filterStatements(filter, CURRENT, options), plain(SCOPE_ORDERS_SQL), ...filterStatements(filter, PREVIOUS, options)];
}

/**
 * Only the flag tables of filterScopeSql, current and previous period. The scope views read the
 * flag tables by name, so once filterScopeSql has created them for the range, a facet or segment
 * change needs only these two statements.
 */
export function filterFlagsSql(filter: DashboardFilter, options: ScopeOptions = {}): SqlQuery[] {
  return [flagsSql(filter, CURRENT, options), flagsSql(filter, PREVIOUS, options)];
}

const filterStatements = (filter: DashboardFilter, t: Tables, options: ScopeOptions): SqlQuery[] => [flagsSql(filter, t, options), plain(allSql(t)), plain(customersSql(t))];

/** Every statement, in order, that (re)creates the current period's scope tables and views for a filter state. */
export function scopeSql(filter: DashboardFilter, options: ScopeOptions = {}): SqlQuery[] {
  return [periodSql(filter.range), ...itemsSql(CURRENT, filter.range).map(plain), ...(filter.range === null ? [ALL_TIME_RANGE_SQL] : rangeSql(CURRENT, 'start')).map(plain), ...filterStatements(filter, CURRENT, options), plain(SCOPE_ORDERS_SQL)];
}

/** Statements, run after scopeSql, for the previous period of equal length (for KPI changes). */
export function previousScopeSql(filter: DashboardFilter, options: ScopeOptions = {}): SqlQuery[] {
  return [plain(PREVIOUS_PERIOD_SQL), ...itemsSql(PREVIOUS, filter.range).map(plain), ...rangeSql(PREVIOUS, filter.range === null ? 'history' : 'start').map(plain), ...filterStatements(filter, PREVIOUS, options)];
}

/** The current period, for the UI (days, grain chosen automatically, dates as epoch ms). */
export const SCOPE_PERIOD_SQL = 'SELECT start_day, end_day, days, observed_end_day, grain FROM scope_period';
