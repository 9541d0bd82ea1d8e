// Files the end-to-end tests drop on the page, written to a temporary folder.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';

export interface Fixtures {
  dir: string;
  ordersCsv: string;
  ordersParquet: string;
  noCustomerCsv: string;
  binaryCsv: string;
  bigCsv: string;
}

/** 6 orders by 4 customers; one row without a customer. */
export const ORDERS_CSV = [
  'Order ID,Customer ID,Order Date,Total,Country',
  'A-1,C1,2024-01-02 10:00:00,10.50,DE',
  'A-2,C2,2024-01-03 11:00:00,3.00,FR',
  'A-3,C1,2024-02-03 09:00:00,7.25,DE',
  'A-4,,2024-02-04 09:00:00,5.00,FR',
  'A-5,C3,2024-03-01 12:00:00,20.00,NL',
  'A-6,C4,2024-03-02 12:00:00,1.00,NL',
].join('\n');

export function writeFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-e2e-'));
  const path = (name: string) => join(dir, name);

  writeFileSync(path('orders.csv'), ORDERS_CSV);
  // 4 invoice lines in 3 invoices by 2 customers.
  const lines = tableFromArrays({
    InvoiceNo: ['10', '10', '11', '12'],
    CustomerID: Int32Array.from([1, 1, 2, 1]),
    InvoiceDate: ['2024-05-01 10:00:00', '2024-05-01 10:00:00', '2024-05-02 10:00:00', '2024-06-01 10:00:00'],
    Quantity: Int32Array.from([2, 1, 3, 1]),
    UnitPrice: Float64Array.from([1.5, 4, 2, 10]),
  });
  writeFileSync(path('lines.parquet'), writeParquet(WasmTable.fromIPCStream(tableToIPC(lines, 'stream'))));
  writeFileSync(path('products.csv'), 'sku,colour,weight\nX1,red,3\nX2,blue,4\n');
  writeFileSync(path('photo.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3]));

  // ~60 MB: large enough that loading takes a while and can be cancelled.
  const row = (i: number) => `O${i},C${i % 50000},2023-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')} 10:00:00,${(i % 997) / 10},DE,some product name ${i % 313}\n`;
  const chunks = ['order_id,customer_id,ordered_at,amount,country,product\n'];
  for (let i = 0; i < 1_000_000; i++) chunks.push(row(i));
  writeFileSync(path('big.csv'), chunks.join(''));

  return {
    dir,
    ordersCsv: path('orders.csv'),
    ordersParquet: path('lines.parquet'),
    noCustomerCsv: path('products.csv'),
    binaryCsv: path('photo.csv'),
    bigCsv: path('big.csv'),
  };
}

/** Files a second origin serves for opening by URL. */
export interface UrlFixtures {
  dir: string;
  /** 20,000 invoice lines in 10,000 invoices by 500 customers, in 4 row groups of 5,000 lines. */
  linesParquet: string;
  /** ORDERS_CSV, plain and gzipped. */
  ordersCsv: string;
  ordersCsvGz: string;
  /** About 20 MB of orders: from a slow server, long enough to load that progress shows and Cancel gets through. */
  bigCsv: string;
}

export function writeUrlFixtures(): UrlFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-e2e-url-'));
  const path = (name: string) => join(dir, name);
  const n = 20_000;
  const invoice = (i: number) => Math.floor(i / 2);
  const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + (invoice(i) % 300), 10)).toISOString().slice(0, 19).replace('T', ' ');
  const lines = tableFromArrays({
    InvoiceNo: Array.from({ length: n }, (_, i) => `INV${invoice(i)}`),
    CustomerID: Int32Array.from({ length: n }, (_, i) => (invoice(i) % 500) + 1),
    InvoiceDate: Array.from({ length: n }, (_, i) => day(i)),
    Description: Array.from({ length: n }, (_, i) => `product ${(i * 7919) % 1013} in colour ${(i * 31) % 97}`),
    Quantity: Int32Array.from({ length: n }, (_, i) => 1 + (i % 3)),
    UnitPrice: Float64Array.from({ length: n }, (_, i) => 1 + (i % 50) / 4),
  });
  const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(5_000).build();
  writeFileSync(path('lines.parquet'), writeParquet(WasmTable.fromIPCStream(tableToIPC(lines, 'stream')), properties));
  writeFileSync(path('orders.csv'), ORDERS_CSV);
  writeFileSync(path('orders.csv.gz'), gzipSync(ORDERS_CSV));
  const row = (i: number) => `O${i},C${i % 50000},2023-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')} 10:00:00,${(i % 997) / 10},DE,some product name ${i % 313}\n`;
  const chunks = ['order_id,customer_id,ordered_at,amount,country,product\n'];
  for (let i = 0; i < 300_000; i++) chunks.push(row(i));
  writeFileSync(path('big.csv'), chunks.join(''));
  return { dir, linesParquet: path('lines.parquet'), ordersCsv: path('orders.csv'), ordersCsvGz: path('orders.csv.gz'), bigCsv: path('big.csv') };
}

/** Streams a CSV of about `bytes` bytes to `path`; returns its data-row count. */
export async function writeLargeCsv(path: string, bytes: number): Promise<number> {
  const { createWriteStream } = await import('node:fs');
  const out = createWriteStream(path);
  let rows = 0;
  let written = 0;
  await new Promise<void>((done, fail) => {
    out.on('error', fail);
    const pump = () => {
      while (written < bytes) {
        const line = `O${rows},C${rows % 900_000},2023-${String((rows % 12) + 1).padStart(2, '0')}-${String((rows % 28) + 1).padStart(2, '0')} 10:00:00,${(rows % 997) / 10},DE,product ${rows % 313},note ${(rows * 7919) % 100_003}\n`;
        rows++;
        written += line.length;
        if (!out.write(line)) return void out.once('drain', pump);
      }
      out.end(done);
    };
    out.write('order_id,customer_id,ordered_at,amount,country,product,note\n');
    pump();
  });
  return rows;
}
