import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { e2eSuite, settled } from './harness';
import { writeLargeCsv } from './fixtures';

const suite = e2eSuite('clientele-huge-');

it('reads a 1 GB CSV from the file handle; when orders do not fit in memory it says so and keeps the earlier file', async () => {
  const path = join(suite.dir, 'huge.csv');
  const rows = await writeLargeCsv(path, 1_000_000_000);
  const app = await suite.open();
  await app.page.setInputFiles('input[type=file]', writeSmallCsv(suite.dir));
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
