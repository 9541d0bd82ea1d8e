// A tiny shop, shared by the analyses' tests. Ten customers, Nov 2023 – Apr 2024; the tests'
// "range" is March 2024 ([2024-03-01, 2024-04-01), 31 days), whose previous period is
// [2024-01-30, 2024-03-01) (31 days: Jan 30–31 and the 29 days of Feb 2024).
//
// customer  orders (date amount product)                          what it exercises
// C01 Ann   O01 01-10 100 Mug; O02 03-05 50 Tea                    first purchase before the range; repeat
// C02 Bob   O03 03-10 40 Mug (qty 2) + 160 Kettle: one 200 order   new in range, invoice lines, one-time paid
// C03 Cat   O04 03-12 0 Trial box (status trial)                   free trial
// C04 Dan   O05 03-03 80 Kettle; O06 03-20 120 Tea (qty 3);        new and then returning on 03-20; a
//           R01 03-25 −30 Tea (qty −1, refund-only order)          refund-only order (a cancellation invoice)
// C05 Eve   O07 2023-11-01 300 Kettle                              lost on 2024-01-30 (+90 days)
// C06 Fay   O08 2023-12-05 60 Mug                                  lost on 2024-03-04 (+90 days), in the range
// C07 Gus   O09 02-15 40 Tea (status refunded); O10 03-15 60 Mug   refund of a whole order, in the previous period
// C08 Hal   O11 03-28 500 Kettle, city O'Fallon, e-mail o'hara@…   the biggest customer; quotes in values
// C09 Ivy   O12 02-20 25 Tea; O13 04-10 30 Tea                     new in the previous period; last day of data
// C10 Jo    O14 03-08 10 "'; DROP TABLE orders; --", name "=Jo"    SQL text as data; a formula in a CSV cell
//
// All-time per customer (customer_base), worked out from the table above:
// id   first  last   1st-order orders paid revenue refunds ltv  aov   band (rank by revenue, running total before)
// C01  01-10  03-05  100       2      2    150     0       150  75    next_30  (5th, 1200 < 1260 = 80% of 1575)
// C02  03-10  03-10  200       1      1    200     0       200  200   next_30  (3rd, 800 ≥ 787.5 = 50%)
// C03  03-12  03-12  0         1      0    0       0       0    null  no_revenue
// C04  03-03  03-20  80        2      2    200     30      170  100   next_30  (4th, 1000)
// C05  11-01  11-01  300       1      1    300     0       300  300   top_50   (2nd, 500 < 787.5)
// C06  12-05  12-05  60        1      1    60      0       60   60    next_15  (7th, 1450 < 1496.25 = 95%)
// C07  02-15  03-15  40        2      2    100     40      60   50    next_15  (6th, 1350 ≥ 1260)
// C08  03-28  03-28  500       1      1    500     0       500  500   top_50   (1st, 0)
// C09  02-20  04-10  25        2      2    55      0       55   27.5  last_5   (8th, 1510 ≥ 1496.25)
// C10  03-08  03-08  10        1      1    10      0       10   10    last_5   (9th, 1565)
// Σ revenue 1575. data_bounds: first_day 2023-11-01, end_day 2024-04-11.
import { ordersSql, type OrdersSource } from '../../../src/ingest/orders-view';
import { CUSTOMER_BASE_STATEMENTS } from '../../../src/analyses/customer-base';
import type { SqlQuery } from '../../../src/analyses/sql-fragment';
import type { NodeDatabase } from '../../helpers/node-database';

export const FIXTURE_CSV = [
  'order,customer,email,name,date,amount,quantity,product,category,country,city,channel,status',
  'O01,C01,ann@example.com,Ann,2024-01-10,100,1,Mug,Kitchen,UK,London,web,paid',
  'O02,C01,ann@example.com,Ann,2024-03-05,50,2,Tea,Food,UK,London,web,paid',
  'O03,C02,bob@example.com,Bob,2024-03-10,40,2,Mug,Kitchen,UK,Leeds,store,paid',
  'O03,C02,bob@example.com,Bob,2024-03-10,160,1,Kettle,Kitchen,UK,Leeds,store,paid',
  'O04,C03,cat@example.com,Cat,2024-03-12,0,1,Trial box,Trial,FR,Paris,web,trial',
  'O05,C04,dan@example.com,Dan,2024-03-03,80,1,Kettle,Kitchen,FR,Paris,app,paid',
  'O06,C04,dan@example.com,Dan,2024-03-20,120,3,Tea,Food,FR,Paris,app,paid',
  'R01,C04,dan@example.com,Dan,2024-03-25,-30,-1,Tea,Food,FR,Paris,app,refunded',
  'O07,C05,eve@example.com,Eve,2023-11-01,300,1,Kettle,Kitchen,DE,Berlin,web,paid',
  'O08,C06,fay@example.com,Fay,2023-12-05,60,1,Mug,Kitchen,DE,Munich,store,paid',
  'O09,C07,gus@example.com,Gus,2024-02-15,40,1,Tea,Food,US,New York,app,refunded',
  'O10,C07,gus@example.com,Gus,2024-03-15,60,1,Mug,Kitchen,US,New York,app,paid',
  "O11,C08,o'hara@example.com,Hal O'Hara,2024-03-28,500,5,Kettle,Kitchen,US,O'Fallon,web,paid",
  'O12,C09,ivy@example.com,Ivy,2024-02-20,25,1,Tea,Food,UK,London,app,paid',
  'O13,C09,ivy@example.com,Ivy,2024-04-10,30,1,Tea,Food,UK,London,app,paid',
  `O14,C10,jo@example.com,=Jo,2024-03-08,10,1,"'; DROP TABLE orders; --",Food,FR,Lyon,web,paid`,
].join('\n');

export const INJECTION = "'; DROP TABLE orders; --";
export const MARCH = { start: '2024-03-01', end: '2024-04-01' } as const;
export const NOW = '2025-01-01 00:00:00';
export const DAY_MS = 86_400_000;
/** Epoch ms of a UTC date, as Arrow hands DATE and TIMESTAMP values back. */
export const ms = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);

/** Loads the fixture (or another CSV with its header) into `db`: the canonical tables and the customer base. */
export async function loadFixture(db: NodeDatabase, csv = FIXTURE_CSV): Promise<void> {
  await db.registerFile('analyses-fixture.csv', new Blob([csv]));
  await db.query(
    `CREATE OR REPLACE TABLE analyses_fixture AS SELECT * FROM read_csv('analyses-fixture.csv', delim = ',', quote = '"', header = true, columns = {
      'order': 'VARCHAR', 'customer': 'VARCHAR', 'email': 'VARCHAR', 'name': 'VARCHAR', 'date': 'DATE', 'amount': 'DOUBLE', 'quantity': 'DOUBLE',
      'product': 'VARCHAR', 'category': 'VARCHAR', 'country': 'VARCHAR', 'city': 'VARCHAR', 'channel': 'VARCHAR', 'status': 'VARCHAR'})`,
  );
  const described = await db.rows<{ name: string; type: string }>(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE analyses_fixture)`);
  const source: OrdersSource = {
    index: 0,
    table: 'analyses_fixture',
    columns: described.map((c) => ({ ...c, examples: [] })),
    mapping: {
      order_id: 'order', customer_id: 'customer', customer_email: 'email', customer_name: 'name', ordered_at: 'date', amount: 'amount',
      quantity: 'quantity', product: 'product', category: 'category', country: 'country', city: 'city', channel: 'channel', status: 'status',
    },
    date: { kind: 'native' },
  };
  for (const statement of [...ordersSql([source], NOW), ...CUSTOMER_BASE_STATEMENTS]) await db.query(statement);
}

export async function run(db: NodeDatabase, queries: readonly SqlQuery[]): Promise<void> {
  for (const q of queries) await db.query(q.sql, { params: q.params });
}

export async function rowsOf<T = Record<string, unknown>>(db: NodeDatabase, query: SqlQuery): Promise<T[]> {
  return db.rows<T>(query.sql, query.params);
}
