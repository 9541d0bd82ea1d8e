// A 6-customer shop for the command line's tests, written to a temporary folder.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// customer  orders (date amount)                       hand figures
// CU-1001   O1 01-05 100, O2 02-10 50                   repeat, 150
// CU-1002   O3 01-20 80                                 one-time, 80
// CU-1003   O4 02-01 30                                 one-time, 30
// CU-1004   O5 02-15 40, O6 03-01 60                    repeat, 100
// CU-1005   O7 03-10 25                                 one-time, 25
// CU-1006   O8 03-20 15                                 one-time, 15
// All time: 6 customers, 8 orders, revenue 100+50+80+30+40+60+25+15 = 400, net 400, AOV 400/8 = 50.
// March 2024: O6, O7, O8 → 3 customers (CU-1004 returning, CU-1005 and CU-1006 new), revenue 60+25+15 = 100.
export const SHOP_CSV = [
  'order_id,customer_id,email,name,ordered_at,amount,currency,country',
  'O1,CU-1001,ann.archer@shop.test,Ann Archer,2024-01-05,100,EUR,DE',
  'O2,CU-1001,ann.archer@shop.test,Ann Archer,2024-02-10,50,EUR,DE',
  'O3,CU-1002,bob.baker@shop.test,Bob Baker,2024-01-20,80,EUR,DE',
  'O4,CU-1003,cy.cole@shop.test,Cy Cole,2024-02-01,30,EUR,FR',
  'O5,CU-1004,di.dunn@shop.test,Di Dunn,2024-02-15,40,EUR,FR',
  'O6,CU-1004,di.dunn@shop.test,Di Dunn,2024-03-01,60,EUR,FR',
  'O7,CU-1005,ed.eyre@shop.test,Ed Eyre,2024-03-10,25,EUR,NL',
  'O8,CU-1006,fay.ford@shop.test,Fay Ford,2024-03-20,15,EUR,NL',
].join('\n');

/** Every value that identifies a customer: none may appear in a report. */
export const IDENTIFYING = [
  ...['1001', '1002', '1003', '1004', '1005', '1006'].map((n) => `CU-${n}`),
  ...['ann.archer', 'bob.baker', 'cy.cole', 'di.dunn', 'ed.eyre', 'fay.ford'].map((n) => `${n}@shop.test`),
  'Ann Archer', 'Bob Baker', 'Cy Cole', 'Di Dunn', 'Ed Eyre', 'Fay Ford', 'Archer', 'Baker', 'Dunn', 'Eyre',
];

export function writeShop(): { dir: string; shop: string; noCustomer: string; badDates: string } {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-cli-'));
  writeFileSync(join(dir, 'shop.csv'), SHOP_CSV);
  writeFileSync(join(dir, 'products.csv'), 'sku,colour,weight\nX1,red,3\nX2,blue,4\n');
  writeFileSync(join(dir, 'bad-dates.csv'), 'order_id,customer_id,ordered_at,amount\nO1,C1,sometime,10\nO2,C2,later,5\n');
  return { dir, shop: join(dir, 'shop.csv'), noCustomer: join(dir, 'products.csv'), badDates: join(dir, 'bad-dates.csv') };
}
