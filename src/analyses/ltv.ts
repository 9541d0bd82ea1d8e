// Lifetime value: historical (what customers have spent) and formula-based (what a customer is worth
// under simple assumptions), with the churn and repeat-purchase rates the formulas read.
import { quoteIdentifier } from '../db/sql';
import type { SqlQuery } from './rfm';

export type PeriodUnit = 'month' | 'quarter' | 'year';
export const MONTHS_PER_PERIOD: Record<PeriodUnit, number> = { month: 1, quarter: 3, year: 12 };
const INTERVAL: Record<PeriodUnit, string> = { month: 'INTERVAL 1 MONTH', quarter: 'INTERVAL 3 MONTH', year: 'INTERVAL 1 YEAR' };

/** The usual rule of thumb: a customer should be worth at least three times what acquiring her cost. */
export const LTV_CAC_RULE_OF_THUMB = 3;

export const LTV_DEFINITIONS = {
  historicalLtv: "Historical LTV: a customer's value column (by default the net revenue, sales minus refunds, of the relation passed); the average is over the customers in the group. The app passes each customer's net revenue to date over all history, the dashboard's Average LTV.",
  active: 'Active customer in a period: a customer with at least one paid order in that period.',
  churnRate:
    'Churn rate of a period: the share of customers active in the previous period who place no paid order in this one. ' +
    'Over a range: churned ÷ active in the previous period, summed over the periods of the range.',
  retentionRate: 'Retention rate: 1 − churn rate.',
  repeatRate: 'Repeat-purchase rate of a period: the share of customers active in the period who had a paid order in an earlier period of the date range.',
  repeatCustomerRate: 'Repeat-customer rate: the share of customers with two or more paid orders in the date range.',
  aov: 'Average order value (AOV): net revenue ÷ paid orders.',
  purchaseFrequency: 'Purchase frequency: paid orders per active customer per period.',
  arpu: 'ARPU: net revenue per active customer per period.',
  lifespan: 'Expected lifespan: 1 ÷ churn rate, in periods: the mean number of active periods if each period a customer churns with that probability.',
  revenueLtv: 'Formula LTV (revenue): AOV × purchase frequency × expected lifespan.',
  marginLtv: 'Formula LTV (margin): ARPU × gross margin ÷ churn rate.',
  discountedLtv:
    'Discounted LTV: ARPU × gross margin × (1 + d) ÷ (d + churn rate), with d the discount rate per period: the margin of every period the customer stays, ' +
    'the current one undiscounted, each later one divided by (1 + d) per period. Equals the margin LTV when d = 0.',
  ltvToCac: `LTV:CAC: discounted LTV ÷ acquisition cost per customer; ${LTV_CAC_RULE_OF_THUMB}:1 or more is the usual rule of thumb.`,
  paybackMonths: 'Months to recover CAC: acquisition cost ÷ monthly gross margin of an active customer (ARPU × gross margin, per month).',
} as const satisfies Record<string, string>;

export interface HistoricalLtvOptions {
  /** A per-customer relation (table or view name) with one row per customer. */
  customers: string;
  /** Its column holding each customer's value; `net` by default. */
  value?: string;
  /** A column of the relation to group by (segment, cohort, country, channel, …); none for the overall average. */
  by?: string;
}

/** Per group (or overall): customers, total value, mean (historical LTV), median, and the group's share of the value. */
export function historicalLtvSql({ customers, value = 'net', by }: HistoricalLtvOptions): SqlQuery {
  const v = quoteIdentifier(value);
  const group = by ? `${quoteIdentifier(by)}::VARCHAR` : 'NULL::VARCHAR';
  const sql = `SELECT ${group} AS "group",
      count(*)::INTEGER AS customers,
      sum(${v})::DOUBLE AS revenue,
      avg(${v})::DOUBLE AS ltv,
      median(${v})::DOUBLE AS median_ltv,
      (sum(${v}) / NULLIF(sum(sum(${v})) OVER (), 0))::DOUBLE AS revenue_share
    FROM ${quoteIdentifier(customers)}
    GROUP BY ALL
    ORDER BY ltv DESC NULLS LAST`;
  return { sql, params: [] };
}

export interface PeriodOptions {
  /** The orders relation: the canonical `orders` or the dashboard's filtered view of it. */
  orders?: string;
  unit?: PeriodUnit;
}

/** The CTEs `activity` (customer × period), `active` (with the customer's first period) and `periods` (every period, gaps included). */
function periodCtes({ orders = 'orders', unit = 'month' }: PeriodOptions): string {
  return `activity AS (
    SELECT customer_id, date_trunc('${unit}', ordered_at)::DATE AS period,
      count(*) FILTER (WHERE kind = 'sale') AS orders, sum(net) AS revenue
    FROM ${quoteIdentifier(orders)}
    GROUP BY ALL
  ),
  active AS (
    SELECT customer_id, period, orders, min(period) OVER (PARTITION BY customer_id) AS first_period
    FROM activity WHERE orders > 0
  ),
  periods AS (
    SELECT unnest(generate_series(min(period), max(period), ${INTERVAL[unit]}))::DATE AS period FROM activity
  ),
  churn AS (
    SELECT (a.period + ${INTERVAL[unit]})::DATE AS period, count(*) AS previous_active, count(n.customer_id) AS retained
    FROM active a LEFT JOIN active n ON n.customer_id = a.customer_id AND n.period = (a.period + ${INTERVAL[unit]})::DATE
    GROUP BY 1
  )`;
}

/**
 * One row per period of the data (gaps included): active, new and returning customers, paid orders,
 * net revenue, churned customers (active in the previous period, not in this one), churn rate and
 * repeat-purchase rate (see LTV_DEFINITIONS). The first period has no churn rate.
 */
export function periodActivitySql(options: PeriodOptions = {}): SqlQuery {
  const sql = `WITH ${periodCtes(options)},
  per_period AS (
    SELECT period, count(*) AS active, count(*) FILTER (WHERE period = first_period) AS new, sum(orders) AS orders
    FROM active GROUP BY period
  ),
  revenue AS (SELECT period, sum(revenue) AS revenue FROM activity GROUP BY period)
  SELECT p.period,
    COALESCE(a.active, 0)::INTEGER AS active,
    COALESCE(a.new, 0)::INTEGER AS new,
    COALESCE(a.active - a.new, 0)::INTEGER AS returning,
    COALESCE(a.orders, 0)::INTEGER AS orders,
    COALESCE(r.revenue, 0)::DOUBLE AS revenue,
    (c.previous_active - c.retained)::INTEGER AS churned,
    ((c.previous_active - c.retained) / c.previous_active)::DOUBLE AS churn_rate,
    ((a.active - a.new) / a.active)::DOUBLE AS repeat_rate
  FROM periods p
  LEFT JOIN per_period a USING (period)
  LEFT JOIN revenue r USING (period)
  LEFT JOIN churn c USING (period)
  ORDER BY p.period`;
  return { sql, params: [] };
}

export interface LtvInputs {
  customers: number;
  orders: number;
  revenue: number;
  aov: number;
  /** Σ over periods of active customers. */
  activeCustomerPeriods: number;
  purchaseFrequency: number;
  arpu: number;
  churnRate: number | null;
  repeatCustomerRate: number;
  periods: number;
}

/** One row: the inputs of the formulas over the whole relation (see LTV_DEFINITIONS), columns named as LtvInputs. */
export function ltvInputsSql(options: PeriodOptions = {}): SqlQuery {
  const sql = `WITH ${periodCtes(options)},
  last_period AS (SELECT max(period) AS period FROM activity),
  customers AS (SELECT customer_id, sum(orders) AS orders FROM active GROUP BY customer_id)
  SELECT
    (SELECT count(*) FROM customers)::INTEGER AS customers,
    (SELECT sum(orders) FROM active)::INTEGER AS orders,
    (SELECT sum(revenue) FROM activity)::DOUBLE AS revenue,
    ((SELECT sum(revenue) FROM activity) / NULLIF((SELECT sum(orders) FROM active), 0))::DOUBLE AS aov,
    (SELECT count(*) FROM active)::INTEGER AS "activeCustomerPeriods",
    ((SELECT sum(orders) FROM active) / NULLIF((SELECT count(*) FROM active), 0))::DOUBLE AS "purchaseFrequency",
    ((SELECT sum(revenue) FROM activity) / NULLIF((SELECT count(*) FROM active), 0))::DOUBLE AS arpu,
    (SELECT (sum(previous_active - retained) / NULLIF(sum(previous_active), 0)) FROM churn WHERE period <= (SELECT period FROM last_period))::DOUBLE AS "churnRate",
    ((SELECT count(*) FILTER (WHERE orders >= 2) FROM customers) / NULLIF((SELECT count(*) FROM customers), 0))::DOUBLE AS "repeatCustomerRate",
    (SELECT count(*) FROM periods)::INTEGER AS periods`;
  return { sql, params: [] };
}

export interface LtvAssumptions {
  /** Gross margin as a fraction of revenue, 0–1. */
  grossMargin: number;
  /** Acquisition cost per customer (CAC). */
  acquisitionCost: number;
  /** Annual discount rate, e.g. 0.1 for 10%. */
  annualDiscountRate: number;
  /** The period the inputs are measured in. */
  unit: PeriodUnit;
}

export interface FormulaLtv {
  lifespan: number;
  revenueLtv: number;
  marginLtv: number;
  discountedLtv: number;
  ltvToCac: number;
  paybackMonths: number;
  meetsRuleOfThumb: boolean;
}

export const expectedLifespan = (churnRate: number) => 1 / churnRate;
export const revenueLtv = (aov: number, purchaseFrequency: number, lifespan: number) => aov * purchaseFrequency * lifespan;
export const marginLtv = (arpu: number, grossMargin: number, churnRate: number) => (arpu * grossMargin) / churnRate;
export const discountedMarginLtv = (arpu: number, grossMargin: number, churnRate: number, periodDiscountRate: number) =>
  (arpu * grossMargin * (1 + periodDiscountRate)) / (periodDiscountRate + churnRate);
export const periodDiscountRate = (annualRate: number, unit: PeriodUnit) => Math.pow(1 + annualRate, MONTHS_PER_PERIOD[unit] / 12) - 1;
export const paybackMonths = (acquisitionCost: number, arpu: number, grossMargin: number, unit: PeriodUnit) =>
  acquisitionCost / ((arpu * grossMargin) / MONTHS_PER_PERIOD[unit]);

/** All formula figures from the measured inputs and the user's assumptions (see LTV_DEFINITIONS). A churn rate of 0 gives infinite values. */
export function formulaLtv(inputs: Pick<LtvInputs, 'aov' | 'purchaseFrequency' | 'arpu' | 'churnRate'>, assumptions: LtvAssumptions): FormulaLtv {
  const churn = inputs.churnRate ?? 0;
  const lifespan = expectedLifespan(churn);
  const discounted = discountedMarginLtv(inputs.arpu, assumptions.grossMargin, churn, periodDiscountRate(assumptions.annualDiscountRate, assumptions.unit));
  const ltvToCac = discounted / assumptions.acquisitionCost;
  return {
    lifespan,
    revenueLtv: revenueLtv(inputs.aov, inputs.purchaseFrequency, lifespan),
    marginLtv: marginLtv(inputs.arpu, assumptions.grossMargin, churn),
    discountedLtv: discounted,
    ltvToCac,
    paybackMonths: paybackMonths(assumptions.acquisitionCost, inputs.arpu, assumptions.grossMargin, assumptions.unit),
    meetsRuleOfThumb: ltvToCac >= LTV_CAC_RULE_OF_THUMB,
  };
}
