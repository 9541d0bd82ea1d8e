// Per-customer facts that do not depend on the dashboard's filters, built once after the
// canonical `orders` table (re)built, so a filter change never recomputes them:
//   customer_base — one row per customer, all history (its columns are documented below)
//   customer_orders — every order reduced to what the panels aggregate, keyed by the integer cid:
//                     joining on an integer instead of the VARCHAR id is what keeps filters fast
//   purchase_days — each customer's purchase days with the next one, for churn and gaps
//   data_bounds   — first day and the day after the last day of the data

/** Contribution bands: customers ranked by all-history revenue, cut where the running total crosses a share of all revenue. */
export const VALUE_BANDS = ['top_50', 'next_30', 'next_15', 'last_5', 'no_revenue'] as const;
export type ValueBand = (typeof VALUE_BANDS)[number];

export const VALUE_BAND_DEFINITIONS: Record<ValueBand, string> = {
  top_50: 'The biggest customers who together bring the first 50% of all-time revenue (ranked by all-time revenue).',
  next_30: 'The next customers, who bring revenue from 50% up to 80% of all-time revenue.',
  next_15: 'The next customers, who bring revenue from 80% up to 95% of all-time revenue.',
  last_5: 'The smallest paying customers, who bring the last 5% of all-time revenue.',
  no_revenue: 'Customers who have never paid anything (free orders or refunds only).',
};

/**
 * Columns of `customer_base` (the relation segment rules compile against):
 * customer_id, name, email, country, city (from the latest order that has them), channel (from the
 * first order that has one: the channel that acquired the customer), first_order_at, last_order_at
 * (first and last purchase: an order that is not refund-only), first_order_revenue (the amount of the
 * first purchase), lifetime_orders (purchases), lifetime_paid_orders (orders with an amount > 0),
 * lifetime_revenue (Σ sales), lifetime_refunds, ltv (Σ net = sales − refunds, to date), lifetime_aov
 * (lifetime_revenue ÷ lifetime_paid_orders), value_band, since_year ('2024'), since_quarter
 * ('2024-Q1'), since_month ('2024-01'), cid (an integer key, 1…n by all-time revenue, for joins).
 */
export const CUSTOMER_BASE_SQL = `CREATE OR REPLACE TABLE customer_base AS
  WITH per_customer AS (
    SELECT customer_id,
      arg_max(customer_name, (ordered_at, order_id)) FILTER (WHERE customer_name IS NOT NULL) AS name,
      arg_max(customer_email, (ordered_at, order_id)) FILTER (WHERE customer_email IS NOT NULL) AS email,
      arg_max(country, (ordered_at, order_id)) FILTER (WHERE country IS NOT NULL) AS country,
      arg_max(city, (ordered_at, order_id)) FILTER (WHERE city IS NOT NULL) AS city,
      arg_min(channel, (ordered_at, order_id)) FILTER (WHERE channel IS NOT NULL) AS channel,
      min(ordered_at) FILTER (WHERE kind <> 'refund') AS first_order_at,
      max(ordered_at) FILTER (WHERE kind <> 'refund') AS last_order_at,
      COALESCE(arg_min(amount, (ordered_at, order_id)) FILTER (WHERE kind <> 'refund'), 0)::DOUBLE AS first_order_revenue,
      count(*) FILTER (WHERE kind <> 'refund')::INTEGER AS lifetime_orders,
      count(*) FILTER (WHERE kind = 'sale')::INTEGER AS lifetime_paid_orders,
      sum(amount)::DOUBLE AS lifetime_revenue,
      sum(refund)::DOUBLE AS lifetime_refunds,
      sum(net)::DOUBLE AS ltv
    FROM orders
    GROUP BY customer_id
  ),
  ranked AS (
    SELECT *,
      COALESCE(sum(lifetime_revenue) OVER (ORDER BY lifetime_revenue DESC, customer_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS revenue_before,
      sum(lifetime_revenue) OVER () AS revenue_total,
      row_number() OVER (ORDER BY lifetime_revenue DESC, customer_id)::INTEGER AS cid
    FROM per_customer
  )
  SELECT * EXCLUDE (revenue_before, revenue_total),
    (lifetime_revenue / NULLIF(lifetime_paid_orders, 0))::DOUBLE AS lifetime_aov,
    CASE
      WHEN lifetime_revenue <= 0 THEN 'no_revenue'
      WHEN revenue_before < 0.5 * revenue_total THEN 'top_50'
      WHEN revenue_before < 0.8 * revenue_total THEN 'next_30'
      WHEN revenue_before < 0.95 * revenue_total THEN 'next_15'
      ELSE 'last_5' END AS value_band,
    strftime(first_order_at, '%Y') AS since_year,
    strftime(first_order_at, '%Y') || '-Q' || quarter(first_order_at)::VARCHAR AS since_quarter,
    strftime(first_order_at, '%Y-%m') AS since_month
  FROM ranked`;

export const CUSTOMER_ORDERS_SQL = `CREATE OR REPLACE TABLE customer_orders AS
  SELECT b.cid, o.ordered_at, o.kind <> 'refund' AS purchase, o.amount, o.refund
  FROM orders o JOIN customer_base b USING (customer_id)`;

export const PURCHASE_DAYS_SQL = `CREATE OR REPLACE TABLE purchase_days AS
  SELECT cid, day, lead(day) OVER (PARTITION BY cid ORDER BY day) AS next_day
  FROM (SELECT DISTINCT cid, ordered_at::DATE AS day FROM customer_orders WHERE purchase)`;

export const DATA_BOUNDS_SQL = `CREATE OR REPLACE TABLE data_bounds AS
  SELECT COALESCE(min(ordered_at)::DATE, DATE '1970-01-01') AS first_day,
    COALESCE(max(ordered_at)::DATE + 1, DATE '1970-01-02') AS end_day
  FROM orders`;

/** Run in order after `ordersSql` whenever the canonical tables are rebuilt. */
export const CUSTOMER_BASE_STATEMENTS: readonly string[] = [CUSTOMER_BASE_SQL, CUSTOMER_ORDERS_SQL, PURCHASE_DAYS_SQL, DATA_BOUNDS_SQL];
