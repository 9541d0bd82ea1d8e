// Regression tests for review 6's privacy findings, each named for what broke.
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { loadFixture, MARCH } from '../analyses/fixture';
import { buildReport, REMOVED, SUPPRESSED, type ReportPayload } from '../../../src/share/report';
import { identifyingValues, stringsIn } from '../../../src/share/privacy';

let db: NodeDatabase;
const table = (name: string, sql: string) => db.query(`CREATE OR REPLACE TEMP TABLE ${name} AS ${sql}`);
const cells = (...names: string[]) => names.map((name) => ({ name, relation: name }));

beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

describe('notebook cells are judged by the engine, not by their column names (review 6, findings 1 and 11)', () => {
  it('a customer-level query with a constant "customers" column is refused (the reviewer’s probe)', async () => {
    await table('per_customer_const', `SELECT customer_id, 5 AS customers, ltv AS revenue, first_order_at FROM customer_base ORDER BY ltv DESC`);
    await table('per_customer_orders', `SELECT customer_id, count(*)::INTEGER AS customers, sum(net)::DOUBLE AS revenue FROM orders GROUP BY customer_id`);
    for (const k of [2, 5]) {
      const p = await buildReport(db, { filter: { range: MARCH }, k, grain: 'month', today: '2025-01-01', cells: cells('per_customer_const', 'per_customer_orders') });
      // 10 rows, one per customer, but 10 customers make at most ⌊10 ÷ k⌋ (5 or 2) groups of k: refused whole.
      expect(p.cells).toEqual([]);
      expect(p.withheld).toContainEqual({ item: 'per_customer_const', reason: 'too_many_groups', count: 10 });
      expect(p.withheld).toContainEqual({ item: 'per_customer_orders', reason: 'too_many_groups', count: 10 });
    }
  });

  it('a customer count that is not a whole number from 0 to the customers in the data is refused', async () => {
    await table('fractional', `SELECT * FROM (VALUES ('UK', 2.5)) t(country, customers)`);
    await table('too_big', `SELECT * FROM (VALUES ('UK', 11)) t(country, customers)`); // the data has 10 customers
    await table('text_count', `SELECT * FROM (VALUES ('UK', 'many')) t(country, customers)`);
    const p = await buildReport(db, { filter: { range: MARCH }, k: 2, today: '2025-01-01', cells: cells('fractional', 'too_big', 'text_count') });
    expect(p.cells).toEqual([]);
    for (const item of ['fractional', 'too_big', 'text_count']) expect(p.withheld).toContainEqual({ item, reason: 'bad_customer_count', count: 1 });
  });

  it('the row count is the whole result’s, not the first 1000 rows’', async () => {
    await table('long', `SELECT i AS bucket, 0 AS customers FROM range(1200) r(i)`);
    const p = await buildReport(db, { filter: { range: MARCH }, k: 5, today: '2025-01-01', cells: cells('long') });
    expect(p.withheld).toContainEqual({ item: 'long', reason: 'too_many_groups', count: 1200 });
  });

  it('a cell longer than the row limit is refused whole, never cut', async () => {
    // 4 rows of 2 customers ≤ ⌊10 ÷ 2⌋ = 5 groups.
    await table('four', `SELECT * FROM (VALUES ('a', 2), ('b', 2), ('c', 2), ('d', 2)) t(bucket, customers)`);
    const refused = await buildReport(db, { filter: { range: MARCH }, k: 2, today: '2025-01-01', cells: cells('four'), cellRowLimit: 3 });
    expect(refused.cells).toEqual([]);
    expect(refused.withheld).toContainEqual({ item: 'four', reason: 'too_many_rows', count: 4 });
    const whole = await buildReport(db, { filter: { range: MARCH }, k: 2, today: '2025-01-01', cells: cells('four'), cellRowLimit: 4 });
    expect(whole.cells[0]!.table.rows).toEqual([['a', 2], ['b', 2], ['c', 2], ['d', 2]]);
  });
});

it('a recipe’s SQL is checked word by word: a name inside another word is not a finding there (the report’s check is stricter)', async () => {
  const strings = ["SELECT * FROM t WHERE note = 'Dear Hal'", "SELECT code AS xo'harax"];
  expect((await identifyingValues(db, strings, [], { contained: false })).strings).toEqual(new Set([strings[0]]));
  expect((await identifyingValues(db, strings)).strings).toEqual(new Set(strings));
});

describe('identifying values are found in derived forms, numbers and the customer file (review 6, finding 2)', () => {
  let crm: NodeDatabase;
  beforeAll(async () => {
    crm = await NodeDatabase.open();
    await loadFixture(crm);
    // A customer file with a numeric id, a two-word name and an e-mail that the orders do not have.
    await crm.query(`CREATE TABLE customer_profiles AS SELECT * FROM (VALUES ('17850', 'Zelda Quist', 'zq.buyer@shop.test'), ('C01', 'Ann', 'ann@example.com')) t(customer_id, customer_name, customer_email)`);
    await crm.query(`CREATE TEMP TABLE derived AS SELECT * FROM (VALUES
      ('Dear Hal O''Hara!', 'C01.', 'o''hara', 'jo', 17850, 'Kitchen', 9),
      ('for ZELDA', 'zq.buyer', 'Quist & co', 'Team Ann', 17851, 'Mug', 9)) t(a, b, c, d, cohort, e, customers)`);
  });

  it('replaces each derived form, the numeric id, and the customer file’s values, and keeps the rest', async () => {
    const p = await buildReport(crm, { filter: { range: MARCH }, k: 5, today: '2025-01-01', cells: cells('derived') });
    const rows = p.cells.find((c) => c.name === 'derived')!.table.rows;
    // "Dear Hal O'Hara!" holds the name; "C01." the id as a word; "o'hara" the e-mail's local part; "jo" C10's local part;
    // 17850 is a customer id of the customer file; "for ZELDA" and "Quist & co" a word of its two-word name; "zq.buyer" its local part;
    // "Team Ann" holds Ann as a word. 17851, "Kitchen" and "Mug" identify nobody.
    expect(rows).toEqual([
      [REMOVED, REMOVED, REMOVED, REMOVED, REMOVED, 'Kitchen', 9],
      [REMOVED, REMOVED, REMOVED, REMOVED, 17851, 'Mug', 9],
    ]);
    for (const value of ['hal', "o'hara", 'c01', 'zelda', 'quist', 'zq.buyer', '17850']) {
      expect([...stringsIn(p)].filter((s) => s.toLowerCase().includes(value)), value).toEqual([]);
    }
  });
});

/** Published customer counts that describe nested groups, as (what, outer, inner): their difference must not be 1…k−1. */
function nestedPairs(p: ReportPayload): [string, number, number][] {
  const n = (v: unknown) => (typeof v === 'number' ? v : null);
  const out: [string, number, number][] = [];
  const total = n(p.kpis.customers[0]);
  if (total === null) return out;
  const col = (t: { columns: string[]; rows: unknown[][] }, c: string) => t.rows.map((r) => n(r[t.columns.indexOf(c)]));
  const sumIfShown = (values: (number | null)[]) => (values.every((v) => v !== null) ? values.reduce<number>((s, v) => s + v!, 0) : null);
  const partial = (values: (number | null)[]) => values.reduce<number>((s, v) => s + (v ?? 0), 0);
  // The new / returning split, alone and as the periods' new customers add up to it.
  const newCustomers = n(p.kpis.new_customers[0]);
  for (const id of ['new_customers', 'returning_customers', 'free_trial_customers', 'one_time_customers', 'repeat_customers'] as const) {
    const v = n(p.kpis[id][0]);
    if (v !== null) out.push([`KPI ${id}`, total, v]);
  }
  out.push(['KPI kinds shown', total, partial(['free_trial_customers', 'one_time_customers', 'repeat_customers'].map((id) => n(p.kpis[id as 'repeat_customers'][0])))]);
  for (const [what, values] of [['activity new', col(p.activity, 'new_customers')], ['acquisition', col(p.acquisition, 'customers')]] as const) {
    const all = sumIfShown([...values]);
    if (all !== null) out.push([`${what} (all periods)`, total, all]);
    if (newCustomers !== null) out.push([`${what} (shown periods)`, newCustomers, partial([...values])]);
  }
  // A single period: its returning customers are the range's.
  if (p.activity.rows.length === 1 && n(p.activity.rows[0]![2]) !== null) out.push(['activity returning', total, n(p.activity.rows[0]![2])!]);
  for (const f of p.facets) {
    const values = col(f.values, 'customers');
    if (['product', 'category', 'status'].includes(f.dimension)) values.forEach((v) => v !== null && out.push([`${f.dimension} value`, total, v]));
    else out.push([`${f.dimension} values`, total, partial(values)]);
  }
  out.push(['rfm segments shown', total, partial(col(p.rfm, 'customers'))]);
  return out;
}

describe('small groups cannot be worked out by subtraction across panels (review 6, finding 3)', () => {
  it('the reviewer’s examples: March by month at k = 5 shows neither new = 5 of 7 nor paid = 6 of 7', async () => {
    const p = await buildReport(db, { filter: { range: MARCH }, k: 5, grain: 'month', today: '2025-01-01' });
    expect(p.kpis.customers[0]).toBe(7);
    expect(p.kpis.returning_customers[0]).toBe(SUPPRESSED);
    expect(p.activity.rows.map((r) => r[1])).toEqual([SUPPRESSED]); // was 5: 7 − 5 = 2 returning
    expect(p.facets.find((f) => f.dimension === 'status')!.values.rows.map((r) => r[0])).not.toContain('paid'); // was 6: 1 free trial
  });

  it('for every pair of published counts describing nested groups, the difference is 0 or at least k', async () => {
    let checked = 0;
    for (const k of [2, 3, 5]) {
      for (const range of [MARCH, null, { start: '2024-02-01', end: '2024-04-11' }]) {
        for (const grain of ['day', 'week', 'month'] as const) {
          const p = await buildReport(db, { filter: { range }, k, grain, today: '2025-01-01' });
          for (const [what, outer, inner] of nestedPairs(p)) {
            const d = outer - inner;
            expect(d === 0 || d >= k || d < 0, `${what}: ${outer} − ${inner} = ${d} at k = ${k}, ${grain}, ${JSON.stringify(range)}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
