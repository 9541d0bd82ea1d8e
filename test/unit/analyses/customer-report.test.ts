import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { customerProductsSql, customerProfileSql, customerTimelineSql } from '../../../src/analyses/customer-report';
import { INJECTION, loadFixture, ms, rowsOf } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

describe('customer report', () => {
  it('profile and revenue status of a repeat customer with a refund (C04 Dan)', async () => {
    expect(await rowsOf(db, customerProfileSql('C04'))).toEqual([
      {
        customer_id: 'C04', name: 'Dan', email: 'dan@example.com', country: 'FR', city: 'Paris', channel: 'app',
        first_order_at: ms('2024-03-03'), last_order_at: ms('2024-03-20'), // R01 (03-25) is refund-only, not a purchase
        orders: 2, paid_orders: 2, sales: 200, refunds: 30, net: 170, aov: 100, first_order_revenue: 80, value_band: 'next_30',
        kind: 'repeat',
        status: 'active', // 03-20 + 90 days = 06-18, after the data's last day 04-10
        days_since_last_purchase: 21, // 03-20 → 04-10
      },
    ]);
  });

  it('a lost customer, a free-trial customer, and ids that are not there', async () => {
    // C06: 2023-12-05 + 90 = 2024-03-04, before 04-10 → lost; 12-05 → 04-10 = 26 + 31 + 29 + 31 + 10 = 127 days
    expect(await rowsOf(db, customerProfileSql('C06'))).toMatchObject([{ status: 'lost', kind: 'one_time', days_since_last_purchase: 127 }]);
    expect(await rowsOf(db, customerProfileSql('C03'))).toMatchObject([{ status: 'active', kind: 'free_trial', sales: 0, aov: null }]);
    // with a 30-day window C03 (03-12 + 30 = 04-11) is still active, C10 (03-08 + 30 = 04-07) is lost
    expect(await rowsOf(db, customerProfileSql('C03', { churnWindowDays: 30 }))).toMatchObject([{ status: 'active' }]);
    expect(await rowsOf(db, customerProfileSql('C10', { churnWindowDays: 30 }))).toMatchObject([{ status: 'lost' }]);
    expect(await rowsOf(db, customerProfileSql('nobody'))).toEqual([]);
    expect(await rowsOf(db, customerProfileSql(INJECTION))).toEqual([]);
  });

  it('activity timeline: every order, oldest first', async () => {
    expect(await rowsOf(db, customerTimelineSql('C04'))).toEqual([
      { order_id: 'O05', ordered_at: ms('2024-03-03'), amount: 80, refund: 0, net: 80, items: 1, lines: 1, kind: 'sale', status: 'paid', product: 'Kettle' },
      { order_id: 'O06', ordered_at: ms('2024-03-20'), amount: 120, refund: 0, net: 120, items: 3, lines: 1, kind: 'sale', status: 'paid', product: 'Tea' },
      { order_id: 'R01', ordered_at: ms('2024-03-25'), amount: 0, refund: 30, net: -30, items: -1, lines: 1, kind: 'refund', status: 'refunded', product: 'Tea' },
    ]);
  });

  it('products bought with quantities and amounts', async () => {
    expect(await rowsOf(db, customerProductsSql('C04'))).toEqual([
      // Tea: O06 3 units for 120; R01 refunds 30 (its −1 unit is a return, not a purchase)
      { product: 'Tea', category: 'Food', quantity: 3, sales: 120, refunds: 30, orders: 1, first_bought_at: ms('2024-03-20'), last_bought_at: ms('2024-03-20') },
      { product: 'Kettle', category: 'Kitchen', quantity: 1, sales: 80, refunds: 0, orders: 1, first_bought_at: ms('2024-03-03'), last_bought_at: ms('2024-03-03') },
    ]);
    // C02's one order O03 has two lines: Kettle 1 × 160, Mug 2 units for 40
    expect((await rowsOf(db, customerProductsSql('C02'))).map((p) => [p.product, p.quantity, p.sales])).toEqual([
      ['Kettle', 1, 160],
      ['Mug', 2, 40],
    ]);
  });
});
