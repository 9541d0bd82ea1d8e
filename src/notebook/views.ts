// The friendly views a notebook reads beside `orders`, and the list of every table and view a
// cell can query.

/** What each column of the `customers` view means (the notebook's help shows these). */
export const CUSTOMERS_VIEW_DEFINITIONS = {
  customer_id: 'The customer: their id, or where there is none their lower-cased e-mail.',
  name: 'Name, from the latest order that has one.',
  email: 'E-mail, from the latest order that has one.',
  country: 'Country, from the latest order that has one.',
  city: 'City, from the latest order that has one.',
  channel: 'Channel of the first order that has one: the channel that acquired the customer.',
  first_purchase_at: 'First purchase (an order that is not refund-only).',
  last_purchase_at: 'Latest purchase.',
  purchases: 'Purchases: orders that are not refund-only, free orders included.',
  paid_orders: 'Orders with an amount above zero.',
  revenue: 'All-time sales: the sum of order amounts, before refunds.',
  refunds: 'All-time refunds.',
  ltv: 'Historical lifetime value: revenue minus refunds, to date.',
  aov: 'Average order value: revenue ÷ paid orders (none without a paid order).',
  value_band: 'Contribution band: top_50, next_30, next_15 or last_5 of all-time revenue, or no_revenue.',
} as const;

/** One row per customer, all history, from customer_base (built whenever the orders are). */
export const CUSTOMERS_VIEW_SQL = `CREATE OR REPLACE TEMP VIEW customers AS
  SELECT customer_id, name, email, country, city, channel,
    first_order_at AS first_purchase_at, last_order_at AS last_purchase_at,
    lifetime_orders AS purchases, lifetime_paid_orders AS paid_orders,
    lifetime_revenue AS revenue, lifetime_refunds AS refunds, ltv, lifetime_aov AS aov, value_band
  FROM customer_base`;

export const RFM_VIEW_DEFINITIONS = {
  customer_id: 'The customer.',
  recency: 'Days from the last purchase to the scoring day (the last day of the dashboard’s range).',
  frequency: 'Purchases in the scored period.',
  monetary: 'Revenue in the scored period.',
  r: 'Recency score, 1–5 (5 = most recent; ties share a score).',
  f: 'Frequency score, 1–5.',
  m: 'Monetary score, 1–5.',
  segment: 'The RFM segment the grid gives the scores.',
} as const;

/** The dashboard's current RFM scores (rfm_customers, present once the dashboard has scored). */
export const RFM_VIEW_SQL = `CREATE OR REPLACE TEMP VIEW rfm AS
  SELECT customer_id, recency, frequency, monetary, r, f, m, segment FROM rfm_customers`;
export const DROP_RFM_VIEW_SQL = 'DROP VIEW IF EXISTS temp.main.rfm';

/** Which of the views' sources exist now (rows: name). */
export const VIEW_SOURCES_SQL = `SELECT table_name AS name FROM duckdb_tables() WHERE table_name IN ('customer_base', 'rfm_customers')`;

/** How many tables or views are named `$1` (any case), ours or not. */
export const RELATION_NAMED_SQL = `SELECT count(*)::INTEGER AS n FROM (
  SELECT table_name AS name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal
) WHERE lower(name) = lower($1)`;

/** Every table and view a cell can read, with its columns in order: rows (name, kind, temporary, column_name, data_type). */
export const RELATIONS_SQL = `WITH relations AS (
    SELECT database_name, schema_name, table_name AS name, 'table' AS kind, temporary FROM duckdb_tables() WHERE NOT internal
    UNION ALL
    SELECT database_name, schema_name, view_name, 'view', temporary FROM duckdb_views() WHERE NOT internal
  )
  SELECT r.name, r.kind, r.temporary, c.column_name, c.data_type
  FROM relations r JOIN duckdb_columns() c
    ON c.database_name = r.database_name AND c.schema_name = r.schema_name AND c.table_name = r.name
  ORDER BY r.name, c.column_index`;

export interface Relation {
  name: string;
  kind: 'table' | 'view';
  temporary: boolean;
  columns: { name: string; type: string }[];
}

/** RELATIONS_SQL rows grouped per relation. */
export function groupRelations(rows: readonly Record<string, unknown>[]): Relation[] {
  const byName = new Map<string, Relation>();
  for (const row of rows) {
    const name = String(row.name);
    let relation = byName.get(name);
    if (!relation) byName.set(name, (relation = { name, kind: row.kind === 'view' ? 'view' : 'table', temporary: Boolean(row.temporary), columns: [] }));
    relation.columns.push({ name: String(row.column_name), type: String(row.data_type) });
  }
  return [...byName.values()];
}

/** The tables built from the loaded files that a question usually starts from, in this order. */
const MAIN_RELATIONS = ['orders', 'order_lines', 'customers', 'rfm'];
/** The app's working tables (the dashboard's scope, the value panels', the staging of files). */
const WORKING_RELATION = /^(prev_)?scope_|^value_|^source_\d+$|^crm_staged_|^(customer_base|customer_orders|customer_items|all_time_items|purchase_days|data_bounds|item_codes|rfm_customers|staged_lines)$/;

export interface RelationGroups {
  main: Relation[];
  cells: Relation[];
  working: Relation[];
}

/** Relations grouped for the list: the main views and loaded tables, the cells' results, the app's working tables. */
export function groupForList(relations: readonly Relation[], cellNames: readonly string[]): RelationGroups {
  const cells = new Set(cellNames.map((n) => n.toLowerCase()));
  const rank = (r: Relation) => (MAIN_RELATIONS.includes(r.name) ? MAIN_RELATIONS.indexOf(r.name) : MAIN_RELATIONS.length);
  const isCell = (r: Relation) => r.temporary && r.kind === 'table' && cells.has(r.name.toLowerCase());
  return {
    main: relations.filter((r) => !isCell(r) && !WORKING_RELATION.test(r.name)).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)),
    cells: relations.filter(isCell),
    working: relations.filter((r) => !isCell(r) && WORKING_RELATION.test(r.name)),
  };
}
