import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { loadFixture, run } from './analyses/fixture';
import { scopeSql } from '../../src/analyses/filters';
import { inlineFitter, ValueState, type ClvFitter } from '../../src/state/value.svelte';
import { DashboardState } from '../../src/state/dashboard.svelte';
import { DATA_FACTS_SQL } from '../../src/analyses/dashboard';
import { MARCH } from './analyses/fixture';
import { fitClvModels, WEEKS_PER_MONTH } from '../../src/state/clv-fit';
import { expectedPurchases, pAlive } from '../../src/analyses/clv/bgnbd';
import { discountedClv, predictCustomers } from '../../src/analyses/clv/clv';
import { expectedSpend } from '../../src/analyses/clv/gamma-gamma';
import { simulateBgNbd, simulateSpend } from '../../src/analyses/clv/simulate';

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
    // A new data set forgets the model: its figures must never be shown against other customers.
    value.forgetFit();
    expect(value.clv.status).toBe('idle');
    expect(value.clv.data).toBeNull();
    expect(value.customerPrediction('C01')).toEqual({ kind: 'unfitted' });
  });

  it('reads the churn and repeat-purchase rates per month', async () => {
    await run(db, scopeSql({ range: null }));
    const value = new ValueState(db, inlineFitter);
    await value.refresh({ allHistory: false });
    // Customers with a paid order per month (C03's free trial and C04's refund-only R01 are not paid orders):
    // Nov C05 (new); Dec C06 (new); Jan C01 (new); Feb C07, C09 (new);
    // Mar C01, C07 (bought before) + C02, C04, C08, C10 (new) = 6; Apr C09 (bought in Feb).
    // Churn: of the previous month's customers, the share without a paid order this month:
    //   Dec 1/1 (C05), Jan 1/1 (C06), Feb 1/1 (C01), Mar 1/2 (C09 left, C07 stayed), Apr 6/6; Nov has no previous month.
    // Repeat: returning ÷ active: Nov–Feb 0, Mar 2/6, Apr 1/1.
    const periods = value.ltv.data!.periods;
    expect(periods.map((p) => new Date(p.period).toISOString().slice(0, 7))).toEqual(['2023-11', '2023-12', '2024-01', '2024-02', '2024-03', '2024-04']);
    expect(periods.map((p) => p.churnRate)).toEqual([null, 1, 1, 1, 0.5, 1]);
    expect(periods.map((p) => p.repeatRate)).toEqual([0, 0, 0, 0, 2 / 6, 1]);
  });

  it('fits with the holdout the user picked, bounded to a third of the data', async () => {
    await run(db, scopeSql({ range: null }));
    const value = new ValueState(db, inlineFitter);
    await value.refresh({ allHistory: false });
    // 2023-11-01 … 2024-04-10 is 161 days; a third is 53 days, 7 whole weeks.
    expect(value.spanDays).toBe(161);
    expect(value.maxHoldoutWeeks).toBe(7);
    expect(value.holdoutWeeks).toBe(26);
    value.setHoldoutWeeks(26);
    expect(value.holdoutWeeks).toBe(7);
    value.setHoldoutWeeks(0);
    expect(value.holdoutWeeks).toBe(1);
    value.setHoldoutWeeks(4);
    await value.fitClv({ horizonMonths: 6 });
    expect(value.clv.status, value.clv.error).toBe('ready');
    expect(value.clv.data!.holdoutWeeks).toBe(4);
    // Calibration ends 2024-03-13: C01, C04, C05, C06, C07, C09, C10 and C02 have bought by then (8 customers).
    expect(value.clv.data!.holdout.reduce((s, p) => s + p.customers, 0)).toBe(8);
  });

  it("predicts one customer's P(alive), expected purchases and CLV from the fitted parameters", async () => {
    await run(db, scopeSql({ range: null }));
    // The fixture's nine buyers cannot identify the models: the fitter reports the CDNOW parameters
    // (Fader, Hardie & Lee 2005; Fader & Hardie 2013) so the figures are finite and known.
    const bgnbd = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const gammaGamma = { p: 6.25, q: 3.74, gamma: 15.44 };
    const clvOptions = { periods: 6, periodLength: WEEKS_PER_MONTH, discountRate: 0.01, margin: 0.5 };
    const fitter: ClvFitter = { fit: async (input) => ({ ...fitClvModels(input), bgnbd, gammaGamma, clvOptions }), cancel: () => {} };
    const value = new ValueState(db, fitter);
    await value.refresh({ allHistory: false });

    await value.watchCustomer('C01');
    expect(value.customerPrediction('C01')).toEqual({ kind: 'unfitted' });
    // A fit finishing while the report is open reads her summary row.
    await value.fitClv({ horizonMonths: 6, holdoutWeeks: 4 });
    await expect.poll(() => value.customerPrediction('C01').kind).toBe('ready');
    // C01 bought on 2024-01-10 and 2024-03-05; the data ends 2024-04-10: x = 1 repeat purchase,
    // t_x = 55 days = 55/7 weeks, T = 91 days = 13 weeks, m = 50 (her repeat purchase).
    const prediction = value.customerPrediction('C01');
    expect(prediction).toMatchObject({ kind: 'ready', days: 90, horizonMonths: 6 });
    if (prediction.kind !== 'ready') throw new Error('not ready');
    expect(prediction.pAlive).toBe(pAlive(bgnbd, 1, 55 / 7, 13));
    expect(prediction.expectedPurchases).toBe(expectedPurchases(bgnbd, 90 / 7, 1, 55 / 7, 13));
    expect(prediction.clv).toBe(discountedClv(bgnbd, expectedSpend(gammaGamma, 1, 50), 1, 55 / 7, 13, clvOptions));
    expect(prediction.pAlive).toBeGreaterThan(0);
    expect(prediction.pAlive).toBeLessThan(1);
    // The number of days follows purchaseDays.
    value.setPurchaseDays(30);
    expect(value.customerPrediction('C01')).toMatchObject({ expectedPurchases: expectedPurchases(bgnbd, 30 / 7, 1, 55 / 7, 13) });

    // C03 never paid: not in the model. Another customer's prediction is not shown as this one's.
    await value.watchCustomer('C03');
    expect(value.customerPrediction('C01').kind).toBe('loading');
    expect(value.customerPrediction('C03')).toEqual({ kind: 'unmodelled' });
    // A one-time buyer: x = 0, so P(alive) = 1.
    await value.watchCustomer('C08');
    expect(value.customerPrediction('C08')).toMatchObject({ kind: 'ready', pAlive: 1 });
  });

  it('names the customers with the highest predicted CLV', async () => {
    // 200 simulated customers (seeded) aged 10–69 weeks: the fit hands back the 20 highest CLVs, highest first.
    const ages = Float64Array.from({ length: 200 }, (_, i) => 10 + (i % 60));
    const truth = { r: 0.5, alpha: 5, a: 0.6, b: 3 };
    const { x, tx, T } = simulateBgNbd(truth, { ages, resolution: 1 / 7, seed: 7 });
    const m = simulateSpend({ p: 6, q: 4, gamma: 15 }, x, 11);
    const fit = fitClvModels({
      full: { x, tx, T, m },
      segments: Array.from({ length: 200 }, () => null),
      calibration: null,
      holdoutWeeks: 0,
      horizonMonths: 12,
      monthlyDiscountRate: 0.01,
      grossMargin: 1,
    });
    expect(fit.gammaGamma).not.toBeNull();
    expect(fit.top).toHaveLength(20);
    const all = predictCustomers(fit.bgnbd, { x, tx, T, m }, 12 * WEEKS_PER_MONTH, { params: fit.gammaGamma!, clv: fit.clvOptions! }).clv!;
    const expected = [...all.keys()].sort((i, j) => all[j]! - all[i]!).slice(0, 20);
    expect(fit.top.map((c) => c.index)).toEqual(expected);
    expect(fit.top.map((c) => c.clv)).toEqual(expected.map((i) => all[i]));
    expect(fit.top[0]).toMatchObject({ x: x[expected[0]!], tx: tx[expected[0]!], T: T[expected[0]!], m: m[expected[0]!] });
  });

  it('carries the top customers\' ids through to the panel, with predictions for the chosen days', async () => {
    await run(db, scopeSql({ range: null }));
    const bgnbd = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const gammaGamma = { p: 6.25, q: 3.74, gamma: 15.44 };
    const clvOptions = { periods: 6, periodLength: WEEKS_PER_MONTH, discountRate: 0.01, margin: 0.5 };
    // The worker's ranking is by position in the summary, which is ordered by customer_id: 0 = C01, 8 = C10 (C03 has no row).
    const fitter: ClvFitter = {
      fit: async (input) => ({
        ...fitClvModels(input), bgnbd, gammaGamma, clvOptions,
        top: [8, 0].map((index) => ({ index, x: input.full.x[index]!, tx: input.full.tx[index]!, T: input.full.T[index]!, m: input.full.m[index]!, clv: 1 })),
      }),
      cancel: () => {},
    };
    const value = new ValueState(db, fitter);
    await value.refresh({ allHistory: false });
    await value.fitClv({ horizonMonths: 6 });
    expect(value.topCustomers.map((c) => c.customerId)).toEqual(['C10', 'C01']);
    expect(value.topCustomers[1]).toMatchObject({ pAlive: pAlive(bgnbd, 1, 55 / 7, 13), expectedPurchases: expectedPurchases(bgnbd, 90 / 7, 1, 55 / 7, 13), clv: 1 });
  });
});

describe('DashboardState with the value panels computed lazily', () => {
  const segmentCounts = (value: ValueState) => Object.fromEntries(value.rfm.data!.segments.map((s) => [s.name, s.customers]));
  const rfmRows = async () => db.rows<{ customer_id: string; rfm_segment: string }>(`SELECT customer_id, rfm_segment FROM rfm_customers ORDER BY customer_id`);
  const customersKpi = (dashboard: DashboardState) => dashboard.panels!.kpis.find((k) => k.id === 'customers')!.value;

  it('computes no value panel while the section is closed, scores RFM after the panels, and computes the same figures when opened', async () => {
    globalThis.requestAnimationFrame ??= ((f: FrameRequestCallback) => (f(0), 0)) as typeof requestAnimationFrame;
    const dashboard = new DashboardState(db);
    await dashboard.reset();
    expect(dashboard.status, dashboard.error).toBe('ready');
    // Closed (the default): nothing computed, but rfm_customers is scored for the list and the CRM views.
    expect(dashboard.value.open).toBe(false);
    expect([dashboard.value.rfm.status, dashboard.value.ltv.status, dashboard.value.cohorts.status]).toEqual(['idle', 'idle', 'idle']);
    // All time: the ten customers in the cells worked out at the top of this file (C01 At Risk … C10 Lost).
    const scored = await rfmRows();
    expect(scored).toHaveLength(10);
    expect(scored.find((r) => r.customer_id === 'C01')!.rfm_segment).toBe('At Risk');
    expect(dashboard.list!.rows.find((r) => r.customer_id === 'C06')!.rfm_segment).toBe('Lost');
    // The views that read rfm_customers (Feedback & support) are told it was scored.
    const scorings = dashboard.value.scored;
    expect(scorings).toBeGreaterThan(0);

    // Opened: the same figures as computing them eagerly on the same scope.
    await dashboard.value.setOpen(true);
    expect(dashboard.value.rfm.status).toBe('ready');
    expect(segmentCounts(dashboard.value)).toEqual(EXPECTED);
    expect(dashboard.value.ltv.data!.historical.ltv).toBeCloseTo(150.5); // Σ net 1505 / 10 customers
    const eager = new ValueState(db, inlineFitter);
    await eager.refresh({ allHistory: false });
    expect(dashboard.value.ltv.data).toEqual(eager.ltv.data);
    expect(dashboard.value.cohorts.data).toEqual(eager.cohorts.data);
    expect(dashboard.value.rfm.data!.cells).toEqual(eager.rfm.data!.cells);

    // Open, a filter change refreshes them with the panels; closed again, it drops them as stale.
    dashboard.facets = { country: ['FR'] };
    await dashboard.refresh();
    expect(dashboard.value.scored).toBe(scorings); // same range: not scored again
    // France: C03, C04, C10 → LTV (0 + 170 + 10) / 3 = 60.
    expect(dashboard.value.ltv.data!.historical.ltv).toBeCloseTo(60);
    await dashboard.value.setOpen(false);
    dashboard.facets = {};
    await dashboard.refresh();
    expect(dashboard.value.ltv.status).toBe('idle');
    expect(dashboard.value.ltv.data).toBeNull();
    await dashboard.value.setOpen(true);
    expect(dashboard.value.ltv.data!.historical.ltv).toBeCloseTo(150.5);
  });

  it('scores RFM for a new range before the filter step when an RFM segment is applied, and after the panels otherwise', async () => {
    const dashboard = new DashboardState(db);
    await dashboard.reset();
    // All time, Lost = C06 and C10 (see the top of this file).
    dashboard.segment = { name: 'RFM: Lost', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'rfm', segment: 'Lost' }] }] };
    await dashboard.refresh();
    expect(customersKpi(dashboard)).toBe(2);
    // March, without a segment: scored after the panels on March's 7 customers (C01 C02 C03 C04 C07 C08 C10),
    // recency to 2024-03-31.
    dashboard.segment = null;
    dashboard.preset = 'custom';
    dashboard.custom = MARCH;
    await dashboard.refresh();
    expect(customersKpi(dashboard)).toBe(7);
    expect((await rfmRows()).map((r) => r.customer_id)).toEqual(['C01', 'C02', 'C03', 'C04', 'C07', 'C08', 'C10']);
    const [c04] = await db.rows<{ recency: number; frequency: number; monetary: number }>(`SELECT recency, frequency, monetary FROM rfm_customers WHERE customer_id = 'C04'`);
    // C04 in March: O05 03-03 and O06 03-20 (2 purchases), R01 03-25 refunds 30: net 80 + 120 − 30 = 170; last purchase 03-20 → 11 days to 03-31.
    expect(c04).toEqual({ recency: 11, frequency: 2, monetary: 170 });
    // Back to all time with the Lost segment: the filter step must read all-time scores (C06, C10), not March's.
    dashboard.preset = 'all';
    dashboard.custom = null;
    dashboard.segment = { name: 'RFM: Lost', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'rfm', segment: 'Lost' }] }] };
    await dashboard.refresh();
    expect(customersKpi(dashboard)).toBe(2);
    expect(dashboard.list!.rows.map((r) => r.customer_id).sort()).toEqual(['C06', 'C10']);
  });

  it('does not re-score RFM on a range change in "all history" mode, and re-scores once it is off', async () => {
    globalThis.requestAnimationFrame ??= ((f: FrameRequestCallback) => (f(0), 0)) as typeof requestAnimationFrame;
    const dashboard = new DashboardState(db);
    await dashboard.reset();
    // All history: every customer scored as of the data's last day (re-scores once, from the value section).
    await dashboard.value.refresh({ allHistory: true });
    const scorings = dashboard.value.scored;
    dashboard.preset = 'custom';
    dashboard.custom = MARCH;
    await dashboard.refresh();
    expect(customersKpi(dashboard)).toBe(7); // March: C01 C02 C03 C04 C07 C08 C10
    expect(dashboard.value.scored).toBe(scorings); // the range changed, the all-history scores did not
    expect(await rfmRows()).toHaveLength(10); // still all ten customers (all history)
    // History off: scored on March's seven customers, and a second March refresh does not score again.
    await dashboard.value.refresh({ allHistory: false });
    expect(dashboard.value.scored).toBe(scorings + 1);
    expect((await rfmRows()).map((r) => r.customer_id)).toEqual(['C01', 'C02', 'C03', 'C04', 'C07', 'C08', 'C10']);
    dashboard.facets = { country: ['FR'] };
    await dashboard.refresh();
    expect(dashboard.value.scored).toBe(scorings + 1);
    // Another range without all history: scored again.
    dashboard.facets = {};
    dashboard.preset = 'all';
    dashboard.custom = null;
    await dashboard.refresh();
    expect(dashboard.value.scored).toBe(scorings + 2);
    expect(await rfmRows()).toHaveLength(10);
  });

  it('keeps the panels of recent filter states: a facet clicked off again is painted without its panel query, with the same figures', async () => {
    // Panels computed: by the SQL plan's statement or from the worker's arrays (Database.dashboardPanels,
    // after the flag tables, and dashboardPanelsWithoutFlags, before them).
    let panelQueries = 0;
    let fromArrays = 0;
    let beforeFlags = 0;
    /** Counts an answer from the arrays (null: the SQL plan answers instead). */
    const counted = async (answer: Promise<Record<string, unknown>[] | null>, count: () => void) => {
      const rows = await answer;
      if (rows) {
        panelQueries++;
        count();
      }
      return rows;
    };
    const counting = Object.create(db, {
      query: { value: (sql: string, options?: Parameters<NodeDatabase['query']>[1]) => ((panelQueries += sql.includes(`'period' AS part`) ? 1 : 0), db.query(sql, options)) },
      preparePanels: { value: (...args: Parameters<NodeDatabase['preparePanels']>) => db.preparePanels(...args) },
      preparePanelsFromOrders: { value: (...args: Parameters<NodeDatabase['preparePanelsFromOrders']>) => db.preparePanelsFromOrders(...args) },
      dashboardPanels: { value: (...args: Parameters<NodeDatabase['dashboardPanels']>) => counted(db.dashboardPanels(...args), () => fromArrays++) },
      dashboardPanelsWithoutFlags: { value: (...args: Parameters<NodeDatabase['dashboardPanelsWithoutFlags']>) => counted(db.dashboardPanelsWithoutFlags(...args), () => beforeFlags++) },
    }) as NodeDatabase;
    const dashboard = new DashboardState(counting);
    await dashboard.reset();
    const first = dashboard.panels!;
    // The first state from the arrays built from the orders, before the customer base.
    expect([panelQueries, fromArrays, beforeFlags]).toEqual([1, 0, 1]);
    dashboard.facets = { country: ['FR'] };
    await dashboard.refresh();
    expect(panelQueries).toBe(2);
    // This one from the arrays (read from the customer base by now) before its flag tables are written.
    expect([fromArrays, beforeFlags]).toEqual([0, 2]);
    expect(customersKpi(dashboard)).toBe(3); // all time, France: C03, C04, C10
    // Clicked off, the facet leaves no empty selection behind: the state is the first one, cached.
    dashboard.toggleFacet('country', 'FR');
    expect(dashboard.facets).toEqual({});
    await dashboard.refresh();
    expect(panelQueries).toBe(2);
    expect({ ...dashboard.panels!, ms: 0 }).toEqual({ ...first, ms: 0 });
    // The scope tables still follow (the list reads them): all ten customers again.
    expect(dashboard.list!.total).toBe(10);
    // A segment the arrays can match (a number rule) is painted from them before its flag tables too.
    dashboard.segment = { name: 'spent 100+', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'total_revenue', op: '>=', value: 100 }] }] };
    await dashboard.refresh();
    expect([panelQueries, fromArrays, beforeFlags]).toEqual([3, 0, 3]);
    expect(customersKpi(dashboard)).toBe(6); // 100+ of sales: C01 150, C02 200, C04 200, C05 300, C07 100, C08 500
    // An RFM rule is SQL's to decide: its panels come from the arrays once its flag tables are written.
    dashboard.segment = { name: 'champions', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'rfm', segment: 'Champions' }] }] };
    await dashboard.refresh();
    expect([panelQueries, fromArrays, beforeFlags]).toEqual([4, 1, 3]);
    dashboard.segment = null;
    // Another churn window is another state; a new data set forgets every state.
    dashboard.churnWindowDays = 30;
    await dashboard.refresh();
    expect(panelQueries).toBe(5);
    await dashboard.reset();
    expect(panelQueries).toBe(6);
  });

  it('paints the first dashboard from the orders before the customer base is built; what reads the scope tables waits for them', async () => {
    // The customer base's statements are held until released, as a long build at 1M orders would be.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let baseStatements = 0;
    const slow = withQuery(async (sql, options) => {
      if (sql.startsWith('CREATE OR REPLACE TABLE customer_base')) {
        baseStatements++;
        await held;
      }
      return db.query(sql, options);
    });
    const dashboard = new DashboardState(slow);
    const reset = dashboard.reset();
    await waitFor(() => dashboard.panels !== null);
    expect(baseStatements).toBe(1);
    // Painted while the customer base is still being built: all ten customers, the data's bounds, the
    // list's first page (from the same arrays: the largest spender first).
    expect(customersKpi(dashboard)).toBe(10);
    expect(dashboard.status).toBe('loading');
    expect(dashboard.bounds).toEqual({ firstDay: Date.parse('2023-11-01'), lastDay: Date.parse('2024-04-10'), currency: null, suggestedChurnDays: null });
    await waitFor(() => dashboard.list !== null);
    expect([dashboard.list!.total, dashboard.list!.rows[0]!.customer_id]).toEqual([10, 'C08']);
    // A facet click meanwhile is painted from the same arrays (France: C03, C04, C10), and so is a sort
    // of the list by orders (C04's two first); a search, a customer's report, a segment's size and the
    // value section wait for the scope tables.
    dashboard.toggleFacet('country', 'FR');
    await waitFor(() => customersKpi(dashboard) === 3);
    dashboard.sortList('orders');
    // By revenue C04 (200), C10 (10), C03 (0); by orders C04 (2), then C03 and C10 (1 each) in id order.
    await waitFor(() => dashboard.list!.rows.map((r) => r.customer_id).join() === 'C04,C03,C10');
    const report = dashboard.openCustomer('C04');
    dashboard.segments.edit(null);
    dashboard.segments.update({ name: 'FR', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'text', field: 'country', op: 'is', value: 'FR' }] }] });
    const opened = dashboard.value.setOpen(true);
    dashboard.searchList('dan');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([dashboard.list!.rows.length, dashboard.report, dashboard.segments.size, dashboard.value.rfm.status]).toEqual([3, null, null, 'idle']);
    expect(dashboard.status).toBe('loading');
    release();
    await reset;
    await Promise.all([report, opened]);
    await waitFor(() => dashboard.segments.size !== null);
    expect(dashboard.status).toBe('ready');
    expect(dashboard.error).toBe('');
    expect(customersKpi(dashboard)).toBe(3);
    // The search, once the scope tables are built: Dan (C04).
    expect(dashboard.list!.rows.map((r) => r.customer_id)).toEqual(['C04']);
    expect(dashboard.report!.profile!.customer_id).toBe('C04');
    expect(dashboard.segments.size).toEqual({ customers: 3, inRange: 3 });
    expect(dashboard.value.rfm.status).toBe('ready');
    expect(dashboard.bounds!.suggestedChurnDays).not.toBeNull();
  });
});

describe('DashboardState without arrays from the orders', () => {
  it('paints the first dashboard from the SQL plan when the worker builds no arrays from the orders (or fails to)', async () => {
    for (const answer of [() => Promise.resolve(null), () => Promise.reject(new Error('worker gone'))]) {
      let panelStatements = 0;
      const without = Object.create(db, {
        query: { value: (sql: string, options?: Parameters<NodeDatabase['query']>[1]) => ((panelStatements += sql.includes(`'period' AS part`) ? 1 : 0), db.query(sql, options)) },
        preparePanels: { value: async () => false },
        preparePanelsFromOrders: { value: answer },
        dashboardPanels: { value: async () => null },
        dashboardPanelsWithoutFlags: { value: async () => null },
      }) as NodeDatabase;
      const dashboard = new DashboardState(without);
      await dashboard.reset();
      expect(panelStatements).toBe(1);
      expect(dashboard.status).toBe('ready');
      expect(dashboard.panels!.kpis.find((k) => k.id === 'customers')!.value).toBe(10);
      expect(dashboard.bounds).toMatchObject({ firstDay: Date.parse('2023-11-01'), lastDay: Date.parse('2024-04-10') });
      expect(dashboard.bounds!.suggestedChurnDays).not.toBeNull();
      expect(dashboard.list!.total).toBe(10);
    }
  });
});

describe("DashboardState and the data's currency", () => {
  it('formats money in the one currency the caller read with the quality report, without reading it again; several currencies: none', async () => {
    // The fixture's orders name no currency: read here, the dashboard has none.
    const statements: string[] = [];
    const counting = withQuery((sql, options) => (statements.push(sql), db.query(sql, options)));
    const dashboard = new DashboardState(counting);
    await dashboard.reset();
    expect(dashboard.bounds!.currency).toBeNull();
    expect(statements.filter((sql) => sql === DATA_FACTS_SQL.currencies)).toHaveLength(1);
    statements.length = 0;
    await dashboard.reset(['EUR']);
    expect(dashboard.bounds!.currency).toBe('EUR');
    expect(dashboard.status).toBe('ready');
    await dashboard.reset(['EUR', 'USD']);
    expect(dashboard.bounds!.currency).toBeNull();
    expect(statements.filter((sql) => sql === DATA_FACTS_SQL.currencies)).toHaveLength(0);
  });
});

/** The fixture's database with its query() replaced, the worker's panel calls still reaching it. */
function withQuery(query: NodeDatabase['query']): NodeDatabase {
  return Object.create(db, {
    query: { value: query },
    preparePanels: { value: (...args: Parameters<NodeDatabase['preparePanels']>) => db.preparePanels(...args) },
    preparePanelsFromOrders: { value: (...args: Parameters<NodeDatabase['preparePanelsFromOrders']>) => db.preparePanelsFromOrders(...args) },
    dashboardPanels: { value: (...args: Parameters<NodeDatabase['dashboardPanels']>) => db.dashboardPanels(...args) },
    dashboardPanelsWithoutFlags: { value: (...args: Parameters<NodeDatabase['dashboardPanelsWithoutFlags']>) => db.dashboardPanelsWithoutFlags(...args) },
    dashboardListWithoutFlags: { value: (...args: Parameters<NodeDatabase['dashboardListWithoutFlags']>) => db.dashboardListWithoutFlags(...args) },
  }) as NodeDatabase;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 500) throw new Error('waited 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

