import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { ordersSql, type OrdersSource } from '../../src/ingest/orders-view';
import type { SourceColumn } from '../../src/ingest/types';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
});

const NOW = '2025-01-01 00:00:00';

async function load(table: string, csv: string): Promise<SourceColumn[]> {
  await db.registerFile(`${table}.csv`, new Blob([csv]));
  await db.query(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM read_csv('${table}.csv', null_padding = true)`);
  const described = await db.rows<{ name: string; type: string }>(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${table})`);
  return described.map((c) => ({ ...c, examples: [] }));
}

async function build(sources: OrdersSource[]) {
  for (const sql of ordersSql(sources, NOW)) await db.query(sql);
}

describe('canonical orders', () => {
  it('groups invoice lines into orders: amount = Σ quantity × unit price, cancellations become refunds', async () => {
    // UCI Online Retail shape: 536365 has two lines (6×2.55 + 8×3.39 = 15.30 + 27.12 = 42.42);
    // C536379 cancels one line (-1 × 27.50 = -27.50) → a refund-only order; the CustomerID is a float.
    // An order's product (as its other attributes) is its first line's: 536365's is the heart, not the lantern.
    const columns = await load(
      'retail',
      [
        'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
        '536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
        '536365,71053,WHITE METAL LANTERN,8,2010-12-01 08:26:00,3.39,17850.0,United Kingdom',
        'C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527.0,United Kingdom',
        '536414,22139,RETROSPOT,56,2010-12-01 11:52:00,0.00,,United Kingdom',
      ].join('\n'),
    );
    await build([
      {
        index: 0,
        table: 'retail',
        columns,
        mapping: { order_id: 'InvoiceNo', product: 'Description', quantity: 'Quantity', ordered_at: 'InvoiceDate', unit_price: 'UnitPrice', customer_id: 'CustomerID', country: 'Country' },
        date: { kind: 'native' },
      },
    ]);
    const orders = await db.rows('SELECT order_id, customer_id, amount, refund, net, items, lines, kind, product FROM orders ORDER BY order_id');
    expect(orders).toEqual([
      { order_id: '536365', customer_id: '17850', amount: 42.42, refund: 0, net: 42.42, items: 14, lines: 2, kind: 'sale', product: 'WHITE HANGING HEART' },
      { order_id: 'C536379', customer_id: '14527', amount: 0, refund: 27.5, net: -27.5, items: -1, lines: 1, kind: 'refund', product: 'Discount' },
    ]);
    const [excluded] = await db.rows("SELECT count(*)::INTEGER AS n FROM staged_lines WHERE excluded_reason = 'missing_customer'");
    expect(excluded).toEqual({ n: 1 });
  });

  it('reads text dates in several formats, YYYYMMDD integers, and flags what it cannot use', async () => {
    const columns = await load(
      'mixed',
      ['customer,date,amount,status', 'A,2024-01-02,10.5,paid', 'A,15/03/2024,"1.234,50",paid', 'B,not a date,3,paid', 'C,,4,paid', 'D,2030-01-01,5,paid', 'E,2024-02-01,6,failed', 'F,2024-02-02,7,refunded'].join('\n'),
    );
    await build([
      {
        index: 0,
        table: 'mixed',
        columns,
        mapping: { customer_id: 'customer', ordered_at: 'date', amount: 'amount', status: 'status' },
        date: { kind: 'text', formats: ['%Y-%m-%d', '%d/%m/%Y'], ambiguousDayMonth: false },
      },
    ]);
    const reasons = await db.rows('SELECT customer_id, excluded_reason FROM staged_lines ORDER BY source_row');
    expect(reasons.map((r) => r.excluded_reason)).toEqual([null, null, 'unparseable_date', 'missing_date', 'future_date', 'not_paid', null]);
    const orders = await db.rows("SELECT customer_id, strftime(ordered_at, '%Y-%m-%d') AS day, amount, refund FROM orders ORDER BY customer_id, day");
    expect(orders).toEqual([
      { customer_id: 'A', day: '2024-01-02', amount: 10.5, refund: 0 },
      { customer_id: 'A', day: '2024-03-15', amount: 1234.5, refund: 0 },
      // refunded without a refund column: the whole amount is refunded
      { customer_id: 'F', day: '2024-02-02', amount: 7, refund: 7 },
    ]);
  });

  it('keeps an order found in two loaded files once, from the earlier file', async () => {
    const a = await load('first', 'order,customer,day,total\n1,A,20240101,10\n2,B,20240102,20');
    const b = await load('second', 'order,customer,day,total\n2,B,20240102,20\n3,C,20240103,30');
    const mapping = { order_id: 'order', customer_id: 'customer', ordered_at: 'day', amount: 'total' };
    await build([
      { index: 0, table: 'first', columns: a, mapping, date: { kind: 'yyyymmdd' } },
      { index: 1, table: 'second', columns: b, mapping, date: { kind: 'yyyymmdd' } },
    ]);
    const [summary] = await db.rows('SELECT count(*)::INTEGER AS orders, sum(amount)::DOUBLE AS revenue FROM orders');
    expect(summary).toEqual({ orders: 3, revenue: 60 });
  });

  it('identifies customers by e-mail when there is no id column, case-insensitively', async () => {
    const columns = await load('emails', 'Email,Created at,Total\nAnn@Example.com,2024-01-01,5\nann@example.com,2024-01-02,7');
    await build([{ index: 0, table: 'emails', columns, mapping: { customer_email: 'Email', ordered_at: 'Created at', amount: 'Total' }, date: { kind: 'native' } }]);
    expect(await db.rows('SELECT customer_id, count(*)::INTEGER AS n FROM orders GROUP BY ALL')).toEqual([{ customer_id: 'ann@example.com', n: 2 }]);
  });

  it('writes large data compressed, with the same orders, and moves back when the data is small again', async () => {
    const a = await load('store', 'order,customer,day,total\n1,A,20240101,10\n1,A,20240101,5\n2,B,20240102,20');
    const sources: OrdersSource[] = [{ index: 0, table: 'store', columns: a, mapping: { order_id: 'order', customer_id: 'customer', ordered_at: 'day', amount: 'total' }, date: { kind: 'yyyymmdd' } }];
    const where = () => db.rows<{ database_name: string; table_name: string }>("SELECT database_name, table_name FROM duckdb_tables() WHERE table_name IN ('staged_lines', 'orders') ORDER BY ALL");
    const orders = () => db.rows('SELECT order_id, amount, lines FROM orders ORDER BY order_id');
    // Order 1: two lines 10 + 5 = 15; order 2: 20.
    const expected = [{ order_id: '1', amount: 15, lines: 2 }, { order_id: '2', amount: 20, lines: 1 }];
    for (const sql of ordersSql(sources, NOW, { compact: true })) await db.query(sql);
    expect(await where()).toEqual([{ database_name: 'compact', table_name: 'orders' }, { database_name: 'compact', table_name: 'staged_lines' }]);
    expect(await orders()).toEqual(expected);
    expect((await db.rows('SELECT count(*)::INTEGER AS n FROM order_lines'))[0]).toEqual({ n: 3 });
    for (const sql of ordersSql(sources, NOW)) await db.query(sql);
    expect(await where()).toEqual([{ database_name: 'memory', table_name: 'orders' }, { database_name: 'memory', table_name: 'staged_lines' }]);
    expect(await orders()).toEqual(expected);
  });
});
