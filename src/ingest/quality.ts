// The data-quality report: what in the loaded files the analytics cannot use as is, and what
// they do with it. Reads staged_lines and orders (see orders-view.ts).
import type { ExclusionReason } from './orders-view';

export type QualityCheckId =
  | ExclusionReason
  | 'negative_amount'
  | 'refunded_status'
  | 'zero_amount'
  | 'duplicate_order_id'
  | 'order_in_several_files'
  | 'currency_mix'
  | 'ambiguous_day_month';

/** What the analytics do with the rows a check finds. */
export type QualityAction = 'excluded' | 'refund' | 'kept' | 'combined' | 'kept_once' | 'warning';

export const QUALITY_ACTIONS: Record<QualityCheckId, QualityAction> = {
  missing_customer: 'excluded',
  missing_date: 'excluded',
  unparseable_date: 'excluded',
  future_date: 'excluded',
  unparseable_amount: 'excluded',
  not_paid: 'excluded',
  negative_amount: 'refund',
  refunded_status: 'refund',
  zero_amount: 'kept',
  duplicate_order_id: 'combined',
  order_in_several_files: 'kept_once',
  currency_mix: 'warning',
  ambiguous_day_month: 'warning',
};

export interface QualityExample {
  source: number;
  /** 1-based data row in its file (the header not counted); null for order-level findings. */
  row: number | null;
  customer: string | null;
  order: string | null;
  date: string | null;
  amount: string | null;
}

export interface QualityCheck {
  id: QualityCheckId;
  /** Rows for row-level checks; orders for zero_amount, duplicate_order_id and order_in_several_files; currencies for currency_mix. */
  count: number;
  action: QualityAction;
  examples: QualityExample[];
}

export interface QualitySummary {
  rows: number;
  usedRows: number;
  orders: number;
  customers: number;
  firstOrder: number | null;
  lastOrder: number | null;
}

const EXAMPLES_PER_CHECK = 3;
/** A line's date and amount as written; from a typed column (no text kept: orders-view.ts), as parsed. */
const rawDate = (line = '') => `COALESCE(${line}raw_date, CAST(${line}ordered_at AS VARCHAR))`;
const rawAmount = 'COALESCE(raw_amount, CAST(line_amount AS VARCHAR))';
const lineFields = `source, source_row, raw_customer AS customer, order_id, ${rawDate()} AS raw_date, ${rawAmount} AS raw_amount`;

/**
 * One row per example (at most three a check), each carrying its check's total count.
 * The checks that group every line by order id aggregate numbers only, then join the few examples'
 * rows back for their text: arg_min over text kept every group's strings, ~1 s of the report at 1M
 * rows. With one file no order can be in several, so that check is left out.
 */
export function qualityChecksSql(sourceCount: number): string {
  // The example of an order in several files: its first row in the earliest file holding it.
  const inSeveralFiles =
    sourceCount > 1
      ? `
    UNION ALL
    SELECT 'order_in_several_files', m.last_source, NULL, s.raw_customer, m.order_id, ${rawDate('s.')}, NULL
      FROM (
        SELECT order_id, max(source) AS last_source, min(source) AS first_source
        FROM staged_lines WHERE excluded_reason IS NULL GROUP BY order_id HAVING min(source) < max(source)
      ) m JOIN staged_lines s ON s.source = m.first_source AND s.order_id = m.order_id AND s.excluded_reason IS NULL
      QUALIFY row_number() OVER (PARTITION BY m.order_id ORDER BY s.source_row) = 1`
      : '';
  return `
  WITH duplicated AS (
    SELECT source, order_id, min(source_row) AS first_row, count(*) AS lines
    FROM staged_lines WHERE excluded_reason IS NULL AND order_id NOT LIKE 'row-%' GROUP BY source, order_id HAVING count(*) > 1
  ),
  flagged AS (
    SELECT excluded_reason AS check_id, ${lineFields} FROM staged_lines WHERE excluded_reason IS NOT NULL
    UNION ALL
    SELECT 'negative_amount', ${lineFields} FROM staged_lines WHERE excluded_reason IS NULL AND line_amount < 0
    UNION ALL
    SELECT 'refunded_status', ${lineFields} FROM staged_lines WHERE excluded_reason IS NULL AND status_class IN ('refunded', 'partially_refunded') AND NOT line_amount < 0
    UNION ALL
    SELECT 'zero_amount', NULL, NULL, customer_id, order_id, CAST(ordered_at AS VARCHAR), '0' FROM orders WHERE kind = 'free'
    UNION ALL
    SELECT 'duplicate_order_id', d.source, d.first_row, s.raw_customer, d.order_id, ${rawDate('s.')}, CAST(d.lines AS VARCHAR) || ' rows'
      FROM duplicated d JOIN staged_lines s ON s.source = d.source AND s.source_row = d.first_row${inSeveralFiles}
  ),
  numbered AS (
    SELECT *, row_number() OVER (PARTITION BY check_id ORDER BY source, source_row NULLS LAST, order_id) AS k,
      count(*) OVER (PARTITION BY check_id) AS n
    FROM flagged
  )
  SELECT check_id, n::DOUBLE AS count, source::INTEGER AS source, source_row::DOUBLE AS row, customer, order_id, raw_date, raw_amount
  FROM numbered WHERE k <= ${EXAMPLES_PER_CHECK}
  ORDER BY check_id, k`;
}

/** Orders, net revenue and customers per currency: more than one currency means sums mix them. */
export const CURRENCIES_SQL = `
  SELECT COALESCE(currency, '') AS currency, count(*)::DOUBLE AS orders, sum(net)::DOUBLE AS revenue
  FROM orders GROUP BY ALL ORDER BY orders DESC`;

export const QUALITY_SUMMARY_SQL = `
  SELECT
    (SELECT count(*) FROM staged_lines)::DOUBLE AS rows,
    (SELECT count(*) FROM staged_lines WHERE excluded_reason IS NULL)::DOUBLE AS usedRows,
    count(*)::DOUBLE AS orders,
    count(DISTINCT customer_id)::DOUBLE AS customers,
    epoch_ms(min(ordered_at))::DOUBLE AS firstOrder,
    epoch_ms(max(ordered_at))::DOUBLE AS lastOrder
  FROM orders`;

interface CheckRow {
  check_id: QualityCheckId;
  count: number;
  source: number;
  row: number | null;
  customer: string | null;
  order_id: string | null;
  raw_date: string | null;
  raw_amount: string | null;
}

/** Groups example rows by check, in the order of QUALITY_ACTIONS (exclusions first). */
export function toQualityChecks(rows: CheckRow[], currencies: { currency: string; orders: number; revenue: number }[], ambiguousDayMonth: boolean): QualityCheck[] {
  const byId = new Map<QualityCheckId, QualityCheck>();
  for (const row of rows) {
    const check = byId.get(row.check_id) ?? { id: row.check_id, count: row.count, action: QUALITY_ACTIONS[row.check_id], examples: [] };
    check.examples.push({ source: row.source, row: row.row, customer: row.customer, order: row.order_id, date: row.raw_date, amount: row.raw_amount });
    byId.set(row.check_id, check);
  }
  if (currencies.length > 1) {
    byId.set('currency_mix', {
      id: 'currency_mix',
      count: currencies.length,
      action: 'warning',
      examples: currencies.slice(0, EXAMPLES_PER_CHECK).map((c) => ({ source: 0, row: null, customer: null, order: `${c.orders}`, date: null, amount: `${c.currency || '—'} ${c.revenue.toFixed(2)}` })),
    });
  }
  if (ambiguousDayMonth) byId.set('ambiguous_day_month', { id: 'ambiguous_day_month', count: 1, action: 'warning', examples: [] });
  return (Object.keys(QUALITY_ACTIONS) as QualityCheckId[]).flatMap((id) => byId.get(id) ?? []);
}
