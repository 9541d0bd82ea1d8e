// One customer's report, over all their history (the dashboard's range and filters do not apply):
// profile and revenue status, the orders as a timeline, and the products bought.
import { DEFAULT_CHURN_WINDOW_DAYS } from './activity-series';
import { sql, type SqlQuery } from './sql-fragment';

export const CUSTOMER_REPORT_DEFINITIONS = {
  kind: 'free_trial: never paid (free orders only); one_time: one paid order; repeat: two or more paid orders.',
  status: 'active: bought within the churn window before the last day of the data; lost: no purchase for longer than the window; no_purchase: refunds only.',
  sales: 'All-time sales, before refunds.',
  refunds: 'All-time refunds.',
  net: 'Sales minus refunds: the customer’s lifetime value to date.',
  orders: 'Purchases: orders that are not refund-only.',
  days_since_last_purchase: 'Days from the last purchase to the last day of the data.',
  product_quantity: 'Units bought: the quantity of lines that are not refund-only (a line without a quantity counts 1).',
  product_sales: 'Sales of the product, before refunds.',
  product_refunds: 'Refunds booked against the product.',
} as const;

export interface CustomerReportOptions {
  churnWindowDays?: number;
}

/** One row, or none for an unknown id. */
export function customerProfileSql(customerId: string, options: CustomerReportOptions = {}): SqlQuery {
  const window = Math.round(options.churnWindowDays ?? DEFAULT_CHURN_WINDOW_DAYS);
  return sql`SELECT b.customer_id, b.name, b.email, b.country, b.city, b.channel, b.first_order_at, b.last_order_at,
      b.lifetime_orders AS orders, b.lifetime_paid_orders AS paid_orders, b.lifetime_revenue AS sales, b.lifetime_refunds AS refunds,
      b.ltv AS net, b.lifetime_aov AS aov, b.first_order_revenue, b.value_band,
      CASE WHEN b.lifetime_paid_orders = 0 THEN 'free_trial' WHEN b.lifetime_paid_orders = 1 THEN 'one_time' ELSE 'repeat' END AS kind,
      CASE WHEN b.last_order_at IS NULL THEN 'no_purchase'
        WHEN b.last_order_at::DATE + ${window}::INTEGER < d.end_day THEN 'lost' ELSE 'active' END AS status,
      (d.end_day - 1 - b.last_order_at::DATE)::INTEGER AS days_since_last_purchase
    FROM customer_base b, data_bounds d
    WHERE b.customer_id = ${customerId}`;
}

/** The customer's orders, oldest first: the activity timeline. */
export function customerTimelineSql(customerId: string): SqlQuery {
  return sql`SELECT order_id, ordered_at, amount, refund, net, items, lines, kind, status, product
    FROM orders WHERE customer_id = ${customerId}
    ORDER BY ordered_at, order_id`;
}

/** Products bought, by sales (most first), with quantities and amounts. */
export function customerProductsSql(customerId: string): SqlQuery {
  // An order present in two loaded files is counted once in `orders` (earlier file wins); its
  // lines are in order_lines twice, so keep only the earliest file's lines of each order here too.
  return sql`WITH lines AS (
      SELECT * FROM order_lines WHERE customer_id = ${customerId}
      QUALIFY source = min(source) OVER (PARTITION BY order_id)
    )
    SELECT product, min(category) AS category,
      COALESCE(sum(COALESCE(quantity, 1)) FILTER (WHERE NOT (sale = 0 AND refund > 0)), 0)::DOUBLE AS quantity,
      sum(sale)::DOUBLE AS sales, sum(refund)::DOUBLE AS refunds,
      count(DISTINCT order_id) FILTER (WHERE NOT (sale = 0 AND refund > 0))::INTEGER AS orders,
      min(ordered_at) FILTER (WHERE NOT (sale = 0 AND refund > 0)) AS first_bought_at,
      max(ordered_at) FILTER (WHERE NOT (sale = 0 AND refund > 0)) AS last_bought_at
    FROM lines
    GROUP BY product
    ORDER BY sales DESC, product ASC NULLS LAST`;
}
