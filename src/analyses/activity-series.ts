// Customers and revenue over time within the scope: new, returning and lost customers per
// day/week/month, revenue per period, acquisition by first-purchase period, and a data-driven
// churn window. Reads the scope tables (filters.ts) and purchase_days (customer-base.ts).
import { GRAIN_MAX_DAYS, autoGrainSql, customerFilterPredicate, type DashboardFilter, type ScopeOptions } from './filters';
import { raw, sql, type SqlQuery } from './sql-fragment';

export const GRAINS = ['day', 'week', 'month'] as const;
export type Grain = (typeof GRAINS)[number];

/** Up to 93 days by day, up to 731 days (two years) by week, longer by month (see scope_period.grain). */
export function autoGrain(days: number): Grain {
  return days <= GRAIN_MAX_DAYS.day ? 'day' : days <= GRAIN_MAX_DAYS.week ? 'week' : 'month';
}

/**
 * The acquisition series' grain, as a scalar subquery on `range` (a period's range table, e.g.
 * scope_range): autoGrain of the span of its purchasers' first purchases, first to last day
 * inclusive; 'month' when there are none. A short range's customers may have first bought years
 * before it, and a bar a day over years is unreadable (and ~1,100 bars to draw at 1M orders).
 * Taken before facets and segments: a click keeps the grain.
 */
export function acquisitionGrainSql(range: string): string {
  return `(SELECT ${autoGrainSql('span')}
    FROM (SELECT max(first_order_at)::DATE - min(first_order_at)::DATE + 1 AS span FROM ${range} WHERE purchased))`;
}

export const DEFAULT_CHURN_WINDOW_DAYS = 90;

export const ACTIVITY_DEFINITIONS = {
  new_customers: 'Customers whose first purchase ever falls in the period.',
  returning_customers: 'Customers who purchased in the period and whose first purchase was before it (before the range, for a period that starts before the range).',
  lost_customers:
    'Customers lost in the period: a customer is lost on the day `window` days after a purchase when they buy nothing by that day (their next purchase, if any, comes later). Counted once per lapse, only up to the last day of the data; a lost customer who buys again is returning.',
  orders: 'Purchases (orders that are not refund-only) in the period.',
  revenue: 'Sales in the period, before refunds.',
  refunds: 'Refunds booked in the period.',
  net_revenue: 'Revenue minus refunds.',
  churn_window_suggestion:
    'The 90th percentile of the gaps between a customer’s consecutive purchase days, across all customers and all time, rounded up to whole days: 9 in 10 repeat purchases came sooner. None when no customer bought on two different days.',
  acquisition:
    'Customers in scope by the period of their first purchase ever (which may be before the range), with the revenue of those first orders. The period is a day, week or month as the span of those first purchases calls for (up to 93 days by day, up to two years by week, longer by month), taken over all the range’s customers so that a filter does not change it.',
} as const;

export interface ActivitySeriesOptions extends ScopeOptions {
  /** The same filter the scope tables were built from: lost customers are found outside scope_customers. */
  filter: DashboardFilter;
  /** 'auto' (default): scope_period.grain. */
  grain?: Grain | 'auto';
  churnWindowDays?: number;
}

function grainParam(grain: Grain | 'auto' | undefined): Grain | null {
  if (grain === undefined || grain === 'auto') return null;
  if (!(GRAINS as readonly string[]).includes(grain)) throw new Error(`Unknown granularity ${JSON.stringify(grain)}.`);
  return grain;
}

/** The columns of activitySeriesSql's rows, in order. */
export const ACTIVITY_COLUMNS = ['period_start', 'new_customers', 'returning_customers', 'lost_customers', 'orders', 'revenue', 'refunds', 'net_revenue'];

/**
 * One row per period of the range (period_start as epoch ms, the start of the day, ISO week
 * (Monday) or month), with new, returning and lost customers, orders, revenue, refunds and net.
 */
export function activitySeriesSql(options: ActivitySeriesOptions): SqlQuery {
  const window = Math.round(options.churnWindowDays ?? DEFAULT_CHURN_WINDOW_DAYS);
  if (!(window >= 1)) throw new Error('The churn window must be at least one day.');
  const predicate = customerFilterPredicate(options.filter, { ...options, alias: 'b' });
  const filtered = predicate.sql !== 'TRUE';
  const matching = filtered ? sql`d.cid IN (SELECT b.cid FROM customer_base b WHERE ${predicate})` : raw('TRUE');
  // Unfiltered, scope_customers is every customer with an order in range: no join needed.
  const inScope = raw(filtered ? 'AND o.cid IN (SELECT cid FROM scope_customers)' : '');
  // A customer lapses at most once per period when the window is longer than any period (31 days):
  // two lapses are more than `window` days apart. Then a plain count is exact and much cheaper.
  const lapses = raw(window >= 31 ? 'count(*)' : 'count(DISTINCT d.cid)');
  return sql`WITH p AS (SELECT *, COALESCE(${grainParam(options.grain)}::VARCHAR, grain) AS g, ${window}::INTEGER AS window_days FROM scope_period),
    buckets AS (
      SELECT unnest(generate_series(date_trunc(g, start_day)::TIMESTAMP, (end_day - 1)::TIMESTAMP,
        CASE g WHEN 'day' THEN INTERVAL 1 DAY WHEN 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END))::DATE AS period_start
      FROM p
    ),
    new_by AS (
      SELECT date_trunc(p.g, c.first_order_at)::DATE AS period_start, count(*) AS n
      FROM scope_customers c, p WHERE c.is_new GROUP BY 1
    ),
    lost_by AS (
      SELECT date_trunc(p.g, d.day + p.window_days)::DATE AS period_start, ${lapses} AS n
      FROM purchase_days d, p
      WHERE (d.next_day IS NULL OR d.next_day > d.day + p.window_days)
        AND d.day + p.window_days >= p.start_day AND d.day + p.window_days < p.observed_end_day
        AND ${matching}
      GROUP BY 1
    ),
    -- Returning = purchasers in the period − new customers in it: a purchaser whose first purchase is
    -- not before the period (or the range) made that first purchase in it, so is new there.
    orders_by AS (
      SELECT date_trunc(p.g, o.ordered_at)::DATE AS period_start,
        count(DISTINCT o.cid) FILTER (WHERE o.purchase) AS purchasers,
        count(*) FILTER (WHERE o.purchase) AS orders, sum(o.amount) AS revenue, sum(o.refund) AS refunds
      FROM customer_orders o, p
      WHERE o.ordered_at >= p.start_at AND o.ordered_at < p.end_at ${inScope}
      GROUP BY 1
    )
    SELECT k.period_start,
      COALESCE(new_by.n, 0)::INTEGER AS new_customers,
      (COALESCE(orders_by.purchasers, 0) - COALESCE(new_by.n, 0))::INTEGER AS returning_customers,
      COALESCE(lost_by.n, 0)::INTEGER AS lost_customers,
      COALESCE(orders_by.orders, 0)::INTEGER AS orders,
      COALESCE(orders_by.revenue, 0)::DOUBLE AS revenue,
      COALESCE(orders_by.refunds, 0)::DOUBLE AS refunds,
      (COALESCE(orders_by.revenue, 0) - COALESCE(orders_by.refunds, 0))::DOUBLE AS net_revenue
    FROM buckets k
      LEFT JOIN new_by USING (period_start)
      LEFT JOIN lost_by USING (period_start)
      LEFT JOIN orders_by USING (period_start)
    ORDER BY k.period_start`;
}

/** The suggested churn window (see ACTIVITY_DEFINITIONS.churn_window_suggestion) and what it rests on. */
export const CHURN_WINDOW_SUGGESTION_SQL = `SELECT
    ceil(quantile_cont(next_day - day, 0.9))::INTEGER AS suggested_days,
    count(*)::INTEGER AS gaps,
    median(next_day - day)::DOUBLE AS median_gap_days
  FROM purchase_days WHERE next_day IS NOT NULL`;

/** Scope customers by the period of their first purchase (epoch ms), with those first orders' revenue. */
export function acquisitionSql(grain: Grain = 'month'): SqlQuery {
  return sql`SELECT date_trunc(${grainParam(grain)}::VARCHAR, first_order_at)::DATE AS period_start,
      count(*)::INTEGER AS customers, sum(first_order_revenue)::DOUBLE AS first_order_revenue
    FROM scope_customers WHERE purchased GROUP BY 1 ORDER BY 1`;
}
