import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { previousScopeSql, scopeSql } from '../../../src/analyses/filters';
import { KPIS_SQL } from '../../../src/analyses/kpis';
import {
  parseSegments, SEGMENT_RULE_DEFINITIONS, SegmentError, segmentPredicate, segmentSizeSql, serializeSegments, usesRfm, validateSegment,
  type Segment, type SegmentRule,
} from '../../../src/analyses/segments';
import { churnRiskSql } from '../../../src/analyses/crm/churn-risk';
import { FIXTURE_CSV, INJECTION, loadFixture, MARCH, rowsOf, run } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
  await run(db, scopeSql({ range: MARCH }));
});

const one = (name: string, combine: 'and' | 'or', ...rules: SegmentRule[]): Segment => ({ name, combine: 'and', groups: [{ combine, rules }] });

/** Customers of the whole customer_base matching the segment. */
async function members(segment: Segment, rfmRelation?: string): Promise<string[]> {
  const where = segmentPredicate(segment, { alias: 'b', rfmRelation });
  const rows = await db.rows<{ customer_id: string }>(`SELECT customer_id FROM customer_base b WHERE ${where.sql} ORDER BY customer_id`, where.params);
  return rows.map((r) => r.customer_id);
}

// All-time facts are in the table at the top of fixture.ts.
describe('segments', () => {
  it('AND: country is UK and total revenue ≥ 100', async () => {
    const segment = one('Big UK', 'and', { kind: 'text', field: 'country', op: 'is', value: 'UK' }, { kind: 'number', field: 'total_revenue', op: '>=', value: 100 });
    // UK: C01 150, C02 200, C09 55 → C09 is under 100
    expect(await members(segment)).toEqual(['C01', 'C02']);
  });

  it("OR, with a quote and SQL text as values: city is O'Fallon or bought the product named like an injection", async () => {
    const segment = one('Odd', 'or', { kind: 'text', field: 'city', op: 'is', value: "O'Fallon" }, { kind: 'product', product: INJECTION, when: 'ever' });
    expect(await members(segment)).toEqual(['C08', 'C10']);
    // the text is bound: matching it as a country finds nobody and leaves the tables alone
    expect(await members(one('Nobody', 'and', { kind: 'text', field: 'country', op: 'is', value: INJECTION }))).toEqual([]);
    expect(await members(one('Nobody', 'and', { kind: 'text', field: 'country', op: 'is', value: "UK' OR '1'='1" }))).toEqual([]);
    expect(await db.rows('SELECT count(*)::INTEGER AS n FROM orders')).toEqual([{ n: 15 }]);
    expect(segmentPredicate(segment).params).toEqual(["O'Fallon", INJECTION]);
    expect(segmentPredicate(segment).sql).not.toContain('DROP');
  });

  it('is not includes customers without a value; numbers, dates and AOV compare as stated', async () => {
    expect(await members(one('Not UK', 'and', { kind: 'text', field: 'country', op: 'is_not', value: 'UK' }))).toEqual(['C03', 'C04', 'C05', 'C06', 'C07', 'C08', 'C10']);
    // AOV (revenue ÷ paid orders): C02 200, C05 300, C08 500 are > 100; C04 is exactly 100; C03 has none
    expect(await members(one('AOV', 'and', { kind: 'number', field: 'aov', op: '>', value: 100 }))).toEqual(['C02', 'C05', 'C08']);
    expect(await members(one('AOV', 'and', { kind: 'number', field: 'aov', op: '=', value: 100 }))).toEqual(['C04']);
    expect(await members(one('AOV', 'and', { kind: 'number', field: 'aov', op: '<', value: 1 }))).toEqual([]); // C03: no AOV at all
    // purchases ≥ 2: C01, C04 (R01 is not a purchase), C07, C09
    expect(await members(one('Orders', 'and', { kind: 'number', field: 'order_count', op: '>=', value: 2 }))).toEqual(['C01', 'C04', 'C07', 'C09']);
    // last purchase on or after 03-28: C08 (03-28), C09 (04-10); first purchase before 2024: C05, C06
    expect(await members(one('Recent', 'and', { kind: 'date', field: 'last_purchase', op: 'on_or_after', value: '2024-03-28' }))).toEqual(['C08', 'C09']);
    expect(await members(one('Old', 'and', { kind: 'date', field: 'first_purchase', op: 'before', value: '2024-01-01' }))).toEqual(['C05', 'C06']);
  });

  it('one level of grouping: (FR and ≥ 2 purchases) or (first purchase before 2024)', async () => {
    const segment: Segment = {
      name: 'Grouped',
      combine: 'or',
      groups: [
        { combine: 'and', rules: [{ kind: 'text', field: 'country', op: 'is', value: 'FR' }, { kind: 'number', field: 'order_count', op: '>=', value: 2 }] },
        { combine: 'and', rules: [{ kind: 'date', field: 'first_purchase', op: 'before', value: '2024-01-01' }] },
      ],
    };
    expect(await members(segment)).toEqual(['C04', 'C05', 'C06']); // C04 | C05, C06
    expect(await members({ ...segment, combine: 'and' })).toEqual([]); // no French customer started before 2024
    expect(await members({ name: 'Everyone', combine: 'and', groups: [{ combine: 'or', rules: [] }] })).toHaveLength(10); // no rules: everyone
  });

  it('bought a product in range reads what the range bought', async () => {
    // Tea in March: C01 (O02), C04 (O06); C07 and C09 bought Tea in Feb / Apr only
    expect(await members(one('Tea', 'and', { kind: 'product', product: 'Tea', when: 'in_range' }))).toEqual(['C01', 'C04']);
    expect(await members(one('Tea', 'and', { kind: 'product', product: 'Tea', when: 'ever' }))).toEqual(['C01', 'C04', 'C07', 'C09']);
  });

  it('RFM rules compile against the relation the caller names, and say so when there is none', async () => {
    const segment = one('Champions', 'and', { kind: 'rfm', segment: 'Champions' });
    expect(usesRfm(segment)).toBe(true);
    expect(() => segmentPredicate(segment)).toThrow(SegmentError);
    await db.query("CREATE OR REPLACE TEMP TABLE test_rfm AS SELECT * FROM (VALUES ('C08', 'Champions'), ('C02', 'Loyal')) t(customer_id, rfm_segment)");
    expect(await members(segment, 'test_rfm')).toEqual(['C08']);
  });

  it('a segment applies to every panel and its size is shown live', async () => {
    const segment = one('Big UK', 'and', { kind: 'text', field: 'country', op: 'is', value: 'UK' }, { kind: 'number', field: 'total_revenue', op: '>=', value: 100 });
    await run(db, [...scopeSql({ range: MARCH, segment }), ...previousScopeSql({ range: MARCH, segment })]);
    const [current] = await rowsOf(db, KPIS_SQL);
    expect(current).toMatchObject({ customers: 2, revenue: 250 }); // C01 50 + C02 200
    await run(db, scopeSql({ range: MARCH }));
    // all time: C01, C02; both bought in March
    expect(await rowsOf(db, segmentSizeSql(segment))).toEqual([{ customers: 2, customers_in_range: 2 }]);
  });

  it('serialises to JSON and validates what it reads back', () => {
    const segments: Segment[] = [
      { name: 'Mixed', combine: 'or', groups: [{ combine: 'and', rules: [
        { kind: 'text', field: 'city', op: 'is_not', value: INJECTION },
        { kind: 'product', product: "O'Brien's", when: 'in_range' },
        { kind: 'number', field: 'aov', op: '<=', value: 12.5 },
        { kind: 'date', field: 'last_purchase', op: 'before', value: '2024-02-29' },
        { kind: 'rfm', segment: 'At risk' },
        { kind: 'churn', risk: 'overdue' },
      ] }] },
    ];
    expect(parseSegments(serializeSegments(segments))).toEqual(segments);
    expect(() => parseSegments('{')).toThrow(/not valid JSON/);
    expect(() => parseSegments('{"version":2,"segments":[]}')).toThrow(/unknown format/);
    const bad = (rule: unknown) => () => validateSegment({ name: 'x', combine: 'and', groups: [{ combine: 'and', rules: [rule] }] });
    expect(bad({ kind: 'number', field: 'aov', op: '> 0 OR 1=1 --', value: 1 })).toThrow(/unknown comparison/);
    expect(bad({ kind: 'text', field: 'country; DROP TABLE orders', op: 'is', value: 'x' })).toThrow(/unknown field/);
    expect(bad({ kind: 'number', field: 'aov', op: '>', value: '1' })).toThrow(/finite number/);
    expect(bad({ kind: 'date', field: 'first_purchase', op: 'before', value: '01/02/2024' })).toThrow(/YYYY-MM-DD/);
    expect(bad({ kind: 'churn' })).toThrow(/churn risk must be "overdue"/);
    expect(bad({ kind: 'churn', risk: 'overdue OR 1=1' })).toThrow(/churn risk must be "overdue"/);
    expect(() => segmentPredicate(one('Forged', 'and', { kind: 'churn', risk: 'likely' as never }))).toThrow(SegmentError);
    expect(() => validateSegment({ name: ' ', combine: 'and', groups: [] })).toThrow(/needs a name/);
    // an unchecked segment cannot smuggle SQL through an operator or a field either
    const forged = one('Forged', 'and', { kind: 'number', field: 'aov', op: '>; DROP TABLE orders' as never, value: 1 });
    expect(() => segmentPredicate(forged)).toThrow(SegmentError);
  });

  it('every rule kind has a definition', () => {
    for (const kind of ['text', 'product', 'number', 'date', 'rfm', 'churn'] as const) expect(SEGMENT_RULE_DEFINITIONS[kind].length).toBeGreaterThan(10);
    // the churn rule says what overdue means, and that P(alive) is not part of it
    expect(SEGMENT_RULE_DEFINITIONS.churn).toMatch(/more than 2 × her mean gap between purchase days/);
    expect(SEGMENT_RULE_DEFINITIONS.churn).toMatch(/last day in the orders data/);
    expect(SEGMENT_RULE_DEFINITIONS.churn).toMatch(/two or more purchase days/);
    expect(SEGMENT_RULE_DEFINITIONS.churn).toMatch(/P\(alive\) is not part of this rule/);
  });

  it('churn risk counts to the last day in the data, not to today: on the fixture nobody is overdue', async () => {
    // Last day 2024-04-10 (today in the fixture is 2025-01-01, when all four with a rhythm would be overdue).
    // C01 36 days ≤ 2 × 55; C04 21 ≤ 2 × 17 = 34; C07 26 ≤ 2 × 29; C09 0 ≤ 2 × 50.
    expect(await members(one('Overdue', 'and', { kind: 'churn', risk: 'overdue' }))).toEqual([]);
  });
});

// The fixture plus one order that moves the data's last day to 2024-06-30.
const LATER_CSV = `${FIXTURE_CSV}\nO15,C11,kim@example.com,Kim,2024-06-30,20,1,Mug,Kitchen,UK,London,web,paid`;

describe('the churn risk rule', () => {
  let later: NodeDatabase;
  beforeAll(async () => {
    later = await NodeDatabase.open();
    await loadFixture(later, LATER_CSV);
  });
  async function laterMembers(segment: Segment): Promise<string[]> {
    const where = segmentPredicate(segment, { alias: 'b' });
    const rows = await later.rows<{ customer_id: string }>(`SELECT customer_id FROM customer_base b WHERE ${where.sql} ORDER BY customer_id`, where.params);
    return rows.map((r) => r.customer_id);
  }
  const overdue: SegmentRule = { kind: 'churn', risk: 'overdue' };

  // Paid purchase days (fixture.ts) and the days to 2024-06-30:
  //   C01 01-10, 03-05: rhythm 55; 03-05 → 06-30 = 26 + 30 + 31 + 30 = 117 > 2 × 55 = 110 → overdue
  //   C04 03-03, 03-20 (R01 on 03-25 is refund-only, not a purchase): rhythm 17; 03-20 → 06-30 = 11 + 30 + 31 + 30 = 102 > 34 → overdue
  //   C07 02-15, 03-15: rhythm 29; 03-15 → 06-30 = 16 + 30 + 31 + 30 = 107 > 58 → overdue
  //   C09 02-20, 04-10: rhythm 50; 04-10 → 06-30 = 20 + 31 + 30 = 81 ≤ 100 → not overdue
  //   C02, C03, C05, C06, C08, C10, C11: one purchase day (C03's only order is free) → no rhythm, never overdue
  it('matches the customers overdue against their own rhythm, the same as the churn risk list', async () => {
    expect(await laterMembers(one('Overdue', 'and', overdue))).toEqual(['C01', 'C04', 'C07']);
    const list = await rowsOf<{ customer_id: string }>(later, churnRiskSql({ onlyOverdue: true }));
    expect(list.map((r) => r.customer_id).sort()).toEqual(['C01', 'C04', 'C07']);
  });

  it('embeds the churn list as a set: no ORDER BY inside IN (…), the list itself still ordered by risk', async () => {
    const where = segmentPredicate(one('Overdue', 'and', overdue), { alias: 'b' });
    expect(where.sql).toContain('IN (SELECT customer_id FROM (');
    expect(where.sql).not.toMatch(/ORDER BY/i);
    expect(churnRiskSql({ onlyOverdue: true }).sql).toMatch(/ORDER BY risk DESC, customer_id\s*$/);
    expect(churnRiskSql({ onlyOverdue: true, ordered: false }).sql).not.toMatch(/ORDER BY/i);
    // Risk = days since ÷ rhythm: C04 102 / 17 = 6, C07 107 / 29 ≈ 3.69, C01 117 / 55 ≈ 2.13 → highest first.
    const list = await rowsOf<{ customer_id: string }>(later, churnRiskSql({ onlyOverdue: true }));
    expect(list.map((r) => r.customer_id)).toEqual(['C04', 'C07', 'C01']);
  });

  it('AND with a country, OR with a country, and inside groups', async () => {
    const uk: SegmentRule = { kind: 'text', field: 'country', op: 'is', value: 'UK' };
    const de: SegmentRule = { kind: 'text', field: 'country', op: 'is', value: 'DE' };
    // overdue {C01 UK, C04 FR, C07 US} and UK {C01, C02, C09, C11} → C01
    expect(await laterMembers(one('Overdue UK', 'and', overdue, uk))).toEqual(['C01']);
    // overdue {C01, C04, C07} or DE {C05, C06}
    expect(await laterMembers(one('Overdue or DE', 'or', overdue, de))).toEqual(['C01', 'C04', 'C05', 'C06', 'C07']);
    // (overdue and all-time revenue ≥ 150) or (UK and last purchase on or after 2024-04-01)
    const grouped: Segment = {
      name: 'Grouped',
      combine: 'or',
      groups: [
        { combine: 'and', rules: [overdue, { kind: 'number', field: 'total_revenue', op: '>=', value: 150 }] },
        { combine: 'and', rules: [uk, { kind: 'date', field: 'last_purchase', op: 'on_or_after', value: '2024-04-01' }] },
      ],
    };
    // group 1: C01 150, C04 200 (C07 has 100); group 2: C09 (04-10), C11 (06-30) → C01, C04, C09, C11
    expect(await laterMembers(grouped)).toEqual(['C01', 'C04', 'C09', 'C11']);
  });

  it('filters every panel, in both periods, and is measured live', async () => {
    const segment = one('Overdue', 'and', overdue);
    await run(later, [...scopeSql({ range: null, segment }), ...previousScopeSql({ range: null, segment })]);
    const [allTime] = await rowsOf(later, KPIS_SQL);
    // C01 150 + C04 200 (80 + 120) + C07 100 (40 + 60)
    expect(allTime).toMatchObject({ customers: 3, revenue: 450 });
    await run(later, [...scopeSql({ range: MARCH, segment }), ...previousScopeSql({ range: MARCH, segment })]);
    const [march] = await rowsOf(later, KPIS_SQL);
    // March: C01 O02 50, C04 O05 80 + O06 120, C07 O10 60 → 310; all three bought in March
    expect(march).toMatchObject({ customers: 3, revenue: 310 });
    // all time 3 (the segment's size ignores the range); with a purchase in March (the current scope): all 3
    expect(await rowsOf(later, segmentSizeSql(segment))).toEqual([{ customers: 3, customers_in_range: 3 }]);
  });
});
