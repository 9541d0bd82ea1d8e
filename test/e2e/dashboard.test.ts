import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm/node';
import { type AppPage, e2eSuite, settled } from './harness';

const suite = e2eSuite('clientele-dashboard-');
let app: AppPage;

const kpi = (page: Page, name: string) => page.locator('dl.kpis > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) }).locator('.value');
const number = (text: string) => Number(text.replace(/[^\d.-]/g, ''));
const dashboardReady = (page: Page) => page.locator('[data-dashboard="ready"]').waitFor({ timeout: 60_000 });

// 5 customers, 8 orders, one currency (EUR), last day 2024-03-31:
//   A: DE, 2024-01-05 100, 2024-03-10 50      → repeat, revenue 150
//   B: DE, 2024-02-01 80, refund of 20 on it  → one-time, revenue 80, refunds 20
//   C: FR, 2024-01-20 0 (free)               → free trial
//   D: FR, 2024-03-01 30, 2024-03-31 40      → repeat, revenue 70
//   E: NL, 2024-03-15 '=1+1' as name          → one-time, revenue 25 (formula text must be neutralised on export)
const CSV = [
  'order_id,customer_id,customer_name,ordered_at,amount,refund_amount,country,currency,product',
  'O1,A,Ann,2024-01-05,100,0,DE,EUR,Tea',
  'O2,A,Ann,2024-03-10,50,0,DE,EUR,Coffee',
  'O3,B,Bob,2024-02-01,80,20,DE,EUR,Tea',
  'O4,C,Cy,2024-01-20,0,0,FR,EUR,Trial box',
  'O5,D,Di,2024-03-01,30,0,FR,EUR,Coffee',
  'O6,D,Di,2024-03-31,40,0,FR,EUR,Tea',
  'O7,E,=1+1,2024-03-15,25,0,NL,EUR,Mug',
].join('\n');

describe('the customer dashboard', () => {
  it('shows KPIs, filters by a facet and a date range, builds a segment, opens a customer and exports the list', async () => {
    const path = join(suite.dir, 'shop.csv');
    writeFileSync(path, CSV);
    app = await suite.open();
    await app.page.setInputFiles('input[type=file]', path);
    await settled(app.page);
    await dashboardReady(app.page);

    // All time: every customer purchased (C's free order counts as a purchase); revenue 100+50+80+0+30+40+25 = 325.
    expect(await kpi(app.page, 'Customers').innerText()).toBe('5');
    expect(await kpi(app.page, 'New customers').innerText()).toBe('5');
    expect(await kpi(app.page, 'Revenue').innerText()).toBe('€325.00');
    expect(await kpi(app.page, 'Refunds').innerText()).toBe('€20.00');
    // Repeat: A and D (2 paid orders each) = 2 of 5.
    expect(await kpi(app.page, 'Repeat customers').innerText()).toBe('2');
    expect(await kpi(app.page, 'Free-trial customers').innerText()).toBe('1');
    // The list is read after the panels: wait for it rather than read it the moment the panels are ready.
    await expect.poll(() => app.page.getByTestId('customer-count').innerText()).toBe('5 customers');
    // The dashboard was drawn off screen once while the page waited for the file (dashboard-warm-up.ts), without an error, and is not on the page.
    await expect.poll(() => app.page.locator('main').getAttribute('data-warm-up')).toBe('done');
    expect(await app.page.locator('section.dashboard').count()).toBe(1);

    // Facet: country DE → A and B; revenue 150 + 80 = 230.
    const de = app.page.locator('[data-facet="country"] button', { hasText: 'DE' });
    expect(await de.innerText()).toMatch(/DE\s+2\s+€230\.00/);
    await de.click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('2');
    await dashboardReady(app.page);
    expect(await de.getAttribute('aria-pressed')).toBe('true');
    expect(await kpi(app.page, 'Revenue').innerText()).toBe('€230.00');
    await expect.poll(() => app.page.getByTestId('customer-count').innerText()).toBe('2 customers');

    // Date range: last month of the data (March 2024) with DE: only A's O2 (50); A is returning.
    await app.page.getByLabel('Date range').selectOption('this_month');
    await expect.poll(() => kpi(app.page, 'Revenue').innerText()).toBe('€50.00');
    expect(await kpi(app.page, 'Returning customers').innerText()).toBe('1');

    // Back to all time, no filter.
    await app.page.getByLabel('Date range').selectOption('all');
    await app.page.getByRole('button', { name: 'Clear all filters' }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('5');

    // Customer since, by month: first purchases in March 2024 are D's (03-01) and E's (03-15).
    const since = app.page.locator('[data-facet="customer_since"]');
    await since.getByLabel('Customer since, by').selectOption('month');
    await since.locator('button', { hasText: '2024-03' }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('2');
    await app.page.getByRole('button', { name: 'Clear all filters' }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('5');

    // A segment: country is DE AND total revenue ≥ 100 → A only (B has 80).
    const segments = app.page.locator('section.segments');
    await segments.getByRole('button', { name: 'New segment' }).click();
    await segments.getByLabel('Name').fill('Big DE');
    await segments.getByRole('button', { name: '+ Add a rule' }).click();
    await segments.getByLabel('Value').fill('DE');
    await segments.getByLabel('Value').press('Tab');
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toMatch(/^2 customers match/);
    await segments.getByRole('button', { name: '+ Add a rule' }).click();
    await segments.getByLabel('Rule type').nth(1).selectOption('number');
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toBe('1 customers match (1 with a purchase in the date range).');
    // Any of the rules: DE (A, B) or revenue ≥ 100 (A) → 2.
    await segments.getByLabel('Group 1 combines its rules with').selectOption('or');
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toMatch(/^2 customers match/);
    await segments.getByLabel('Group 1 combines its rules with').selectOption('and');
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toMatch(/^1 customers match/);
    await segments.getByRole('button', { name: 'Save and apply' }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('1');
    expect(await app.page.getByTestId('applied-segment').innerText()).toBe('Segment applied: Big DE');
    // Saved in the browser: a reload lists it again.
    expect(await app.page.evaluate(() => localStorage.getItem('clientele.segments'))).toContain('"name":"Big DE"');

    // A value with a quote and SQL in it is data: no customer matches, and everything still works.
    await segments.getByRole('button', { name: 'Edit' }).click();
    await segments.getByLabel('Value').first().fill("DE'; DROP TABLE orders; --");
    await segments.getByLabel('Value').first().press('Tab');
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toMatch(/^0 customers match/);
    await segments.getByRole('button', { name: 'Cancel' }).click();
    await segments.getByRole('button', { name: 'Show all customers' }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('5');

    // Open customer A: sales 150 over 2 orders.
    await expect.poll(() => app.page.getByTestId('customer-count').innerText()).toBe('5 customers');
    await app.page.locator('table.customer-list').getByRole('button', { name: 'A', exact: true }).click();
    await expect.poll(() => app.page.getByTestId('report-sales').innerText()).toBe('€150.00');
    expect(await app.page.getByTestId('report-orders').innerText()).toBe('2');
    expect(await app.page.locator('section.report').innerText()).toContain('Repeat customer');

    // Export: the list as CSV, E's formula-like name neutralised.
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('customer_id,name,email,country,city,first_order_at,last_order_at,orders,revenue,refunds,aov,ltv,rfm_segment');
    expect(lines).toHaveLength(6);
    expect(csv).toContain(`E,'=1+1,`);
    // And as Parquet, written in the worker: the same rows and columns, the name kept as it is.
    const [parquetDownload] = await Promise.all([app.page.waitForEvent('download'), app.page.getByRole('button', { name: 'Export Parquet' }).click()]);
    const exported = tableFromIPC(readParquet(readFileSync((await parquetDownload.path())!)).intoIPCStream());
    expect(exported.numRows).toBe(5);
    expect(exported.schema.fields.map((f) => f.name)).toEqual(lines[0]!.split(','));
    expect(exported.getChild('name')!.toArray()).toContain('=1+1');
    expect(exported.getChild('revenue')!.get(0)).toBe(150);

    // At phone width nothing runs off the side of the page.
    await app.page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => app.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  it('scores RFM on the sample, and clicking a segment filters every panel to its customers', async () => {
    app = await suite.open();
    await app.page.getByRole('button', { name: 'Try sample data' }).click();
    await settled(app.page);
    await dashboardReady(app.page);
    // The section is closed until the user opens it; its figures are computed then.
    const rfm = app.page.locator('details.value-panels');
    expect(await rfm.getAttribute('data-value')).toBe('closed');
    await rfm.getByText('RFM and lifetime value', { exact: true }).click();
    const champions = rfm.locator('tr').filter({ has: app.page.getByRole('button', { name: 'Champions', exact: true }) });
    await expect.poll(() => champions.count()).toBe(1);
    // The segment table says how many customers are Champions; the dashboard must show exactly those.
    const count = number((await champions.locator('td').first().innerText()).split('(')[0]!);
    expect(count).toBeGreaterThan(0);
    const all = number(await kpi(app.page, 'Customers').innerText());
    await champions.getByRole('button', { name: 'Champions', exact: true }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe(count.toLocaleString('en-US'));
    expect(count).toBeLessThan(all);
    expect(await app.page.getByTestId('applied-segment').innerText()).toBe('Segment applied: RFM: Champions');
    await expect.poll(() => app.page.getByTestId('customer-count').innerText()).toBe(`${count.toLocaleString('en-US')} customers`);
    // Another segment grid re-scores: the applied segment follows the new Champions at once.
    await rfm.getByLabel('Segment grid').selectOption({ label: 'Recency × frequency: 10 segments' });
    await expect.poll(async () => {
      const row = rfm.locator('tr').filter({ has: app.page.getByRole('button', { name: 'Champions', exact: true }) });
      const shown = number((await row.locator('td').first().innerText()).split('(')[0]!);
      return shown === number(await kpi(app.page, 'Customers').innerText()) && shown !== count;
    }).toBe(true);

    // Churn and repeat-purchase rates per month, each a chart.
    await expect.poll(() => rfm.locator('[data-chart="ltv-churn"] svg').count()).toBeGreaterThan(0);
    await expect.poll(() => rfm.locator('[data-chart="ltv-repeat"] svg').count()).toBeGreaterThan(0);

    // Before a fit the customer report says where to fit the model; after it, that customer's P(alive).
    const report = app.page.locator('section.report');
    await app.page.locator('table.customer-list tbody button').first().click();
    await expect.poll(() => report.getByTestId('report-clv').innerText()).toContain('Fit the model in Predicted customer lifetime value');
    const clv = app.page.locator('section.value-clv');
    await clv.getByLabel('Holdout (weeks)').fill('13');
    await clv.getByLabel('Holdout (weeks)').press('Tab');
    await clv.getByRole('button', { name: 'Fit model' }).click();
    await clv.getByRole('button', { name: 'Fit again' }).waitFor({ timeout: 120_000 });
    expect(await clv.locator('[role=alert]').count()).toBe(0);
    await expect.poll(() => report.getByTestId('report-p-alive').innerText()).toMatch(/^\d{1,3}(\.\d)?%$/);
    const alive = number(await report.getByTestId('report-p-alive').innerText());
    expect(alive).toBeGreaterThanOrEqual(0);
    expect(alive).toBeLessThanOrEqual(100);
    // The 20 customers with the highest predicted CLV, and the holdout the user picked.
    expect(await clv.getByTestId('clv-top').locator('tbody tr').count()).toBe(20);
    expect(await clv.locator('[data-chart="clv-holdout"]').innerText()).toContain('without the last 13 weeks');
    // The top customer opens its report, with the same predicted CLV as the table.
    const top = clv.getByTestId('clv-top').locator('tbody tr').first();
    const topId = await top.locator('th').innerText();
    await top.getByRole('button', { name: topId }).click();
    await expect.poll(() => report.locator('h2').innerText()).toBe(`Customer ${topId}`);
    await expect.poll(() => report.getByTestId('report-p-alive').innerText()).toBe(await top.locator('td').first().innerText());
  });
});
