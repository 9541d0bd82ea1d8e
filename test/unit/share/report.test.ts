import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { INJECTION, loadFixture, MARCH } from '../analyses/fixture';
import { buildReport, REMOVED, SUPPRESSED, validateReport, type ReportPayload } from '../../../src/share/report';
import { checkReport, isIdentifyingColumn, mergeSmall, PrivacyViolation, stringsIn, suppressionMask } from '../../../src/share/privacy';
import { payloadOfHtml, reportHtml } from '../../../src/share/report-html';
import { decodeJson, encodeJson } from '../../../src/share/codec';
import { Formatter } from '../../../src/i18n/format';

let db: NodeDatabase;
/** Notebook results as the notebook keeps them: engine tables named after the cell. */
const CELL_TABLES: Record<string, string> = {
  // UK 2, FR 3, US 1 customers: at k = 2 US is hidden, and UK with it (US alone could be read off a total).
  by_country: `SELECT * FROM (VALUES ('UK', 2, 1), ('FR', 3, 2), ('US', 1, 3)) t(country, customers, revenue)`,
  // Per-customer rows: the id column is dropped, the rows (1 customer each) too.
  who: `SELECT * FROM (VALUES ('C01', 1), ('C02', 1)) t(customer_id, customers)`,
  // No customer count: refused.
  money: `SELECT * FROM (VALUES ('UK', 250)) t(country, revenue)`,
  // A label that is a customer's name, on a big enough group: replaced.
  labels: `SELECT * FROM (VALUES ('Ann', 7), ('Kitchen', 4)) t(label, customers)`,
};
const CELLS = Object.keys(CELL_TABLES).map((name) => ({ name, relation: name }));

beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
  for (const [name, sql] of Object.entries(CELL_TABLES)) await db.query(`CREATE OR REPLACE TEMP TABLE ${name} AS ${sql}`);
});

const report = (k: number) => buildReport(db, { filter: { range: MARCH }, k, grain: 'week', today: '2025-01-01', cells: CELLS });

/**
 * Every identifying value of the fixture, written out by hand (fixture.ts' table): order ids,
 * customer ids, e-mails, names, and the derived forms a person would recognise (e-mail local parts,
 * each word of a two-word name).
 */
const IDENTIFYING = [
  'O01', 'O02', 'O03', 'O04', 'O05', 'O06', 'O07', 'O08', 'O09', 'O10', 'O11', 'O12', 'O13', 'O14', 'R01',
  'C01', 'C02', 'C03', 'C04', 'C05', 'C06', 'C07', 'C08', 'C09', 'C10',
  'ann@example.com', 'bob@example.com', 'cat@example.com', 'dan@example.com', 'eve@example.com', 'fay@example.com', 'gus@example.com',
  "o'hara@example.com", 'ivy@example.com', 'jo@example.com',
  'Ann', 'Bob', 'Cat', 'Dan', 'Eve', 'Fay', 'Gus', "Hal O'Hara", 'Hal', "O'Hara", 'Ivy', '=Jo', 'Jo',
];

/**
 * The test's own rule, not the implementation's: a value of 4 or more characters must not occur
 * inside any string (any case); a shorter one must not be a word of any string (words: runs of
 * letters and digits).
 */
function leaks(strings: string[], value: string): string[] {
  const v = value.toLowerCase();
  if (v.length >= 4) return strings.filter((s) => s.toLowerCase().includes(v));
  const word = v.replace(/[^\p{L}\p{N}]/gu, '');
  return strings.filter((s) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).includes(word));
}

/** Each customer-count figure of the payload, by the columns the report is known to have (written out, not matched by name). */
function customerCounts(p: ReportPayload): (number | string | null)[] {
  const column = (t: { columns: string[]; rows: unknown[][] }, name: string) => t.rows.map((r) => r[t.columns.indexOf(name)] as number | string | null);
  const fromTables = [p.acquisition, p.rfm, ...p.facets.map((f) => f.values), ...p.cells.map((c) => c.table)].flatMap((t) => column(t, 'customers'));
  const fromActivity = ['new_customers', 'returning_customers', 'lost_customers'].flatMap((c) => column(p.activity, c));
  const kpis = ['customers', 'new_customers', 'returning_customers', 'free_trial_customers', 'one_time_customers', 'repeat_customers'] as const;
  return [...fromTables, ...fromActivity, ...kpis.flatMap((id) => p.kpis[id])];
}

describe('buildReport on the fixture, March 2024', () => {
  it('k = 5: KPIs of the 7 customers, every smaller group hidden', async () => {
    const p = await report(5);
    // 7 customers ≥ 5: the whole-scope figures are shown (kpis.test.ts' hand computation).
    expect(p.kpis.customers[0]).toBe(7);
    expect(p.kpis.revenue[0]).toBe(1020);
    expect(p.kpis.refunds[0]).toBe(30);
    expect(p.kpis.orders[0]).toBe(8);
    expect(p.kpis.average_ltv[0]).toBeCloseTo(1090 / 7, 6);
    // Returning 2 < 5 → hidden, and new (5) with it: new = 7 − returning.
    expect(p.kpis.returning_customers[0]).toBe(SUPPRESSED);
    expect(p.kpis.new_customers[0]).toBe(SUPPRESSED);
    expect(p.kpis.acquired_revenue_per_day[0]).toBe(SUPPRESSED);
    // Free trial 1, one-time 3, repeat 3: all under 5.
    expect([p.kpis.free_trial_customers[0], p.kpis.one_time_customers[0], p.kpis.repeat_customers[0]]).toEqual([SUPPRESSED, SUPPRESSED, SUPPRESSED]);
    // Top 20% = ⌈1.4⌉ = 2 customers < 5.
    expect(p.kpis.top20_revenue_share[0]).toBe(SUPPRESSED);
    // The previous period has 2 customers < 5: all of it hidden.
    expect(Object.values(p.kpis).every(([, previous]) => previous === SUPPRESSED)).toBe(true);
    // Pareto: 7 customers cannot be cut into steps of ≥ 5 with ≥ 5 left: only the ends.
    expect(p.pareto).toEqual([[0, 0], [1, 1]]);
    // Countries UK 2, FR 3, US 2: all merged into Other (7, revenue 1020).
    expect(p.facets.find((f) => f.dimension === 'country')!.values.rows).toEqual([['(other)', 7, 1020]]);
    // Status: 'paid' has 6 customers (all but C03's trial), but 7 − 6 = 1 < 5 would give away C03: dropped with 'trial' (1)
    // and 'refunded' (1: C04's R01).
    expect(p.facets.find((f) => f.dimension === 'status')!.values.rows).toEqual([]);
    expect(p.withheld).toContainEqual({ item: 'status', reason: 'below_k', count: 3 });
    // The new / returning split is hidden in the KPIs, so the periods' new and returning customers (which add up to it) are too,
    // and so is acquisition by period.
    expect(p.activity.rows.every((r) => r[1] === SUPPRESSED && r[2] === SUPPRESSED)).toBe(true);
    expect(p.acquisition.rows.every((r) => r[1] === SUPPRESSED && r[2] === SUPPRESSED)).toBe(true);
    // Products: Kettle 3, Mug 2, Tea 2, Trial box 1, the injection text 1: none reaches 5.
    expect(p.facets.find((f) => f.dimension === 'product')!.values.rows).toEqual([]);
    // The labels cell (2 rows ≤ ⌊10 customers ÷ 5⌋ = 2): "Kitchen" (4 < 5) dropped and, as hidden 4 < 5, Ann's 7 with it: no rows.
    expect(p.cells.find((c) => c.name === 'labels')).toBeUndefined();
    // by_country has 3 rows, more than 10 customers can make of groups of 5: refused whole.
    expect(p.withheld).toContainEqual({ item: 'by_country', reason: 'too_many_groups', count: 3 });
  });

  it('k = 2: the same data shows more, still no group under 2', async () => {
    const p = await report(2);
    expect(p.kpis.new_customers).toEqual([5, 2]);
    expect(p.kpis.returning_customers).toEqual([2, 0]);
    // Current kinds 1 / 3 / 3: free trial hidden; its 1 < 2, so the smallest shown (one-time, 3, first of the tie) too.
    expect(p.kpis.free_trial_customers[0]).toBe(SUPPRESSED);
    expect(p.kpis.one_time_customers[0]).toBe(SUPPRESSED);
    expect(p.kpis.repeat_customers[0]).toBe(3);
    // Top 20% of 7 = 2 customers ≥ 2, the other 5 ≥ 2: 700 / 1020.
    expect(p.kpis.top20_revenue_share[0]).toBeCloseTo(700 / 1020, 8);
    // Previous: 2 customers; top 20% = ⌈0.4⌉ = 1 < 2 → hidden.
    expect(p.kpis.top20_revenue_share[1]).toBe(SUPPRESSED);
    // Weeks from Mon 02-26: purchasers 1 (C04 03-03), 3 (C01 03-05, C10 03-08, C02 03-10), 2 (C03 03-12, C07 03-15),
    // 1 (C04 03-20), 1 (C08 03-28; R01's refund): money shown only for the 3 and the 2.
    const activity = p.activity.rows.map((r) => [r[1], r[2], r[3], r[4], r[5]]);
    expect(activity).toEqual([
      [SUPPRESSED, 0, 0, SUPPRESSED, SUPPRESSED],
      [2, SUPPRESSED, SUPPRESSED, 3, 260], // new C10, C02; returning C01; lost C06 (12-05 + 90 = 03-04); O02 50 + O14 10 + O03 200
      [SUPPRESSED, SUPPRESSED, 0, 2, 60], // new C03, returning C07: O04 0 + O10 60
      [0, SUPPRESSED, 0, SUPPRESSED, SUPPRESSED],
      [SUPPRESSED, 0, 0, SUPPRESSED, SUPPRESSED],
    ]);
    // Pareto of 7 by revenue (500, 200, 200, 150, 60, 10, 0 of 1020... C03 0): steps of ≥ 2 with ≥ 2 left: ranks 2, 4.
    // Top 2: 700 / 1020 = 0.6863; top 4: (700 + 200 + 60... ) as the engine ranks, read back: ends at (1, 1).
    expect(p.pareto.map(([x]) => x)).toEqual([0, 0.2857, 0.5714, 1]);
    expect(p.pareto[1]![1]).toBeCloseTo(0.6863, 4);
    // Countries FR 3 (C03 0 + C04 200 + C10 10 = 210), UK 2 (C01 50 + C02 200), US 2 (C07 60 + C08 500).
    expect(p.facets.find((f) => f.dimension === 'country')!.values.rows).toEqual([['FR', 3, 210], ['UK', 2, 250], ['US', 2, 560]]);
    // Cities: Paris 2 (C03, C04) kept; London, Leeds, Lyon, New York, O'Fallon (1 each) → Other 5, revenue 1020 − 200.
    expect(p.facets.find((f) => f.dimension === 'city')!.values.rows).toEqual([['Paris', 2, 200], ['(other)', 5, 820]]);
    // Channels web 4 (C01, C03, C08, C10), app 2 (C04, C07), store 1 (C02): store's 1 < 2, so app joins Other (3).
    expect(p.facets.find((f) => f.dimension === 'channel')!.values.rows).toEqual([['web', 4, 560], ['(other)', 3, 460]]);
    // Status: paid 6 of 7 → 1 left < 2: dropped (complement), with trial 1 and refunded 1.
    expect(p.facets.find((f) => f.dimension === 'status')!.values.rows).toEqual([]);
    // Products: Kettle 3 (7 − 3 = 4), Mug 2 (5 left), Tea 2 (5 left) kept; Trial box and the injection text (1 each) dropped.
    expect(p.facets.find((f) => f.dimension === 'product')!.values.rows.map((r) => r[0])).toEqual(['Kettle', 'Mug', 'Tea']);
    // Cells: by_country keeps FR only; who loses its id column and both rows; money is refused; Ann's label replaced.
    expect(p.cells.find((c) => c.name === 'by_country')!.table.rows).toEqual([['FR', 3, 2]]);
    expect(p.cells.find((c) => c.name === 'who')).toBeUndefined();
    expect(p.cells.find((c) => c.name === 'money')).toBeUndefined();
    expect(p.cells.find((c) => c.name === 'labels')!.table.rows).toEqual([[REMOVED, 7], ['Kitchen', 4]]);
    expect(p.withheld).toEqual(expect.arrayContaining([
      { item: 'who', reason: 'identifying_columns', count: 1 },
      { item: 'money', reason: 'no_customer_count', count: 1 },
      { item: 'values', reason: 'identifying_values', count: 1 },
    ]));
  });

  it('privacy: the decoded payload holds no identifying value and no group under k', async () => {
    for (const k of [2, 5]) {
      const decoded = validateReport(await decodeJson(await encodeJson(await report(k))));
      const strings = [...stringsIn(decoded)];
      expect(strings.length).toBeGreaterThan(20);
      for (const value of [...IDENTIFYING, INJECTION]) expect(leaks(strings, value), `${value} at k=${k}`).toEqual([]);
      const counts = customerCounts(decoded);
      expect(counts.length).toBeGreaterThan(20);
      for (const n of counts) expect(n === SUPPRESSED || n === null || n === 0 || (typeof n === 'number' && n >= k), `${String(n)} at k=${k}`).toBe(true);
      expect(() => checkReport(decoded)).not.toThrow();
    }
  });

  it('checkReport refuses a payload with a small group or an identifying column', async () => {
    const p = await report(5);
    expect(() => checkReport({ ...p, rfm: { columns: ['segment', 'customers'], rows: [['Champions', 3]] } })).toThrow(PrivacyViolation);
    expect(() => checkReport({ ...p, cells: [{ name: 'x', table: { columns: ['email', 'customers'], rows: [] } }] })).toThrow(PrivacyViolation);
  });

  it('reportHtml is one page with the figures, no script source and no other address', async () => {
    const p = await report(2);
    const html = reportHtml(p, new Formatter('en-US'));
    expect(html).toContain('data-kpi="revenue"><dt');
    expect(html).toMatch(/data-kpi="revenue">.*?<span class="value">1,020\.00<\/span>/s); // no single currency in the fixture: plain number
    expect(html).toMatch(/data-kpi="customers">.*?<span class="value">7<\/span>/s);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html.match(/https?:\/\/[^\s"'<]+/g)?.filter((u) => u !== 'http://www.w3.org/2000/svg') ?? []).toEqual([]);
    expect(payloadOfHtml(html)).toEqual(p);
  });
});

describe('privacy helpers', () => {
  it('suppresses small cells and enough others that their sum is not a small group', () => {
    // 1 and 2 are under 5 (sum 3 < 5): the smallest shown non-empty cell (6) goes too; 0 stays.
    expect(suppressionMask([1, 6, 0, 2, 9], 5)).toEqual([true, true, false, true, false]);
    expect(suppressionMask([5, 0, 7], 5)).toEqual([false, false, false]);
  });

  it('merges small values into Other, itself at least k', () => {
    const rows = [10, 6, 3, 1].map((customers) => ({ customers, values: [customers * 10] }));
    // 3 + 1 = 4 < 5 → the smallest kept (6) joins: Other 10, value 100.
    expect(mergeSmall(rows, 5, 12)).toMatchObject({ kept: [rows[0]], other: { customers: 10, values: [100] }, merged: 3 });
  });

  it('knows identifying column names', () => {
    for (const name of ['customer_id', 'CustomerID', 'e-mail', 'Email', 'name', 'first_name', 'billing_address', 'phone', 'customer', 'zip']) expect(isIdentifyingColumn(name), name).toBe(true);
    for (const name of ['customers', 'new_customers', 'customer_count', 'revenue', 'country', 'segment', 'period']) expect(isIdentifyingColumn(name), name).toBe(false);
  });
});
