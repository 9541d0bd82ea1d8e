// A small orders-like table for the LTV and cohort tests (Jan–Apr 2024), with the hand-computed facts:
//   A  Jan 5 sale 100, Feb 10 sale 50, Apr 1 sale 30                     → cohort Jan, net 180, 3 orders
//   B  Jan 20 sale 40, Jan 25 sale 60, Mar 3 sale 20                     → cohort Jan, net 120, 3 orders
//   C  Feb 2 sale 80, Feb 20 refund-only order −80                       → cohort Feb, net 0, 1 order
//   D  Feb 15, Mar 15, Apr 15 sales of 10                                → cohort Feb, net 30, 3 orders
//   E  Mar 1 free order (not a purchase), Apr 2 sale 25                  → cohort Apr, net 25, 1 order
import type { NodeDatabase } from '../../../helpers/node-database';

export async function createLtvOrders(db: NodeDatabase, table = 'ltv_orders') {
  await db.query(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM (VALUES
    ('A', 'a1', TIMESTAMP '2024-01-05 10:00', 100.0, 'sale'),
    ('A', 'a2', TIMESTAMP '2024-02-10 10:00', 50.0, 'sale'),
    ('A', 'a3', TIMESTAMP '2024-04-01 10:00', 30.0, 'sale'),
    ('B', 'b1', TIMESTAMP '2024-01-20 10:00', 40.0, 'sale'),
    ('B', 'b2', TIMESTAMP '2024-01-25 10:00', 60.0, 'sale'),
    ('B', 'b3', TIMESTAMP '2024-03-03 10:00', 20.0, 'sale'),
    ('C', 'c1', TIMESTAMP '2024-02-02 10:00', 80.0, 'sale'),
    ('C', 'c2', TIMESTAMP '2024-02-20 10:00', -80.0, 'refund'),
    ('D', 'd1', TIMESTAMP '2024-02-15 10:00', 10.0, 'sale'),
    ('D', 'd2', TIMESTAMP '2024-03-15 10:00', 10.0, 'sale'),
    ('D', 'd3', TIMESTAMP '2024-04-15 10:00', 10.0, 'sale'),
    ('E', 'e1', TIMESTAMP '2024-03-01 10:00', 0.0, 'free'),
    ('E', 'e2', TIMESTAMP '2024-04-02 10:00', 25.0, 'sale')
  ) AS t(customer_id, order_id, ordered_at, net, kind)`);
}
