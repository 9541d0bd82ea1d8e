import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { scopeSql, type DashboardFilter } from '../../../src/analyses/filters';
import { acquisitionSql, activitySeriesSql, autoGrain, CHURN_WINDOW_SUGGESTION_SQL, type ActivitySeriesOptions } from '../../../src/analyses/activity-series';
import { loadFixture, MARCH, ms, rowsOf, run } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

interface Point {
  period_start: number;
  new_customers: number;
  returning_customers: number;
  lost_customers: number;
  orders: number;
  revenue: number;
  refunds: number;
  net_revenue: number;
}

async function series(filter: DashboardFilter, options: Omit<ActivitySeriesOptions, 'filter'> = {}) {
  await run(db, scopeSql(filter));
  return rowsOf<Point>(db, activitySeriesSql({ filter, ...options }));
}

const day = (points: Point[], iso: string) => points.find((p) => p.period_start === ms(iso));

describe('activity series', () => {
  it('chooses the granularity from the range length', () => {
    expect([autoGrain(31), autoGrain(93), autoGrain(94), autoGrain(731), autoGrain(732)]).toEqual(['day', 'day', 'week', 'week', 'month']);
  });

  it('March by day: new, returning and lost customers, revenue', async () => {
    const points = await series({ range: MARCH });
    expect(points).toHaveLength(31); // 03-01 … 03-31, 31 days ≤ 93 → daily
    expect(points[0]!.period_start).toBe(ms('2024-03-01'));
    const active = points.filter((p) => p.new_customers + p.returning_customers + p.lost_customers + p.orders + p.refunds > 0);
    // new: first purchases C04 03-03, C10 03-08, C02 03-10, C03 03-12, C08 03-28
    // returning: C01 03-05 (first 01-10), C07 03-15 (first 02-15), C04 03-20 (first 03-03, an earlier day)
    // lost: C06, last purchase 2023-12-05, + 90 days = 2024-03-04 (Dec 26 + Jan 31 + Feb 29 + 4 = 90)
    // revenue: the order amounts of each day; 03-25 only R01's refund of 30
    expect(active.map((p) => [new Date(p.period_start).toISOString().slice(5, 10), p.new_customers, p.returning_customers, p.lost_customers, p.orders, p.revenue, p.refunds])).toEqual([
      ['03-03', 1, 0, 0, 1, 80, 0],
      ['03-04', 0, 0, 1, 0, 0, 0],
      ['03-05', 0, 1, 0, 1, 50, 0],
      ['03-08', 1, 0, 0, 1, 10, 0],
      ['03-10', 1, 0, 0, 1, 200, 0],
      ['03-12', 1, 0, 0, 1, 0, 0],
      ['03-15', 0, 1, 0, 1, 60, 0],
      ['03-20', 0, 1, 0, 1, 120, 0],
      ['03-25', 0, 0, 0, 0, 0, 30],
      ['03-28', 1, 0, 0, 1, 500, 0],
    ]);
    expect(day(points, '2024-03-25')!.net_revenue).toBe(-30);
  });

  it('all time by month (overriding the weekly default): lost only up to the last day of the data', async () => {
    const points = await series({ range: null }, { grain: 'month' });
    expect(points.map((p) => [new Date(p.period_start).toISOString().slice(0, 7), p.new_customers, p.returning_customers, p.lost_customers, p.revenue, p.refunds])).toEqual([
      ['2023-11', 1, 0, 0, 300, 0], // C05
      ['2023-12', 1, 0, 0, 60, 0], // C06
      ['2024-01', 1, 0, 1, 100, 0], // new C01; C05 lost 01-30 (2023-11-01 + 90)
      ['2024-02', 2, 0, 0, 65, 40], // C07, C09; O09 refunded
      ['2024-03', 5, 2, 1, 1020, 30], // returning C01, C07 (C04's first purchase is in March itself); C06 lost 03-04
      ['2024-04', 0, 1, 0, 30, 0], // C09 returns 04-10; C01's lapse (03-05 + 90 = 06-03) is after the data ends (04-10)
    ]);
  });

  it('a shorter churn window finds more lapses, including a customer who comes back', async () => {
    const points = await series({ range: null }, { grain: 'month', churnWindowDays: 30 });
    // gaps > 30 days: C01 01-10 → 03-05 (55): lost 02-09; C09 02-20 → 04-10 (50): lost 03-21;
    // last purchases + 30 before 04-11: C05 11-01 → 12-01, C06 12-05 → 01-04, C01 03-05 → 04-04 (C01 lapses a
    // second time after coming back), C02 03-10 → 04-09, C10 03-08 → 04-07; too late: C03 03-12 → 04-11,
    // C07 03-15 → 04-14, C04 03-20 → 04-19, C08 03-28, C09 04-10. (C04's 17- and C07's 29-day gaps are ≤ 30.)
    expect(points.map((p) => p.lost_customers)).toEqual([0, 1, 1, 1, 1, 3]); // Nov –, Dec C05, Jan C06, Feb C01, Mar C09, Apr C01 C02 C10
  });

  it('lost customers obey the facets: Germany in March', async () => {
    const points = await series({ range: MARCH, facets: { country: ['DE'] } });
    expect(points.reduce((n, p) => n + p.lost_customers, 0)).toBe(1); // C06 (DE) on 03-04; no German customer bought in March
    expect(day(points, '2024-03-04')!.lost_customers).toBe(1);
    const uk = await series({ range: MARCH, facets: { country: ['UK'] } });
    expect(uk.reduce((n, p) => n + p.lost_customers, 0)).toBe(0);
  });

  it('suggests a churn window: the 90th percentile of gaps between purchase days', async () => {
    // gaps: C04 17 (03-03 → 03-20), C07 29 (02-15 → 03-15), C09 50 (02-20 → 04-10), C01 55 (01-10 → 03-05)
    // quantile_cont 0.9: position 0.9 × 3 = 2.7 → 50 + 0.7 × 5 = 53.5 → 54 days; median (29 + 50) / 2 = 39.5
    expect(await db.rows(CHURN_WINDOW_SUGGESTION_SQL)).toEqual([{ suggested_days: 54, gaps: 4, median_gap_days: 39.5 }]);
  });

  it('acquisition: scope customers by first-purchase month', async () => {
    await run(db, scopeSql({ range: MARCH }));
    // March's 7 customers: C01 first 2024-01 (100), C07 2024-02 (40), the five new in 2024-03 (200 + 0 + 80 + 500 + 10)
    expect(await rowsOf(db, acquisitionSql('month'))).toEqual([
      { period_start: ms('2024-01-01'), customers: 1, first_order_revenue: 100 },
      { period_start: ms('2024-02-01'), customers: 1, first_order_revenue: 40 },
      { period_start: ms('2024-03-01'), customers: 5, first_order_revenue: 790 },
    ]);
  });
});
