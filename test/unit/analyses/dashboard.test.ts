import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import type { Grain } from '../../../src/analyses/activity-series';
import { SCOPE_PERIOD_MS_SQL, dashboardFilterSql, dashboardFlagsSql, dashboardPanelsList, dashboardPanelsSql, dashboardPanelsStatementSql, dashboardRangeSql, type DashboardPlanOptions } from '../../../src/analyses/dashboard';
import { FACET_DIMENSIONS, type DashboardFilter } from '../../../src/analyses/filters';
import type { Segment } from '../../../src/analyses/segments';
import { FIXTURE_CSV, loadFixture, MARCH, ms, rowsOf, run } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

const plan = (filter: DashboardFilter, grain: Grain | 'auto' = 'auto'): DashboardPlanOptions => ({ filter, grain, churnWindowDays: 90, facetLimit: 12, list: { limit: 25 } });
const SPENDERS: Segment = { name: 'spent 100+', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'total_revenue', op: '>=', value: 100 }] }] };
const FILTERS: DashboardFilter[] = [
  { range: null },
  { range: MARCH },
  { range: MARCH, facets: { country: ['FR'] } },
  { range: MARCH, facets: { product: ['Mug'], channel: ['web', null] } },
  { range: null, segment: SPENDERS },
  { range: { start: '2023-11-01', end: '2024-04-11' }, facets: { country: ['XX'] } },
];
const pick = (rows: Record<string, unknown>[], part: string, columns: string[]) =>
  rows.filter((r) => r.part === part).map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
const columnsOf = (rows: Record<string, unknown>[]) => Object.keys(rows[0] ?? {});

describe('the dashboard plan', () => {
  it('reads every panel in one statement with the same rows as the separate queries, for each filter state and grain', async () => {
    for (const filter of FILTERS) {
      for (const grain of ['auto', 'week'] as const) {
        const options = plan(filter, grain);
        await run(db, [...dashboardRangeSql(options), ...dashboardFilterSql(options)]);
        const all = await rowsOf(db, dashboardPanelsStatementSql(options));
        const label = JSON.stringify({ filter, grain });
        const period = await rowsOf(db, { sql: SCOPE_PERIOD_MS_SQL, params: [] });
        expect(pick(all, 'period', columnsOf(period)), label).toEqual(period);
        const q = dashboardPanelsSql(options, String(period[0]!.acquisition_grain) as Grain);
        for (const [part, query] of [['acquisition', q.acquisition], ['pareto', q.pareto], ['activity', q.activity], ['facets', q.facets.query]] as const) {
          const separate = await rowsOf(db, query);
          expect(pick(all, part, columnsOf(separate)), `${label} ${part}`).toEqual(separate);
        }
        // KPIs: the same, up to the last bits of the top-20% sum (added up in another order).
        const kpis = await rowsOf(db, q.kpis);
        const together = pick(all, 'kpis', columnsOf(kpis));
        expect(together.length).toBe(2);
        together.forEach((row, i) => Object.entries(kpis[i]!).forEach(([k, v]) => (typeof v === 'number' ? expect(row[k], `${label} ${k}`).toBeCloseTo(v, 9) : expect(row[k], `${label} ${k}`).toEqual(v))));
      }
    }
  });

  it('draws acquisition at the grain the span of the range’s customers’ first purchases calls for, whatever the facets (hand-checked)', async () => {
    const periodAndAcquisition = async (database: NodeDatabase, filter: DashboardFilter) => {
      const options = plan(filter);
      await run(database, [...dashboardRangeSql(options), ...dashboardFilterSql(options)]);
      const rows = await rowsOf(database, dashboardPanelsStatementSql(options));
      return {
        grains: pick(rows, 'period', ['grain', 'acquisition_grain'])[0],
        acquisition: pick(rows, 'acquisition', ['period_start', 'customers', 'first_order_revenue']),
      };
    };
    // March's purchasers first bought from 2024-01-10 (C01) to 03-28 (C08): 79 days, by day, as the range.
    expect((await periodAndAcquisition(db, { range: MARCH })).grains).toEqual({ grain: 'day', acquisition_grain: 'day' });
    // No purchaser (before the data): no rows, and months.
    expect(await periodAndAcquisition(db, { range: { start: '2022-01-01', end: '2022-02-01' } })).toEqual({ grains: { grain: 'day', acquisition_grain: 'month' }, acquisition: [] });
    // Eve (C05, first order 2023-11-01) buys again on 03-18: March's first purchases now span
    // 2023-11-01 to 2024-03-28, 149 days, so acquisition goes by (Monday) week while the range stays by day.
    const again = await NodeDatabase.open();
    await loadFixture(again, `${FIXTURE_CSV}\nO15,C05,eve@example.com,Eve,2024-03-18,20,1,Tea,Food,DE,Berlin,web,paid`);
    expect(await periodAndAcquisition(again, { range: MARCH })).toEqual({
      grains: { grain: 'day', acquisition_grain: 'week' },
      acquisition: [
        { period_start: ms('2023-10-30'), customers: 1, first_order_revenue: 300 }, // C05 Wed 11-01
        { period_start: ms('2024-01-08'), customers: 1, first_order_revenue: 100 }, // C01 Wed 01-10
        { period_start: ms('2024-02-12'), customers: 1, first_order_revenue: 40 }, // C07 Thu 02-15
        { period_start: ms('2024-02-26'), customers: 1, first_order_revenue: 80 }, // C04 Sun 03-03
        { period_start: ms('2024-03-04'), customers: 2, first_order_revenue: 210 }, // C10 Fri 03-08, C02 Sun 03-10
        { period_start: ms('2024-03-11'), customers: 1, first_order_revenue: 0 }, // C03 Tue 03-12
        { period_start: ms('2024-03-25'), customers: 1, first_order_revenue: 500 }, // C08 Thu 03-28
      ],
    });
    // France alone (C04, C10, C03): still by week, taken over all March's customers.
    expect(await periodAndAcquisition(again, { range: MARCH, facets: { country: ['FR'] } })).toEqual({
      grains: { grain: 'day', acquisition_grain: 'week' },
      acquisition: [
        { period_start: ms('2024-02-26'), customers: 1, first_order_revenue: 80 },
        { period_start: ms('2024-03-04'), customers: 1, first_order_revenue: 10 },
        { period_start: ms('2024-03-11'), customers: 1, first_order_revenue: 0 },
      ],
    });
  });

  it('lists the facets in FACET_DIMENSIONS order, most customers first (March, hand-checked)', async () => {
    const options = plan({ range: MARCH });
    await run(db, [...dashboardRangeSql(options), ...dashboardFilterSql(options)]);
    const facets = (await rowsOf<{ part: string; dimension: string; value: string | null; customers: number }>(db, dashboardPanelsStatementSql(options))).filter((r) => r.part === 'facets');
    const order = [...new Set(facets.map((f) => f.dimension))];
    expect(order).toEqual(FACET_DIMENSIONS.filter((d) => order.includes(d)));
    // March's customers by country: UK C01 C02 (2), FR C03 C04 C10 (3), US C07 C08 (2) → FR, then UK and US by name.
    expect(facets.filter((f) => f.dimension === 'country').map((f) => [f.value, f.customers])).toEqual([['FR', 3], ['UK', 2], ['US', 2]]);
  });

  it('a facet or segment change that rewrites only the flag tables gives the same scope as the whole filter step', async () => {
    const scope = async () => db.rows(`SELECT customer_id, revenue FROM scope_customers ORDER BY customer_id`);
    const previous = async () => db.rows(`SELECT customer_id, revenue FROM prev_scope_customers ORDER BY customer_id`);
    for (const range of [null, MARCH]) {
      const first = plan({ range });
      await run(db, [...dashboardRangeSql(first), ...dashboardFilterSql(first)]);
      for (const filter of FILTERS.filter((f) => f.range === range)) {
        await run(db, dashboardFlagsSql(plan({ ...filter, range })));
        const [cheap, cheapPrevious, cheapPanels] = [await scope(), await previous(), await rowsOf(db, dashboardPanelsStatementSql(plan({ ...filter, range })))];
        await run(db, dashboardFilterSql(plan({ ...filter, range })));
        expect(cheap, JSON.stringify(filter)).toEqual(await scope());
        expect(cheapPrevious).toEqual(await previous());
        expect(cheapPanels).toEqual(await rowsOf(db, dashboardPanelsStatementSql(plan({ ...filter, range }))));
      }
    }
    // France in March: C03, C04, C10 (fixture.ts).
    await run(db, dashboardFlagsSql(plan({ range: MARCH, facets: { country: ['FR'] } })));
    expect((await scope()).map((r) => r.customer_id)).toEqual(['C03', 'C04', 'C10']);
  });

  it('runs, after the scope tables, the panels statement and then the list', () => {
    expect(dashboardPanelsList(plan({ range: null })).map(([name]) => name.split(' ')[0])).toEqual(['panels', 'list', 'listCount']);
  });
});
