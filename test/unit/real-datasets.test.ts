// Checks the whole ingest path on real public exports in ../shared/data (see its README).
// When that folder is absent these tests are skipped, and say so.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { buildOrders, prepareSource } from '../../src/ingest/build-orders';
import { loadSource } from '../../src/ingest/load-source';

const DATA = resolve(import.meta.dirname, '../../../shared/data');
const present = existsSync(resolve(DATA, 'README.md'));
if (!present) console.warn(`Real-dataset tests skipped: ${DATA} does not exist.`);

let db: NodeDatabase;
beforeAll(async () => {
  if (present) db = await NodeDatabase.open();
});

async function ingest(file: string, index: number) {
  const loaded = await loadSource(db, new Blob([readFileSync(resolve(DATA, file))]), file, index);
  const { mapping, date } = await prepareSource(db, loaded);
  const report = await buildOrders(db, [{ loaded, mapping, date }], new Date('2026-01-01T00:00:00Z'));
  const summary = report.summary;
  const checks = Object.fromEntries(report.checks.map((c) => [c.id, c.count]));
  const [money] = await db.rows('SELECT round(sum(amount), 2) AS sales, round(sum(refund), 2) AS refunds FROM orders');
  return { loaded, mapping, date, summary, checks, money };
}

describe.skipIf(!present)('UCI Online Retail (541,909 invoice lines)', () => {
  // Published facts of the data set: 541,909 lines, 135,080 of them without CustomerID, 4,372 customers.
  // Sales and refunds are checked against a direct sum over the raw lines, computed separately below.
  async function expectRetail(file: string, index: number) {
    const { loaded, mapping, summary, checks, money } = await ingest(file, index);
    expect(loaded.rows).toBe(541_909);
    expect(mapping).toMatchObject({ order_id: 'InvoiceNo', quantity: 'Quantity', ordered_at: 'InvoiceDate', unit_price: 'UnitPrice', customer_id: 'CustomerID', country: 'Country' });
    expect(checks.missing_customer).toBe(135_080);
    expect(summary).toMatchObject({ rows: 541_909, usedRows: 406_829, customers: 4_372 });
    const [direct] = await db.rows(`SELECT
        round(sum(CASE WHEN Quantity * UnitPrice > 0 THEN Quantity * UnitPrice ELSE 0 END), 2) AS sales,
        round(sum(CASE WHEN Quantity * UnitPrice < 0 THEN -Quantity * UnitPrice ELSE 0 END), 2) AS refunds
      FROM ${loaded.table} WHERE CustomerID IS NOT NULL`);
    expect(money).toEqual(direct);
    return money;
  }

  it('reads the gzip CSV and the Parquet file to the same orders', async () => {
    const fromCsv = await expectRetail('online_retail.csv.gz', 1);
    const fromParquet = await expectRetail('online_retail.parquet', 2);
    expect(fromParquet).toEqual(fromCsv);
  });
});

describe.skipIf(!present)('CDNOW sample (BTYD literature)', () => {
  it('reads masterid as the customer and YYYYMMDD dates: 2,357 customers, 6,919 purchases', async () => {
    const { mapping, date, summary, money } = await ingest('cdnow_elog_btyd.csv', 3);
    expect(mapping).toMatchObject({ customer_id: 'masterid', ordered_at: 'date', quantity: 'cds', amount: 'sales' });
    expect(date).toEqual({ kind: 'yyyymmdd' });
    expect(summary).toMatchObject({ rows: 6_919, usedRows: 6_919, orders: 6_919, customers: 2_357, firstOrder: Date.UTC(1997, 0, 1), lastOrder: Date.UTC(1998, 5, 30) });
    const [direct] = await db.rows('SELECT round(sum(sales), 2) AS sales FROM source_3');
    expect(money!.sales).toBe(direct!.sales);
  });
});
