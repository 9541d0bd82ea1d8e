// Builds the canonical tables every analysis reads, from the loaded sources and their mappings:
//   staged_lines — every row of every source, parsed, with the reason it is excluded (or NULL)
//   order_lines  — the rows the analytics use (a view over staged_lines)
//   orders       — one row per order: lines grouped on the order id, deduplicated across files
import { quoteIdentifier, quoteLiteral } from '../db/sql';
import { amountSql, dateSql, idSql, isNumericType, textSql, type DateParsing } from './parse-values';
import type { ColumnMapping, ColumnRole, SourceColumn } from './types';

export interface OrdersSource {
  /** Position among the loaded files; earlier files win when the same order id is in several. */
  index: number;
  table: string;
  columns: SourceColumn[];
  mapping: ColumnMapping;
  /** How `mapping.ordered_at` is parsed; null when no parsing was found. */
  date: DateParsing | null;
}

/** Why a row is left out of the analytics. Written definitions live in the message catalogue. */
export const EXCLUSION_REASONS = ['missing_customer', 'missing_date', 'unparseable_date', 'future_date', 'unparseable_amount', 'not_paid'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/**
 * Status words grouped by what they mean for revenue. Anything else counts as paid
 * (WooCommerce "processing"/"completed", Shopify "paid", Stripe "succeeded", …).
 */
export const STATUS_CLASSES = {
  refunded: ['refunded', 'refund', 'returned', 'chargeback', 'charged_back', 'disputed', 'lost'],
  not_paid: ['failed', 'declined', 'cancelled', 'canceled', 'voided', 'void', 'expired', 'abandoned', 'pending', 'on-hold', 'on hold', 'unpaid', 'authorized', 'draft', 'incomplete', 'requires_payment_method'],
  trial: ['trial', 'free', 'free_trial', 'trialing'],
} as const;

const inList = (words: readonly string[]) => words.map(quoteLiteral).join(', ');

function statusClassSql(status: string): string {
  return `CASE
    WHEN ${status} IS NULL THEN 'paid'
    WHEN ${status} IN (${inList(STATUS_CLASSES.refunded)}) THEN 'refunded'
    WHEN ${status} LIKE 'partially%refund%' THEN 'partially_refunded'
    WHEN ${status} IN (${inList(STATUS_CLASSES.not_paid)}) THEN 'not_paid'
    WHEN ${status} IN (${inList(STATUS_CLASSES.trial)}) THEN 'trial'
    ELSE 'paid' END`;
}

function stagedSourceSql(source: OrdersSource): string {
  const { mapping } = source;
  const typeOf = (name: string) => source.columns.find((c) => c.name === name)?.type ?? 'VARCHAR';
  const col = (role: ColumnRole) => (mapping[role] === undefined ? null : quoteIdentifier(mapping[role]!));
  const text = (role: ColumnRole) => (col(role) ? textSql(col(role)!) : 'CAST(NULL AS VARCHAR)');
  const number = (role: ColumnRole) => (col(role) ? amountSql(col(role)!, typeOf(mapping[role]!)) : 'CAST(NULL AS DOUBLE)');

  const email = col('customer_email') ? `lower(${textSql(col('customer_email')!)})` : 'CAST(NULL AS VARCHAR)';
  // Without a customer id column, the e-mail address identifies the customer.
  const customer = col('customer_id') ? `COALESCE(${idSql(col('customer_id')!, typeOf(mapping.customer_id!))}, ${email})` : email;
  const orderedAt = col('ordered_at') && source.date ? dateSql(col('ordered_at')!, source.date) : 'CAST(NULL AS TIMESTAMP)';
  const quantity = col('quantity') ? number('quantity') : 'CAST(NULL AS DOUBLE)';
  const lineAmount = col('amount')
    ? number('amount')
    : col('unit_price')
      ? `(${number('unit_price')} * COALESCE(${quantity}, 1))`
      : 'CAST(NULL AS DOUBLE)';
  // The values as written, for the quality report's examples and for telling a missing value from
  // an unparseable one. A date or amount column that is already typed (TIMESTAMP, DOUBLE…) parses
  // whole: its text would be the parsed value's, which the report prints from ordered_at and
  // line_amount instead (writing it here for every row was ~0.37 s of ~2.1 s at 1M rows, Node build).
  const rawDate = col('ordered_at') && source.date?.kind !== 'native' ? textSql(col('ordered_at')!) : 'CAST(NULL AS VARCHAR)';
  const rawAmountColumn = col('amount') ?? col('unit_price');
  const rawAmount = rawAmountColumn && !(col('amount') && isNumericType(typeOf(mapping.amount!))) ? textSql(rawAmountColumn) : 'CAST(NULL AS VARCHAR)';
  // Without an order id every row is an order (the BTYD format: one purchase per line).
  const orderId = col('order_id') ? idSql(col('order_id')!, typeOf(mapping.order_id!)) : `'row-${source.index}-' || CAST(rowid + 1 AS VARCHAR)`;

  return `SELECT
      ${source.index}::INTEGER AS source,
      (rowid + 1)::BIGINT AS source_row,
      ${customer} AS customer_id,
      ${email} AS customer_email,
      ${text('customer_name')} AS customer_name,
      COALESCE(${orderId}, 'row-${source.index}-' || CAST(rowid + 1 AS VARCHAR)) AS order_id,
      ${orderedAt} AS ordered_at,
      ${lineAmount} AS line_amount,
      ${number('refund')} AS refund_amount,
      ${quantity} AS quantity,
      upper(${text('currency')}) AS currency,
      ${text('product')} AS product,
      ${text('category')} AS category,
      ${text('country')} AS country,
      ${text('city')} AS city,
      ${text('channel')} AS channel,
      lower(${text('status')}) AS status,
      ${rawDate} AS raw_date,
      ${rawAmount} AS raw_amount,
      ${col('customer_id') ? textSql(col('customer_id')!) : email} AS raw_customer
    FROM ${quoteIdentifier(source.table)}`;
}

/**
 * Every source row, parsed, with its status class, sale and refund parts and its exclusion reason.
 * `now` is fixed by the caller, so that "a date in the future" means the same in every query.
 */
export function stagedLinesSql(sources: OrdersSource[], now: string, store = ''): string {
  const union = sources.map(stagedSourceSql).join('\nUNION ALL BY NAME\n');
  return `CREATE OR REPLACE TABLE ${store}staged_lines AS
    WITH parsed AS (${union}),
    classed AS (SELECT *, ${statusClassSql('status')} AS status_class FROM parsed)
    SELECT *,
      CASE
        WHEN customer_id IS NULL THEN 'missing_customer'
        WHEN raw_date IS NULL AND ordered_at IS NULL THEN 'missing_date'
        WHEN ordered_at IS NULL THEN 'unparseable_date'
        WHEN ordered_at > ${quoteLiteral(now)}::TIMESTAMP THEN 'future_date'
        WHEN raw_amount IS NOT NULL AND line_amount IS NULL THEN 'unparseable_amount'
        WHEN status_class = 'not_paid' THEN 'not_paid'
      END AS excluded_reason,
      greatest(COALESCE(line_amount, 0), 0)::DOUBLE AS sale,
      (CASE
        WHEN line_amount < 0 THEN -line_amount
        WHEN refund_amount IS NOT NULL THEN abs(refund_amount)
        WHEN status_class = 'refunded' THEN greatest(COALESCE(line_amount, 0), 0)
        ELSE 0 END)::DOUBLE AS refund
    FROM classed`;
}

export const ORDER_LINES_VIEW_SQL = `CREATE OR REPLACE VIEW order_lines AS
  SELECT source, source_row, customer_id, customer_email, customer_name, order_id, ordered_at,
    sale, refund, quantity, currency, product, category, country, city, channel, status, status_class
  FROM staged_lines WHERE excluded_reason IS NULL`;

/** An order's kind (see ordersTableSql) of its amount and refund; orders-arrays.ts' kindOf makes it again. */
export function orderKindSql(amount: string, refund: string): string {
  return `CASE WHEN ${amount} > 0 THEN 'sale' WHEN ${refund} > 0 THEN 'refund' ELSE 'free' END`;
}

const FIRST_LINE_FIELDS = ['customer_id', 'customer_email', 'customer_name', 'currency', 'product', 'category', 'country', 'city', 'channel', 'status'];

/**
 * One row per order. An order's lines are summed; its customer, date and attributes come from
 * its first line. When two files hold the same order id (overlapping exports), the earlier file's
 * order is kept and the later one dropped, so nothing is counted twice.
 * kind: 'sale' (something was paid), 'free' (nothing paid, nothing refunded: a trial),
 *       'refund' (only refund lines, as a cancellation invoice).
 */
export function ordersTableSql(sourceCount: number, store = ''): string {
  // The first line's fields are joined back by its row: the aggregate carries numbers only. An
  // arg_min over a struct of them kept ten strings per order in the hash table (1M orders: ~1.65 s
  // against ~1.05 s, Node build).
  const keepFirstFile = sourceCount > 1 ? 'QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY source) = 1' : '';
  return `CREATE OR REPLACE TABLE ${store}orders AS
  WITH per_source AS (
    SELECT source, order_id,
      min(source_row) AS first_row,
      min(ordered_at) AS ordered_at,
      sum(sale)::DOUBLE AS amount,
      sum(refund)::DOUBLE AS refund,
      (sum(sale) - sum(refund))::DOUBLE AS net,
      sum(COALESCE(quantity, 1))::DOUBLE AS items,
      count(*)::INTEGER AS lines
    FROM order_lines
    GROUP BY source, order_id
    ${keepFirstFile}
  )
  SELECT o.order_id, ${FIRST_LINE_FIELDS.slice(0, 3).map((f) => `first_line.${f}`).join(', ')},
    o.ordered_at, o.amount, o.refund, o.net, o.items, o.lines,
    ${FIRST_LINE_FIELDS.slice(3).map((f) => `first_line.${f}`).join(', ')},
    ${orderKindSql('o.amount', 'o.refund')} AS kind
  FROM per_source o JOIN staged_lines first_line ON first_line.source = o.source AND first_line.source_row = o.first_row`;
}

/**
 * Where the canonical tables live. Small data: DuckDB's default in-memory database, fastest to
 * write and read. Large data: an in-memory database that compresses its tables (ATTACH … COMPRESS),
 * about 7× smaller (1M orders: staged_lines + orders 435 MB plain, 52 MB compressed, measured with
 * duckdb_memory()) for about 1.6 s more per million rows to write them. Both are on the search path,
 * so every query names the tables without saying where they are.
 */
export const STORAGE_SQL = [`ATTACH IF NOT EXISTS ':memory:' AS compact (COMPRESS)`, `SET search_path = 'memory.main,compact.main'`];

/** Above this many source rows the canonical tables are written compressed (see STORAGE_SQL). */
export const COMPACT_FROM_ROWS = 2_000_000;

export interface OrdersStorage {
  compact?: boolean;
}

export function ordersSql(sources: OrdersSource[], now: string, storage: OrdersStorage = {}): string[] {
  const [store, other] = storage.compact ? ['compact.main.', 'memory.main.'] : ['memory.main.', 'compact.main.'];
  return [
    ...STORAGE_SQL,
    // The other store's copy goes first, so the two never hold memory at once.
    `DROP TABLE IF EXISTS ${other}staged_lines`,
    `DROP TABLE IF EXISTS ${other}orders`,
    stagedLinesSql(sources, now, store),
    ORDER_LINES_VIEW_SQL,
    ordersTableSql(sources.length, store),
  ];
}
