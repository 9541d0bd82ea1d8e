import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, openApp, serveDist, settled, type StaticServer } from './harness';
import { writeLargeCsv } from './fixtures';

let server: StaticServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clientele-huge-'));
  server = await serveDist();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reads a 1 GB CSV from the file handle; when orders do not fit in memory it says so and keeps the earlier file', async () => {
  const path = join(dir, 'huge.csv');
  const rows = await writeLargeCsv(path, 1_000_000_000);
  const app = await openApp(browser, server);
  await app.page.setInputFiles('input[type=file]', writeSmallCsv(dir));
  await settled(app.page);
  expect(await app.page.getByTestId('quality-summary').innerText()).toMatch(/^2 of 2 rows used/);

  await app.page.setInputFiles('input[type=file]', path);
  await settled(app.page, 300_000);
  // 14.8M single-line orders: the source table fits, the canonical orders do not (about 2.5 GiB more).
  const alert = app.page.getByRole('alert').filter({ hasText: 'Could not load huge.csv' });
  expect(await alert.innerText()).toContain(`All ${rows.toLocaleString('en-US')} rows were read, but turning them into orders needs more memory than this browser tab has.`);
  expect(await alert.innerText()).toContain('Nothing loaded before was changed.');
  // The earlier file and its report are back, and the page still works.
  expect(await app.page.locator('article.source').count()).toBe(1);
  expect(await app.page.getByTestId('quality-summary').innerText()).toMatch(/^2 of 2 rows used/);
  await app.page.getByRole('button', { name: 'Try sample data' }).click();
  await settled(app.page);
  expect(await app.page.getByTestId('quality-summary').innerText()).toMatch(/rows used: [\d,]+ orders from [\d,]+ customers/);
  expect(app.offOrigin).toEqual([]);
  expect(app.pageErrors).toEqual([]);
}, 400_000);

function writeSmallCsv(folder: string): string {
  const path = join(folder, 'small.csv');
  writeFileSync(path, 'order_id,customer_id,ordered_at,amount\nA1,C1,2024-01-02,10\nA2,C2,2024-01-03,20\n');
  return path;
}
