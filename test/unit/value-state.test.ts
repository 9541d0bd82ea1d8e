import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { loadFixture, run } from './analyses/fixture';
import { scopeSql } from '../../src/analyses/filters';
import { inlineFitter, ValueState } from '../../src/state/value.svelte';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

// All time (2023-11-01 … 2024-04-10), as of 2024-04-10, ten customers; score = min(5, 1 + ⌊5 (rank − 1) / 9⌋):
// ranks 1–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5.
// Recency (days), most first: C05 161, C06 127 → R1; C01 36, C10 33 → R2; C02 31, C03 29 → R3; C07 26, C04 21 → R4; C08 13, C09 0 → R5.
// Orders: C02 C03 C05 C06 C08 C10 have 1 (rank 1 → F1); C01 C04 C07 C09 have 2 (rank 7 → F4).
// Net: C03 0, C10 10 → M1; C09 55, C06 = C07 60 (rank 4) → M2; C01 150 (6) → M3; C04 170, C02 200 → M4; C05 300, C08 500 → M5.
// FM = ⌈(F + M) / 2⌉ and Putler's cells: C01 (R2, FM4) At Risk; C02 (3, 3) Need Attention; C03 (3, 1) About to Sleep;
// C04 (4, 4) Loyal Customers; C05 (1, 3) At Risk; C06 (1, 2) Lost; C07 (4, 3), C08 (5, 3), C09 (5, 3) Potential Loyalists; C10 (2, 1) Lost.
const EXPECTED: Record<string, number> = {
  Champions: 0, 'Loyal Customers': 1, 'Potential Loyalists': 3, 'Recent Customers': 0, Promising: 0, 'Need Attention': 1,
  'About to Sleep': 1, 'At Risk': 2, "Can't Lose Them": 0, Hibernating: 0, Lost: 2,
};

describe('ValueState', () => {
  it('scores RFM on the scope, counts segments and cells, and writes rfm_customers', async () => {
    await run(db, scopeSql({ range: null }));
    const value = new ValueState(db, inlineFitter);
    await value.refresh({ allHistory: false });
    expect(value.rfm.status).toBe('ready');
    const rfm = value.rfm.data!;
    expect(rfm.asOf).toBe('2024-04-10');
    expect(Object.fromEntries(rfm.segments.map((s) => [s.name, s.customers]))).toEqual(EXPECTED);
    expect(rfm.unsegmented).toBe(0);
    expect(rfm.cells).toHaveLength(25);
    expect(rfm.cells.find((c) => c.r === 5 && c.y === 3)).toMatchObject({ segment: 'Potential Loyalists', customers: 2, revenue: 555 });
    expect(rfm.segments.find((s) => s.name === 'Lost')!.revenueShare).toBeCloseTo(70 / 1505);
    const rows = await db.rows<{ customer_id: string; r: number; fm: number; rfm_segment: string }>(
      `SELECT customer_id, r, fm, rfm_segment FROM rfm_customers WHERE customer_id IN ('C01', 'C06') ORDER BY customer_id`,
    );
    expect(rows).toEqual([
      { customer_id: 'C01', r: 2, fm: 4, rfm_segment: 'At Risk' },
      { customer_id: 'C06', r: 1, fm: 2, rfm_segment: 'Lost' },
    ]);

    // All time, all history gives the same figures on this data.
    value.setAllHistory(true);
    await value.refresh({ allHistory: true });
    expect(Object.fromEntries(value.rfm.data!.segments.map((s) => [s.name, s.customers]))).toEqual(EXPECTED);
  });

  it('reads historical LTV and the formula inputs', async () => {
    await run(db, scopeSql({ range: null }));
    const value = new ValueState(db, inlineFitter);
    await value.refresh({ allHistory: false });
    // Σ net = 1575 sales − 70 refunds = 1505 over 10 customers.
    expect(value.ltv.status).toBe('ready');
    expect(value.ltv.data!.historical.customers).toBe(10);
    expect(value.ltv.data!.historical.ltv).toBeCloseTo(150.5);
    // By country, net to date (fixture.ts' ltv column): US C07 60 + C08 500 = 560 / 2 = 280;
    // DE C05 300 + C06 60 = 360 / 2 = 180; UK C01 150 + C02 200 + C09 55 = 405 / 3 = 135;
    // FR C03 0 + C04 170 + C10 10 = 180 / 3 = 60. Highest first.
    value.ltvBy = 'country';
    await value.refresh(undefined, true);
    expect(value.ltv.data!.groups).toEqual([
      { group: 'US', customers: 2, ltv: 280, revenueShare: 560 / 1505 },
      { group: 'DE', customers: 2, ltv: 180, revenueShare: 360 / 1505 },
      { group: 'UK', customers: 3, ltv: 135, revenueShare: 405 / 1505 },
      { group: 'FR', customers: 3, ltv: 60, revenueShare: 180 / 1505 },
    ]);
    expect(value.formula).not.toBeNull();
    expect(value.cohorts.status).toBe('ready');
    expect(value.cohorts.data!.matrix.length).toBeGreaterThan(0);
  });

  it('counts recency to the end of the range, not to a purchase after it', async () => {
    await run(db, scopeSql({ range: { start: '2024-02-01', end: '2024-03-01' } }));
    const value = new ValueState(db, inlineFitter);
    await value.refresh({ allHistory: false });
    expect(value.rfm.data!.asOf).toBe('2024-02-29');
    // C09 bought on 2024-02-20 and again on 2024-04-10, after the range: 9 days to 2024-02-29, not −41.
    const [c09] = await db.rows<{ recency: number }>(`SELECT recency FROM rfm_customers WHERE customer_id = 'C09'`);
    expect(c09!.recency).toBe(9);
    const [min] = await db.rows<{ v: number }>(`SELECT min(recency) AS v FROM rfm_customers`);
    expect(min!.v).toBeGreaterThanOrEqual(0);
  });

  it('fits the CLV models on every paying customer', async () => {
    await run(db, scopeSql({ range: null }));
    const value = new ValueState(db, inlineFitter);
    await value.refresh({ allHistory: false });
    await value.fitClv({ horizonMonths: 6, holdoutWeeks: 4 });
    expect(value.clv.status, value.clv.error).toBe('ready');
    const fit = value.clv.data!;
    // C03's only order is a free trial: no paid purchase, so not in the CLV summary.
    expect(fit.customers).toBe(9);
    expect(fit.rows.reduce((s, r) => s + r.customers, 0)).toBe(9);
    expect(fit.pAliveBins.reduce((s, n) => s + n, 0)).toBe(9);
    expect(fit.segments.reduce((s, g) => s + g.customers, 0)).toBe(9);
    // Nine customers cannot identify four parameters (the fit runs to a → ∞, b → 0): the figure is withheld, not NaN.
    expect(value.expectedPurchases === null || value.expectedPurchases >= 0).toBe(true);
  });
});
