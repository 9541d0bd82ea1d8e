// Churn risk: customers whose next purchase is overdue against their own rhythm, with P(alive) from
// the fitted BG/NBD model beside it when there is one.
import type { BgNbdParams } from '../clv/bgnbd';
import { raw, sql, type SqlQuery } from '../sql-fragment';

/**
 * Overdue means more than this many of the customer's own gaps since her last purchase. Gaps between
 * purchases vary a lot (roughly exponentially for a steady buyer), so one gap late is common; two
 * gaps late is rare for a customer still buying at her old rate (about e^−2 ≈ 14% under that model).
 */
export const OVERDUE_FACTOR = 2;
/** With the CLV model fitted, "likely gone" is a P(alive) below this. */
export const P_ALIVE_THRESHOLD = 0.5;

export const CHURN_RISK_DEFINITIONS = {
  purchaseDay: 'Purchase day: a day with at least one paid order (an amount above zero); several orders on one day count once. Only customers with two or more purchase days have a rhythm.',
  rhythm: "Rhythm: the customer's mean gap between consecutive purchase days, (last − first purchase day) ÷ (purchase days − 1), in days. The mean, not the median, so that every gap counts and one long pause shows.",
  daysSince: 'Days since last purchase: from the last purchase day to the last day in the orders data.',
  overdue: `Overdue: days since the last purchase > ${OVERDUE_FACTOR} × rhythm: the customer has missed about ${OVERDUE_FACTOR} of her own purchase cycles.`,
  lastDay: 'Last purchase: the customer’s latest purchase day.',
  ltv: 'LTV to date: the customer’s all-time sales minus refunds (historical lifetime value, as on the dashboard).',
  risk: 'Risk score: days since the last purchase ÷ rhythm: how many of her own cycles have passed without a purchase (above 2 is overdue).',
  pAlive: `P(alive): the probability, under the fitted BG/NBD model (Predicted customer lifetime value on the dashboard), that the customer is still active; shown once the model is fitted. "Also require P(alive) < ${P_ALIVE_THRESHOLD}" keeps only the overdue customers the model also thinks are likely gone.`,
} as const satisfies Record<string, string>;

export interface ChurnRiskOptions {
  /** The day to count from, 'YYYY-MM-DD'; by default the last day in the orders. */
  asOf?: string | null;
  factor?: number;
  /** Fitted BG/NBD parameters (weeks as the time unit, as the app fits them): adds p_alive. */
  bgnbd?: BgNbdParams | null;
  /** Only customers with p_alive < P_ALIVE_THRESHOLD (needs bgnbd). */
  requireLowPAlive?: boolean;
  /** Only overdue customers (the exportable segment); otherwise every customer with a rhythm. */
  onlyOverdue?: boolean;
  /** Highest risk first (the default, for the list); false leaves the order out, for a set of customers (IN (…)). */
  ordered?: boolean;
}

/**
 * One row per customer with ≥ 2 purchase days: customer_id, name, email, purchase_days, first_day,
 * last_day, rhythm_days, days_since, risk, overdue, p_alive (NULL without a model), ltv. Highest risk first
 * unless `ordered` is false.
 */
export function churnRiskSql(options: ChurnRiskOptions = {}): SqlQuery {
  const factor = options.factor ?? OVERDUE_FACTOR;
  const m = options.bgnbd;
  // P(alive) of BG/NBD (Fader, Hardie & Lee 2005, eq. 11) for x ≥ 1 repeat purchases, t_x and T in
  // weeks from the first purchase day, as the fit's summary (src/analyses/clv/summary.ts) counts them.
  const pAlive = m
    ? sql`(1.0 / (1 + (${m.a}::DOUBLE / (${m.b}::DOUBLE + s.purchase_days - 2))
        * exp((${m.r}::DOUBLE + s.purchase_days - 1) * ln((${m.alpha}::DOUBLE + s.weeks_T) / (${m.alpha}::DOUBLE + s.weeks_tx)))))::DOUBLE`
    : raw('NULL::DOUBLE');
  const filters = [
    options.onlyOverdue ? 'overdue' : 'TRUE',
    options.requireLowPAlive && m ? `p_alive < ${P_ALIVE_THRESHOLD}` : 'TRUE',
  ].join(' AND ');
  return sql`WITH days AS (
      SELECT DISTINCT customer_id, ordered_at::DATE AS day FROM orders WHERE kind = 'sale'
    ),
    per_customer AS (
      SELECT customer_id, count(*)::INTEGER AS purchase_days, min(day) AS first_day, max(day) AS last_day
      FROM days GROUP BY customer_id HAVING count(*) >= 2
    ),
    as_of AS (SELECT COALESCE(${options.asOf ?? null}::DATE, (SELECT end_day - 1 FROM data_bounds)) AS day),
    s AS (
      SELECT p.*, (date_diff('day', p.first_day, p.last_day) / (p.purchase_days - 1))::DOUBLE AS rhythm_days,
        date_diff('day', p.last_day, a.day)::INTEGER AS days_since,
        date_diff('day', p.first_day, p.last_day) / 7.0 AS weeks_tx, date_diff('day', p.first_day, a.day) / 7.0 AS weeks_T
      FROM per_customer p, as_of a
    ),
    scored AS (
      SELECT s.customer_id, b.name, b.email, s.purchase_days, s.first_day, s.last_day, s.rhythm_days, s.days_since,
        (s.days_since / s.rhythm_days)::DOUBLE AS risk,
        s.days_since > ${factor}::DOUBLE * s.rhythm_days AS overdue,
        ${pAlive} AS p_alive, b.ltv
      FROM s LEFT JOIN customer_base b USING (customer_id)
    )
    SELECT * FROM scored WHERE ${raw(filters)}${raw(options.ordered === false ? '' : `
    ORDER BY risk DESC, customer_id`)}`;
}

/** One row: with_rhythm (customers with ≥ 2 purchase days), overdue, overdue_low_p_alive (NULL without a model). */
export function churnRiskSummarySql(options: Omit<ChurnRiskOptions, 'onlyOverdue' | 'requireLowPAlive'> = {}): SqlQuery {
  const q = churnRiskSql(options);
  return {
    sql: `SELECT count(*)::INTEGER AS with_rhythm, count(*) FILTER (WHERE overdue)::INTEGER AS overdue,
        (CASE WHEN count(p_alive) = 0 THEN NULL ELSE count(*) FILTER (WHERE overdue AND p_alive < ${P_ALIVE_THRESHOLD}) END)::INTEGER AS overdue_low_p_alive
      FROM (${q.sql})`,
    params: q.params,
  };
}
