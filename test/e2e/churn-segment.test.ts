import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type AppPage, e2eSuite, settled } from './harness';

const suite = e2eSuite('clientele-churn-segment-');
let app: AppPage;

const kpi = (page: Page, name: string) => page.locator('dl.kpis > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) }).locator('.value');
const dashboardReady = (page: Page) => page.locator('[data-dashboard="ready"]').waitFor({ timeout: 60_000 });
const listedIds = async (page: Page) => (await page.locator('table.customer-list tbody tr td:first-child button').allInnerTexts()).sort();

// 9 customers; the data's last day is 2024-06-30 (E's last order). Overdue = days since the last
// purchase day > 2 × the mean gap between purchase days (paid orders; one day counts once):
//   A DE 01-01, 01-11, 01-21: rhythm 20 ÷ 2 = 10; 01-21 → 06-30 = 10 + 29 + 31 + 30 + 31 + 30 = 161 > 20 → overdue
//   B DE 05-01, 06-20: rhythm 50; 10 days → no
//   C FR 03-01, 04-01: rhythm 31; 04-01 → 06-30 = 29 + 31 + 30 = 90 > 62 → overdue
//   D FR one purchase day (01-01) → no rhythm → no
//   E NL 06-01, 06-15, 06-30: rhythm 14.5; 0 days → no
//   F NL 02-01, 04-01: rhythm 60; 90 ≤ 120 → no
//   G DE 02-10 twice, 04-10: purchase days 02-10, 04-10, rhythm 60; 04-10 → 06-30 = 20 + 31 + 30 = 81 ≤ 120 → no
//        (were the two orders of 02-10 two days, the rhythm would be 30 and G overdue)
//   H FR 01-01 paid, 01-11 free: one purchase day → no (were the free order a purchase: rhythm 10, 171 days, overdue)
//   I DE 03-01, 03-11: rhythm 10; 03-11 → 06-30 = 20 + 30 + 31 + 30 = 111 > 20 → overdue
// Overdue: A, C, I. And in DE: A, I. Overdue or DE: A, B, C, G, I.
const CSV = [
  'order_id,customer_id,customer_name,ordered_at,amount,country,product',
  'A1,A,Ann,2024-01-01,10,DE,Tea',
  'A2,A,Ann,2024-01-11,10,DE,Tea',
  'A3,A,Ann,2024-01-21,10,DE,Tea',
  'B1,B,Bob,2024-05-01,20,DE,Tea',
  'B2,B,Bob,2024-06-20,20,DE,Tea',
  'C1,C,Cy,2024-03-01,30,FR,Mug',
  'C2,C,Cy,2024-04-01,30,FR,Mug',
  'D1,D,Di,2024-01-01,40,FR,Mug',
  'E1,E,Ed,2024-06-01,5,NL,Tea',
  'E2,E,Ed,2024-06-15,5,NL,Tea',
  'E3,E,Ed,2024-06-30,5,NL,Tea',
  'F1,F,Flo,2024-02-01,15,NL,Mug',
  'F2,F,Flo,2024-04-01,15,NL,Mug',
  'G1,G,Gil,2024-02-10,12,DE,Tea',
  'G2,G,Gil,2024-02-10,8,DE,Mug',
  'G3,G,Gil,2024-04-10,25,DE,Tea',
  'H1,H,Hy,2024-01-01,50,FR,Tea',
  'H2,H,Hy,2024-01-11,0,FR,Trial box',
  'I1,I,Ida,2024-03-01,10,DE,Tea',
  'I2,I,Ida,2024-03-11,10,DE,Tea',
].join('\n');

async function exportedIds(page: Page): Promise<{ header: string; ids: string[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const lines = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
  return { header: lines[0]!, ids: lines.slice(1).map((line) => line.split(',')[0]!).sort() };
}

describe('churn risk as a segment', () => {
  it('builds "overdue" in the segment builder, alone and with a country, filters the dashboard and exports exactly those customers', async () => {
    const path = join(suite.dir, 'rhythm.csv');
    writeFileSync(path, CSV);
    app = await suite.open();
    await app.page.setInputFiles('input[type=file]', path);
    await settled(app.page);
    await dashboardReady(app.page);
    expect(await kpi(app.page, 'Customers').innerText()).toBe('9');

    const segments = app.page.locator('section.segments');
    await segments.getByRole('button', { name: 'New segment' }).click();
    await segments.getByLabel('Name').fill('Overdue');
    await segments.getByRole('button', { name: '+ Add a rule' }).click();
    await segments.getByLabel('Rule type').selectOption({ label: 'Churn risk: overdue' });
    // All time is the default range, so all three bought in it.
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toBe('3 customers match (3 with a purchase in the date range).');
    // The rule's written definition is its help.
    expect(await segments.locator('fieldset.group > div').first().getAttribute('title')).toMatch(/more than 2 × her mean gap between purchase days/);
    await segments.getByRole('button', { name: 'Save and apply' }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('3');
    await dashboardReady(app.page);
    expect(await app.page.getByTestId('applied-segment').innerText()).toBe('Segment applied: Overdue');
    await expect.poll(() => app.page.getByTestId('customer-count').innerText()).toBe('3 customers');
    expect(await listedIds(app.page)).toEqual(['A', 'C', 'I']);
    const all = await exportedIds(app.page);
    expect(all.header.split(',')[0]).toBe('customer_id');
    expect(all.ids).toEqual(['A', 'C', 'I']);
    expect(await app.page.evaluate(() => localStorage.getItem('clientele.segments'))).toContain('{"kind":"churn","risk":"overdue"}');

    // Edit: AND country is DE → A, I; OR → A, C, I and B, G.
    await segments.getByRole('button', { name: 'Edit' }).click();
    await segments.getByRole('button', { name: '+ Add a rule' }).click();
    await segments.getByLabel('Value').fill('DE');
    await segments.getByLabel('Value').press('Tab');
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toMatch(/^2 customers match/);
    await segments.getByLabel('Group 1 combines its rules with').selectOption('or');
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toMatch(/^5 customers match/);
    await segments.getByLabel('Group 1 combines its rules with').selectOption('and');
    await expect.poll(() => app.page.getByTestId('segment-size').innerText()).toMatch(/^2 customers match/);
    await segments.getByRole('button', { name: 'Save and apply' }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('2');
    await dashboardReady(app.page);
    await expect.poll(() => app.page.getByTestId('customer-count').innerText()).toBe('2 customers');
    expect(await listedIds(app.page)).toEqual(['A', 'I']);
    expect((await exportedIds(app.page)).ids).toEqual(['A', 'I']);

    // Back to everyone.
    await segments.getByRole('button', { name: 'Show all customers' }).click();
    await expect.poll(() => kpi(app.page, 'Customers').innerText()).toBe('9');
  });
});
