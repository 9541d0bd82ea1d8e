// Acquisition by channel: customers, revenue and historical LTV per acquisition channel, and with
// marketing spend loaded, CAC and LTV:CAC per channel and per month.
import { raw, sql, type SqlQuery } from '../sql-fragment';
import { profilesRelation } from './crm-tables';

export const ACQUISITION_DEFINITIONS = {
  channel: "Acquisition channel: the customer's channel in the customer file; else the channel of the customer's first order that has one (the dashboard's channel). Channels are matched ignoring case and surrounding spaces; customers with neither are \"unknown\".",
  customers: 'Customers: customers in the orders with at least one purchase (an order that is not refund-only; free orders count), as the dashboard counts them.',
  revenue: "Revenue: the customers' all-time sales, before refunds.",
  ltv: 'Average LTV: each customer’s all-time sales minus refunds to date, averaged over the channel’s customers (the dashboard’s Average LTV over all history).',
  spend: 'Spend: the marketing spend of the channel, summed over the rows of the spend file (several rows for one channel and month are added up).',
  newCustomers: 'New customers: customers of the channel whose first purchase falls in that month.',
  cac: 'CAC (acquisition cost): spend ÷ new customers of the channel in the month. Per channel: all its spend ÷ its new customers in the months that have spend. No CAC when no customer was acquired.',
  ltvToCac: "LTV:CAC per channel: the channel's average LTV (all its customers, all history) ÷ the channel's CAC; 3:1 or more is the usual rule of thumb.",
  monthLtv: "LTV of the month's new customers: the net revenue to date (all-time sales minus refunds) of the customers whose first purchase was in that month through that channel, ÷ those customers.",
  monthLtvToCac: "LTV:CAC per month: the LTV to date of that month's new customers of the channel ÷ that month's CAC (the same customers' value against what acquiring them cost). Younger cohorts have had less time to buy, so their ratio is lower.",
  unmatchedSpend: 'Spend on a channel no customer came through: its spend has no new customers and no CAC.',
} as const satisfies Record<string, string>;

export interface AcquisitionOptions {
  profiles: boolean;
  spend: boolean;
}

/** (customer_id, channel_key, channel, acquired_month, revenue, ltv) for the customers with a purchase. */
function customersCte(profiles: boolean): string {
  return `acquired AS (
    SELECT b.customer_id, lower(trim(COALESCE(NULLIF(trim(p.channel), ''), b.channel))) AS channel_key,
      trim(COALESCE(NULLIF(trim(p.channel), ''), b.channel)) AS channel,
      date_trunc('month', b.first_order_at)::DATE AS month, b.lifetime_revenue AS revenue, b.ltv
    FROM customer_base b LEFT JOIN ${profilesRelation(profiles)} p ON p.customer_id = b.customer_id
    WHERE b.lifetime_orders > 0
  )`;
}

const SPEND_CTE = `spend AS (
    SELECT lower(trim(channel)) AS channel_key, min(trim(channel)) AS channel, month::DATE AS month, sum(amount)::DOUBLE AS amount
    FROM marketing_spend GROUP BY 1, 3
  )`;
const NO_SPEND_CTE = `spend AS (SELECT NULL::VARCHAR AS channel_key, NULL::VARCHAR AS channel, NULL::DATE AS month, NULL::DOUBLE AS amount WHERE FALSE)`;

/**
 * One row per channel (customers' channels and spend's channels): channel (a spelling as written;
 * NULL: unknown), customers, revenue, ltv, spend (NULL without spend rows), new_customers (in the
 * months with spend), cac, ltv_to_cac. Most customers first.
 */
export function acquisitionByChannelSql(options: AcquisitionOptions): SqlQuery {
  return sql`WITH ${raw(customersCte(options.profiles))}, ${raw(options.spend ? SPEND_CTE : NO_SPEND_CTE)},
    per_channel AS (
      SELECT channel_key, min(channel) AS channel, count(*)::INTEGER AS customers, sum(revenue)::DOUBLE AS revenue, avg(ltv)::DOUBLE AS ltv
      FROM acquired GROUP BY channel_key
    ),
    spent AS (
      SELECT s.channel_key, min(s.channel) AS channel, sum(s.amount)::DOUBLE AS spend,
        (SELECT count(*) FROM acquired a WHERE a.channel_key = s.channel_key AND a.month IN (SELECT month FROM spend s2 WHERE s2.channel_key = s.channel_key))::INTEGER AS new_customers
      FROM spend s GROUP BY s.channel_key
    )
    SELECT COALESCE(c.channel, s.channel) AS channel, COALESCE(c.customers, 0)::INTEGER AS customers, COALESCE(c.revenue, 0)::DOUBLE AS revenue, c.ltv,
      s.spend, s.new_customers,
      (s.spend / NULLIF(s.new_customers, 0))::DOUBLE AS cac,
      (c.ltv / NULLIF(s.spend / NULLIF(s.new_customers, 0), 0))::DOUBLE AS ltv_to_cac
    FROM per_channel c FULL JOIN spent s ON s.channel_key = c.channel_key
    ORDER BY (COALESCE(c.channel, s.channel)) IS NULL, customers DESC, spend DESC NULLS LAST, channel`;
}

/**
 * One row per (channel, month) of the spend file: channel, month (DATE), spend, new_customers, cac
 * (NULL when nobody was acquired), ltv (average LTV to date of that month's new customers of the
 * channel; NULL without any), ltv_to_cac (that ltv ÷ cac).
 */
export function acquisitionByMonthSql(options: AcquisitionOptions): SqlQuery {
  return sql`WITH ${raw(customersCte(options.profiles))}, ${raw(SPEND_CTE)},
    new_per_month AS (SELECT channel_key, month, count(*)::INTEGER AS new_customers, avg(ltv)::DOUBLE AS ltv FROM acquired GROUP BY ALL)
    SELECT s.channel, s.month, s.amount AS spend, COALESCE(n.new_customers, 0)::INTEGER AS new_customers,
      (s.amount / NULLIF(n.new_customers, 0))::DOUBLE AS cac, n.ltv,
      (n.ltv / NULLIF(s.amount / NULLIF(n.new_customers, 0), 0))::DOUBLE AS ltv_to_cac
    FROM spend s
    LEFT JOIN new_per_month n ON n.channel_key = s.channel_key AND n.month = s.month
    ORDER BY s.month, s.channel`;
}

/** One row: customers (with a purchase), from_profile (channel from the customer file), from_orders, unknown_channel, profiles_not_in_orders. */
export function acquisitionCoverageSql(options: Pick<AcquisitionOptions, 'profiles'>): SqlQuery {
  const p = profilesRelation(options.profiles);
  return {
    sql: `SELECT count(*)::INTEGER AS customers,
        count(*) FILTER (WHERE NULLIF(trim(p.channel), '') IS NOT NULL)::INTEGER AS from_profile,
        count(*) FILTER (WHERE NULLIF(trim(p.channel), '') IS NULL AND b.channel IS NOT NULL)::INTEGER AS from_orders,
        count(*) FILTER (WHERE NULLIF(trim(p.channel), '') IS NULL AND b.channel IS NULL)::INTEGER AS unknown_channel,
        (SELECT count(*) FROM ${p} p2 WHERE p2.customer_id NOT IN (SELECT customer_id FROM customer_base WHERE lifetime_orders > 0))::INTEGER AS profiles_not_in_orders
      FROM customer_base b LEFT JOIN ${p} p ON p.customer_id = b.customer_id
      WHERE b.lifetime_orders > 0`,
    params: [],
  };
}
