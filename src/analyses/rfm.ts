// Live RFM: recency, frequency and monetary value per customer as of the end of the date range,
// scored 1–5 with ties kept together, and named by a segment grid (./rfm-grid.ts).
import { quoteIdentifier, quoteLiteral } from '../db/sql';
import { gridValuesSql, PUTLER_GRID, type SegmentGrid } from './rfm-grid';

export interface RfmOptions {
  /**
   * The per-customer relation (a table or view name) built for the current filters, with columns
   * customer_id VARCHAR, last_order_at TIMESTAMP, orders (number of orders), net DOUBLE.
   */
  customers: string;
  /** End of the date range, 'YYYY-MM-DD[ HH:MM:SS]': recency is counted to this day. Bound as $1. */
  asOf: string;
  grid?: SegmentGrid;
}

export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** Written definitions, shown as help next to each figure. */
export const RFM_DEFINITIONS = {
  recency: "Days from the customer's last order to the end of the date range (calendar days; 0 = ordered on the last day).",
  frequency: 'Number of orders the customer placed in the date range.',
  monetary: "The customer's net revenue in the date range: sales minus refunds.",
  score:
    'R, F and M are each scored 1–5, 5 best. Customers are ranked by the value from worst to best (for recency, most days first), ' +
    'equal values sharing the lowest rank; score = min(5, 1 + ⌊5 × (rank − 1) / (customers − 1)⌋). ' +
    'So customers with equal values always get the same score, and a value shared by many customers (one order) can leave some scores empty. ' +
    'Monetary values are compared rounded to a millionth of the currency unit, so that sums equal but for floating-point noise tie.',
  fm: 'FM score: the mean of the F and M scores, rounded up: ⌈(F + M) / 2⌉.',
  segment: "The named segment of the customer's cell (R score × FM, F or M score) in the segment grid.",
  customerShare: "The segment's share of the customers.",
  revenueShare: "The segment's share of net revenue.",
} as const satisfies Record<string, string>;

/**
 * The rank-based score, in exact integer arithmetic; `order` ranks the worst value first. Monetary
 * is ranked rounded to 6 decimals: a sum's last bits depend on the order it was added in (the
 * arrays' in crossfilter/list-page.ts add in time order), and two customers with the same orders
 * must tie.
 */
const scoreSql = (order: string) =>
  `least(5, 1 + (5 * (rank() OVER (ORDER BY ${order}) - 1)) // greatest(count(*) OVER () - 1, 1))::INTEGER`;

const axisSql = { FM: 'fm', F: 'f', M: 'm' } as const;

/** The scored CTEs, ending in `rfm`: one row per customer. */
function rfmCtes({ customers, grid = PUTLER_GRID }: RfmOptions): string {
  return `rfm_base AS (
    SELECT customer_id::VARCHAR AS customer_id,
      date_diff('day', last_order_at::DATE, $1::TIMESTAMP::DATE)::INTEGER AS recency,
      orders::INTEGER AS frequency,
      net::DOUBLE AS monetary
    FROM ${quoteIdentifier(customers)}
  ),
  rfm_scored AS (
    SELECT *,
      ${scoreSql('recency DESC')} AS r,
      ${scoreSql('frequency')} AS f,
      ${scoreSql('round(monetary, 6)')} AS m
    FROM rfm_base
  ),
  rfm AS (
    SELECT s.*, g.segment::VARCHAR AS segment
    FROM (SELECT *, ((f + m + 1) // 2)::INTEGER AS fm FROM rfm_scored) s
    LEFT JOIN ${gridValuesSql(grid, 'g')} ON g.r = s.r AND g.y = s.${axisSql[grid.axis]}
  )`;
}

/** The relation rfmInputSql creates, which rfmCustomersSql scores. */
export const RFM_INPUT_RELATION = 'value_rfm_input';

/**
 * The per-customer relation RFM is scored on, (customer_id, last_order_at, orders, net), as the
 * temp view value_rfm_input: the date range's customers (scope_range, after the dashboard's range
 * step), or with `allHistory` every customer who ever purchased (customer_base). The app, the
 * command line and the shared report score RFM from this same relation.
 */
export function rfmInputSql(allHistory: boolean): string {
  if (allHistory) {
    return `CREATE OR REPLACE TEMP VIEW ${RFM_INPUT_RELATION} AS
      SELECT customer_id, last_order_at, lifetime_orders AS orders, ltv AS net FROM customer_base WHERE last_order_at IS NOT NULL`;
  }
  // scope_range's last_order_at is the customer's last purchase ever, possibly after the range: recency
  // counts from the last purchase up to the end of the range instead. Customers whose orders up to
  // then are all refunds have no purchase to count from and are left out. Read from customer_orders
  // by the integer cid (a purchase there is an order that is not refund-only, as in orders).
  return `CREATE OR REPLACE TEMP VIEW ${RFM_INPUT_RELATION} AS
    SELECT s.customer_id, l.last_order_at, s.orders, s.net
    FROM scope_range s
    JOIN (
      SELECT o.cid, max(o.ordered_at) AS last_order_at FROM customer_orders o, scope_period p
      WHERE o.purchase AND o.ordered_at < p.end_at GROUP BY o.cid
    ) l USING (cid)`;
}

/**
 * (Re)creates the temp table `table` (default rfm_customers: customer_id, recency, frequency,
 * monetary, r, f, m, fm, segment, rfm_segment) from rfmInputSql's relation, scored as of `asOf`
 * ('YYYY-MM-DD', the range's last day) with `grid`.
 */
export function rfmCustomersSql(asOf: string, grid: SegmentGrid = PUTLER_GRID, table = 'rfm_customers'): SqlQuery {
  // Not sorted by customer: its readers join it by customer_id, and the sort of the range's ids was
  // ~20% of the statement (145 against 185 ms for the last 90 days at 1M orders, Node build).
  return {
    sql: `CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(table)} AS
      WITH ${rfmCtes({ customers: RFM_INPUT_RELATION, asOf, grid })}
      SELECT customer_id, recency, frequency, monetary, r, f, m, fm, segment, segment AS rfm_segment FROM rfm`,
    params: [asOf],
  };
}

/** Per customer: recency, frequency, monetary, their scores r/f/m, fm, and the segment (NULL in a cell no rule covers). */
export function rfmScoresSql(options: RfmOptions): SqlQuery {
  return { sql: `WITH ${rfmCtes(options)} SELECT * FROM rfm ORDER BY customer_id`, params: [options.asOf] };
}

/**
 * Per segment of the grid, in the grid's order (segments with no customers included), then a row
 * with segment NULL if some customers fall in uncovered cells: customers, revenue, their shares and
 * mean recency / frequency / monetary.
 */
export function rfmSegmentSummarySql(options: RfmOptions): SqlQuery {
  const grid = options.grid ?? PUTLER_GRID;
  const segments = grid.segments.map((s, i) => `(${quoteLiteral(s.name)}, ${i})`).join(', ');
  const sql = `WITH ${rfmCtes(options)},
  segment_list AS (SELECT * FROM (VALUES ${segments}, (NULL, ${grid.segments.length})) AS t(segment, position)),
  totals AS (SELECT count(*)::DOUBLE AS customers, sum(monetary)::DOUBLE AS revenue FROM rfm)
  SELECT l.segment::VARCHAR AS segment,
    count(rfm.customer_id)::INTEGER AS customers,
    COALESCE(sum(rfm.monetary), 0)::DOUBLE AS revenue,
    (count(rfm.customer_id) / NULLIF(any_value(totals.customers), 0))::DOUBLE AS customer_share,
    (COALESCE(sum(rfm.monetary), 0) / NULLIF(any_value(totals.revenue), 0))::DOUBLE AS revenue_share,
    avg(rfm.recency)::DOUBLE AS mean_recency,
    avg(rfm.frequency)::DOUBLE AS mean_frequency,
    avg(rfm.monetary)::DOUBLE AS mean_monetary
  FROM segment_list l
  LEFT JOIN rfm ON rfm.segment IS NOT DISTINCT FROM l.segment
  CROSS JOIN totals
  GROUP BY l.segment, l.position
  HAVING l.segment IS NOT NULL OR count(rfm.customer_id) > 0
  ORDER BY l.position`;
  return { sql, params: [options.asOf] };
}

/** Per cell of the 5 × 5 grid (r, y = the grid's vertical score): its segment, customers and revenue; empty cells included. */
export function rfmCellSummarySql(options: RfmOptions): SqlQuery {
  const grid = options.grid ?? PUTLER_GRID;
  const sql = `WITH ${rfmCtes(options)}
  SELECT g.r::INTEGER AS r, g.y::INTEGER AS y, g.segment::VARCHAR AS segment,
    count(rfm.customer_id)::INTEGER AS customers,
    COALESCE(sum(rfm.monetary), 0)::DOUBLE AS revenue
  FROM ${gridValuesSql(grid, 'g')}
  LEFT JOIN rfm ON rfm.r = g.r AND rfm.${axisSql[grid.axis]} = g.y
  GROUP BY ALL
  ORDER BY y DESC, r`;
  return { sql, params: [options.asOf] };
}
