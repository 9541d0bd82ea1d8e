// The customer list: one page of scope_customers, sorted, searched and counted.
import { quoteIdentifier } from '../db/sql';
import { containsText, joinSql, raw, sql, type SqlQuery } from './sql-fragment';

export const CUSTOMER_LIST_COLUMNS = [
  'customer_id', 'name', 'email', 'country', 'city', 'first_order_at', 'last_order_at', 'orders', 'revenue', 'refunds', 'aov', 'ltv',
] as const;
/** With RFM scores computed, the list also shows each customer's RFM segment. */
export const RFM_LIST_COLUMN = 'rfm_segment';
export type CustomerListColumn = (typeof CUSTOMER_LIST_COLUMNS)[number] | typeof RFM_LIST_COLUMN;

export const customerListColumns = (withRfm: boolean): CustomerListColumn[] => (withRfm ? [...CUSTOMER_LIST_COLUMNS, RFM_LIST_COLUMN] : [...CUSTOMER_LIST_COLUMNS]);

export const CUSTOMER_LIST_DEFINITIONS: Record<CustomerListColumn, string> = {
  customer_id: 'The customer id; where the data has none, the lower-cased e-mail address.',
  name: 'The name on the customer’s latest order that has one.',
  email: 'The e-mail address on the customer’s latest order that has one.',
  country: 'The country of the customer’s latest order that has one.',
  city: 'The city of the customer’s latest order that has one.',
  first_order_at: 'The customer’s first purchase ever.',
  last_order_at: 'The customer’s latest purchase to date (it may be after the range).',
  orders: 'Purchases in range (orders that are not refund-only).',
  revenue: 'Sales in range, before refunds.',
  refunds: 'Refunds on orders in range.',
  aov: 'Average order value in range: revenue ÷ paid orders.',
  ltv: 'Lifetime value to date: all-time sales minus refunds.',
  rfm_segment: 'The customer’s RFM segment, scored on the date range’s customers (or all history, if chosen in the RFM view).',
};

export interface CustomerListOptions {
  /** Default 'revenue'. */
  sort?: CustomerListColumn;
  /** Default 'desc'. Ties and missing values: missing last, then customer id ascending. */
  direction?: 'asc' | 'desc';
  /** Matched literally, case-insensitively, in the id, name or e-mail. */
  search?: string;
  offset?: number;
  /** Default 50; null for every row (the CSV export). */
  limit?: number | null;
  /** Relation (customer_id, segment) of RFM scores; adds the rfm_segment column. */
  rfmRelation?: string;
}

function searchPredicate(search: string | undefined) {
  return search ? sql`(${joinSql(['customer_id', 'name', 'email'].map((c) => containsText(c, search)), ' OR ')})` : raw('TRUE');
}

/** One page of customers: the CUSTOMER_LIST_COLUMNS, in that order. Dates as epoch ms. */
export function customerListSql(options: CustomerListOptions = {}): SqlQuery {
  const sort = options.sort ?? 'revenue';
  const columns = customerListColumns(options.rfmRelation !== undefined);
  if (!(columns as readonly string[]).includes(sort)) throw new Error(`Cannot sort by ${JSON.stringify(sort)}.`);
  const direction = options.direction === 'asc' ? 'ASC' : 'DESC';
  const page =
    options.limit === null
      ? raw('')
      : sql`LIMIT ${Math.max(0, Math.floor(options.limit ?? 50))} OFFSET ${Math.max(0, Math.floor(options.offset ?? 0))}`;
  const order = raw(`ORDER BY ${sort} ${direction} NULLS LAST, customer_id ASC`);
  if (options.rfmRelation && sort !== RFM_LIST_COLUMN) {
    // The page first, then its RFM segments: a join of 25 rows, not of every customer in scope.
    return sql`SELECT ${raw(columns.map((c) => (c === RFM_LIST_COLUMN ? `r.segment AS ${c}` : `c.${c}`)).join(', '))}
      FROM (
        SELECT * FROM scope_customers
        WHERE ${searchPredicate(options.search)}
        ${order}
        ${page}
      ) c LEFT JOIN ${raw(quoteIdentifier(options.rfmRelation))} r USING (customer_id)
      ${raw(`ORDER BY c.${sort} ${direction} NULLS LAST, c.customer_id ASC`)}`;
  }
  const from = options.rfmRelation
    ? raw(`(SELECT c.*, r.segment AS ${RFM_LIST_COLUMN} FROM scope_customers c LEFT JOIN ${quoteIdentifier(options.rfmRelation)} r USING (customer_id))`)
    : raw('scope_customers');
  return sql`SELECT ${raw(columns.join(', '))}
    FROM ${from}
    WHERE ${searchPredicate(options.search)}
    ${order}
    ${page}`;
}

/** How many customers the list holds for a search (for the pager). */
export function customerCountSql(search?: string): SqlQuery {
  return sql`SELECT count(*)::INTEGER AS customers FROM scope_customers WHERE ${searchPredicate(search)}`;
}
