// Each CRM file's quality report: what in it the analytics cannot use as is, and what they do with
// it. Reads crm_staged_<kind> (build-tables.ts) and, when the orders are built, `orders`.
import { quoteLiteral } from '../../db/sql';
import { stagedTable } from './build-tables';
import type { CrmKind, CrmRole } from './kinds';

export const TABLE_CHECK_IDS = [
  'missing_customer', 'duplicate_customer', 'not_in_orders', 'anonymous', 'unparseable_date', 'unreadable_value',
  'missing_score', 'unparseable_score', 'score_out_of_range',
  'missing_opened', 'unparseable_opened', 'closed_before_opened',
  'missing_channel', 'missing_month', 'unparseable_month', 'missing_amount', 'unparseable_amount', 'spend_combined',
  'ambiguous_day_month',
] as const;
export type TableCheckId = (typeof TABLE_CHECK_IDS)[number];

/** What the analytics do with the rows a check finds. */
export type TableAction = 'excluded' | 'kept' | 'kept_empty' | 'kept_open' | 'kept_anonymous' | 'last_wins' | 'summed' | 'read_day_month';

export interface TableCheckExample {
  /** 1-based data row in its file (the header not counted). */
  row: number;
  customer: string | null;
  value: string | null;
}

export interface TableCheck {
  id: TableCheckId;
  /** The role whose values the check is about (a date, age, escalation flag…), or null. */
  field: CrmRole | null;
  count: number;
  action: TableAction;
  examples: TableCheckExample[];
}

export interface TableRowCounts {
  rows: number;
  /** Rows that reach the canonical table (before customers' repeats are collapsed and spend pairs summed). */
  used: number;
}

export function tableAction(kind: CrmKind, id: TableCheckId, field: CrmRole | null): TableAction {
  switch (id) {
    case 'not_in_orders': return 'kept';
    case 'anonymous': return 'kept_anonymous';
    case 'missing_customer': return kind === 'customers' ? 'excluded' : 'kept_anonymous';
    case 'duplicate_customer': return 'last_wins';
    case 'spend_combined': return 'summed';
    case 'ambiguous_day_month': return 'read_day_month';
    case 'unparseable_date': return field === 'closed_at' ? 'kept_open' : 'kept_empty';
    case 'unreadable_value': return 'kept_empty';
    default: return 'excluded';
  }
}

interface Flag {
  id: TableCheckId;
  field?: CrmRole;
  where: string;
  value: string;
  from?: string;
}

const EXCLUSIONS: Record<CrmKind, { id: TableCheckId; value: string }[]> = {
  customers: [{ id: 'missing_customer', value: 'NULL' }],
  surveys: [{ id: 'missing_score', value: 'NULL' }, { id: 'unparseable_score', value: 'raw_score' }, { id: 'score_out_of_range', value: `raw_score || ' (' || upper(kind) || ')'` }],
  tickets: [{ id: 'missing_opened', value: 'NULL' }, { id: 'unparseable_opened', value: 'raw_opened_at' }, { id: 'closed_before_opened', value: `raw_opened_at || ' → ' || raw_closed_at` }],
  spend: [
    { id: 'missing_channel', value: 'raw_month' }, { id: 'missing_month', value: 'raw_customer' }, { id: 'unparseable_month', value: 'raw_month' },
    { id: 'missing_amount', value: 'raw_month' }, { id: 'unparseable_amount', value: 'raw_amount' },
  ],
};

const KEPT = 'excluded_reason IS NULL';
const unreadable = (id: 'unparseable_date' | 'unreadable_value', field: CrmRole, parsed: string): Flag =>
  ({ id, field, where: `${KEPT} AND raw_${field} IS NOT NULL AND ${parsed} IS NULL`, value: `raw_${field}` });

/** A date role of one file whose format detection could not tell day/month from month/day (parse-values chooseDateFormats). */
export interface AmbiguousDates {
  source: number;
  field: CrmRole;
}

/** Values like 03/04/2024 (both parts 1–12 and different): read as day/month, they would mean another day month-first. */
function ambiguousFlag({ source, field }: AmbiguousDates): Flag {
  const part = (n: number) => `TRY_CAST(regexp_extract(raw_${field}, '^\\s*(\\d{1,2})[./-](\\d{1,2})[./-]\\d{2,4}', ${n}) AS INTEGER)`;
  return {
    id: 'ambiguous_day_month', field, value: `raw_${field}`,
    where: `source = ${source} AND ${part(1)} BETWEEN 1 AND 12 AND ${part(2)} BETWEEN 1 AND 12 AND ${part(1)} <> ${part(2)}`,
  };
}

function flags(kind: CrmKind, ordersReady: boolean, ambiguous: AmbiguousDates[]): Flag[] {
  return [...kindFlags(kind, ordersReady), ...ambiguous.map(ambiguousFlag)];
}

function kindFlags(kind: CrmKind, ordersReady: boolean): Flag[] {
  const staged = stagedTable(kind);
  const excluded = EXCLUSIONS[kind].map(({ id, value }) => ({ id, where: `excluded_reason = ${quoteLiteral(id)}`, value }));
  const notInOrders: Flag[] = ordersReady && kind !== 'spend'
    ? [{ id: 'not_in_orders', where: `${KEPT} AND customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL)`, value: 'NULL' }]
    : [];
  switch (kind) {
    case 'customers':
      return [
        ...excluded,
        {
          id: 'duplicate_customer', value: 'NULL', where: 'later_rows > 0',
          from: `(SELECT *, count(*) OVER (PARTITION BY customer_id ORDER BY source, source_row ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS later_rows FROM ${staged} WHERE ${KEPT})`,
        },
        unreadable('unparseable_date', 'signup_at', 'signup_at'),
        unreadable('unparseable_date', 'birth_date', 'birth_date'),
        unreadable('unreadable_value', 'age', 'age_given'),
        unreadable('unreadable_value', 'company_type', 'company_type'),
        ...notInOrders,
      ];
    case 'surveys':
      return [...excluded, { id: 'anonymous', where: `${KEPT} AND customer_id IS NULL`, value: 'raw_score' }, unreadable('unparseable_date', 'answered_at', 'answered_at'), ...notInOrders];
    case 'tickets':
      return [
        ...excluded,
        { id: 'missing_customer', where: `${KEPT} AND customer_id IS NULL`, value: 'raw_opened_at' },
        unreadable('unparseable_date', 'closed_at', 'closed_at'),
        unreadable('unreadable_value', 'escalated', 'escalated'),
        unreadable('unreadable_value', 'contacts', 'contacts'),
        ...notInOrders,
      ];
    case 'spend':
      return [
        ...excluded,
        {
          id: 'spend_combined', where: 'pair_rows > 1', value: `channel || ' ' || strftime(month, '%Y-%m')`,
          from: `(SELECT *, count(*) OVER (PARTITION BY channel, month) AS pair_rows FROM ${staged} WHERE ${KEPT})`,
        },
      ];
  }
}

const EXAMPLES_PER_CHECK = 3;

/** One row per example (at most three per file and check), each carrying its check's count in its file. */
export function tableChecksSql(kind: CrmKind, ordersReady: boolean, ambiguous: AmbiguousDates[] = []): string {
  const staged = stagedTable(kind);
  const parts = flags(kind, ordersReady, ambiguous).map((f) =>
    `SELECT ${quoteLiteral(f.id)} AS check_id, ${f.field ? quoteLiteral(f.field) : 'CAST(NULL AS VARCHAR)'} AS field, source, source_row,
      raw_customer AS customer, CAST(${f.value} AS VARCHAR) AS value
    FROM ${f.from ?? staged} WHERE ${f.where}`);
  return `WITH flagged AS (${parts.join('\nUNION ALL\n')}),
    numbered AS (
      SELECT *, row_number() OVER (PARTITION BY source, check_id, field ORDER BY source_row) AS k,
        count(*) OVER (PARTITION BY source, check_id, field) AS n
      FROM flagged
    )
    SELECT check_id, field, source::INTEGER AS source, n::DOUBLE AS count, source_row::DOUBLE AS row, customer, value
    FROM numbered WHERE k <= ${EXAMPLES_PER_CHECK}
    ORDER BY source, check_id, field, k`;
}

export function tableRowCountsSql(kind: CrmKind): string {
  return `SELECT source::INTEGER AS source, count(*)::DOUBLE AS rows, count(*) FILTER (WHERE excluded_reason IS NULL)::DOUBLE AS used
    FROM ${stagedTable(kind)} GROUP BY source`;
}

export interface TableCheckRow {
  check_id: TableCheckId;
  field: CrmRole | null;
  source: number;
  count: number;
  row: number;
  customer: string | null;
  value: string | null;
}

/** Groups the example rows by file, then by check in the catalogue order (exclusions first). */
export function toTableChecks(kind: CrmKind, rows: TableCheckRow[]): Map<number, TableCheck[]> {
  const bySource = new Map<number, Map<string, TableCheck>>();
  for (const r of rows) {
    const checks = bySource.get(r.source) ?? new Map<string, TableCheck>();
    bySource.set(r.source, checks);
    const key = `${r.check_id}:${r.field ?? ''}`;
    const check = checks.get(key) ?? { id: r.check_id, field: r.field, count: r.count, action: tableAction(kind, r.check_id, r.field), examples: [] };
    check.examples.push({ row: r.row, customer: r.customer, value: r.value });
    checks.set(key, check);
  }
  const order = (c: TableCheck) => (c.action === 'excluded' ? 0 : 1) * 100 + TABLE_CHECK_IDS.indexOf(c.id);
  return new Map([...bySource].map(([source, checks]) => [source, [...checks.values()].sort((a, b) => order(a) - order(b))]));
}
