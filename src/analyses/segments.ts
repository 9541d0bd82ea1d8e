// Segments: named groups of customers defined by rules, saved by the UI as JSON. Rules compile
// to a predicate on a relation with customer_base's columns (see customer-base.ts); every value a
// user typed is a bound parameter.
import { quoteIdentifier } from '../db/sql';
import { churnRiskSql, OVERDUE_FACTOR } from './crm/churn-risk';
import { Fragment, inValues, joinSql, raw, sql, type SqlParam, type SqlQuery } from './sql-fragment';

export const TEXT_FIELDS = ['country', 'city', 'channel'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export const NUMBER_FIELDS = ['total_revenue', 'order_count', 'aov'] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];
export const DATE_FIELDS = ['first_purchase', 'last_purchase'] as const;
export type DateField = (typeof DATE_FIELDS)[number];
export const COMPARISONS = ['<', '<=', '=', '>=', '>'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export type SegmentRule =
  | { kind: 'text'; field: TextField; op: 'is' | 'is_not'; value: string }
  | { kind: 'product'; product: string; when: 'ever' | 'in_range' }
  | { kind: 'number'; field: NumberField; op: Comparison; value: number }
  /** `value` is an ISO date (YYYY-MM-DD). */
  | { kind: 'date'; field: DateField; op: 'before' | 'on_or_after'; value: string }
  | { kind: 'rfm'; segment: string }
  /** Churn risk (crm/churn-risk.ts); `risk` names the test, only 'overdue' for now. */
  | { kind: 'churn'; risk: 'overdue' };

export const CHURN_RISKS = ['overdue'] as const;

export type Combinator = 'and' | 'or';

export interface RuleGroup {
  combine: Combinator;
  rules: SegmentRule[];
}

/** A top-level AND/OR of groups, each an AND/OR of rules. */
export interface Segment {
  name: string;
  combine: Combinator;
  groups: RuleGroup[];
}

/** What each rule means; the segment builder shows these as help. */
export const SEGMENT_RULE_DEFINITIONS: Record<SegmentRule['kind'], string> = {
  text: "The customer's country or city (from their latest order) or channel (from their first order) is, or is not, exactly this value. A customer with no value is never 'is' and always 'is not'.",
  product: 'The customer bought this product (exact name) at any time, or within the selected date range. Refund-only lines do not count as buying.',
  number: "The customer's all-time revenue (sales), number of purchases, or average order value (revenue ÷ paid orders) compared with this number. Customers without paid orders have no average order value and match no comparison on it.",
  date: "The customer's first or last purchase is before this date (earlier than its start), or on or after it.",
  rfm: "The customer's RFM segment is this one.",
  churn: `Churn risk, overdue: the customer has two or more purchase days (days with a paid order; several orders on one day count once), and the days from her last purchase day to the last day in the orders data are more than ${OVERDUE_FACTOR} × her mean gap between purchase days ((last − first purchase day) ÷ (purchase days − 1)). Counted on all history, whatever the date range. P(alive) is not part of this rule: the churn risk list in Feedback & support adds it once the CLV model is fitted.`,
};

const NUMBER_COLUMNS: Record<NumberField, string> = { total_revenue: 'lifetime_revenue', order_count: 'lifetime_orders', aov: 'lifetime_aov' };
const DATE_COLUMNS: Record<DateField, string> = { first_purchase: 'first_order_at', last_purchase: 'last_order_at' };
const TEXT_COLUMNS: Record<TextField, string> = { country: 'country', city: 'city', channel: 'channel' };
const COMPARISON_SQL: Record<Comparison, string> = { '<': '<', '<=': '<=', '=': '=', '>=': '>=', '>': '>' };

// Column names and operators reach SQL text, so they are looked up, never copied from the rule:
// a segment cast from unchecked JSON cannot inject anything through them.
function lookup<K extends string>(table: Record<K, string>, key: K): string {
  return Object.hasOwn(table, key) ? table[key] : fail(`Unknown segment rule part ${JSON.stringify(key)}.`);
}

export interface SegmentSqlOptions {
  /** Alias of the relation with customer_base's columns the predicate is evaluated on. */
  alias?: string;
  /** Relation (dim, code, cid) of what each customer bought in the range: scope_items or prev_scope_items (codes: item_codes). */
  itemsTable?: string;
  /** Relation (customer_id, rfm_segment); required only by RFM rules. */
  rfmRelation?: string;
}

/**
 * `(SELECT cid …)`: the customers in an items relation (dim, code, cid) with one of `values` of
 * `dimension` (null: no value), the values looked up in item_codes.
 */
export function itemCustomersSql(itemsTable: string, dimension: string, values: readonly (string | null)[]): Fragment {
  return sql`(SELECT i.cid FROM ${raw(quoteIdentifier(itemsTable))} i
    SEMI JOIN (SELECT dim, code FROM item_codes WHERE dim = ${dimension} AND ${inValues('value', values)}) c ON i.dim = c.dim AND i.code IS NOT DISTINCT FROM c.code)`;
}

export class SegmentError extends Error {
  override name = 'SegmentError';
}

function ruleSql(rule: SegmentRule, options: Required<Pick<SegmentSqlOptions, 'alias' | 'itemsTable'>> & SegmentSqlOptions): Fragment {
  const column = (name: string) => raw(`${options.alias}.${name}`);
  switch (rule.kind) {
    case 'text':
      return rule.op === 'is'
        ? sql`COALESCE(${column(lookup(TEXT_COLUMNS, rule.field))} = ${rule.value}, FALSE)`
        : sql`${column(lookup(TEXT_COLUMNS, rule.field))} IS DISTINCT FROM ${rule.value}`;
    case 'product':
      return rule.when === 'ever'
        ? sql`${column('customer_id')} IN (SELECT customer_id FROM order_lines WHERE product = ${rule.product} AND NOT (sale = 0 AND refund > 0))`
        : sql`${column('cid')} IN ${itemCustomersSql(options.itemsTable, 'product', [rule.product])}`;
    case 'number':
      return sql`COALESCE(${column(lookup(NUMBER_COLUMNS, rule.field))} ${raw(lookup(COMPARISON_SQL, rule.op))} ${rule.value}::DOUBLE, FALSE)`;
    case 'date':
      return sql`COALESCE(${column(lookup(DATE_COLUMNS, rule.field))} ${raw(rule.op === 'before' ? '<' : '>=')} ${rule.value}::DATE::TIMESTAMP, FALSE)`;
    case 'rfm':
      if (!options.rfmRelation) throw new SegmentError('This segment uses an RFM rule, but RFM segments have not been computed.');
      return sql`${column('customer_id')} IN (SELECT customer_id FROM ${raw(quoteIdentifier(options.rfmRelation))} WHERE rfm_segment = ${rule.segment})`;
    case 'churn': {
      if (!(CHURN_RISKS as readonly string[]).includes(rule.risk)) return fail(`Unknown churn risk ${JSON.stringify(rule.risk)}.`);
      // The Feedback & support list's own query, so the segment and the list can never disagree.
      // A set, not a list: no ORDER BY inside IN (…).
      const overdue = churnRiskSql({ onlyOverdue: true, ordered: false });
      return sql`${column('customer_id')} IN (SELECT customer_id FROM (${new Fragment(overdue.sql, overdue.params as SqlParam[])}))`;
    }
  }
}

function combine(parts: Fragment[], combinator: Combinator): Fragment {
  return parts.length === 0 ? raw('TRUE') : sql`(${joinSql(parts, combinator === 'and' ? ' AND ' : ' OR ')})`;
}

/** The segment as a boolean SQL expression. A group without rules is ignored; a segment without rules matches everyone. */
export function segmentPredicate(segment: Segment, options: SegmentSqlOptions = {}): Fragment {
  const resolved = { ...options, alias: options.alias ?? 'b', itemsTable: options.itemsTable ?? 'scope_items' };
  const groups = segment.groups.filter((g) => g.rules.length > 0).map((g) => combine(g.rules.map((r) => ruleSql(r, resolved)), g.combine));
  return combine(groups, segment.combine);
}

export const usesRfm = (segment: Segment) => segment.groups.some((g) => g.rules.some((r) => r.kind === 'rfm'));

/**
 * The segment's live size: customers matching it at all (all time) and those of them with a
 * purchase in the current date range (reads scope_all, before facet filters).
 */
export function segmentSizeSql(segment: Segment, options: SegmentSqlOptions = {}): SqlQuery {
  return sql`SELECT count(*)::INTEGER AS customers,
      count(*) FILTER (WHERE s.purchased)::INTEGER AS customers_in_range
    FROM customer_base b LEFT JOIN scope_all s USING (customer_id)
    WHERE ${segmentPredicate(segment, { ...options, alias: 'b' })}`;
}

// (De)serialisation: segments live in localStorage, so what is read back is validated like input.

const SEGMENT_FORMAT_VERSION = 1;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const oneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
const fail = (message: string): never => {
  throw new SegmentError(message);
};

function validateRule(value: unknown, where: string): SegmentRule {
  if (!isObject(value)) return fail(`${where}: a rule must be an object.`);
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : fail(`${where}: "${key}" must be text.`));
  switch (value.kind) {
    case 'text':
      if (!oneOf(TEXT_FIELDS, value.field)) return fail(`${where}: unknown field ${JSON.stringify(value.field)}.`);
      if (!oneOf(['is', 'is_not'] as const, value.op)) return fail(`${where}: the operator must be "is" or "is_not".`);
      return { kind: 'text', field: value.field, op: value.op, value: text('value') };
    case 'product':
      if (!oneOf(['ever', 'in_range'] as const, value.when)) return fail(`${where}: "when" must be "ever" or "in_range".`);
      return { kind: 'product', product: text('product'), when: value.when };
    case 'number':
      if (!oneOf(NUMBER_FIELDS, value.field)) return fail(`${where}: unknown field ${JSON.stringify(value.field)}.`);
      if (!oneOf(COMPARISONS, value.op)) return fail(`${where}: unknown comparison ${JSON.stringify(value.op)}.`);
      if (typeof value.value !== 'number' || !Number.isFinite(value.value)) return fail(`${where}: the value must be a finite number.`);
      return { kind: 'number', field: value.field, op: value.op, value: value.value };
    case 'date': {
      if (!oneOf(DATE_FIELDS, value.field)) return fail(`${where}: unknown field ${JSON.stringify(value.field)}.`);
      if (!oneOf(['before', 'on_or_after'] as const, value.op)) return fail(`${where}: the operator must be "before" or "on_or_after".`);
      const date = text('value');
      if (!ISO_DATE.test(date) || Number.isNaN(Date.parse(date))) return fail(`${where}: the date must be written YYYY-MM-DD.`);
      return { kind: 'date', field: value.field, op: value.op, value: date };
    }
    case 'rfm':
      return { kind: 'rfm', segment: text('segment') };
    case 'churn':
      if (!oneOf(CHURN_RISKS, value.risk)) return fail(`${where}: the churn risk must be "overdue".`);
      return { kind: 'churn', risk: value.risk };
    default:
      return fail(`${where}: unknown rule kind ${JSON.stringify(value.kind)}.`);
  }
}

/** Checks an untrusted value (parsed JSON) and returns it as a Segment, or throws SegmentError saying what is wrong. */
export function validateSegment(value: unknown): Segment {
  if (!isObject(value)) return fail('A segment must be an object.');
  if (typeof value.name !== 'string' || value.name.trim() === '') return fail('A segment needs a name.');
  if (!oneOf(['and', 'or'] as const, value.combine)) return fail(`Segment "${value.name}": groups must be combined with "and" or "or".`);
  if (!Array.isArray(value.groups)) return fail(`Segment "${value.name}": "groups" must be a list.`);
  const groups = value.groups.map((group: unknown, g): RuleGroup => {
    const where = `Segment "${value.name}", group ${g + 1}`;
    if (!isObject(group) || !Array.isArray(group.rules)) return fail(`${where}: a group must have a list of rules.`);
    if (!oneOf(['and', 'or'] as const, group.combine)) return fail(`${where}: rules must be combined with "and" or "or".`);
    return { combine: group.combine, rules: group.rules.map((rule: unknown, r) => validateRule(rule, `${where}, rule ${r + 1}`)) };
  });
  return { name: value.name, combine: value.combine, groups };
}

export function serializeSegments(segments: readonly Segment[]): string {
  return JSON.stringify({ version: SEGMENT_FORMAT_VERSION, segments });
}

/** Reads what serializeSegments wrote. Invalid JSON or an invalid segment throws SegmentError. */
export function parseSegments(text: string): Segment[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail('The saved segments are not valid JSON.');
  }
  if (!isObject(data) || data.version !== SEGMENT_FORMAT_VERSION || !Array.isArray(data.segments)) return fail('The saved segments are in an unknown format.');
  return data.segments.map(validateSegment);
}
