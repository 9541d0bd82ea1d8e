// The dashboard's headline numbers, for the current scope and the previous period of equal length.
// Reads scope_customers / scope_period and their prev_ twins (filters.ts).
import { acquisitionGrainSql, acquisitionSql, type Grain } from './activity-series';
import type { SqlQuery } from './sql-fragment';

export const KPI_IDS = [
  'customers', 'new_customers', 'returning_customers', 'revenue', 'refunds', 'net_revenue', 'orders',
  'revenue_per_customer', 'average_order_value', 'purchase_frequency', 'average_ltv', 'top20_revenue_share',
  'new_customers_per_day', 'acquired_revenue_per_day', 'new_customer_interval_ms',
  'free_trial_customers', 'one_time_customers', 'repeat_customers', 'free_trial_share', 'one_time_share', 'repeat_share',
] as const;
export type KpiId = (typeof KPI_IDS)[number];

/** What each number means, as the UI's help shows it. "In range": ordered in the selected date range. */
export const KPI_DEFINITIONS: Record<KpiId, string> = {
  customers: 'Customers with at least one purchase in range. A purchase is any order that is not refund-only (free orders count).',
  new_customers: 'Customers whose first purchase ever is in range.',
  returning_customers: 'Customers with a purchase in range whose first purchase was before the range.',
  revenue: 'Sales in range: the sum of order amounts, before refunds.',
  refunds: 'Refunds booked on orders in range, whenever the sale was made.',
  net_revenue: 'Revenue minus refunds.',
  orders: 'Purchases in range: orders that are not refund-only, free orders included.',
  revenue_per_customer: 'Revenue ÷ customers.',
  average_order_value: 'Revenue ÷ paid orders (orders with an amount above zero); free orders are left out so they do not pull it down.',
  purchase_frequency: 'Orders ÷ customers: purchases per customer in range.',
  average_ltv: 'Historical lifetime value: each customer’s all-time sales minus refunds to date, averaged over the customers in range.',
  top20_revenue_share: 'Share of revenue from the top 20% of customers (ranked by revenue in range; 20% rounded up to whole customers).',
  new_customers_per_day: 'New customers ÷ days in range.',
  acquired_revenue_per_day: 'Revenue of new customers’ first orders ÷ days in range.',
  new_customer_interval_ms: 'Time in range ÷ new customers: a new customer every this long (none when nobody was new).',
  free_trial_customers: 'Customers in range who had never paid by the end of the range (free orders only).',
  one_time_customers: 'Customers in range with exactly one paid order by the end of the range.',
  repeat_customers: 'Customers in range with two or more paid orders by the end of the range.',
  free_trial_share: 'Free-trial customers ÷ customers.',
  one_time_share: 'One-time paid customers ÷ customers.',
  repeat_share: 'Repeat customers ÷ customers.',
};

export type KpiValues = Record<KpiId, number | null>;

export interface Kpi {
  id: KpiId;
  value: number | null;
  previous: number | null;
  /** (value − previous) ÷ previous; null when there is nothing to compare with. */
  change: number | null;
}

const DAY_MS = 86_400_000;

function summarySql(period: 'current' | 'previous', customers: string, scopePeriod: string, top20Sql?: string): string {
  // The top 20% by revenue: ties at the cut share one revenue, so the sum of the top k is the same
  // whichever of them is taken.
  const top20 = top20Sql ?? `(SELECT sum(revenue) FROM (SELECT revenue FROM ${customers} WHERE purchased ORDER BY revenue DESC
      LIMIT (SELECT ceil(0.2 * count(*))::BIGINT FROM ${customers} WHERE purchased)))`;
  const days = `(SELECT days FROM ${scopePeriod})`;
  return `SELECT '${period}' AS period,
      count(*) FILTER (WHERE purchased)::INTEGER AS customers,
      count(*) FILTER (WHERE is_new)::INTEGER AS new_customers,
      count(*) FILTER (WHERE is_returning)::INTEGER AS returning_customers,
      COALESCE(sum(revenue), 0)::DOUBLE AS revenue,
      COALESCE(sum(refunds), 0)::DOUBLE AS refunds,
      COALESCE(sum(net), 0)::DOUBLE AS net_revenue,
      COALESCE(sum(orders), 0)::INTEGER AS orders,
      (sum(revenue) / NULLIF(count(*) FILTER (WHERE purchased), 0))::DOUBLE AS revenue_per_customer,
      (sum(revenue) / NULLIF(sum(paid_orders), 0))::DOUBLE AS average_order_value,
      (sum(orders) / NULLIF(count(*) FILTER (WHERE purchased), 0))::DOUBLE AS purchase_frequency,
      avg(ltv) FILTER (WHERE purchased)::DOUBLE AS average_ltv,
      (${top20} / NULLIF(sum(revenue), 0))::DOUBLE AS top20_revenue_share,
      (count(*) FILTER (WHERE is_new) / ${days})::DOUBLE AS new_customers_per_day,
      (COALESCE(sum(first_order_revenue) FILTER (WHERE is_new), 0) / ${days})::DOUBLE AS acquired_revenue_per_day,
      (${days} * ${DAY_MS}::DOUBLE / NULLIF(count(*) FILTER (WHERE is_new), 0))::DOUBLE AS new_customer_interval_ms,
      count(*) FILTER (WHERE kind = 'free_trial')::INTEGER AS free_trial_customers,
      count(*) FILTER (WHERE kind = 'one_time')::INTEGER AS one_time_customers,
      count(*) FILTER (WHERE kind = 'repeat')::INTEGER AS repeat_customers,
      (count(*) FILTER (WHERE kind = 'free_trial') / NULLIF(count(*) FILTER (WHERE purchased), 0))::DOUBLE AS free_trial_share,
      (count(*) FILTER (WHERE kind = 'one_time') / NULLIF(count(*) FILTER (WHERE purchased), 0))::DOUBLE AS one_time_share,
      (count(*) FILTER (WHERE kind = 'repeat') / NULLIF(count(*) FILTER (WHERE purchased), 0))::DOUBLE AS repeat_share
    FROM ${customers}`;
}

/** Two rows, period 'current' then 'previous', one column per KpiId. */
export const KPIS_SQL: SqlQuery = {
  sql: `${summarySql('current', 'scope_customers', 'scope_period')}
    UNION ALL
    ${summarySql('previous', 'prev_scope_customers', 'prev_scope_period')}
    ORDER BY period`,
  params: [],
};

/** Pairs each KPI with its previous-period value and relative change. */
export function kpiChanges(current: KpiValues, previous: KpiValues | null): Kpi[] {
  return KPI_IDS.map((id) => {
    const value = current[id] ?? null;
    const before = previous?.[id] ?? null;
    const change = value === null || before === null || before === 0 ? null : (value - before) / Math.abs(before);
    return { id, value, previous: before, change };
  });
}

/**
 * The Pareto curve: for k = 1…points, the share of revenue from the top k/points of customers
 * (ranked by revenue in range), starting from (0, 0). Reads scope_customers.
 */
export function paretoSql(points = 100): SqlQuery {
  const count = Math.max(1, Math.floor(points));
  // Ties on revenue are broken by the integer cid (cheaper to sort than the text id): the running
  // total at any rank is the same whichever of the tied customers comes first.
  return {
    sql: `WITH ranked AS (
        SELECT row_number() OVER (ORDER BY revenue DESC, cid) AS rank,
          sum(revenue) OVER (ORDER BY revenue DESC, cid ROWS UNBOUNDED PRECEDING) AS running
        FROM scope_customers WHERE purchased
      ),
      totals AS (SELECT count(*) AS n, sum(revenue) AS total FROM scope_customers WHERE purchased),
      cuts AS (SELECT k, greatest(ceil(k * n / ?::INTEGER), 1)::BIGINT AS rank, total FROM range(1, ?::INTEGER + 1) t(k), totals WHERE n > 0)
      SELECT 0::DOUBLE AS customer_share, 0::DOUBLE AS revenue_share
      UNION ALL
      SELECT (k / ?::INTEGER)::DOUBLE, (running / NULLIF(total, 0))::DOUBLE
      FROM cuts JOIN ranked USING (rank)
      ORDER BY customer_share`,
    params: [count, count, count],
  };
}

/**
 * The KPIs (KPIS_SQL), the acquisition series (acquisitionSql) and the Pareto curve (paretoSql) in
 * one statement, one round trip, with rows told apart by `part` ('kpis', 'acquisition', 'pareto')
 * and each part's own columns (the others NULL). The current period's customers are ranked by
 * revenue once: the Pareto curve reads the running total at its cuts, and the top-20% share is the
 * running total at rank ⌈0.2 n⌉ (the same sum as KPIS_SQL's top ⌈0.2 n⌉, ties sharing one revenue).
 * Rows: kpis (current, then previous), acquisition by period, pareto by customer_share.
 */
export function dashboardSummarySql(paretoPoints: number, acquisitionGrain: Grain | 'period'): SqlQuery {
  const count = Math.max(1, Math.floor(paretoPoints));
  // 'period': the grain acquisitionGrainSql chooses for the period's customers, read in the
  // statement (no round trip to read it first).
  const acquisition =
    acquisitionGrain === 'period'
      ? {
          sql: `SELECT date_trunc(${acquisitionGrainSql('scope_range')}, first_order_at)::DATE AS period_start,
            count(*)::INTEGER AS customers, sum(first_order_revenue)::DOUBLE AS first_order_revenue
          FROM scope_customers WHERE purchased GROUP BY 1`,
          params: [],
        }
      : acquisitionSql(acquisitionGrain);
  const top20 = '(SELECT running FROM ranked, totals WHERE rank = greatest(ceil(0.2 * totals.n), 1)::BIGINT AND totals.n > 0)';
  return {
    sql: `WITH ranked AS MATERIALIZED (
        SELECT revenue, row_number() OVER (ORDER BY revenue DESC, cid) AS rank,
          sum(revenue) OVER (ORDER BY revenue DESC, cid ROWS UNBOUNDED PRECEDING) AS running
        FROM scope_customers WHERE purchased
      ),
      totals AS (SELECT count(*) AS n, sum(revenue) AS total FROM ranked),
      cuts AS (SELECT k, greatest(ceil(k * n / ?::INTEGER), 1)::BIGINT AS rank, total FROM range(1, ?::INTEGER + 1) t(k), totals WHERE n > 0),
      kpis AS (
        ${summarySql('current', 'scope_customers', 'scope_period', top20)}
        UNION ALL
        ${summarySql('previous', 'prev_scope_customers', 'prev_scope_period')}
      ),
      pareto AS (
        SELECT 0::DOUBLE AS customer_share, 0::DOUBLE AS revenue_share
        UNION ALL
        SELECT (k / ?::INTEGER)::DOUBLE, (running / NULLIF(total, 0))::DOUBLE
        FROM cuts JOIN ranked USING (rank)
      ),
      acquisition AS (${acquisition.sql})
    SELECT * FROM (
      SELECT 'kpis' AS part, * FROM kpis
      UNION ALL BY NAME SELECT 'acquisition' AS part, * FROM acquisition
      UNION ALL BY NAME SELECT 'pareto' AS part, * FROM pareto
    )
    ORDER BY part = 'pareto', part = 'acquisition', period, period_start, customer_share`,
    params: [count, count, count, ...acquisition.params],
  };
}
