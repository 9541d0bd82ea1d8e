import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { clvSummaryGroupedSql, clvSummarySql } from '../../../src/analyses/clv/summary';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await db.query(`CREATE TABLE clv_orders AS SELECT * FROM (VALUES
    ('X', TIMESTAMP '2024-01-01 09:00', 10.0, 'sale'),
    ('X', TIMESTAMP '2024-01-01 17:00', 5.0, 'sale'),
    ('X', TIMESTAMP '2024-01-08 12:00', 20.0, 'sale'),
    ('X', TIMESTAMP '2024-01-15 12:00', 30.0, 'sale'),
    ('X', TIMESTAMP '2024-01-15 13:00', -5.0, 'refund'),
    ('X', TIMESTAMP '2024-02-10 12:00', 40.0, 'sale'),
    ('X', TIMESTAMP '2024-03-10 12:00', 40.0, 'sale'),
    ('Y', TIMESTAMP '2024-01-20 12:00', 12.0, 'sale'),
    ('Y', TIMESTAMP '2024-01-25 12:00', 0.0, 'free'),
    ('Z', TIMESTAMP '2024-02-05 12:00', 9.0, 'sale'),
    ('W', TIMESTAMP '2024-01-31 23:30', 7.0, 'sale'),
    ('W', TIMESTAMP '2024-02-29 08:00', 8.0, 'sale')
  ) AS t(customer_id, ordered_at, net, kind)`);
});

const options = { orders: 'clv_orders', calibrationEnd: '2024-01-31', holdoutEnd: '2024-02-29' } as const;

describe('CLV summary SQL', () => {
  it('computes x, t_x, T and mean repeat spend per customer, merging same-day purchases', async () => {
    const { sql, params } = clvSummarySql({ ...options, unit: 'days' });
    const rows = await db.rows(`SELECT * EXCLUDE (first_day) FROM (${sql})`, params);
    expect(rows).toEqual([
      // W: first purchase on the calibration's last day; one holdout purchase on its last day
      { customer_id: 'W', x: 0, t_x: 0, T: 0, m: 0, x_holdout: 1, t_holdout: 29 },
      // X: Jan 1 (two orders, one purchase worth 15), Jan 8 (20), Jan 15 (30; the refund-only order is no purchase)
      //    → x = 2, t_x = 14 days, T = 30 days, m = (20 + 30) / 2; Feb 10 in the holdout, Mar 10 after it
      { customer_id: 'X', x: 2, t_x: 14, T: 30, m: 25, x_holdout: 1, t_holdout: 29 },
      // Y: one purchase on Jan 20 (the free order is none); Z's first purchase is after the calibration: left out
      { customer_id: 'Y', x: 0, t_x: 0, T: 11, m: 0, x_holdout: 0, t_holdout: 29 },
    ]);
  });

  it('measures in weeks, and without a holdout counts none', async () => {
    const { sql, params } = clvSummarySql({ orders: 'clv_orders', calibrationEnd: '2024-01-31', unit: 'weeks' });
    const x = (await db.rows(sql, params)).find((r) => r.customer_id === 'X');
    expect(x).toMatchObject({ x: 2, t_x: 2, T: 30 / 7, x_holdout: 0, t_holdout: 0 });
  });

  it('groups customers with equal (x, t_x, T)', async () => {
    await db.query(`CREATE OR REPLACE TABLE clv_twins AS SELECT 'c' || i AS customer_id, TIMESTAMP '2024-01-10' + to_days(j * 7) AS ordered_at, 1.0 AS net, 'sale' AS kind
      FROM range(3) a(i), range(2) b(j)`);
    const { sql, params } = clvSummaryGroupedSql({ orders: 'clv_twins', calibrationEnd: '2024-01-31', unit: 'days' });
    expect(await db.rows(sql, params)).toEqual([{ x: 1, t_x: 7, T: 21, customers: 3 }]);
  });
});
