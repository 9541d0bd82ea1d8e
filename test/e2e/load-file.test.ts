import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFile, e2eSuite, settled, type AppPage } from './harness';
import { writeFixtures, type Fixtures } from './fixtures';

const suite = e2eSuite('clientele-load-file-');
let files: Fixtures;
let app: AppPage;

beforeAll(() => {
  files = writeFixtures();
});
afterAll(() => {
  rmSync(files.dir, { recursive: true, force: true });
});

const fact = (page: AppPage['page'], card: string, term: string) =>
  page.locator(`article[aria-label="${card}"] .facts div`).filter({ has: page.locator('dt', { hasText: term }) }).locator('dd');
const chosen = (page: AppPage['page'], card: string, role: string) =>
  page.locator(`article[aria-label="${card}"]`).getByRole('combobox', { name: role, exact: true });

describe('loading orders in the browser', () => {
  it('loads the sample data from a sub-path and guesses the mapping', async () => {
    app = await suite.open();
    await app.page.getByRole('button', { name: 'Try sample data' }).click();
    await settled(app.page);
    const card = 'sample-orders.csv';
    expect(Number((await fact(app.page, card, 'Rows').innerText()).replace(/\D/g, ''))).toBeGreaterThan(1000);
    expect(await chosen(app.page, card, 'Customer id').inputValue()).toBe('customer_id');
    expect(await chosen(app.page, card, 'Order date').inputValue()).toBe('ordered_at');
    expect(await chosen(app.page, card, 'Amount').inputValue()).toBe('amount');
    await expect.poll(() => app.page.getByTestId('quality-summary').innerText()).toMatch(/rows used: [\d,]+ orders from [\d,]+ customers/);
  });

  it('shows a dropped CSV: rows, schema, mapping and the quality report', async () => {
    app = await suite.open();
    await dropFile(app.page, 'orders.csv', readFileSync(files.ordersCsv));
    await settled(app.page);
    expect(await fact(app.page, 'orders.csv', 'Rows').innerText()).toBe('6');
    expect(await fact(app.page, 'orders.csv', 'Columns').innerText()).toBe('5');
    expect(await chosen(app.page, 'orders.csv', 'Customer id').inputValue()).toBe('Customer ID');
    expect(await chosen(app.page, 'orders.csv', 'Order id').inputValue()).toBe('Order ID');
    expect(await chosen(app.page, 'orders.csv', 'Amount').inputValue()).toBe('Total');
    await expect.poll(() => app.page.getByTestId('quality-summary').innerText()).toBe('5 of 6 rows used: 5 orders from 4 customers, Jan 2, 2024 – Mar 2, 2024.');
    await expect.poll(() => app.page.locator('tr[data-check="missing_customer"] td').first().innerText()).toBe('1');
    await expect.poll(() => app.page.locator('table.schema').innerText()).toContain('Order Date\tTIMESTAMP');
  });

  it('adds a Parquet file of invoice lines to a CSV, grouping lines into orders', async () => {
    app = await suite.open();
    await app.page.setInputFiles('input[type=file]', files.ordersCsv);
    await settled(app.page);
    await app.page.getByLabel('add it to what is loaded').check();
    await app.page.setInputFiles('input[type=file]', files.ordersParquet);
    await settled(app.page);
    expect(await fact(app.page, 'lines.parquet', 'Rows').innerText()).toBe('4');
    expect(await fact(app.page, 'lines.parquet', 'Format').innerText()).toBe('Parquet');
    expect(await chosen(app.page, 'lines.parquet', 'Unit price').inputValue()).toBe('UnitPrice');
    // CSV: 5 usable orders, 4 customers. Parquet: invoices 10, 11, 12 by customers 1 and 2 → 8 orders, 6 customers.
    await expect.poll(() => app.page.getByTestId('quality-summary').innerText()).toBe('9 of 10 rows used: 8 orders from 6 customers, Jan 2, 2024 – Jun 1, 2024.');
  });

  it('says what is wrong with a binary file and keeps what was loaded', async () => {
    app = await suite.open();
    await app.page.setInputFiles('input[type=file]', files.ordersCsv);
    await settled(app.page);
    await app.page.setInputFiles('input[type=file]', files.binaryCsv);
    await settled(app.page);
    const alert = app.page.getByRole('alert').filter({ hasText: 'Could not load photo.csv' });
    await expect.poll(() => alert.innerText()).toContain('does not look like a text (CSV) file');
    expect(await alert.innerText()).toContain('Nothing loaded before was changed.');
    expect(await fact(app.page, 'orders.csv', 'Rows').innerText()).toBe('6');
    expect(await app.page.getByTestId('quality-summary').innerText()).toMatch(/^5 of 6 rows used/);
  });

  it('says which roles are missing and keeps the analytics off until they are set', async () => {
    app = await suite.open();
    await app.page.setInputFiles('input[type=file]', files.noCustomerCsv);
    await settled(app.page);
    expect(await app.page.getByTestId('mapping-missing').innerText()).toBe(
      'Missing: a customer (id or e-mail), an order date, and an amount (or unit price). Pick the column that holds it; the analytics stay off until then.',
    );
    expect(await app.page.locator('main').getAttribute('data-report')).toBe('idle');
    expect(await app.page.locator('section.quality').count()).toBe(0);
  });

  it('shows progress while a large file loads, and Cancel leaves the page usable', async () => {
    app = await suite.open();
    await app.page.setInputFiles('input[type=file]', files.ordersCsv);
    await settled(app.page);
    await app.page.setInputFiles('input[type=file]', files.bigCsv);
    await app.page.locator('section.loading progress[value]').waitFor();
    expect(await app.page.locator('section.loading').innerText()).toMatch(/MB read/);
    await app.page.getByRole('button', { name: 'Cancel' }).click();
    await settled(app.page);
    expect(await app.page.getByRole('alert').innerText()).toContain('Loading big.csv was cancelled. What was loaded before is unchanged.');
    expect(await fact(app.page, 'orders.csv', 'Rows').innerText()).toBe('6');
    expect(await app.page.locator('article.source').count()).toBe(1);
  });
});
