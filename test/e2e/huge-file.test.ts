import { mkdtempSync, rmSync } from 'node:fs';
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

it('loads a 1 GB CSV from the file handle without the tab running out of memory', async () => {
  const path = join(dir, 'huge.csv');
  const rows = await writeLargeCsv(path, 1_000_000_000);
  const app = await openApp(browser, server);
  await app.page.setInputFiles('input[type=file]', path);
  await settled(app.page, 300_000);
  const card = app.page.locator('article[aria-label="huge.csv"]');
  expect(await card.getByTestId('source-rows').innerText()).toBe(rows.toLocaleString('en-US'));
  expect(await app.page.getByTestId('quality-summary').innerText()).toMatch(new RegExp(`^${rows.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows used`));
  expect(app.offOrigin).toEqual([]);
  expect(app.pageErrors).toEqual([]);
}, 400_000);
