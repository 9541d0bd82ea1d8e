// Opening a file by its URL: the one request to another origin the page may make. A second
// static server on another port plays a public bucket (CORS, Range) and records every request.
import { rmSync, statSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { serveFolder, type ServeOptions } from '../../scripts/static-server';
import { launchChromium, openApp, serveDist, settled, type AppPage, type StaticServer } from './harness';
import { writeUrlFixtures, type UrlFixtures } from './fixtures';

interface Received {
  method: string;
  path: string;
  range: string | undefined;
}

let site: StaticServer;
let bucket: StaticServer;
let noRanges: StaticServer;
let noCors: StaticServer;
let slowBucket: StaticServer;
let browser: Browser;
let files: UrlFixtures;
let app: AppPage;
const received: Received[] = [];

async function serveBucket(options: ServeOptions): Promise<StaticServer> {
  return serveFolder(files.dir, '/data/', { ...options, onRequest: (request) => received.push(request) });
}

beforeAll(async () => {
  files = writeUrlFixtures();
  site = await serveDist();
  bucket = await serveBucket({ cors: true });
  noRanges = await serveBucket({ cors: true, ranges: false });
  noCors = await serveBucket({ cors: false });
  slowBucket = await serveBucket({ cors: true, delayMs: 400 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const server of [site, bucket, noRanges, noCors, slowBucket]) await server?.close();
  rmSync(files.dir, { recursive: true, force: true });
});
beforeEach(() => {
  received.length = 0;
});
afterEach(async () => {
  // Promise 1, with its one exception: nothing went to another origin but the addresses typed.
  expect(app.offOrigin).toEqual([]);
  expect(app.pageErrors).toEqual([]);
  await app.page.context().close();
});

const fact = (page: AppPage['page'], card: string, term: string) =>
  page.locator(`article[aria-label="${card}"] .facts div`).filter({ has: page.locator('dt', { hasText: term }) }).locator('dd');

async function openUrl(page: AppPage['page'], url: string): Promise<void> {
  await page.getByLabel('Web address (URL) of a CSV or Parquet file').fill(url);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await settled(page);
}

/** The bytes a `bytes=a-b` / `bytes=-n` header asks for, of a file of `size` bytes. */
function rangeLength(range: string, size: number): number {
  const [, start, end] = /^bytes=(\d*)-(\d*)$/.exec(range) ?? [];
  if (!start) return Math.min(Number(end), size);
  return Math.min(end ? Number(end) : size - 1, size - 1) - Number(start) + 1;
}

describe('opening a file by URL', () => {
  it('reads a Parquet file by range requests only: the footer, then each row group', async () => {
    const url = `${bucket.url}lines.parquet`;
    app = await openApp(browser, site, [url]);
    await openUrl(app.page, url);
    expect(await fact(app.page, 'lines.parquet', 'Rows').innerText()).toBe('20,000');
    expect(await fact(app.page, 'lines.parquet', 'Format').innerText()).toBe('Parquet');
    await expect.poll(() => app.page.getByTestId('quality-summary').innerText()).toMatch(/^20,000 of 20,000 rows used: 10,000 orders from 500 customers/);

    const size = statSync(files.linesParquet).size;
    const reads = received.filter((r) => r.method !== 'OPTIONS');
    const preflights = received.length - reads.length;
    console.info(`Parquet by URL (${size} bytes): ${reads.length} requests, ${preflights} CORS preflights`, reads.map((r) => `${r.method} ${r.range ?? 'no range'}`));
    expect(new Set(received.map((r) => r.path))).toEqual(new Set(['/data/lines.parquet']));
    // Every read asks for a part of the file; none is a plain GET of the whole body, and no part is the whole file.
    expect(reads.filter((r) => !r.range)).toEqual([]);
    for (const read of reads) expect(rangeLength(read.range!, size)).toBeLessThan(size);
    // The sniff, the footer, then at least one read per row group (4).
    expect(reads.length).toBeGreaterThanOrEqual(6);
    // The browser asked for nothing on another origin but the address typed.
    expect(app.allowedOffOrigin.length).toBeGreaterThan(0);
    expect(new Set(app.allowedOffOrigin)).toEqual(new Set([url]));
  });

  it('reads a CSV and a gzipped CSV by range requests through DuckDB, without COOP/COEP', async () => {
    const csv = `${bucket.url}orders.csv`;
    const gz = `${bucket.url}orders.csv.gz`;
    app = await openApp(browser, site, [csv, gz]);
    await openUrl(app.page, csv);
    expect(await fact(app.page, 'orders.csv', 'Rows').innerText()).toBe('6');
    await expect.poll(() => app.page.getByTestId('quality-summary').innerText()).toBe('5 of 6 rows used: 5 orders from 4 customers, Jan 2, 2024 – Mar 2, 2024.');
    const csvReads = received.filter((r) => r.method !== 'OPTIONS');
    console.info(`CSV by URL: ${csvReads.length} requests`, csvReads.map((r) => `${r.method} ${r.range ?? 'no range'}`));
    expect(csvReads.filter((r) => !r.range)).toEqual([]);

    received.length = 0;
    await openUrl(app.page, gz);
    expect(await fact(app.page, 'orders.csv.gz', 'Rows').innerText()).toBe('6');
    const gzReads = received.filter((r) => r.method !== 'OPTIONS');
    console.info(`CSV.GZ by URL: ${gzReads.length} requests`, gzReads.map((r) => `${r.method} ${r.range ?? 'no range'}`));
    expect(gzReads.filter((r) => !r.range)).toEqual([]);
    expect(new Set(app.allowedOffOrigin)).toEqual(new Set([csv, gz]));
  });

  it('shows progress while a large CSV is read by ranges, and Cancel keeps what was loaded', async () => {
    const small = `${bucket.url}orders.csv`;
    const big = `${slowBucket.url}big.csv`;
    app = await openApp(browser, site, [small, big]);
    await openUrl(app.page, small);
    received.length = 0;
    await app.page.getByLabel('Web address (URL) of a CSV or Parquet file').fill(big);
    await app.page.getByRole('button', { name: 'Open', exact: true }).click();
    await app.page.locator('section.loading progress[value]').waitFor();
    expect(await app.page.locator('section.loading').innerText()).toMatch(/MB read/);
    await app.page.getByRole('button', { name: 'Cancel' }).click();
    await settled(app.page);
    expect(await app.page.getByRole('alert').innerText()).toContain('Loading big.csv was cancelled. What was loaded before is unchanged.');
    expect(await fact(app.page, 'orders.csv', 'Rows').innerText()).toBe('6');
    const size = statSync(files.bigCsv).size;
    const reads = received.filter((r) => r.method !== 'OPTIONS');
    console.info(`Big CSV by URL (${size} bytes), cancelled: ${reads.length} requests`, reads.map((r) => `${r.method} ${r.range ?? 'no range'}`));
    expect(reads.filter((r) => !r.range)).toEqual([]);
    for (const read of reads) if (read.method === 'GET') expect(rangeLength(read.range!, size)).toBeLessThan(size);
  });

  it('says what is wrong with an address that fails, and keeps what was loaded', async () => {
    const good = `${bucket.url}orders.csv`;
    const missing = `${bucket.url}missing.csv`;
    const whole = `${noRanges.url}orders.csv`;
    const closed = `${noCors.url}orders.csv`;
    app = await openApp(browser, site, [good, missing, whole, closed]);
    await openUrl(app.page, good);
    await app.page.getByLabel('add it to what is loaded').check();

    const failure = async (url: string, name: string) => {
      await openUrl(app.page, url);
      const alert = app.page.getByRole('alert').filter({ hasText: `Could not load ${name}` });
      await alert.waitFor();
      const text = await alert.innerText();
      expect(text).toContain('Nothing loaded before was changed.');
      expect(await fact(app.page, 'orders.csv', 'Rows').innerText()).toBe('6');
      expect(await app.page.locator('article.source').count()).toBe(1);
      expect(await app.page.getByTestId('quality-summary').innerText()).toMatch(/^5 of 6 rows used/);
      await app.page.getByRole('button', { name: 'Dismiss' }).click();
      return text;
    };
    expect(await failure(missing, 'missing.csv')).toContain('The server answered “404 Not Found”');
    expect(await failure(whole, 'orders.csv')).toContain('does not support range requests');
    expect(await failure(closed, 'orders.csv')).toContain('does not let this page read the file (CORS)');
    expect(await failure('ftp://example.com/orders.csv', 'orders.csv')).toContain('is not a web address this page can open');
    // The refused servers were asked once each (the no-CORS one twice: the read, then the reachability probe), never fully read.
    expect(received.filter((r) => r.path === '/data/missing.csv')).toHaveLength(1);
    expect(new Set(app.allowedOffOrigin)).toEqual(new Set([good, missing, whole, closed]));
  });
});
