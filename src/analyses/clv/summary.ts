// The per-customer summary BTYD models are fitted on, computed from the orders relation.
import { quoteIdentifier } from '../../db/sql';

export type ClvTimeUnit = 'days' | 'weeks';

export interface ClvSummaryOptions {
  /** The orders relation (the canonical `orders`, or the dashboard's filtered view of it). */
  orders?: string;
  /** Last day of the calibration period, 'YYYY-MM-DD', inclusive. Bound as $1. */
  calibrationEnd: string;
  /** Last day of the holdout period, inclusive; the holdout starts the day after calibrationEnd. Bound as $2. */
  holdoutEnd?: string;
  unit: ClvTimeUnit;
}

export const CLV_SUMMARY_DEFINITIONS = {
  purchaseDay: "A purchase: a day on which the customer placed at least one paid order ('sale' kind); several orders on one day count as one purchase, worth their summed net revenue.",
  xHoldout: 'Holdout purchases: purchase days after the calibration end, up to the holdout end.',
  customers: 'Customers whose first purchase day is on or before the calibration end.',
} as const satisfies Record<string, string>;

/**
 * One row per customer whose first purchase is on or before the calibration end:
 *   customer_id, first_day DATE,
 *   x          repeat purchase days in calibration (purchase days after the first, ≤ calibrationEnd),
 *   t_x        (last purchase day in calibration − first purchase day), in `unit`,
 *   T          (calibrationEnd − first purchase day), in `unit`,
 *   m          mean net revenue of the repeat purchase days in calibration (0 when x = 0),
 *   x_holdout  purchase days in (calibrationEnd, holdoutEnd] (0 without a holdout),
 *   t_holdout  (holdoutEnd − calibrationEnd) in `unit`.
 */
export function clvSummarySql({ orders = 'orders', calibrationEnd, holdoutEnd, unit }: ClvSummaryOptions) {
  const per = unit === 'weeks' ? '7.0' : '1.0';
  const sql = `WITH purchase_days AS (
    SELECT customer_id, ordered_at::DATE AS day, sum(net)::DOUBLE AS value
    FROM ${quoteIdentifier(orders)}
    WHERE kind = 'sale' AND ordered_at::DATE <= $2::DATE
    GROUP BY customer_id, ordered_at::DATE
  ),
  firsts AS (
    SELECT customer_id, min(day) AS first_day FROM purchase_days GROUP BY customer_id HAVING min(day) <= $1::DATE
  )
  SELECT f.customer_id::VARCHAR AS customer_id, f.first_day,
    (count(*) FILTER (WHERE d.day <= $1::DATE) - 1)::INTEGER AS x,
    (date_diff('day', f.first_day, max(d.day) FILTER (WHERE d.day <= $1::DATE)) / ${per})::DOUBLE AS t_x,
    (date_diff('day', f.first_day, $1::DATE) / ${per})::DOUBLE AS T,
    COALESCE(avg(d.value) FILTER (WHERE d.day > f.first_day AND d.day <= $1::DATE), 0)::DOUBLE AS m,
    count(*) FILTER (WHERE d.day > $1::DATE)::INTEGER AS x_holdout,
    (date_diff('day', $1::DATE, $2::DATE) / ${per})::DOUBLE AS t_holdout
  FROM firsts f JOIN purchase_days d USING (customer_id)
  GROUP BY f.customer_id, f.first_day
  ORDER BY f.customer_id`;
  return { sql, params: [calibrationEnd, holdoutEnd ?? calibrationEnd] };
}

/** The same summary grouped on (x, t_x, T) with the number of customers in each row: all a BG/NBD fit needs. */
export function clvSummaryGroupedSql(options: ClvSummaryOptions) {
  const { sql, params } = clvSummarySql(options);
  return {
    sql: `SELECT x, t_x, T, count(*)::DOUBLE AS customers FROM (${sql}) GROUP BY x, t_x, T ORDER BY x, t_x, T`,
    params,
  };
}
