import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type AppPage, dropFile, e2eSuite, settled } from './harness';

const suite = e2eSuite('clientele-tables-');
let app: AppPage;

// Customers C00001–C00004 are in the sample orders; X99999 is not. R5's NPS 12 is off the 0–10 scale.
const SURVEYS = [
  'Response ID,Customer ID,Submitted At,Question Type,Score,Comment',
  'R1,C00001,2024-01-05 10:00:00,NPS,10,Love it',
  'R2,C00002,2024-01-06 10:00:00,NPS,6,',
  'R3,C00003,2024-01-07 10:00:00,CSAT,4,',
  'R4,X99999,2024-01-08 10:00:00,CSAT,5,',
  'R5,C00004,2024-01-09 10:00:00,NPS,12,typo',
].join('\n');
// T2 was closed the day before it was opened.
const TICKETS = [
  'Ticket ID,Customer ID,Created At,Solved At,Channel,Escalated,Contacts',
  'T1,C00001,2024-01-05 10:00:00,2024-01-05 12:00:00,email,no,1',
  'T2,C00002,2024-01-06 10:00:00,2024-01-05 10:00:00,chat,yes,3',
  'T3,C00003,2024-01-07 10:00:00,,phone,no,2',
].join('\n');
// A survey export without its score column.
const BROKEN_SURVEYS = ['Customer ID,Submitted At,Question Type,Comment', 'C00001,2024-01-05 10:00:00,NPS,Great', 'C00002,2024-01-06 10:00:00,CSAT,ok'].join('\n');

const bytes = (text: string) => new TextEncoder().encode(text);
const card = (page: Page, name: string) => page.locator(`article.table-card[aria-label="${name}"]`);
const fact = (page: Page, name: string, term: string) =>
  page.locator(`article[aria-label="${name}"] .facts div`).filter({ has: page.locator('dt', { hasText: term }) }).locator('dd');
const tablesIdle = (page: Page) => page.locator('section.tables[data-tables-loading="no"]').waitFor({ timeout: 30_000 });
const dashboardReady = (page: Page) => page.locator('[data-dashboard="ready"]').waitFor({ timeout: 60_000 });
const kpi = (page: Page, name: string) => page.locator('dl.kpis > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) }).locator('.value');

async function drop(page: Page, name: string, text: string): Promise<void> {
  await dropFile(page, name, bytes(text), 'text/csv');
  await card(page, name).waitFor({ timeout: 30_000 });
  await tablesIdle(page);
}

describe('CRM tables beside the orders', () => {
  it('loads surveys and tickets next to the sample orders, changes a kind, reports a broken file, removes a table', async () => {
    app = await suite.open();
    const { page } = app;
    await page.getByRole('button', { name: 'Try sample data' }).click();
    await settled(page);
    await dashboardReady(page);
    const customers = await kpi(page, 'Customers').innerText();

    // Dropped in "replace" mode: a surveys file is not orders, so the orders stay.
    await drop(page, 'surveys.csv', SURVEYS);
    const surveys = card(page, 'surveys.csv');
    await page.locator('article.table-card[aria-label="surveys.csv"][data-ready="yes"]').waitFor();
    expect(await surveys.getAttribute('data-kind')).toBe('surveys');
    expect(await surveys.getByTestId('table-kind').inputValue()).toBe('surveys');
    expect(await surveys.locator('h2').innerText()).toBe('Survey answers: surveys.csv');
    expect(await fact(page, 'surveys.csv', 'Rows').innerText()).toBe('5');
    expect(await surveys.getByRole('combobox', { name: 'Score', exact: true }).inputValue()).toBe('Score');
    // 5 rows, R5 (NPS 12) excluded → 4 used; X99999 has no order (kept, counted).
    await expect.poll(() => surveys.getByTestId('table-rows-used').innerText()).toBe('4 of 5 rows used.');
    expect(await surveys.locator('tr[data-check="score_out_of_range"] td').first().innerText()).toBe('1');
    expect(await surveys.locator('tr[data-check="not_in_orders"] th').innerText()).toBe('Survey answers from customers with no order');
    expect(await surveys.locator('tr[data-check="not_in_orders"] td').first().innerText()).toBe('1');

    await drop(page, 'tickets.csv', TICKETS);
    const tickets = card(page, 'tickets.csv');
    await page.locator('article.table-card[aria-label="tickets.csv"][data-ready="yes"]').waitFor();
    expect(await tickets.getAttribute('data-kind')).toBe('tickets');
    expect(await fact(page, 'tickets.csv', 'Rows').innerText()).toBe('3');
    // T2 closed before it opened → excluded: 2 of 3.
    await expect.poll(() => tickets.getByTestId('table-rows-used').innerText()).toBe('2 of 3 rows used.');
    expect(await tickets.locator('tr[data-check="closed_before_opened"] td').first().innerText()).toBe('1');

    // Both tables sit beside the orders, whose card and dashboard are unchanged.
    expect(await page.locator('article.table-card').count()).toBe(2);
    expect(await page.locator('article[aria-label="sample-orders.csv"]').count()).toBe(1);
    await dashboardReady(page);
    expect(await kpi(page, 'Customers').innerText()).toBe(customers);

    // The user says the tickets file is something else, then puts it back.
    await tickets.getByTestId('table-kind').selectOption('customers');
    await page.locator('article.table-card[aria-label="tickets.csv"][data-kind="customers"][data-ready="yes"]').waitFor();
    expect(await tickets.locator('h2').innerText()).toBe('Customers: tickets.csv');
    expect(await tickets.getByRole('combobox', { name: 'Customer id', exact: true }).inputValue()).toBe('Customer ID');
    await tickets.getByTestId('table-kind').selectOption('tickets');
    await page.locator('article.table-card[aria-label="tickets.csv"][data-kind="tickets"][data-ready="yes"]').waitFor();
    expect(await tickets.getByRole('combobox', { name: 'Closed / solved at', exact: true }).inputValue()).toBe('Solved At');

    // A survey file without a score, in "replace" mode: it would build nothing, so it is refused in
    // words and the surveys loaded before stay, as do the tickets and the orders.
    await dropFile(page, 'broken-surveys.csv', bytes(BROKEN_SURVEYS), 'text/csv');
    const rejected = page.getByTestId('table-rejected');
    await rejected.waitFor({ timeout: 30_000 });
    await tablesIdle(page);
    expect(await rejected.locator('h2').innerText()).toBe('Could not load broken-surveys.csv as Survey answers');
    expect(await rejected.locator('p').innerText()).toContain('It has no column for a score, so it would build nothing, and the Survey answers file loaded before is kept.');
    expect(await card(page, 'broken-surveys.csv').count()).toBe(0);
    expect(await page.locator('article.table-card').count()).toBe(2);
    expect(await surveys.getByTestId('table-rows-used').innerText()).toBe('4 of 5 rows used.');
    expect(await page.locator('article[aria-label="sample-orders.csv"]').count()).toBe(1);
    await rejected.getByRole('button', { name: 'Dismiss' }).click();
    await rejected.waitFor({ state: 'detached' });

    // Remove a table: its card goes, the others stay.
    await tickets.getByRole('button', { name: 'Remove this table' }).click();
    await tickets.waitFor({ state: 'detached' });
    expect(await page.locator('article.table-card').count()).toBe(1);
    expect(await surveys.getAttribute('data-kind')).toBe('surveys');

    // A CSAT file without a question type and one stray 0 (1 of 21 scores, under 5%) replaces the
    // surveys: read as CSAT, the card says why; the user reads it as NPS instead.
    const csat = ['customer_id,date,rating', ...Array.from({ length: 20 }, (_, i) => `C${String(i + 1).padStart(5, '0')},2024-01-0${(i % 9) + 1},${(i % 5) + 1}`), 'C00001,2024-01-09,0'].join('\n');
    await drop(page, 'csat.csv', csat);
    const scale = card(page, 'csat.csv').locator('p.scale');
    expect(await scale.getAttribute('data-scale')).toBe('csat');
    expect(await scale.getByTestId('survey-scale-why').innerText()).toBe('Read as CSAT 1–5 because 95.2% of the scores are between 1 and 5; the few 0 or 6–10 scores are counted as outside the scale.');
    expect(await card(page, 'csat.csv').locator('tr[data-check="score_out_of_range"] td').first().innerText()).toBe('1');
    await scale.getByTestId('survey-scale').selectOption('nps');
    await page.locator('article[aria-label="csat.csv"] p.scale[data-scale="nps"][data-scale-reason="user"]').waitFor();
    await tablesIdle(page);
    expect(await card(page, 'csat.csv').getByTestId('table-rows-used').innerText()).toBe('21 of 21 rows used.');
  });

  it('loads the sample CRM data: four tables matching the sample orders’ customers', async () => {
    app = await suite.open();
    const { page } = app;
    await page.getByRole('button', { name: 'Try sample data' }).click();
    await settled(page);
    // As a user who waits for the page to stop moving: the dashboard's list, painted after the
    // panels, shifts the button below it, and a click during the shift can land beside it (CI, once).
    await page.waitForFunction(() => performance.getEntriesByName('clientele:value-painted').length > 0);
    await page.getByRole('button', { name: 'Try sample CRM data' }).click();
    for (const [name, kind] of [['sample-customers.csv', 'customers'], ['sample-surveys.csv', 'surveys'], ['sample-tickets.csv', 'tickets'], ['sample-spend.csv', 'spend']]) {
      await page.locator(`article.table-card[aria-label="${name}"][data-kind="${kind}"][data-ready="yes"]`).waitFor({ timeout: 60_000 });
    }
    await tablesIdle(page);
    // 7,635 customers in the orders file + 40 leads + 5 repeated rows = 7,680 rows. No order: the 40 leads and
    // the 38 customers whose only orders were cancelled (not paid, so not in the orders) = 78.
    expect(await fact(page, 'sample-customers.csv', 'Rows').innerText()).toBe('7,680');
    const profiles = card(page, 'sample-customers.csv');
    await expect.poll(() => profiles.locator('tr[data-check="not_in_orders"] td').first().innerText()).toBe('78');
    expect(await profiles.locator('tr[data-check="duplicate_customer"] td').first().innerText()).toBe('5');
    // The spend sheet is complete: 36 months × 5 channels, every row used.
    expect(await card(page, 'sample-spend.csv').getByTestId('table-rows-used').innerText()).toBe('180 of 180 rows used.');
  });
});
