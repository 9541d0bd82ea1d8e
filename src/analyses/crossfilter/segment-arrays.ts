// A segment's rules matched on the panels' arrays, as segments.ts's SQL predicate matches them on
// customer_base, so that applying a segment needs no SQL before its panels: at 1M orders its first
// application waited for the flag tables to be written and read (~170 ms in Chromium, ~40 ms more
// than a facet click). Covered: text, number, date and product rules, on the arrays read from the
// customer base (whose columns they compare as they are, so a threshold splits customers exactly as
// SQL does). An RFM rule (scores SQL writes) or a churn rule (crm/churn-risk.ts's own query) is left
// to SQL: the whole segment then answers null, and the caller reads the flag tables.
import type { Segment, SegmentRule } from '../segments';
import type { DataArrays, ItemSets, RangeArrays } from './panels';

/** customer_base's columns the number rules compare, by cid (NaN where NULL). */
export interface SegmentFacts {
  lifetimeRevenue: Float64Array;
  lifetimeOrders: Float64Array;
  lifetimeAov: Float64Array;
}

const NUMBER_FACTS = { total_revenue: 'lifetimeRevenue', order_count: 'lifetimeOrders', aov: 'lifetimeAov' } as const;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Per cid, 1 where the rule holds, given a period's item sets. */
type RuleMatch = (items: ItemSets) => Uint8Array;

/**
 * The cids (of every customer, 1…n) failing `segment` in each period of `range`: its rules read
 * all-history columns, the same in both periods, except "bought in the range", matched on each
 * period's item sets (scope_items, prev_scope_items), as PanelIndex's SQL read does
 * (#readSegmentFailingByCid). Null when a rule is SQL's alone (RFM, churn) or not understood.
 */
export function segmentFailingByCid(segment: Segment, data: DataArrays, facts: SegmentFacts, range: RangeArrays): { current: Int32Array; previous: Int32Array } | null {
  const size = data.customers.ltv.length;
  const groups = segment.groups.filter((g) => g.rules.length > 0);
  const matches: { combine: 'and' | 'or'; rules: RuleMatch[] }[] = [];
  for (const group of groups) {
    const rules: RuleMatch[] = [];
    for (const rule of group.rules) {
      const match = ruleMatch(rule, data, facts, size);
      if (!match) return null;
      rules.push(match);
    }
    if (group.combine !== 'and' && group.combine !== 'or') return null;
    matches.push({ combine: group.combine, rules });
  }
  if (segment.combine !== 'and' && segment.combine !== 'or') return null;
  const failing = (items: ItemSets): Int32Array => {
    const groupPasses = matches.map((group) => combined(group.rules.map((rule) => rule(items)), group.combine, size));
    // No group with rules: everyone matches (segmentPredicate's TRUE).
    const pass = combined(groupPasses, segment.combine, size);
    let n = 0;
    for (let cid = 1; cid < size; cid++) if (!pass[cid]) n++;
    const out = new Int32Array(n);
    for (let cid = 1, k = 0; cid < size; cid++) if (!pass[cid]) out[k++] = cid;
    return out;
  };
  const current = failing(range.items);
  // The previous period's item sets are built when first asked for: only a rule on them needs them.
  const previous = groups.some((g) => g.rules.some((r) => r.kind === 'product' && r.when === 'in_range')) ? failing(range.previousItems) : current;
  return { current, previous };
}

/** AND or OR of per-cid passes; none: everyone passes (SQL's TRUE for an empty combination). */
function combined(passes: Uint8Array[], combine: 'and' | 'or', size: number): Uint8Array {
  if (passes.length === 1) return passes[0]!;
  const out = new Uint8Array(size).fill(passes.length === 0 || combine === 'and' ? 1 : 0);
  for (const pass of passes) {
    if (combine === 'and') for (let cid = 0; cid < size; cid++) out[cid]! &= pass[cid]!;
    else for (let cid = 0; cid < size; cid++) out[cid]! |= pass[cid]!;
  }
  return out;
}

/**
 * A rule as SQL's predicate (segments.ts ruleSql) reads it. Every rule there is a boolean that is
 * never NULL, or a NULL that the segment's AND/OR then treats as false (no rule negates another),
 * so "does not hold" is 0 here in every case.
 */
function ruleMatch(rule: SegmentRule, data: DataArrays, facts: SegmentFacts, size: number): RuleMatch | null {
  switch (rule.kind) {
    case 'text': {
      if (rule.field !== 'country' && rule.field !== 'city' && rule.field !== 'channel') return null;
      const { codeByCid, values } = data.attributes[rule.field];
      // The dictionary holds each distinct value once; -1: no customer has it.
      const code = values.indexOf(rule.value);
      const pass = new Uint8Array(size);
      // `is`: equal (a customer without a value is not); `is_not`: IS DISTINCT FROM (one without a value is).
      if (rule.op === 'is') for (let cid = 0; cid < size; cid++) pass[cid] = codeByCid[cid] === code ? 1 : 0;
      else if (rule.op === 'is_not') for (let cid = 0; cid < size; cid++) pass[cid] = codeByCid[cid] === code ? 0 : 1;
      else return null;
      return () => pass;
    }
    case 'number': {
      if (!Object.hasOwn(NUMBER_FACTS, rule.field) || typeof rule.value !== 'number') return null;
      const column = facts[NUMBER_FACTS[rule.field]];
      const pass = compared(column, rule.op, rule.value, size);
      return pass && (() => pass);
    }
    case 'date': {
      // first_order_at / last_order_at (TIMESTAMP) against the date's midnight (value::DATE::TIMESTAMP).
      const ms = ISO_DATE.test(rule.value) ? Date.parse(`${rule.value}T00:00:00Z`) : NaN;
      // A date DuckDB would not read (2024-02-30) is SQL's to refuse.
      if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== rule.value) return null;
      const column = rule.field === 'first_purchase' ? data.customers.firstOrderUs : rule.field === 'last_purchase' ? data.customers.lastOrderUs : null;
      if (!column || (rule.op !== 'before' && rule.op !== 'on_or_after')) return null;
      const pass = compared(column, rule.op === 'before' ? '<' : '>=', ms * 1000, size);
      return pass && (() => pass);
    }
    case 'product': {
      const code = data.itemValues.product.indexOf(rule.product);
      if (rule.when === 'ever') {
        // Any line of the customer's not only refunded (customer_items.bought), of this product.
        const pass = new Uint8Array(size);
        const { start, bought, codes } = data.lines;
        const product = codes[0];
        if (code > 0) {
          for (let cid = 0; cid < size; cid++) {
            for (let l = start[cid]!, end = start[cid + 1]!; l < end; l++) {
              if (bought[l] && product[l] === code) {
                pass[cid] = 1;
                break;
              }
            }
          }
        }
        return () => pass;
      }
      if (rule.when !== 'in_range') return null;
      // The period's item sets: product is dimension 0 (ITEM_DIMENSIONS).
      return (items) => {
        const pass = new Uint8Array(size);
        if (code > 0) for (let r = 0; r < items.cid.length; r++) if (items.dim[r] === 0 && items.code[r] === code) pass[items.cid[r]!] = 1;
        return pass;
      };
    }
    default:
      return null;
  }
}

/** Per cid, `column[cid] op value` (NaN, SQL's NULL, never holds: COALESCE(…, FALSE)). */
function compared(column: Float64Array, op: string, value: number, size: number): Uint8Array | null {
  const pass = new Uint8Array(size);
  switch (op) {
    case '<': for (let cid = 0; cid < size; cid++) pass[cid] = column[cid]! < value ? 1 : 0; break;
    case '<=': for (let cid = 0; cid < size; cid++) pass[cid] = column[cid]! <= value ? 1 : 0; break;
    case '=': for (let cid = 0; cid < size; cid++) pass[cid] = column[cid]! === value ? 1 : 0; break;
    case '>=': for (let cid = 0; cid < size; cid++) pass[cid] = column[cid]! >= value ? 1 : 0; break;
    case '>': for (let cid = 0; cid < size; cid++) pass[cid] = column[cid]! > value ? 1 : 0; break;
    default: return null;
  }
  return pass;
}
