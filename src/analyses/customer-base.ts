// Per-customer facts that do not depend on the dashboard's filters, built once after the
// canonical `orders` table (re)built, so a filter change never recomputes them:
//   customer_base — one row per customer, all history (its columns are documented below)
//   customer_orders — every order reduced to what the panels aggregate, keyed by the integer cid:
//                     joining on an integer instead of the VARCHAR id is what keeps filters fast
//   purchase_days — each customer's purchase days with the next one, for churn and gaps
//   data_bounds   — first day and the day after the last day of the data
//   item_codes    — (dim, value, code): an integer code per product, category and status (and NULL for none)
//   customer_items — every order line as (cid, ordered_at, bought, product, category, status codes), so
//                    the range's item sets are DISTINCTs over integers, not text
//   all_time_items — (dim, code, cid): what each customer ever bought (product, category) or had (status)

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
// Text attributes come from one arg_max over a struct of the latest order's values and one arg_min over
// the first order's, not one arg_max per attribute (each costs ~150 ms at 1M orders). Only customers
// whose latest (first) order lacks a value someone else of their orders has are looked up again.
const KEY = '(ordered_at, order_id)';
/** A column's value on the customer's latest order that has one. */
const latestSql = (column: string) => `arg_max(${column}, ${KEY}) FILTER (WHERE ${column} IS NOT NULL)`;
export const CUSTOMER_BASE_SQL = `CREATE OR REPLACE TABLE customer_base AS
  WITH per_order AS (
    SELECT customer_id,
      arg_max({name: customer_name, email: customer_email, country: country, city: city}, ${KEY}) AS latest,
      arg_min({channel: channel, amount: amount, purchase: kind <> 'refund'}, ${KEY}) AS first,
      count(customer_name) AS names, count(customer_email) AS emails, count(country) AS countries, count(city) AS cities, count(channel) AS channels,
      min(ordered_at) FILTER (WHERE kind <> 'refund') AS first_order_at,
      max(ordered_at) FILTER (WHERE kind <> 'refund') AS last_order_at,
      count(*) FILTER (WHERE kind <> 'refund')::INTEGER AS lifetime_orders,
      count(*) FILTER (WHERE kind = 'sale')::INTEGER AS lifetime_paid_orders,
      sum(amount)::DOUBLE AS lifetime_revenue,
      sum(refund)::DOUBLE AS lifetime_refunds,
      sum(net)::DOUBLE AS ltv
    FROM orders
    GROUP BY customer_id
  ),
  fallback AS (
    SELECT customer_id,
      ${latestSql('customer_name')} AS name,
      ${latestSql('customer_email')} AS email,
      ${latestSql('country')} AS country,
      ${latestSql('city')} AS city,
      arg_min(channel, ${KEY}) FILTER (WHERE channel IS NOT NULL) AS channel,
      arg_min(amount, ${KEY}) FILTER (WHERE kind <> 'refund') AS first_order_revenue
    FROM orders
    WHERE customer_id IN (
      SELECT customer_id FROM per_order
      WHERE (latest.name IS NULL AND names > 0) OR (latest.email IS NULL AND emails > 0) OR (latest.country IS NULL AND countries > 0)
        OR (latest.city IS NULL AND cities > 0) OR (first.channel IS NULL AND channels > 0) OR (NOT first.purchase AND lifetime_orders > 0))
    GROUP BY customer_id
  ),
  per_customer AS (
    SELECT p.customer_id,
      COALESCE(p.latest.name, f.name) AS name, COALESCE(p.latest.email, f.email) AS email,
      COALESCE(p.latest.country, f.country) AS country, COALESCE(p.latest.city, f.city) AS city,
      COALESCE(p.first.channel, f.channel) AS channel,
      p.first_order_at, p.last_order_at,
      COALESCE(CASE WHEN p.first.purchase THEN p.first.amount ELSE f.first_order_revenue END, 0)::DOUBLE AS first_order_revenue,
      p.lifetime_orders, p.lifetime_paid_orders, p.lifetime_revenue, p.lifetime_refunds, p.ltv
    FROM per_order p LEFT JOIN fallback f USING (customer_id)
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

/**
 * customer_base's name and email of the customers `orders` holds (a relation with the orders
 * table's columns: a few customers' orders), read from their orders alone, before customer_base
 * exists. Five columns: at 1M orders ~40 ms against ~100 for every column customer_base reads (Node build).
 */
export const customerContactsSql = (orders: string) => `SELECT customer_id, ${latestSql('customer_name')} AS name, ${latestSql('customer_email')} AS email
  FROM ${orders} GROUP BY customer_id`;

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

const ITEM_DIMS = ['product', 'category', 'status'] as const;

export const ITEM_CODES_SQL = `CREATE OR REPLACE TABLE item_codes AS
  ${ITEM_DIMS.map((d) => `SELECT '${d}' AS dim, value, (row_number() OVER (ORDER BY value))::INTEGER AS code FROM (SELECT DISTINCT ${d} AS value FROM order_lines WHERE ${d} IS NOT NULL)
  UNION ALL SELECT '${d}', NULL, NULL`).join('\n  UNION ALL ')}`;

const codeOf = (d: string) => `LEFT JOIN (SELECT value, code FROM item_codes WHERE dim = '${d}' AND value IS NOT NULL) ${d}_code ON ${d}_code.value = l.${d}`;
export const CUSTOMER_ITEMS_SQL = `CREATE OR REPLACE TABLE customer_items AS
  SELECT b.cid, l.ordered_at, NOT (l.sale = 0 AND l.refund > 0) AS bought,
    ${ITEM_DIMS.map((d) => `${d}_code.code AS ${d}`).join(', ')}
  FROM order_lines l JOIN customer_base b USING (customer_id)
    ${ITEM_DIMS.map(codeOf).join('\n    ')}`;

/**
 * (dim, code, cid) of the products and categories customers bought (lines that are not only
 * refunds) and the statuses of their lines, from customer_items rows matching `where`.
 */
export function itemSetsSql(where: string): string {
  const lines = `FROM customer_items i WHERE ${where}`;
  return `SELECT 'product' AS dim, code, cid FROM (SELECT DISTINCT i.product AS code, i.cid ${lines} AND i.bought)
    UNION ALL SELECT 'category', code, cid FROM (SELECT DISTINCT i.category AS code, i.cid ${lines} AND i.bought)
    UNION ALL SELECT 'status', code, cid FROM (SELECT DISTINCT i.status AS code, i.cid ${lines})`;
}

export const ALL_TIME_ITEMS_SQL = `CREATE OR REPLACE TABLE all_time_items AS ${itemSetsSql('TRUE')}`;

/** Run in order after `ordersSql` whenever the canonical tables are rebuilt. */
export const CUSTOMER_BASE_STATEMENTS: readonly string[] = [
  CUSTOMER_BASE_SQL, CUSTOMER_ORDERS_SQL, PURCHASE_DAYS_SQL, DATA_BOUNDS_SQL, ITEM_CODES_SQL, CUSTOMER_ITEMS_SQL, ALL_TIME_ITEMS_SQL,
];
