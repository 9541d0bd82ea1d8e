import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import {
  discountedMarginLtv, formulaLtv, historicalLtvSql, LTV_DEFINITIONS, ltvInputsSql, marginLtv, paybackMonths, periodActivitySql,
  periodDiscountRate, revenueLtv, type LtvInputs,
} from '../../../src/analyses/ltv';
import { createLtvOrders } from './clv-fixtures/ltv-orders';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await createLtvOrders(db);
  await db.query(`CREATE TABLE ltv_customers AS
    SELECT customer_id, sum(net)::DOUBLE AS net, country
    FROM ltv_orders JOIN (VALUES ('A', 'UK'), ('B', 'UK'), ('C', 'FR'), ('D', 'FR'), ('E', 'DE')) AS c(customer_id, country) USING (customer_id)
    GROUP BY ALL`);
});

describe('historical LTV', () => {
  it('averages net revenue per customer by a dimension', async () => {
    const { sql, params } = historicalLtvSql({ customers: 'ltv_customers', by: 'country' });
    // UK: A 180, B 120; DE: E 25; FR: C 0, D 30. Total 355.
    expect(await db.rows(sql, params)).toEqual([
      { group: 'UK', customers: 2, revenue: 300, ltv: 150, median_ltv: 150, revenue_share: 300 / 355 },
      { group: 'DE', customers: 1, revenue: 25, ltv: 25, median_ltv: 25, revenue_share: 25 / 355 },
      { group: 'FR', customers: 2, revenue: 30, ltv: 15, median_ltv: 15, revenue_share: 30 / 355 },
    ]);
    const overall = historicalLtvSql({ customers: 'ltv_customers' });
    expect(await db.rows(overall.sql)).toEqual([{ group: null, customers: 5, revenue: 355, ltv: 71, median_ltv: 30, revenue_share: 1 }]);
  });
});

describe('churn and repeat-purchase rates per period', () => {
  it('counts active, new, returning and churned customers month by month', async () => {
    const { sql } = periodActivitySql({ orders: 'ltv_orders' });
    const rows = await db.rows(`SELECT strftime(period, '%Y-%m') AS month, * EXCLUDE (period) FROM (${sql})`);
    expect(rows).toEqual([
      // Jan: A, B active (B twice: 3 orders); no previous month
      { month: '2024-01', active: 2, new: 2, returning: 0, orders: 3, revenue: 200, churned: null, churn_rate: null, repeat_rate: 0 },
      // Feb: A (returning), C, D new; of Jan's {A, B}, B did not buy → churn 1/2; C's refund-only order nets her 80 to 0
      { month: '2024-02', active: 3, new: 2, returning: 1, orders: 3, revenue: 60, churned: 1, churn_rate: 0.5, repeat_rate: 1 / 3 },
      // Mar: B, D; of Feb's {A, C, D} only D bought → 2/3; E's free order makes her no active customer
      { month: '2024-03', active: 2, new: 0, returning: 2, orders: 2, revenue: 30, churned: 2, churn_rate: 2 / 3, repeat_rate: 1 },
      // Apr: A, D returning, E new; of Mar's {B, D}, B churned → 1/2
      { month: '2024-04', active: 3, new: 1, returning: 2, orders: 3, revenue: 65, churned: 1, churn_rate: 0.5, repeat_rate: 2 / 3 },
    ]);
  });

  it('includes months without any order, where everyone active before churns', async () => {
    await db.query(`CREATE OR REPLACE TABLE gap_orders AS SELECT * FROM (VALUES
      ('A', TIMESTAMP '2024-01-05', 10.0, 'sale'), ('A', TIMESTAMP '2024-03-05', 10.0, 'sale')) AS t(customer_id, ordered_at, net, kind)`);
    const rows = await db.rows(periodActivitySql({ orders: 'gap_orders' }).sql);
    expect(rows.map((r) => [r.active, r.churn_rate, r.repeat_rate])).toEqual([[1, null, 0], [0, 1, null], [1, null, 1]]);
  });
});

describe('formula LTV', () => {
  it('measures the inputs: AOV, frequency and ARPU per active customer-month, pooled churn', async () => {
    const [inputs] = await db.rows<LtvInputs>(ltvInputsSql({ orders: 'ltv_orders' }).sql);
    // 11 paid orders, net 355; active customer-months 2 + 3 + 2 + 3 = 10; churned 1 + 2 + 1 of 2 + 3 + 2 previously active
    expect(inputs).toEqual({
      customers: 5, orders: 11, revenue: 355, aov: 355 / 11, activeCustomerPeriods: 10, purchaseFrequency: 1.1, arpu: 35.5,
      churnRate: 4 / 7, repeatCustomerRate: 0.6, periods: 4,
    });
  });

  it('computes both formulas, LTV:CAC and payback by hand', () => {
    const inputs = { aov: 355 / 11, purchaseFrequency: 1.1, arpu: 35.5, churnRate: 4 / 7 };
    const result = formulaLtv(inputs, { grossMargin: 0.4, acquisitionCost: 20, annualDiscountRate: 0, unit: 'month' });
    // lifespan 7/4 months; revenue LTV 32.27 × 1.1 × 1.75 = 62.125; margin LTV 35.5 × 0.4 ÷ 4/7 = 24.85
    expect(result.lifespan).toBeCloseTo(1.75, 12);
    expect(result.revenueLtv).toBeCloseTo(62.125, 10);
    expect(result.marginLtv).toBeCloseTo(24.85, 10);
    expect(result.discountedLtv).toBeCloseTo(24.85, 10);
    // 24.85 ÷ 20 = 1.2425 < 3; payback 20 ÷ (35.5 × 0.4) = 1.408 months
    expect(result.ltvToCac).toBeCloseTo(1.2425, 10);
    expect(result.meetsRuleOfThumb).toBe(false);
    expect(result.paybackMonths).toBeCloseTo(20 / 14.2, 12);
    // 1% a month ((1.01)^12 − 1 a year): 14.2 × 1.01 ÷ (0.01 + 4/7) = 24.6673…
    const discounted = formulaLtv(inputs, { grossMargin: 0.4, acquisitionCost: 5, annualDiscountRate: 1.01 ** 12 - 1, unit: 'month' });
    expect(discounted.discountedLtv).toBeCloseTo((14.2 * 1.01) / (0.01 + 4 / 7), 10);
    expect(discounted.meetsRuleOfThumb).toBe(true);
  });

  it('the pure formulas', () => {
    expect(revenueLtv(50, 2, 3)).toBe(300);
    expect(marginLtv(100, 0.5, 0.1)).toBeCloseTo(500, 12);
    // the discounted sum Σ_{t≥0} m (1 − c)^t / (1 + d)^t, summed directly
    let direct = 0;
    for (let t = 0; t < 2000; t++) direct += (50 * 0.9 ** t) / 1.02 ** t;
    expect(discountedMarginLtv(100, 0.5, 0.1, 0.02)).toBeCloseTo(direct, 8);
    expect(periodDiscountRate(0.1, 'year')).toBeCloseTo(0.1, 15);
    expect(periodDiscountRate(0.1, 'quarter')).toBeCloseTo(1.1 ** 0.25 - 1, 15);
    // quarterly ARPU 90 at 50% margin = 15 a month: CAC 60 is paid back in 4 months
    expect(paybackMonths(60, 90, 0.5, 'quarter')).toBeCloseTo(4, 12);
    expect(formulaLtv({ aov: 1, purchaseFrequency: 1, arpu: 1, churnRate: 0 }, { grossMargin: 1, acquisitionCost: 1, annualDiscountRate: 0, unit: 'month' }).marginLtv).toBe(Infinity);
  });

  it('every figure has a definition', () => {
    for (const [key, text] of Object.entries(LTV_DEFINITIONS)) expect(text.length, key).toBeGreaterThan(20);
  });
});
