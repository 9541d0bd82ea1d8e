import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { COHORT_DEFINITIONS, cohortAverageCurveSql, cohortMatrixSql } from '../../../src/analyses/cohorts';
import { createLtvOrders } from './clv-fixtures/ltv-orders';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await createLtvOrders(db);
});

describe('cohort retention matrix', () => {
  it('counts buyers and cumulative net revenue per customer by months since the first purchase', async () => {
    const { sql, params } = cohortMatrixSql({ orders: 'ltv_orders' });
    const rows = await db.rows(`SELECT strftime(cohort, '%Y-%m') AS cohort, * EXCLUDE (cohort) FROM (${sql})`, params);
    expect(rows).toEqual([
      // Jan cohort {A, B}: Jan both (A 100 + B 40 + 60 = 200), Feb A 50, Mar B 20, Apr A 30
      { cohort: '2024-01', period: 0, cohort_size: 2, buyers: 2, retention: 1, revenue: 200, cumulative_revenue_per_customer: 100 },
      { cohort: '2024-01', period: 1, cohort_size: 2, buyers: 1, retention: 0.5, revenue: 50, cumulative_revenue_per_customer: 125 },
      { cohort: '2024-01', period: 2, cohort_size: 2, buyers: 1, retention: 0.5, revenue: 20, cumulative_revenue_per_customer: 135 },
      { cohort: '2024-01', period: 3, cohort_size: 2, buyers: 1, retention: 0.5, revenue: 30, cumulative_revenue_per_customer: 150 },
      // Feb cohort {C, D}: Feb C 80 − 80 (refund-only order) + D 10 = 10; then D alone, 10 a month
      { cohort: '2024-02', period: 0, cohort_size: 2, buyers: 2, retention: 1, revenue: 10, cumulative_revenue_per_customer: 5 },
      { cohort: '2024-02', period: 1, cohort_size: 2, buyers: 1, retention: 0.5, revenue: 10, cumulative_revenue_per_customer: 10 },
      { cohort: '2024-02', period: 2, cohort_size: 2, buyers: 1, retention: 0.5, revenue: 10, cumulative_revenue_per_customer: 15 },
      // E's free order in March is no purchase: her cohort is April
      { cohort: '2024-04', period: 0, cohort_size: 1, buyers: 1, retention: 1, revenue: 25, cumulative_revenue_per_customer: 25 },
    ]);
  });

  it('averages the LTV curve over the cohorts observed that long, weighted by size', async () => {
    const { sql, params } = cohortAverageCurveSql({ orders: 'ltv_orders' });
    expect(await db.rows(sql, params)).toEqual([
      { period: 0, cohorts: 3, customers: 5, cumulative_revenue_per_customer: (200 + 10 + 25) / 5, retention: 1 },
      { period: 1, cohorts: 2, customers: 4, cumulative_revenue_per_customer: (250 + 20) / 4, retention: 0.5 },
      { period: 2, cohorts: 2, customers: 4, cumulative_revenue_per_customer: (270 + 30) / 4, retention: 0.5 },
      { period: 3, cohorts: 1, customers: 2, cumulative_revenue_per_customer: 150, retention: 0.5 },
    ]);
  });

  it('groups by quarter: all five customers in Q1 except E (Q2)', async () => {
    const { sql } = cohortMatrixSql({ orders: 'ltv_orders', unit: 'quarter' });
    const rows = await db.rows(`SELECT period, cohort_size, buyers, revenue FROM (${sql})`);
    // Q1 cohort {A, B, C, D}: Q1 revenue 200 + 60 + 30 − E's 0 = 290; Q2: A 30 + D 10 = 40
    expect(rows).toEqual([
      { period: 0, cohort_size: 4, buyers: 4, revenue: 290 },
      { period: 1, cohort_size: 4, buyers: 2, revenue: 40 },
      { period: 0, cohort_size: 1, buyers: 1, revenue: 25 },
    ]);
  });

  it('every figure has a definition', () => {
    for (const [key, text] of Object.entries(COHORT_DEFINITIONS)) expect(text.length, key).toBeGreaterThan(20);
  });
});
