import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { RFM_DEFINITIONS, RFM_INPUT_RELATION, rfmCellSummarySql, rfmCustomersSql, rfmInputSql, rfmScoresSql, rfmSegmentSummarySql } from '../../../src/analyses/rfm';
import { scopeSql } from '../../../src/analyses/filters';
import { loadFixture, MARCH, run as runAll } from './fixture';
import { GRID_PRESETS, gridCells, gridIsValid, PUTLER_GRID, RF_TUTORIAL_GRID, validateGrid, type SegmentGrid } from '../../../src/analyses/rfm-grid';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  // 12 customers as of 2024-12-31, with ties: six have one order; C, D and F spent 50; C and D share a last-order day.
  await db.query(`CREATE TABLE rfm_customers AS SELECT * FROM (VALUES
    ('A', TIMESTAMP '2024-12-31 18:00', 5, 500.0),
    ('B', TIMESTAMP '2024-12-30 09:00', 3, 300.0),
    ('C', TIMESTAMP '2024-12-20 10:00', 1, 50.0),
    ('D', TIMESTAMP '2024-12-20 23:00', 1, 50.0),
    ('E', TIMESTAMP '2024-11-30 12:00', 2, 120.0),
    ('F', TIMESTAMP '2024-11-01 12:00', 1, 50.0),
    ('G', TIMESTAMP '2024-10-01 12:00', 4, 400.0),
    ('H', TIMESTAMP '2024-09-01 12:00', 1, 20.0),
    ('I', TIMESTAMP '2024-06-01 12:00', 1, 20.0),
    ('J', TIMESTAMP '2024-03-01 12:00', 2, 80.0),
    ('K', TIMESTAMP '2024-01-01 12:00', 1, 10.0),
    ('L', TIMESTAMP '2023-12-31 12:00', 6, 900.0)
  ) AS t(customer_id, last_order_at, orders, net)`);
});

const AS_OF = '2024-12-31 23:59:59';

// n = 12, score = min(5, 1 + ⌊5 (rank − 1) / 11⌋): ranks 1–3 → 1, 4–5 → 2, 6–7 → 3, 8–9 → 4, 10–12 → 5.
// Recency (days to 2024-12-31), ranked most days first:
//   L 366 (1) K 365 (2) J 305 (3) I 213 (4) H 121 (5) G 91 (6) F 60 (7) E 31 (8) C = D 11 (9, 9) B 1 (11) A 0 (12)
//   → R: L K J 1, I H 2, G F 3, E C D 4, B A 5
// Frequency ranked lowest first: C D F H I K = 1 share rank 1 → 1; E J = 2 rank 7 → 3; B 3 rank 9 → 4; G A L ranks 10–12 → 5
// Monetary: K 10 (1) → 1; H = I 20 (2) → 1; C = D = F 50 (4) → 2; J 80 (7) → 3; E 120 (8), B 300 (9) → 4; G A L → 5
// FM = ⌈(F + M) / 2⌉: A 5, B 4, C 2, D 2, E ⌈3.5⌉ = 4, F 2, G 5, H 1, I 1, J 3, K 1, L 5
const EXPECTED = [
  { customer_id: 'A', recency: 0, frequency: 5, monetary: 500, r: 5, f: 5, m: 5, fm: 5, segment: 'Champions' },
  { customer_id: 'B', recency: 1, frequency: 3, monetary: 300, r: 5, f: 4, m: 4, fm: 4, segment: 'Loyal Customers' },
  { customer_id: 'C', recency: 11, frequency: 1, monetary: 50, r: 4, f: 1, m: 2, fm: 2, segment: 'Potential Loyalists' },
  { customer_id: 'D', recency: 11, frequency: 1, monetary: 50, r: 4, f: 1, m: 2, fm: 2, segment: 'Potential Loyalists' },
  { customer_id: 'E', recency: 31, frequency: 2, monetary: 120, r: 4, f: 3, m: 4, fm: 4, segment: 'Loyal Customers' },
  { customer_id: 'F', recency: 60, frequency: 1, monetary: 50, r: 3, f: 1, m: 2, fm: 2, segment: 'About to Sleep' },
  { customer_id: 'G', recency: 91, frequency: 4, monetary: 400, r: 3, f: 5, m: 5, fm: 5, segment: 'Loyal Customers' },
  { customer_id: 'H', recency: 121, frequency: 1, monetary: 20, r: 2, f: 1, m: 1, fm: 1, segment: 'Lost' },
  { customer_id: 'I', recency: 213, frequency: 1, monetary: 20, r: 2, f: 1, m: 1, fm: 1, segment: 'Lost' },
  { customer_id: 'J', recency: 305, frequency: 2, monetary: 80, r: 1, f: 3, m: 3, fm: 3, segment: 'At Risk' },
  { customer_id: 'K', recency: 365, frequency: 1, monetary: 10, r: 1, f: 1, m: 1, fm: 1, segment: 'Lost' },
  { customer_id: 'L', recency: 366, frequency: 6, monetary: 900, r: 1, f: 5, m: 5, fm: 5, segment: "Can't Lose Them" },
];

async function run(query: { sql: string; params: unknown[] }) {
  return db.rows(query.sql, query.params);
}

describe('RFM scores', () => {
  it('scores by rank with ties sharing a score, and names Putler segments', async () => {
    expect(await run(rfmScoresSql({ customers: 'rfm_customers', asOf: AS_OF }))).toEqual(EXPECTED);
  });

  it('names segments of the recency × frequency preset from R and F', async () => {
    // (R, F): A 55, B 54 Champions; C D 41 Promising; E 43 Potential Loyalists; F 31 About to Sleep; G 35 Loyal;
    // H I 21, K 11 Hibernating; J 13 At Risk; L 15 Can't Lose Them
    const rows = await run(rfmScoresSql({ customers: 'rfm_customers', asOf: AS_OF, grid: RF_TUTORIAL_GRID }));
    expect(rows.map((r) => r.segment)).toEqual([
      'Champions', 'Champions', 'Promising', 'Promising', 'Potential Loyalists', 'About to Sleep',
      'Loyal Customers', 'Hibernating', 'Hibernating', 'At Risk', 'Hibernating', "Can't Lose Them",
    ]);
  });

  it('gives every customer score 1 when all values are equal; recency is 0 on the day of the last order', async () => {
    await db.query(`CREATE OR REPLACE TABLE rfm_same AS SELECT 'c' || i AS customer_id, TIMESTAMP '2024-05-01' AS last_order_at, 1 AS orders, 9.5 AS net FROM range(4) t(i)`);
    const rows = await run(rfmScoresSql({ customers: 'rfm_same', asOf: AS_OF }));
    expect(new Set(rows.map((r) => `${r.r}${r.f}${r.m}`))).toEqual(new Set(['111']));
    const one = await run(rfmScoresSql({ customers: 'rfm_same', asOf: '2024-05-01' }));
    expect(one[0]).toMatchObject({ recency: 0, r: 1 });
  });

  it('summarises segments in grid order: customers, revenue and shares (total revenue 2,500)', async () => {
    const rows = await run(rfmSegmentSummarySql({ customers: 'rfm_customers', asOf: AS_OF }));
    expect(rows.map((r) => [r.segment, r.customers, r.revenue])).toEqual([
      ['Champions', 1, 500],
      ['Loyal Customers', 3, 820], // B 300 + E 120 + G 400
      ['Potential Loyalists', 2, 100],
      ['Recent Customers', 0, 0],
      ['Promising', 0, 0],
      ['Need Attention', 0, 0],
      ['About to Sleep', 1, 50],
      ['At Risk', 1, 80],
      ["Can't Lose Them", 1, 900],
      ['Hibernating', 0, 0],
      ['Lost', 3, 50], // H 20 + I 20 + K 10
    ]);
    expect(rows[1]).toMatchObject({ customer_share: 0.25, revenue_share: 820 / 2500, mean_frequency: 3 });
  });

  it('reports customers in uncovered cells under a NULL segment', async () => {
    const partial: SegmentGrid = { ...PUTLER_GRID, rules: PUTLER_GRID.rules.filter((r) => r.segment !== 'Lost') };
    const rows = await run(rfmSegmentSummarySql({ customers: 'rfm_customers', asOf: AS_OF, grid: partial }));
    expect(rows.at(-1)).toMatchObject({ segment: null, customers: 3, revenue: 50 });
  });

  it('counts customers per grid cell, all 25 cells listed', async () => {
    const cells = await run(rfmCellSummarySql({ customers: 'rfm_customers', asOf: AS_OF }));
    expect(cells).toHaveLength(25);
    expect(cells.find((c) => c.r === 4 && c.y === 2)).toEqual({ r: 4, y: 2, segment: 'Potential Loyalists', customers: 2, revenue: 100 });
    expect(cells.find((c) => c.r === 1 && c.y === 1)).toEqual({ r: 1, y: 1, segment: 'Lost', customers: 1, revenue: 10 });
    expect(cells.reduce((n, c) => n + (c.customers as number), 0)).toBe(12);
  });

  it('treats a quote in a segment name as data', async () => {
    const quoted: SegmentGrid = { ...PUTLER_GRID, rules: PUTLER_GRID.rules.map((r) => ({ ...r, segment: r.segment + "'; DROP TABLE rfm_customers; --" })) };
    const rows = await run(rfmScoresSql({ customers: 'rfm_customers', asOf: AS_OF, grid: quoted }));
    expect(rows[0]!.segment).toBe("Champions'; DROP TABLE rfm_customers; --");
  });
});

describe('segment grids', () => {
  it('the presets cover every cell and reach every segment', () => {
    for (const grid of GRID_PRESETS) expect(validateGrid(grid), grid.id).toEqual({ unreachable: [], uncovered: [], undescribed: [], invalidRules: [] });
    expect(PUTLER_GRID.segments).toHaveLength(11);
    // the Putler table, FM 5 row (y = 5) from R = 1 to 5
    expect(gridCells(PUTLER_GRID)[4]).toEqual(["Can't Lose Them", 'At Risk', 'Loyal Customers', 'Loyal Customers', 'Champions']);
    expect(gridCells(PUTLER_GRID)[0]).toEqual(['Lost', 'Lost', 'About to Sleep', 'Promising', 'Recent Customers']);
  });

  it('flags a segment no cell reaches and a cell no segment covers', () => {
    const broken: SegmentGrid = {
      ...PUTLER_GRID,
      rules: [
        // Champions shadowed by an earlier rule over the same cell; Hibernating's cell (R 2, FM 2) dropped
        { segment: 'Loyal Customers', r: [3, 5], y: [5, 5] },
        ...PUTLER_GRID.rules.filter((r) => r.segment !== 'Hibernating'),
      ],
    };
    const problems = validateGrid(broken);
    expect(problems.unreachable).toEqual(['Champions', 'Hibernating']);
    expect(problems.uncovered).toEqual([{ r: 2, y: 2 }]);
    expect(gridIsValid(problems)).toBe(false);
    const named = validateGrid({ ...PUTLER_GRID, rules: [...PUTLER_GRID.rules, { segment: 'VIP', r: [0, 5], y: [5, 4] }] });
    expect(named.undescribed).toEqual(['VIP']);
    expect(named.invalidRules).toEqual([PUTLER_GRID.rules.length]);
  });

  it('every segment has a description and an action, every metric a definition', () => {
    for (const grid of GRID_PRESETS) for (const s of grid.segments) expect(s.description.length * s.action.length, s.name).toBeGreaterThan(0);
    for (const [key, text] of Object.entries(RFM_DEFINITIONS)) expect(text.length, key).toBeGreaterThan(10);
  });
});

describe('rfmInputSql and rfmCustomersSql: the scores the page, the command line and the report share', () => {
  it('scores the range’s customers with recency to the range’s end, or every customer over all history', async () => {
    const shop = await NodeDatabase.open();
    await loadFixture(shop);
    await runAll(shop, scopeSql({ range: MARCH }));
    await shop.query(rfmInputSql(false));
    // March's customers (fixture.ts): C01 C02 C03 C04 C07 C08 C10, each with a purchase by 03-31.
    // C04: O05 03-03 80 and O06 03-20 120 are purchases, R01 03-25 refunds 30: orders 2, net 170, last purchase 03-20.
    // C07: O09 02-15 (before March) and O10 03-15 60: in March 1 order, net 60, last purchase 03-15.
    const input = await shop.rows<{ customer_id: string; orders: number; net: number }>(`SELECT customer_id, orders, net FROM ${RFM_INPUT_RELATION} ORDER BY customer_id`);
    expect(input.map((r) => r.customer_id)).toEqual(['C01', 'C02', 'C03', 'C04', 'C07', 'C08', 'C10']);
    expect(input.find((r) => r.customer_id === 'C04')).toEqual({ customer_id: 'C04', orders: 2, net: 170 });
    const scores = rfmCustomersSql('2024-03-31', PUTLER_GRID, 'report_rfm');
    await shop.query(scores.sql, { params: scores.params });
    const rows = await shop.rows<{ customer_id: string; recency: number; frequency: number; monetary: number }>(
      `SELECT customer_id, recency, frequency, monetary FROM report_rfm WHERE customer_id IN ('C04', 'C07') ORDER BY customer_id`,
    );
    // Recency to 03-31: C04 from 03-20 = 11 days; C07 from 03-15 = 16 days.
    expect(rows).toEqual([
      { customer_id: 'C04', recency: 11, frequency: 2, monetary: 170 },
      { customer_id: 'C07', recency: 16, frequency: 1, monetary: 60 },
    ]);
    // All history: every customer with a purchase (all ten), lifetime orders and net.
    await shop.query(rfmInputSql(true));
    const all = await shop.rows<{ n: number; net: number }>(`SELECT count(*)::INTEGER AS n, sum(net)::DOUBLE AS net FROM ${RFM_INPUT_RELATION}`);
    expect(all).toEqual([{ n: 10, net: 1505 }]); // Σ net to date (fixture.ts): 1575 sales − 70 refunds
  });
});
