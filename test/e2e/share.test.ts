// Sharing as a user: a recipe link restores the analysis on the recipient's copy of the file; a
// report link and the report file show the same figures with no file; a locked link needs its passphrase.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openApp, serveDist, settled, type AppPage, type StaticServer } from './harness';

let server: StaticServer;
let browser: Browser;
let dir: string;
let shop: string;
const pages: AppPage[] = [];

// 12 customers (6 DE, 6 FR), EUR, 2024-01-05 … 2024-03-31. All time: revenue 150 + 100 + 100 + 65 + 25 + 45 (DE)
// + 70 + 30 + 90 + 120 + 10 + 120 (FR) = 925. March (this month of the data) with DE: A B C D E F, 50+20+40+35+25+45 = 215.
const CSV = [
  'order_id,customer_id,customer_email,customer_name,ordered_at,amount,country,currency',
  'O1,A,ann@shop.test,Ann Archer,2024-01-05,100,DE,EUR', 'O2,A,ann@shop.test,Ann Archer,2024-03-10,50,DE,EUR',
  'O3,B,ben@shop.test,Ben Baker,2024-01-20,80,DE,EUR', 'O4,B,ben@shop.test,Ben Baker,2024-03-12,20,DE,EUR',
  'O5,C,cleo@shop.test,Cleo Cole,2024-02-01,60,DE,EUR', 'O6,C,cleo@shop.test,Cleo Cole,2024-03-15,40,DE,EUR',
  'O7,D,dirk@shop.test,Dirk Dale,2024-02-10,30,DE,EUR', 'O8,D,dirk@shop.test,Dirk Dale,2024-03-20,35,DE,EUR',
  'O9,E,emil@shop.test,Emil Eck,2024-03-01,25,DE,EUR', 'O10,F,fritz@shop.test,Fritz Fink,2024-03-05,45,DE,EUR',
  'O11,G,gael@shop.test,Gael Gros,2024-01-07,70,FR,EUR', 'O12,H,hugo@shop.test,Hugo Hart,2024-01-15,15,FR,EUR',
  'O13,H,hugo@shop.test,Hugo Hart,2024-03-02,15,FR,EUR', 'O14,I,ines@shop.test,Ines Ives,2024-02-03,90,FR,EUR',
  'O15,J,jules@shop.test,Jules Jost,2024-02-14,55,FR,EUR', 'O16,J,jules@shop.test,Jules Jost,2024-03-25,65,FR,EUR',
  'O17,K,kim@shop.test,Kim Kuhn,2024-03-08,10,FR,EUR', 'O18,L,lea@shop.test,Lea Lang,2024-03-31,120,FR,EUR',
]
  // A second name column the guess does not pick: the recipe test maps Customer name to it by hand.
  .map((line, i) => `${line},${i === 0 ? 'nickname' : `Nick ${i}`}`)
  .join('\n');
const IDENTIFYING = CSV.split('\n').slice(1).flatMap((line) => line.split(',').slice(0, 4));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clientele-share-'));
  shop = join(dir, 'shop.csv');
  writeFileSync(shop, CSV);
  server = await serveDist();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const p of pages.splice(0)) {
    expect(p.offOrigin).toEqual([]);
    expect(p.pageErrors).toEqual([]);
    await p.page.context().close();
  }
});

/** A fresh browser context at `url` (a share link), recording requests as openApp does. */
async function openLink(url: string): Promise<AppPage> {
  const context = await browser.newContext({ locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  const opened: AppPage = { page, offOrigin: [], allowedOffOrigin: [], pageErrors: [] };
  const origin = url.startsWith('file:') ? null : new URL(url).origin;
  context.on('request', (request) => {
    const address = request.url();
    if (/^(data|blob):/.test(address) || address === url.split('#')[0]) return;
    if (origin && new URL(address).origin === origin) return;
    opened.offOrigin.push(address);
  });
  page.on('pageerror', (error) => opened.pageErrors.push(error.message));
  pages.push(opened);
  await page.goto(url);
  return opened;
}

async function loadShop(page: Page): Promise<void> {
  await page.setInputFiles('input[type=file]', shop);
  await settled(page);
  await dashboardReady(page);
}

const kpi = (page: Page, id: string) => page.locator(`[data-kpi="${id}"] .value`).first();
const dashboardReady = (page: Page) => page.locator('[data-dashboard="ready"]').waitFor({ timeout: 60_000 });
const FIGURES = ['customers', 'revenue', 'orders', 'average_order_value', 'average_ltv', 'net_revenue'];

async function share(page: Page, make: 'Create recipe link' | 'Preview report', passphrase = ''): Promise<{ link: string; json: string }> {
  if ((await page.locator('#share-panel').count()) === 0) await page.getByRole('button', { name: 'Share…' }).click();
  await page.getByLabel(/^Passphrase/).fill(passphrase);
  await page.getByRole('button', { name: make }).click();
  await page.locator('#share-panel[data-share="ready"] [data-testid="share-link"]').waitFor({ timeout: 60_000 });
  return { link: await page.getByTestId('share-link').inputValue(), json: await page.getByTestId('share-json').innerText() };
}

describe('sharing', () => {
  it('a recipe link restores the range, the facet and the notebook on the recipient’s copy of the file', async () => {
    const a = await openApp(browser, server);
    pages.push(a);
    await loadShop(a.page);
    await a.page.getByRole('tab', { name: 'Notebook' }).click();
    await a.page.getByLabel('Notebook title').fill('Shared analysis');
    await a.page.getByRole('tab', { name: 'Dashboard' }).click();
    // A mapping that differs from the guess (customer_name), set by hand: the recipient must get it, not their own guess.
    const nameRole = (page: Page) => page.locator('select[aria-label="Customer name"]').first();
    expect(await nameRole(a.page).inputValue()).toBe('customer_name');
    await nameRole(a.page).selectOption('nickname');
    await settled(a.page);
    await dashboardReady(a.page);
    await a.page.getByLabel('Date range').selectOption('this_month');
    await a.page.locator('[data-facet="country"] button', { hasText: 'DE' }).click();
    await expect.poll(() => kpi(a.page, 'revenue').innerText()).toBe('€215.00');
    await dashboardReady(a.page);
    const { link, json } = await share(a.page, 'Create recipe link');
    expect(link).toMatch(/\/clientele\/#recipe=[\w-]+$/);
    expect(JSON.parse(json).view).toMatchObject({ preset: 'this_month', facets: { country: ['DE'] } });
    expect(JSON.parse(json).sources[0].mapping.customer_name).toBe('nickname');
    // The preview says what the recipe carries, and that the recipient needs the same file.
    expect(await a.page.getByTestId('recipe-carries').innerText()).toMatch(/facet values.*The recipient needs the same data file/);
    // The recipe's words name a customer nowhere (the facet value DE is not identifying): no warning.
    expect(await a.page.getByTestId('recipe-identifying').count()).toBe(0);

    const b = await openLink(link);
    await b.page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => b.page.locator('[data-recipe="waiting"]').innerText()).toContain('This link restores an analysis: drop the data file to continue.');
    await loadShop(b.page);
    await b.page.locator('[data-recipe="applied"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => kpi(b.page, 'revenue').innerText()).toBe('€215.00');
    await dashboardReady(b.page);
    expect(await b.page.getByLabel('Date range').inputValue()).toBe('this_month');
    expect(await b.page.locator('[data-facet="country"] button', { hasText: 'DE' }).getAttribute('aria-pressed')).toBe('true');
    expect(await kpi(b.page, 'customers').innerText()).toBe('6');
    expect(await b.page.getByLabel('Notebook title').inputValue()).toBe('Shared analysis');
    expect(await nameRole(b.page).inputValue()).toBe('nickname');
    expect(await b.page.getByTestId('recipe-missing').count()).toBe(0);
    // The fragment was read and taken out of the address: a reload does not open the recipe again.
    expect(new URL(b.page.url()).hash).toBe('');
    // The same state: B's own recipe is A's.
    const again = await share(b.page, 'Create recipe link');
    expect(JSON.parse(again.json)).toEqual(JSON.parse(json));
    // A recipe link pasted into the address of this open tab is read (hashchange), on the data already loaded.
    await b.page.getByLabel('Date range').selectOption('all');
    await dashboardReady(b.page);
    await b.page.evaluate((hash) => void (location.hash = hash), new URL(link).hash);
    await expect.poll(() => b.page.getByLabel('Date range').inputValue(), { timeout: 60_000 }).toBe('this_month');
    await b.page.locator('[data-recipe="applied"]').waitFor({ timeout: 60_000 });
  });

  it('a report link shows the same figures in a fresh browser with no file, and holds no customer', async () => {
    const a = await openApp(browser, server);
    pages.push(a);
    await loadShop(a.page);
    const shown = await Promise.all(FIGURES.map((id) => kpi(a.page, id).innerText()));
    expect(shown[1]).toBe('€925.00');
    const { link, json } = await share(a.page, 'Preview report');
    expect(link).toMatch(/#report=[\w-]+$/);
    expect(Number((await a.page.getByTestId('share-length').innerText()).replace(/^\D+([\d,]+).*$/s, '$1').replace(/,/g, ''))).toBe(link.length);
    const payload = JSON.parse(json);
    const strings = JSON.stringify(payload);
    for (const value of IDENTIFYING) expect(strings.includes(`"${value}"`) || strings.includes(value.includes('@') ? value : `"${value} `), value).toBe(false);

    const viewer = await openLink(link);
    await viewer.page.locator('[data-viewer="ready"]').waitFor({ timeout: 30_000 });
    expect(await Promise.all(FIGURES.map((id) => kpi(viewer.page, id).innerText()))).toEqual(shown);
    expect(await viewer.page.locator('main[data-engine]').count()).toBe(0);

    // The same report as a file, opened from disk.
    const download = a.page.waitForEvent('download');
    await a.page.getByRole('button', { name: 'Download report file (HTML)' }).click();
    const file = join(dir, 'report.html');
    await (await download).saveAs(file);
    const offline = await openLink(pathToFileURL(file).href);
    expect(await kpi(offline.page, 'revenue').innerText()).toBe('€925.00');
    expect(await kpi(offline.page, 'customers').innerText()).toBe('12');
  });

  it('a report link carries a chosen chart and note (review 6, finding 12): drawn with no file, the note scrubbed', async () => {
    const a = await openApp(browser, server);
    pages.push(a);
    await loadShop(a.page);
    await a.page.getByRole('tab', { name: 'Notebook' }).click();
    await a.page.locator('[data-notebook-restore="restored"]').waitFor();
    // 6 DE and 6 FR customers: each row is a group of at least k = 5, and 2 rows ≤ 12 customers ÷ 5.
    await a.page.getByRole('button', { name: 'Add SQL' }).click();
    const sql = a.page.locator('#view-notebook article[data-cell]').last();
    await sql.getByLabel('Name').fill('by_country');
    await sql.locator('textarea').fill('SELECT country, count(DISTINCT customer_id)::INTEGER AS customers, sum(amount)::DOUBLE AS revenue\nFROM orders GROUP BY 1 ORDER BY 1');
    await sql.locator('textarea').press('Control+Enter');
    await sql.locator('[data-run="ready"]').waitFor({ timeout: 30_000 });
    await a.page.getByRole('button', { name: 'Add chart' }).click();
    const chart = a.page.locator('#view-notebook article[data-cell]').last();
    await chart.locator('figure svg').first().waitFor();
    expect(await chart.getByLabel('Mark').inputValue()).toBe('bar');
    await a.page.getByRole('button', { name: 'Add note' }).click();
    const note = a.page.locator('#view-notebook article[data-cell]').last();
    await note.getByLabel('Note (Markdown)').fill('**Germany and France** are even. Ann Archer (ann@shop.test) asked.\n\n<script>alert(1)</script>');
    await note.getByRole('button', { name: 'Done' }).click();
    await a.page.getByRole('tab', { name: 'Dashboard' }).click();
    await dashboardReady(a.page);

    await a.page.getByRole('button', { name: 'Share…' }).click();
    await a.page.getByLabel('by_country', { exact: true }).check();
    await a.page.getByLabel('Chart of by_country').check();
    await a.page.getByLabel(/Note: Germany and France/).check();
    const { link, json } = await share(a.page, 'Preview report');
    expect(await a.page.getByTestId('share-blocks-included').innerText()).toBe('Notebook cells included, in order: result “by_country”, chart of “by_country”, and note “Germany and France are even. (removed) (…”.');
    const payload = JSON.parse(json);
    expect(payload.blocks[1]).toEqual({ kind: 'chart', source: 'by_country', mark: 'bar', x: 'country', y: 'customers' });
    // The customer's name and e-mail are replaced word by word; the rest of the note stays.
    expect(payload.blocks[2].markdown).toBe('**Germany and France** are even. (removed) (removed) (removed) asked.\n\n<script>alert(1)</script>');

    const viewer = await openLink(link);
    await viewer.page.locator('[data-viewer="ready"]').waitFor({ timeout: 30_000 });
    // Drawn with Observable Plot as in the notebook: one bar per country.
    await viewer.page.locator('[data-chart-of="by_country"] figure svg').first().waitFor();
    expect(await viewer.page.locator('[data-chart-of="by_country"] figure svg g[aria-label="bar"] rect').count()).toBe(2);
    const shown = viewer.page.locator('[data-note]');
    expect(await shown.locator('strong').innerText()).toBe('Germany and France');
    expect(await shown.innerText()).toContain('are even. (removed) (removed) (removed) asked.');
    expect(await shown.innerText()).toContain('<script>alert(1)</script>');
    expect(await shown.locator('script').count()).toBe(0);
    expect(await viewer.page.locator('body').innerText()).not.toContain('Archer');

    // The report file draws the same chart as inline SVG bars.
    const download = a.page.waitForEvent('download');
    await a.page.getByRole('button', { name: 'Download report file (HTML)' }).click();
    const file = join(dir, 'report-cells.html');
    await (await download).saveAs(file);
    const offline = await openLink(pathToFileURL(file).href);
    expect(await offline.page.locator('figure[data-chart-of="by_country"] svg rect[fill]').count()).toBeGreaterThanOrEqual(3);
    expect(await offline.page.locator('[data-note] strong').innerText()).toBe('Germany and France');
  });

  it('a locked report link says a wrong passphrase is wrong, then opens with the right one', async () => {
    const a = await openApp(browser, server);
    pages.push(a);
    await loadShop(a.page);
    const revenue = await kpi(a.page, 'revenue').innerText();
    const { link } = await share(a.page, 'Preview report', 'open sesame');
    expect(link).toMatch(/#report-locked=[\w-]+$/);
    expect(await a.page.locator('[data-share-preview="report"]').innerText()).toContain('PBKDF2-SHA-256 with 600,000 iterations');

    // Cut short (as a chat client may do): "damaged", even with the right passphrase.
    const cut = await openLink(link.slice(0, -10));
    await cut.page.locator('[data-viewer="locked"]').waitFor({ timeout: 30_000 });
    await cut.page.getByLabel('Passphrase').fill('open sesame');
    await cut.page.getByRole('button', { name: 'Open report' }).click();
    await cut.page.locator('[data-problem="damaged"]').waitFor({ timeout: 30_000 });
    expect(await cut.page.getByRole('alert').innerText()).toMatch(/^This link is damaged or incomplete/);

    const viewer = await openLink(link);
    await viewer.page.locator('[data-viewer="locked"]').waitFor({ timeout: 30_000 });
    await viewer.page.getByLabel('Passphrase').fill('open sesam');
    await viewer.page.getByRole('button', { name: 'Open report' }).click();
    await viewer.page.locator('[data-problem="wrong_passphrase"]').waitFor({ timeout: 30_000 });
    expect(await viewer.page.getByRole('alert').innerText()).toMatch(/^Wrong passphrase/);
    await viewer.page.getByLabel('Passphrase').fill('open sesame');
    await viewer.page.getByRole('button', { name: 'Open report' }).click();
    await viewer.page.locator('[data-viewer="ready"]').waitFor({ timeout: 30_000 });
    expect(await kpi(viewer.page, 'revenue').innerText()).toBe(revenue);
  });
});
