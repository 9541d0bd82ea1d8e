// loadSource on a URL, against a local server playing a public bucket: the sniffing range request
// and the problems it reports. (Node's DuckDB has no HTTP files, so NodeDatabase reads the small
// CSV whole; the browser's range reads are covered end to end in test/e2e/load-url.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm/node';
import { serveFolder, type StaticServer } from '../../scripts/static-server';
import { NodeDatabase } from '../helpers/node-database';
import { LoadError, UrlSource, loadSource } from '../../src/ingest/load-source';

let db: NodeDatabase;
let dir: string;
let bucket: StaticServer;
let noRanges: StaticServer;
const ranges: (string | undefined)[] = [];
const ORDERS = 'order_id,customer_id,amount\nO1,C1,10.5\nO2,C2,3\n';

beforeAll(async () => {
  db = await NodeDatabase.open();
  dir = mkdtempSync(join(tmpdir(), 'clientele-url-'));
  writeFileSync(join(dir, 'orders.csv'), ORDERS);
  writeFileSync(join(dir, 'empty.csv'), '');
  const arrow = tableFromArrays({ order_id: ['O1', 'O2', 'O3'], amount: Float64Array.from([1, 2, 3.5]) });
  writeFileSync(join(dir, 'orders.parquet'), writeParquet(WasmTable.fromIPCStream(tableToIPC(arrow, 'stream'))));
  bucket = await serveFolder(dir, '/b/', { cors: true, onRequest: (r) => ranges.push(r.range) });
  noRanges = await serveFolder(dir, '/b/', { cors: true, ranges: false });
});
afterAll(async () => {
  await bucket?.close();
  await noRanges?.close();
  rmSync(dir, { recursive: true, force: true });
});

const problemOf = (url: string) =>
  loadSource(db, new UrlSource(url), 'x', 80).then(
    () => 'loaded',
    (error: unknown) => (error instanceof LoadError ? error.problem : String(error)),
  );

describe('opening a file by URL', () => {
  it('names the file after the last segment of its address', () => {
    expect(new UrlSource(' https://example.com/exports/May%20orders.csv?sig=1 ').name).toBe('May orders.csv');
    expect(new UrlSource('https://example.com/').name).toBe('example.com');
  });

  it('sniffs with one range request for the first 64 KiB, then loads CSV and Parquet', async () => {
    ranges.length = 0;
    const csv = await loadSource(db, new UrlSource(`${bucket.url}orders.csv`), 'orders.csv', 81);
    expect([csv.rows, csv.bytes, csv.sniffed.format]).toEqual([2, ORDERS.length, 'csv']);
    expect(ranges[0]).toBe('bytes=0-65535');
    const parquet = await loadSource(db, new UrlSource(`${bucket.url}orders.parquet`), 'orders.parquet', 82);
    expect([parquet.rows, parquet.sniffed.format]).toEqual([3, 'parquet']);
  });

  it('says what is wrong with the address or the server', async () => {
    expect(await problemOf('not a url')).toBe('url_invalid');
    expect(await problemOf('file:///etc/passwd')).toBe('url_invalid');
    expect(new UrlSource('http://example.com/a.csv').parse('http:').href).toBe('http://example.com/a.csv');
    expect(() => new UrlSource('http://example.com/a.csv').parse('https:')).toThrow(LoadError);
    expect(await problemOf(`${bucket.url}missing.csv`)).toBe('url_status');
    expect(await problemOf(`${noRanges.url}orders.csv`)).toBe('url_no_range');
    expect(await problemOf(`${bucket.url}empty.csv`)).toBe('empty');
    expect(await problemOf('http://127.0.0.1:9/orders.csv')).toBe('url_unreachable');
  });
});
