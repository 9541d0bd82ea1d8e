import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { previousScopeSql, scopeSql, SCOPE_PERIOD_SQL, type DashboardFilter } from '../../../src/analyses/filters';
import { acquisitionSql } from '../../../src/analyses/activity-series';
import { dashboardSummarySql, KPI_DEFINITIONS, KPI_IDS, KPIS_SQL, kpiChanges, paretoSql, type KpiValues } from '../../../src/analyses/kpis';
import { DAY_MS, loadFixture, MARCH, ms, rowsOf, run } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

async function kpis(filter: DashboardFilter) {
  await run(db, [...scopeSql(filter), ...previousScopeSql(filter)]);
  const [current, previous] = await rowsOf<KpiValues & { period: string }>(db, KPIS_SQL);
  return { current: current!, previous: previous! };
}

describe('KPIs', () => {
  it('every KPI has a written definition', () => {
    for (const id of KPI_IDS) expect(KPI_DEFINITIONS[id].trim().length, id).toBeGreaterThan(10);
    expect(Object.keys(KPI_DEFINITIONS).sort()).toEqual([...KPI_IDS].sort());
  });

  it('March 2024 and the previous 31 days, worked out by hand', async () => {
    const { current, previous } = await kpis({ range: MARCH });
    expect(current.period).toBe('current');
    // In range: O02 C01 50 · O03 C02 200 · O04 C03 0 (free) · O05 C04 80 · O06 C04 120 · R01 C04 refund 30 ·
    // O10 C07 60 · O11 C08 500 · O14 C10 10. Customers C01 C02 C03 C04 C07 C08 C10.
    expect(current).toMatchObject({
      customers: 7,
      new_customers: 5, // first purchase in March: C02 03-10, C03 03-12, C04 03-03, C08 03-28, C10 03-08
      returning_customers: 2, // C01 (first 01-10), C07 (first 02-15)
      revenue: 1020, // 50 + 200 + 0 + 80 + 120 + 60 + 500 + 10
      refunds: 30, // R01
      net_revenue: 990, // 1020 − 30
      orders: 8, // the 9 orders in range less refund-only R01
      free_trial_customers: 1, // C03: no paid order by 04-01
      one_time_customers: 3, // C02, C08, C10: one paid order each by 04-01
      repeat_customers: 3, // C01 (O01, O02), C04 (O05, O06), C07 (O09, O10)
    });
    expect(current.revenue_per_customer).toBeCloseTo(1020 / 7, 10);
    expect(current.average_order_value).toBeCloseTo(1020 / 7, 10); // 7 paid orders: the 8 less free O04
    expect(current.purchase_frequency).toBeCloseTo(8 / 7, 10);
    // all-time net of the 7: C01 150 + C02 200 + C03 0 + C04 170 + C07 60 + C08 500 + C10 10 = 1090
    expect(current.average_ltv).toBeCloseTo(1090 / 7, 10);
    // top ⌈0.2 × 7⌉ = 2 customers by March revenue: C08 500, then C02 200 (tied with C04, C02 first by id) → 700 / 1020
    expect(current.top20_revenue_share).toBeCloseTo(700 / 1020, 10);
    expect(current.new_customers_per_day).toBeCloseTo(5 / 31, 10);
    // first orders of the new: C02 200 + C03 0 + C04 80 + C08 500 + C10 10 = 790
    expect(current.acquired_revenue_per_day).toBeCloseTo(790 / 31, 10);
    expect(current.new_customer_interval_ms).toBe((31 * DAY_MS) / 5); // 535 680 000 ms = 6.2 days
    expect(current.free_trial_share).toBeCloseTo(1 / 7, 10);
    expect(current.one_time_share).toBeCloseTo(3 / 7, 10);
    expect(current.repeat_share).toBeCloseTo(3 / 7, 10);

    // Previous period [01-30, 03-01): O09 C07 02-15 40 (refunded: refund 40) and O12 C09 02-20 25; both new.
    expect(previous).toMatchObject({
      period: 'previous',
      customers: 2,
      new_customers: 2,
      returning_customers: 0,
      revenue: 65, // 40 + 25
      refunds: 40,
      net_revenue: 25,
      orders: 2,
      revenue_per_customer: 32.5, // 65 / 2
      average_order_value: 32.5,
      purchase_frequency: 1,
      average_ltv: 57.5, // (C07 60 + C09 55) / 2
      free_trial_customers: 0,
      one_time_customers: 2, // by 03-01 C07 and C09 had one paid order each
      repeat_customers: 0,
      acquired_revenue_per_day: 65 / 31, // first orders 40 + 25
      new_customer_interval_ms: (31 * DAY_MS) / 2,
    });
    expect(previous.top20_revenue_share).toBeCloseTo(40 / 65, 10); // ⌈0.4⌉ = 1 customer: C07 40
    expect(previous.new_customers_per_day).toBeCloseTo(2 / 31, 10);

    const byId = Object.fromEntries(kpiChanges(current, previous).map((k) => [k.id, k]));
    expect(byId.customers).toEqual({ id: 'customers', value: 7, previous: 2, change: 2.5 }); // (7 − 2) / 2
    expect(byId.returning_customers!.change).toBeNull(); // previous 0: nothing to compare with
    expect(byId.refunds!.change).toBeCloseTo(-0.25, 10); // (30 − 40) / 40
  });

  it('all time runs from the first to the last day in the data; its previous period is empty', async () => {
    await run(db, scopeSql({ range: null }));
    // 2023-11-01 … 2024-04-10: 30 + 31 + 31 + 29 + 31 + 10 = 162 days, so weekly by default
    expect(await db.rows(SCOPE_PERIOD_SQL)).toEqual([
      { start_day: ms('2023-11-01'), end_day: ms('2024-04-11'), days: 162, observed_end_day: ms('2024-04-11'), grain: 'week' },
    ]);
    const { current, previous } = await kpis({ range: null });
    expect(current).toMatchObject({ customers: 10, new_customers: 10, returning_customers: 0, revenue: 1575, refunds: 70, orders: 14 });
    expect(previous).toMatchObject({ customers: 0, revenue: 0, new_customers: 0, new_customer_interval_ms: null, average_order_value: null });
  });

  it('a facet narrows every KPI: France in March', async () => {
    const { current } = await kpis({ range: MARCH, facets: { country: ['FR'] } });
    // C03 (0, free), C04 (80 + 120, refund 30), C10 (10); all new
    expect(current).toMatchObject({ customers: 3, new_customers: 3, revenue: 210, refunds: 30, orders: 4, free_trial_customers: 1, repeat_customers: 1, one_time_customers: 1 });
  });

  it('the Pareto curve: share of revenue from the top k/points customers', async () => {
    await run(db, scopeSql({ range: MARCH }));
    // ranked: C08 500, C02 200, C04 200, C07 60, C01 50, C10 10, C03 0 (n = 7, total 1020)
    // 4 points: k/4 of 7 → top ⌈1.75⌉ = 2, ⌈3.5⌉ = 4, ⌈5.25⌉ = 6, 7 customers
    const curve = await rowsOf<{ customer_share: number; revenue_share: number }>(db, paretoSql(4));
    expect(curve.map((p) => p.customer_share)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const expected = [0, 700 / 1020, 960 / 1020, 1020 / 1020, 1];
    curve.forEach((p, i) => expect(p.revenue_share).toBeCloseTo(expected[i]!, 10));
  });

  it('the dashboard summary statement (KPIs, acquisition and Pareto in one) gives the same figures as the three queries', async () => {
    for (const filter of [{ range: null }, { range: MARCH }, { range: MARCH, facets: { country: ['FR'] } }, { range: MARCH, facets: { country: ['XX'] } }] as DashboardFilter[]) {
      await run(db, [...scopeSql(filter), ...previousScopeSql(filter)]);
      const rows = await rowsOf<Record<string, unknown> & { part: string }>(db, dashboardSummarySql(4, 'month'));
      const strip = (part: string, keys: string[]) => rows.filter((r) => r.part === part).map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));
      const kpis = await rowsOf<Record<string, unknown>>(db, KPIS_SQL);
      const got = strip('kpis', Object.keys(kpis[0]!));
      expect(got.length, JSON.stringify(filter)).toBe(2);
      got.forEach((row, i) =>
        Object.entries(kpis[i]!).forEach(([k, v]) => (typeof v === 'number' ? expect(row[k], k).toBeCloseTo(v, 9) : expect(row[k], k).toEqual(v))),
      );
      expect(strip('acquisition', ['period_start', 'customers', 'first_order_revenue'])).toEqual(await rowsOf(db, acquisitionSql('month')));
      expect(strip('pareto', ['customer_share', 'revenue_share'])).toEqual(await rowsOf(db, paretoSql(4)));
    }
    // March (hand computation in 'March 2024 …' above): the top ⌈0.2 × 7⌉ = 2 customers, C08 500 + C02 or C04 200
    // = 700 of 1020 revenue, read here from the Pareto ranking instead of a second sort.
    await run(db, [...scopeSql({ range: MARCH }), ...previousScopeSql({ range: MARCH })]);
    const [current] = (await rowsOf<{ part: string; top20_revenue_share: number }>(db, dashboardSummarySql(50, 'month'))).filter((r) => r.part === 'kpis');
    expect(current!.top20_revenue_share).toBeCloseTo(700 / 1020, 10);
  });
});
