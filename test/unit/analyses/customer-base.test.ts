import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { loadFixture, ms } from './fixture';

// Customers whose latest (or first) order lacks a value: the attribute comes from the latest (first)
// order that has one, as with one lookup per attribute.
// K1: X1 01-01 refund-only, no channel; X2 01-05 40 web, no city; X3 02-01 10 app, no name/e-mail/country/city
// K2: Y1 and Y2 both on 03-01 (the order id breaks the tie: Y2 is the latest, Y1 the first)
// K3: Z1 04-01 refund-only, no channel: never purchased
const CSV = [
  'order,customer,email,name,date,amount,quantity,product,category,country,city,channel,status',
  'X1,K1,kim@example.com,Kim,2024-01-01,-20,1,Mug,Kitchen,NZ,Auckland,,refunded',
  'X2,K1,kim@example.com,Kim,2024-01-05,40,1,Mug,Kitchen,NZ,,web,paid',
  'X3,K1,,,2024-02-01,10,1,Tea,Food,,,app,paid',
  'Y2,K2,lee@example.com,Lee B,2024-03-01,5,1,Tea,Food,AU,Perth,app,paid',
  'Y1,K2,lee@example.com,Lee A,2024-03-01,7,1,Tea,Food,AU,Perth,store,paid',
  'Z1,K3,zed@example.com,Zed,2024-04-01,-5,1,Tea,Food,UK,Leeds,,refunded',
].join('\n');

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db, CSV);
});

describe('customer_base', () => {
  it('takes each attribute from the latest (channel: first) order that has it, and the first purchase amount', async () => {
    const rows = await db.rows('SELECT customer_id, name, email, country, city, channel, first_order_at, first_order_revenue FROM customer_base ORDER BY customer_id');
    expect(rows).toEqual([
      // name, e-mail, country: X2 (X3 has none); city: X1 (neither X2 nor X3); channel: X2 (X1 has none); first purchase: X2, 40
      { customer_id: 'K1', name: 'Kim', email: 'kim@example.com', country: 'NZ', city: 'Auckland', channel: 'web', first_order_at: ms('2024-01-05'), first_order_revenue: 40 },
      // same day: Y2 > Y1 by order id, so the latest is Y2 and the first Y1
      { customer_id: 'K2', name: 'Lee B', email: 'lee@example.com', country: 'AU', city: 'Perth', channel: 'store', first_order_at: ms('2024-03-01'), first_order_revenue: 7 },
      // no purchase: no first order revenue; no order with a channel
      { customer_id: 'K3', name: 'Zed', email: 'zed@example.com', country: 'UK', city: 'Leeds', channel: null, first_order_at: null, first_order_revenue: 0 },
    ]);
  });
});
