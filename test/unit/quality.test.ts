import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { ordersSql } from '../../src/ingest/orders-view';
import { CURRENCIES_SQL, QUALITY_SUMMARY_SQL, qualityChecksSql, toQualityChecks } from '../../src/ingest/quality';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  // 9 data rows. By hand:
  //  row 1  O1 A  paid 10 EUR           → used
  //  row 2  O1 A  paid  5 EUR           → used; O1 has 2 rows → duplicate_order_id (combined)
  //  row 3  O2 (no customer)            → missing_customer
  //  row 4  O3 B  date 'soon'           → unparseable_date
  //  row 5  O4 B  2031-01-01            → future_date
  //  row 6  O5 C  -4 EUR                → negative_amount (refund)
  //  row 7  O6 C  refunded 8 EUR        → refunded_status (refund)
  //  row 8  O7 D  0 USD                 → zero_amount order (kept)
  //  row 9  O8 D  pending 9             → not_paid
  const csv = [
    'order,customer,date,amount,currency,status',
    'O1,A,2024-01-01,10,EUR,paid',
    'O1,A,2024-01-01,5,EUR,paid',
    'O2,,2024-01-02,7,EUR,paid',
    'O3,B,soon,7,EUR,paid',
    'O4,B,2031-01-01,7,EUR,paid',
    'O5,C,2024-01-03,-4,EUR,paid',
    'O6,C,2024-01-04,8,EUR,refunded',
    'O7,D,2024-01-05,0,USD,trial',
    'O8,D,2024-01-06,9,EUR,pending',
  ].join('\n');
  await db.registerFile('q.csv', new Blob([csv]));
  await db.query("CREATE TABLE q AS SELECT * FROM read_csv('q.csv', all_varchar = true)");
  for (const sql of ordersSql([source(0, 'q')], '2025-01-01 00:00:00')) await db.query(sql);
});

const source = (index: number, table: string) => ({
  index,
  table,
  columns: ['order', 'customer', 'date', 'amount', 'currency', 'status'].map((name) => ({ name, type: 'VARCHAR', examples: [] })),
  mapping: { order_id: 'order', customer_id: 'customer', ordered_at: 'date', amount: 'amount', currency: 'currency', status: 'status' },
  date: { kind: 'text' as const, formats: ['%Y-%m-%d'], ambiguousDayMonth: false },
});

describe('data-quality report', () => {
  it('counts each problem, says what happens to it, and shows example rows', async () => {
    const checks = toQualityChecks(await db.rows(qualityChecksSql(1)), await db.rows(CURRENCIES_SQL), false);
    const summary = Object.fromEntries(checks.map((c) => [c.id, [c.count, c.action, c.examples.map((e) => e.row ?? e.order)]]));
    expect(summary).toEqual({
      missing_customer: [1, 'excluded', [3]],
      unparseable_date: [1, 'excluded', [4]],
      future_date: [1, 'excluded', [5]],
      not_paid: [1, 'excluded', [9]],
      negative_amount: [1, 'refund', [6]],
      refunded_status: [1, 'refund', [7]],
      zero_amount: [1, 'kept', ['O7']],
      duplicate_order_id: [1, 'combined', [1]],
      // EUR: O1 15 + O5 −4 + O6 (8−8) = 11 over 3 orders; USD: O7, 0
      currency_mix: [2, 'warning', ['3', '1']],
    });
    expect(checks.find((c) => c.id === 'currency_mix')!.examples.map((e) => e.amount)).toEqual(['EUR 11.00', 'USD 0.00']);
    // The duplicate's example is its first row: customer and date as written there, and its row count.
    expect(checks.find((c) => c.id === 'duplicate_order_id')!.examples).toEqual([
      { source: 0, row: 1, customer: 'A', order: 'O1', date: '2024-01-01', amount: '2 rows' },
    ]);
  });

  it('summarises rows used, orders, customers and the date range', async () => {
    const [summary] = await db.rows(QUALITY_SUMMARY_SQL);
    // used rows: 1, 2, 6, 7, 8 = 5; orders O1, O5, O6, O7 = 4; customers A, C, D = 3
    expect(summary).toEqual({ rows: 9, usedRows: 5, orders: 4, customers: 3, firstOrder: Date.UTC(2024, 0, 1), lastOrder: Date.UTC(2024, 0, 5) });
  });
});

describe('data-quality report over several files', () => {
  let two: NodeDatabase;
  beforeAll(async () => {
    two = await NodeDatabase.open();
    // File 0: P2 once, P1 on rows 2 and 3 (a duplicate within the file).
    // File 1: P1 again on row 1 (customer written 'a1', another date), P3 on rows 2 and 3, P2 excluded (pending).
    // By hand: P1 is in both files → order_in_several_files once, its example from the earliest
    // file's first row of it (file 0 row 2: customer A1, 2024-02-01, not file 1's row 1), its source
    // the later file (1); P2's copy in file 1 is not used, so P2 is in one file only.
    // duplicate_order_id: P1 in file 0 (rows 2, 3), P3 in file 1 (rows 2, 3).
    const files = {
      f0: ['order,customer,date,amount,currency,status', 'P2,B1,2024-02-02,5,EUR,paid', 'P1,A1,2024-02-01,10,EUR,paid', 'P1,A1,2024-02-03,3,EUR,paid'],
      f1: ['order,customer,date,amount,currency,status', 'P1,a1,2024-03-02,10,EUR,paid', 'P3,C1,2024-03-01,4,EUR,paid', 'P3,C1,2024-03-01,1,EUR,paid', 'P2,B1,2024-02-02,5,EUR,pending'],
    };
    for (const [name, lines] of Object.entries(files)) {
      await two.registerFile(`${name}.csv`, new Blob([lines.join('\n')]));
      await two.query(`CREATE TABLE ${name} AS SELECT * FROM read_csv('${name}.csv', all_varchar = true)`);
    }
    for (const sql of ordersSql([source(0, 'f0'), source(1, 'f1')], '2025-01-01 00:00:00')) await two.query(sql);
  });

  it('finds an order in more than one file and duplicates within each file', async () => {
    const checks = toQualityChecks(await two.rows(qualityChecksSql(2)), await two.rows(CURRENCIES_SQL), false);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId.order_in_several_files).toEqual({
      id: 'order_in_several_files', count: 1, action: 'kept_once',
      examples: [{ source: 1, row: null, customer: 'A1', order: 'P1', date: '2024-02-01', amount: null }],
    });
    expect(byId.duplicate_order_id!.count).toBe(2);
    expect(byId.duplicate_order_id!.examples).toEqual([
      { source: 0, row: 2, customer: 'A1', order: 'P1', date: '2024-02-01', amount: '2 rows' },
      { source: 1, row: 2, customer: 'C1', order: 'P3', date: '2024-03-01', amount: '2 rows' },
    ]);
  });

  it('leaves the several-files check out only where it cannot find anything: one file', async () => {
    const ids = (rows: { check_id: string }[]) => [...new Set(rows.map((r) => r.check_id))];
    expect(ids(await two.rows(qualityChecksSql(1)))).not.toContain('order_in_several_files');
    expect(ids(await two.rows(qualityChecksSql(2)))).toContain('order_in_several_files');
  });
});

describe('data-quality report over typed columns', () => {
  it('shows a TIMESTAMP date and a DOUBLE amount as written, and tells a missing date from an unparseable one', async () => {
    const typed = await NodeDatabase.open();
    // By hand: T1 has two rows → duplicate_order_id (row 1); row 3 has no date → missing_date;
    // row 4 is negative → negative_amount (a refund of 4.25); row 5 lies after "now" → future_date.
    await typed.query(`CREATE TABLE t AS SELECT * FROM (VALUES
      ('T1', 'A', TIMESTAMP '2024-01-01 10:00:00', 10.5::DOUBLE),
      ('T1', 'A', TIMESTAMP '2024-01-01 10:00:00', 2.0::DOUBLE),
      ('T2', 'B', NULL, 7.0::DOUBLE),
      ('T3', 'B', TIMESTAMP '2024-01-03 00:00:00', -4.25::DOUBLE),
      ('T4', 'C', TIMESTAMP '2031-01-01 00:00:00', 5.0::DOUBLE)) v("order", customer, "date", amount)`);
    const columns = [{ name: 'order', type: 'VARCHAR' }, { name: 'customer', type: 'VARCHAR' }, { name: 'date', type: 'TIMESTAMP' }, { name: 'amount', type: 'DOUBLE' }].map((c) => ({ ...c, examples: [] }));
    const mapping = { order_id: 'order', customer_id: 'customer', ordered_at: 'date', amount: 'amount' };
    for (const sql of ordersSql([{ index: 0, table: 't', columns, mapping, date: { kind: 'native' } }], '2025-01-01 00:00:00')) await typed.query(sql);
    const checks = toQualityChecks(await typed.rows(qualityChecksSql(1)), await typed.rows(CURRENCIES_SQL), false);
    expect(Object.fromEntries(checks.map((c) => [c.id, c.examples]))).toEqual({
      duplicate_order_id: [{ source: 0, row: 1, customer: 'A', order: 'T1', date: '2024-01-01 10:00:00', amount: '2 rows' }],
      missing_date: [{ source: 0, row: 3, customer: 'B', order: 'T2', date: null, amount: '7.0' }],
      negative_amount: [{ source: 0, row: 4, customer: 'B', order: 'T3', date: '2024-01-03 00:00:00', amount: '-4.25' }],
      future_date: [{ source: 0, row: 5, customer: 'C', order: 'T4', date: '2031-01-01 00:00:00', amount: '5.0' }],
    });
  });
});
