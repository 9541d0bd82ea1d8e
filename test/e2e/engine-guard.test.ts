// The engine's own file guard (ENGINE_SETTINGS_SQL: allowed_directories + enable_external_access)
// in real Chromium: a dropped file (a registered browser File) and a file opened by its URL
// (registered as an HTTP file read by ranges) still load under the registered-files folder, and
// the page's engine runs with the guard on. What the guard refuses is checked against the same
// Engine in test/unit/engine.test.ts: the page exposes no way to run SQL past the notebook's text
// check, and this test adds none.
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { serveFolder } from '../../scripts/static-server';
import { dropFile, launchChromium, openApp, serveDist, settled, type AppPage, type StaticServer } from './harness';
import { writeFixtures, writeUrlFixtures, type Fixtures, type UrlFixtures } from './fixtures';

let site: StaticServer;
let bucket: StaticServer;
let browser: Browser;
let files: Fixtures;
let urlFiles: UrlFixtures;
let app: AppPage;
const bucketRequests: string[] = [];

beforeAll(async () => {
  files = writeFixtures();
  urlFiles = writeUrlFixtures();
  site = await serveDist();
  bucket = await serveFolder(urlFiles.dir, '/data/', { cors: true, onRequest: (r) => bucketRequests.push(`${r.method} ${r.path} ${r.range ?? 'no range'}`) });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await bucket?.close();
  for (const dir of [files?.dir, urlFiles?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  expect(app.offOrigin).toEqual([]);
  expect(app.pageErrors).toEqual([]);
  await app.page.context().close();
});

const fact = (page: Page, card: string, term: string) =>
  page.locator(`article[aria-label="${card}"] .facts div`).filter({ has: page.locator('dt', { hasText: term }) }).locator('dd');
const sqlCell = (page: Page, name: string) => page.locator('article[data-cell="sql"]').filter({ has: page.locator(`[data-name="${name}"]`) });

async function runCell(page: Page, name: string, sql: string): Promise<string[]> {
  await page.getByRole('button', { name: 'Add SQL' }).click();
  const cell = page.locator('#view-notebook article[data-cell]').last();
  await cell.getByLabel('Name').fill(name);
  await cell.locator('textarea').fill(sql);
  await cell.locator('textarea').press('Control+Enter');
  await sqlCell(page, name).locator('[data-run="ready"]').waitFor({ timeout: 30_000 });
  return sqlCell(page, name).locator('tbody tr td').allInnerTexts();
}

describe('the engine reads only registered files, and registered files still load', () => {
  it('loads a dropped CSV and a dropped Parquet file, with the guard on in the page\'s engine', async () => {
    app = await openApp(browser, site);
    const page = app.page;
    await dropFile(page, 'orders.csv', readFileSync(files.ordersCsv));
    await settled(page);
    expect(await fact(page, 'orders.csv', 'Rows').innerText()).toBe('6');
    await expect.poll(() => page.getByTestId('quality-summary').innerText()).toBe('5 of 6 rows used: 5 orders from 4 customers, Jan 2, 2024 – Mar 2, 2024.');
    // Parquet goes through parquet-wasm and an Arrow insert: no file path reaches DuckDB.
    await dropFile(page, 'lines.parquet', readFileSync(files.ordersParquet));
    await settled(page);
    expect(await fact(page, 'lines.parquet', 'Rows').innerText()).toBe('4');

    await page.getByRole('tab', { name: 'Notebook' }).click();
    await page.locator('[data-notebook-restore="restored"]').waitFor();
    const settings = await runCell(
      page,
      'guard_settings',
      "SELECT current_setting('enable_external_access')::VARCHAR AS external_access, current_setting('allowed_directories')::VARCHAR AS folders",
    );
    expect(settings).toEqual(['false', '[/clientele/]']);
  });

  it('opens a CSV by its URL: DuckDB reads it by ranges under its registered name', async () => {
    const url = `${bucket.url}orders.csv`;
    app = await openApp(browser, site, [url]);
    bucketRequests.length = 0;
    await app.page.getByLabel('Web address (URL) of a CSV or Parquet file').fill(url);
    await app.page.getByRole('button', { name: 'Open', exact: true }).click();
    await settled(app.page);
    expect(await fact(app.page, 'orders.csv', 'Rows').innerText()).toBe('6');
    await expect.poll(() => app.page.getByTestId('quality-summary').innerText()).toBe('5 of 6 rows used: 5 orders from 4 customers, Jan 2, 2024 – Mar 2, 2024.');
    const reads = bucketRequests.filter((r) => !r.startsWith('OPTIONS'));
    // The sniff (fetch) and then DuckDB's own HEAD and GET, each a range of this one address.
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.filter((r) => !r.startsWith('GET /data/orders.csv bytes=') && !r.startsWith('HEAD /data/orders.csv bytes='))).toEqual([]);
  });
});
