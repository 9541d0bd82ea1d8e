// Acquisition cohorts: retention matrix and cumulative revenue per customer (cohort LTV curves).
import { quoteIdentifier } from '../db/sql';
import type { SqlQuery } from './rfm';

export type CohortUnit = 'month' | 'quarter';

export interface CohortOptions {
  /** The orders relation: the canonical `orders` or the dashboard's filtered view of it. */
  orders?: string;
  unit?: CohortUnit;
}

export const COHORT_DEFINITIONS = {
  cohort: "A customer's cohort: the month of her first paid order in the date range.",
  period: 'Months since the first purchase: 0 is the acquisition month, 1 the month after, and so on.',
  retention: 'Retention: the share of the cohort with a paid order in that month (100% in month 0, by definition).',
  cumulativeRevenue:
    "Cumulative revenue per customer: the cohort's net revenue (sales minus refunds) from its acquisition month to that month, divided by the cohort's size. Plotted over the months, it is the cohort's LTV curve.",
  averageCurve: 'Average LTV curve: for each month since acquisition, the cumulative net revenue of all cohorts observed that long, divided by their total size.',
} as const satisfies Record<string, string>;

function matrixSql({ orders = 'orders', unit = 'month' }: CohortOptions): string {
  return `WITH activity AS (
    SELECT customer_id, date_trunc('${unit}', ordered_at)::DATE AS month,
      count(*) FILTER (WHERE kind = 'sale') AS orders, sum(net) AS revenue
    FROM ${quoteIdentifier(orders)}
    GROUP BY ALL
  ),
  members AS (
    SELECT customer_id, min(month) FILTER (WHERE orders > 0) AS cohort FROM activity GROUP BY customer_id HAVING cohort IS NOT NULL
  ),
  sizes AS (SELECT cohort, count(*) AS size FROM members GROUP BY cohort),
  grid AS (
    SELECT s.cohort, s.size, unnest(range(0, date_diff('${unit}', s.cohort, (SELECT max(month) FROM activity)) + 1)) AS period FROM sizes s
  ),
  cells AS (
    SELECT m.cohort, date_diff('${unit}', m.cohort, a.month) AS period,
      count(*) FILTER (WHERE a.orders > 0) AS buyers, sum(a.revenue) AS revenue
    FROM activity a JOIN members m USING (customer_id)
    WHERE a.month >= m.cohort
    GROUP BY ALL
  )
  SELECT g.cohort, g.period::INTEGER AS period, g.size::INTEGER AS cohort_size,
    COALESCE(c.buyers, 0)::INTEGER AS buyers,
    (COALESCE(c.buyers, 0) / g.size)::DOUBLE AS retention,
    COALESCE(c.revenue, 0)::DOUBLE AS revenue,
    (sum(COALESCE(c.revenue, 0)) OVER (PARTITION BY g.cohort ORDER BY g.period) / g.size)::DOUBLE AS cumulative_revenue_per_customer
  FROM grid g LEFT JOIN cells c USING (cohort, period)`;
}

/**
 * The retention matrix, one row per (cohort, months since first purchase) up to the last month of
 * the data, empty cells included: cohort DATE, period, cohort_size, buyers, retention, revenue,
 * cumulative_revenue_per_customer (the cohort LTV curve). See COHORT_DEFINITIONS.
 */
export function cohortMatrixSql(options: CohortOptions = {}): SqlQuery {
  return { sql: `${matrixSql(options)}\n  ORDER BY g.cohort, g.period`, params: [] };
}

/** The size-weighted average LTV curve over cohorts: period, cohorts, customers, cumulative_revenue_per_customer, retention. */
export function cohortAverageCurveSql(options: CohortOptions = {}): SqlQuery {
  const sql = `SELECT period, count(*)::INTEGER AS cohorts, sum(cohort_size)::INTEGER AS customers,
      (sum(cumulative_revenue_per_customer * cohort_size) / sum(cohort_size))::DOUBLE AS cumulative_revenue_per_customer,
      (sum(buyers) / sum(cohort_size))::DOUBLE AS retention
    FROM (${matrixSql(options)})
    GROUP BY period ORDER BY period`;
  return { sql, params: [] };
}
