import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type AppPage, dropFile, e2eSuite, settled } from './harness';

const suite = e2eSuite('clientele-crm-');
let app: AppPage;

// Seven customers A–G (F in Singapore, too small for the 110m map; G's country in German); Z is in the survey and ticket files only.
const ORDERS = [
  'order_id,customer_id,customer_name,ordered_at,amount,country,currency,product',
  'O1,A,Ann,2024-01-05,100,DE,EUR,Tea',
  'O2,A,Ann,2024-03-10,50,DE,EUR,Coffee',
  'O3,B,Bob,2024-02-01,80,GB,EUR,Tea',
  'O4,C,Cy,2024-01-20,40,France,EUR,Mug',
  'O5,D,Di,2024-03-01,30,United States,EUR,Coffee',
  'O6,D,Di,2024-03-31,40,United States,EUR,Tea',
  'O7,E,Ed,2024-03-15,25,Narnia,EUR,Mug',
  'O8,F,Fay,2024-03-20,60,Singapore,EUR,Tea',
  'O9,G,Gus,2024-03-21,70,Österreich,EUR,Mug',
].join('\n');
// NPS: A 10, B 9, D 9 promoters; C 3, Z 6 detractors → (3 − 2) ÷ 5 × 100 = 20.
// CSAT: A 5, B 4 satisfied of A 5, B 4, C 2, E 3 → 2 ÷ 4 = 50 %.
const SURVEYS = [
  'Response ID,Customer ID,Submitted At,Question Type,Score',
  'S1,A,2024-02-01 10:00:00,NPS,10',
  'S2,B,2024-02-02 10:00:00,NPS,9',
  'S3,C,2024-02-03 10:00:00,NPS,3',
  'S4,D,2024-03-05 10:00:00,NPS,9',
  'S5,Z,2024-03-06 10:00:00,NPS,6',
  'S6,A,2024-02-01 11:00:00,CSAT,5',
  'S7,B,2024-02-02 11:00:00,CSAT,4',
  'S8,C,2024-02-03 11:00:00,CSAT,2',
  'S9,E,2024-03-20 11:00:00,CSAT,3',
].join('\n');
// Closed with a known contact count: T1 1, T2 3, T3 1, T5 1, T6 1 (T4 is open) → 5; resolved in one contact without
// escalation: T1, T3, T5 (T6 had one contact but was escalated) → FCR 3 ÷ 5 = 60 %.
// Escalated: T2, T6 of 6 known → 33.3 %. Hours to close: T3 1, T1 2, T5 4, T6 6, T2 24 → median 4 h.
const TICKETS = [
  'Ticket ID,Customer ID,Created At,Solved At,Channel,Escalated,Contacts',
  'T1,A,2024-01-06 09:00:00,2024-01-06 11:00:00,email,no,1',
  'T2,B,2024-02-03 09:00:00,2024-02-04 09:00:00,chat,yes,3',
  'T3,C,2024-02-10 09:00:00,2024-02-10 10:00:00,phone,no,1',
  'T4,D,2024-03-02 09:00:00,,email,no,',
  'T5,Z,2024-03-03 09:00:00,2024-03-03 13:00:00,email,no,1',
  'T6,A,2024-03-04 09:00:00,2024-03-04 15:00:00,chat,yes,1',
].join('\n');

const bytes = (text: string) => new TextEncoder().encode(text);
const tablesIdle = (page: Page) => page.locator('section.tables[data-tables-loading="no"]').waitFor({ timeout: 30_000 });
const crmKpi = (page: Page, panel: string, id: string) => page.locator(`[data-crm-panel="${panel}"] [data-kpi="${id}"] .value`);
const panelReady = (page: Page, panel: string) => page.locator(`[data-crm-panel="${panel}"][data-status="ready"]`).waitFor({ timeout: 60_000 });

async function drop(page: Page, name: string, text: string): Promise<void> {
  await dropFile(page, name, bytes(text), 'text/csv');
  await page.locator(`article.table-card[aria-label="${name}"][data-ready="yes"]`).waitFor({ timeout: 30_000 });
  await tablesIdle(page);
}

describe('Feedback & support', () => {
  it('says what can be loaded, then reads NPS, CSAT and FCR of hand-made files from the screen, and draws the map', async () => {
    app = await suite.open();
    const { page } = app;
    await page.getByRole('tab', { name: 'Feedback & support' }).click();
    await page.locator('.crm[data-crm="empty"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('#view-crm').innerText()).toContain('Survey answers (NPS 0–10 or CSAT 1–5)');

    await dropFile(page, 'shop.csv', bytes(ORDERS), 'text/csv');
    await settled(page);
    await page.locator('[data-dashboard="ready"]').waitFor({ state: 'attached', timeout: 60_000 });
    await drop(page, 'surveys.csv', SURVEYS);
    await drop(page, 'tickets.csv', TICKETS);
    await page.locator('.crm[data-crm="loaded"]').waitFor({ timeout: 30_000 });

    await panelReady(page, 'nps');
    await expect.poll(() => crmKpi(page, 'nps', 'nps').innerText()).toBe('20');
    expect(await crmKpi(page, 'nps', 'nps_answers').innerText()).toBe('5');
    expect(await crmKpi(page, 'nps', 'csat').innerText()).toBe('50%');
    expect(await crmKpi(page, 'nps', 'csat_answers').innerText()).toBe('4');
    // Z answered but is not in the orders: counted, and said.
    expect(await page.getByTestId('nps-coverage').innerText()).toContain('9 answers: 0 without a customer id, 1 from customers not in the orders.');
    // The definition is there on hover.
    expect(await page.locator('[data-crm-panel="nps"] [data-kpi="nps"] dt').getAttribute('title')).toMatch(/promoters − detractors/);
    // By country (C is France, Z unknown): every group is small (under 30 answers).
    const byCountry = page.getByTestId('nps-by');
    expect(await byCountry.locator('tr', { hasText: 'unknown' }).locator('td').nth(1).innerText()).toBe('-100');
    expect(await byCountry.locator('.flag').count()).toBeGreaterThan(0);

    await panelReady(page, 'support');
    await expect.poll(() => crmKpi(page, 'support', 'fcr').innerText()).toBe('60%');
    expect(await crmKpi(page, 'support', 'tickets').innerText()).toBe('6');
    expect(await crmKpi(page, 'support', 'escalation_rate').innerText()).toBe('33.3%');
    expect(await crmKpi(page, 'support', 'median_hours').innerText()).toBe('4 h');
    expect(await page.getByTestId('support-coverage').innerText()).toContain('1 from customers not in the orders');

    await panelReady(page, 'geography');
    const shapes = page.locator('[data-map-ready="yes"] figure[data-chart="customers-map"] svg path[aria-label]');
    await shapes.first().waitFor({ timeout: 30_000 });
    // The bundled 110m atlas has 177 country shapes, each labelled with its name; those with customers are shaded.
    expect(await shapes.count()).toBe(177);
    const fill = (name: string) => shapes.and(page.locator(`[aria-label="${name}"]`)).getAttribute('fill');
    expect(await fill('Germany')).not.toBe('#eee');
    expect(await fill('Brazil')).toBe('#eee');
    // "Österreich" is Austria, in German.
    expect(await fill('Austria')).not.toBe('#eee');
    // Singapore is recognised but has no shape at 1:110m: listed with its customer and revenue instead.
    expect(await page.getByTestId('countries-too-small').innerText()).toMatch(/^Singapore: 1 customers, .*60/);
    const countries = page.getByTestId('countries');
    expect(await countries.locator('tr', { hasText: 'United Kingdom' }).locator('td').nth(1).innerText()).toBe('GB');
    expect(await page.getByTestId('countries-unmatched').innerText()).toBe('Narnia: 1');
  });
});
