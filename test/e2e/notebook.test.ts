// The notebook as a user meets it: a dropped file, SQL, chart and note cells, a cell reading
// another, an error marked in the SQL, a reload that brings the notebook back from IndexedDB, and
// a dashboard panel opened as SQL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dropFile, launchChromium, openApp, serveDist, settled, type AppPage, type StaticServer } from './harness';
import { serveFolder } from '../../scripts/static-server';

let server: StaticServer;
/** A second local origin with a CSV on it, playing someone else's server; records what reaches it. */
let bucket: StaticServer;
let bucketDir: string;
const bucketHits: string[] = [];
let browser: Browser;
let app: AppPage;
let dialogs: string[];

beforeAll(async () => {
  server = await serveDist();
  bucketDir = mkdtempSync(join(tmpdir(), 'clientele-bucket-'));
  writeFileSync(join(bucketDir, 'x.csv'), 'a,b\n1,2\n');
  bucket = await serveFolder(bucketDir, '/b/', { cors: true, onRequest: (request) => bucketHits.push(`${request.method} ${request.path}`) });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await bucket?.close();
  rmSync(bucketDir, { recursive: true, force: true });
});
afterEach(async () => {
  expect(app.offOrigin).toEqual([]);
  expect(app.pageErrors).toEqual([]);
  expect(dialogs).toEqual([]);
  await app.page.context().close();
});

// 3 customers, 5 orders, Jan 5 – Feb 15 2024:
//   A (DE): 100 on 01-05, 50 on 02-10   → DE revenue 150
//   B (FR): 80 on 01-20                 → FR revenue 80 + 30 + 45 = 155
//   C (FR): 30 on 02-01, 45 on 02-15
// By month: January 100 + 80 = 180, February 50 + 30 + 45 = 125.
const CSV = [
  'order_id,customer_id,ordered_at,amount,country',
  'O1,A,2024-01-05,100,DE',
  'O2,A,2024-02-10,50,DE',
  'O3,B,2024-01-20,80,FR',
  'O4,C,2024-02-01,30,FR',
  'O5,C,2024-02-15,45,FR',
].join('\n');

async function open(): Promise<Page> {
  app = await openApp(browser, server);
  dialogs = [];
  app.page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await dropFile(app.page, 'shop.csv', new TextEncoder().encode(CSV), 'text/csv');
  await settled(app.page);
  await app.page.locator('[data-dashboard="ready"]').waitFor({ timeout: 60_000 });
  return app.page;
}

const notebookTab = (page: Page) => page.getByRole('tab', { name: 'Notebook' });
const sqlCell = (page: Page, name: string) => page.locator('article[data-cell="sql"]').filter({ has: page.locator(`[data-name="${name}"]`) });
const cells = (page: Page) => page.locator('#view-notebook article[data-cell]');
/** The chart cells of the notebook saved in IndexedDB (slot "last"), as the autosave wrote them. */
const savedCharts = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const request = indexedDB.open('clientele-notebooks');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const get = db.transaction('notebooks').objectStore('notebooks').get('last');
          get.onsuccess = () => {
            db.close();
            const cells = ((get.result as { document?: { cells?: Record<string, unknown>[] } } | undefined)?.document?.cells ?? []);
            resolve(cells.filter((c) => c.kind === 'chart').map(({ id: _id, ...rest }) => rest));
          };
        };
      }),
  );
const ready = (page: Page, name: string) => sqlCell(page, name).locator('[data-run="ready"]').waitFor({ timeout: 30_000 });
const columnValues = async (page: Page, name: string, column: number) =>
  sqlCell(page, name).locator(`tbody tr td:nth-child(${column})`).allInnerTexts();

async function writeSqlCell(page: Page, name: string, sql: string): Promise<void> {
  await page.getByRole('button', { name: 'Add SQL' }).click();
  const cell = cells(page).last();
  await cell.getByLabel('Name').fill(name);
  await cell.locator('textarea').fill(sql);
  await cell.locator('textarea').press('Control+Enter');
}

describe('the notebook', () => {
  it('runs SQL, draws a chart, keeps a note inert, reads a cell by name, marks an error, and comes back after a reload', async () => {
    const page = await open();
    await notebookTab(page).click();
    await page.locator('[data-notebook-restore="restored"]').waitFor();

    // The starting notebook: a note, revenue_by_month and its chart. Run all.
    await page.getByRole('button', { name: 'Run all' }).click();
    await ready(page, 'revenue_by_month');
    expect(await sqlCell(page, 'revenue_by_month').getByTestId('result-summary').innerText()).toMatch(/^2 rows in /);
    // January 180, February 125 (revenue is the 4th column: month, purchases, customers, revenue).
    expect(await columnValues(page, 'revenue_by_month', 4)).toEqual(['180', '125']);
    await page.locator('article[data-cell="chart"] figure svg').first().waitFor();

    // A SQL cell of our own, run with Ctrl+Enter.
    await writeSqlCell(page, 'by_country', 'SELECT country, sum(amount)::DOUBLE AS revenue, count(DISTINCT customer_id)::INTEGER AS customers\nFROM orders GROUP BY 1 ORDER BY 1');
    await ready(page, 'by_country');
    expect(await sqlCell(page, 'by_country').getByTestId('result-summary').innerText()).toMatch(/^2 rows in /);
    expect(await columnValues(page, 'by_country', 1)).toEqual(['DE', 'FR']);
    expect(await columnValues(page, 'by_country', 2)).toEqual(['150', '155']);

    // A chart of it: defaults from the column types (bars of revenue by country) as an SVG.
    await page.getByRole('button', { name: 'Add chart' }).click();
    const chart = cells(page).last();
    expect(await chart.getByLabel('Data from cell').inputValue()).toBe('by_country');
    await chart.locator('figure svg').first().waitFor();
    expect(await chart.getByLabel('Mark').inputValue()).toBe('bar');
    expect(await chart.locator('label', { hasText: /^x/ }).locator('select').inputValue()).toBe('country');
    expect(await chart.locator('figure svg rect').count()).toBeGreaterThanOrEqual(2);
    // Viewing the chart does not edit the notebook (final review #10): the defaults are shown, not saved.
    await page.locator('[data-notebook-saved="yes"]').waitFor();
    expect((await savedCharts(page)).at(-1)).toEqual({ kind: 'chart', source: 'by_country', mark: 'bar' });
    await chart.getByLabel('Mark').selectOption('dot');
    await expect.poll(() => chart.locator('figure svg circle').count()).toBe(2);
    // The user's first choice saves what they see: their mark over the shown defaults.
    await expect.poll(async () => (await savedCharts(page)).at(-1)).toEqual({ kind: 'chart', source: 'by_country', mark: 'dot', x: 'country', y: 'revenue' });

    // A note with a script and a javascript: link renders inert.
    await page.getByRole('button', { name: 'Add note' }).click();
    const note = cells(page).last();
    await note.getByLabel('Note (Markdown)').fill('# Findings\n\n<script>window.__pwned = 1; alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))');
    await note.getByRole('button', { name: 'Done' }).click();
    const rendered = note.getByTestId('note-rendered');
    expect(await rendered.locator('h1').innerText()).toBe('Findings');
    expect(await rendered.locator('script, img, [onerror]').count()).toBe(0);
    expect(await rendered.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await rendered.innerText()).toContain('<script>window.__pwned = 1; alert(1)</script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    // A cell reading the first one by name: FR (155) beats DE (150).
    await writeSqlCell(page, 'top_country', 'SELECT country, revenue FROM by_country ORDER BY revenue DESC LIMIT 1');
    await ready(page, 'top_country');
    expect(await columnValues(page, 'top_country', 1)).toEqual(['FR']);

    // An error is shown in the cell with its place marked: "amont" on line 2.
    await writeSqlCell(page, 'broken', 'SELECT *\nFROM orders WHERE amont > 10');
    const broken = sqlCell(page, 'broken');
    await broken.locator('[data-run="error"]').waitFor();
    expect(await broken.getByRole('alert').innerText()).toMatch(/Referenced column "amont" not found[\s\S]*At line 2, column 19/);
    expect(await broken.getByTestId('error-spot').locator('mark').innerText()).toBe('a');
    // Run all stops there and says so.
    await page.getByRole('button', { name: 'Run all' }).click();
    await expect.poll(() => page.locator('#view-notebook p.stopped').innerText()).toMatch(/stopped at cell 8 \(“broken”\)/);

    // Saved in the browser: a reload brings every cell back.
    await page.locator('[data-notebook-saved="yes"]').waitFor();
    await page.reload();
    await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
    await notebookTab(page).click();
    await page.locator('[data-notebook-restore="restored"]').waitFor();
    expect(await cells(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-cell')))).toEqual(['note', 'sql', 'chart', 'sql', 'chart', 'note', 'sql', 'sql']);
    expect(await sqlCell(page, 'top_country').locator('textarea').inputValue()).toBe('SELECT country, revenue FROM by_country ORDER BY revenue DESC LIMIT 1');
    expect(await cells(page).nth(4).getByLabel('Mark').inputValue()).toBe('dot');
    expect(await cells(page).nth(5).getByTestId('note-rendered').locator('script').count()).toBe(0);

    // Exported as Markdown: the cells, no result (155 and 125 were only ever results).
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export Markdown' }).click();
    const file = await download;
    const markdown = await readFile((await file.path())!, 'utf8');
    expect(file.suggestedFilename()).toBe('My-questions.md');
    expect(markdown).toContain('```sql\nSELECT country, revenue FROM by_country ORDER BY revenue DESC LIMIT 1\n```');
    // (Cell ids are random letters and digits: left out of this check, they may contain 125.)
    expect(markdown.replace(/"id":"[^"]*"/g, '')).not.toMatch(/155|125/);
    // …and imported back, under another title.
    await page.getByLabel('Import a notebook (JSON or Markdown)').setInputFiles({ name: 'copy.md', mimeType: 'text/markdown', buffer: Buffer.from(markdown.replace('# My questions', '# Copy')) });
    await expect.poll(() => page.getByLabel('Notebook title').inputValue()).toBe('Copy');
    expect(await cells(page).count()).toBe(8);
  });

  it('opens a dashboard panel as SQL: a cell that runs on the dashboard’s tables and returns rows', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Open as SQL: The KPIs' }).click();
    await ready(page, 'kpis');
    const kpis = sqlCell(page, 'kpis');
    // The new cell was brought into view and the request cleared (final review #11: focus never cleared).
    await page.locator('section.notebook[data-notebook-focus=""]').waitFor();
    expect(await kpis.evaluate((el) => el.closest('[data-cell-id]')?.getBoundingClientRect().top ?? -1)).toBeLessThan(await page.evaluate(() => innerHeight));
    expect(await kpis.locator('textarea').inputValue()).toMatch(/^-- The KPIs, as the dashboard computes it\.\n-- Reads .*scope_customers/);
    // One row for the range, one for the previous period; revenue all time 100 + 50 + 80 + 30 + 45 = 305.
    expect(await kpis.getByTestId('result-summary').innerText()).toMatch(/^2 rows in /);
    const header = await kpis.locator('thead th').allInnerTexts();
    const revenue = header.indexOf('revenue') + 1;
    expect(await columnValues(page, 'kpis', revenue)).toContain('305');

    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await page.getByRole('button', { name: /^Open as SQL: Revenue/ }).click();
    const revenueCell = page.locator('article[data-cell="sql"]').filter({ has: page.locator('[data-name="revenue_over_time"]') });
    await revenueCell.locator('[data-run="ready"]').waitFor({ timeout: 30_000 });
    // All time by day (42 days from Jan 5 to Feb 15 inclusive: 27 in January, 15 in February).
    expect(await revenueCell.getByTestId('result-summary').innerText()).toMatch(/^42 rows in /);
    await cells(page).last().locator('figure svg').first().waitFor();

    // A long query shows its time running and can be cancelled; the notebook stays usable.
    await writeSqlCell(page, 'long', 'SELECT sum(a.range * b.range) AS s FROM range(100000) a, range(100000) b');
    const long = sqlCell(page, 'long');
    await expect.poll(() => long.getByTestId('cell-running').innerText()).toMatch(/^Running… [1-9]\d*\.\d s$/);
    await long.getByRole('button', { name: 'Cancel' }).click();
    await long.locator('[data-run="cancelled"]').waitFor();
    await long.locator('textarea').fill('SELECT 6 * 7 AS answer');
    await long.locator('textarea').press('Control+Enter');
    await ready(page, 'long');
    expect(await columnValues(page, 'long', 1)).toEqual(['42']);
  });

  it('refuses a cell that reads another origin (review 6 #5): the cell says why and no request leaves the page', async () => {
    const page = await open();
    await notebookTab(page).click();
    await page.locator('[data-notebook-restore="restored"]').waitFor();
    const url = `${bucket.url}x.csv?leak=recipe-was-run`;
    expect(new URL(url).origin).not.toBe(server.origin);
    await writeSqlCell(page, 'exfil', `SELECT * FROM read_csv('${url}')`);
    const cell = sqlCell(page, 'exfil');
    await cell.locator('[data-run="error"]').waitFor({ timeout: 30_000 });
    expect(await cell.getByRole('alert').first().innerText()).toContain(
      'Notebook cells read only the loaded tables: the function read_csv() is not allowed',
    );
    // The spot is marked in the cell: line 1, column 15 (where read_csv starts).
    expect(await cell.getByTestId('error-spot').innerText()).toContain('read_csv');
    // Run all stops there too, and a string used as a table is refused the same way.
    await page.getByRole('button', { name: 'Run all' }).click();
    await page.locator('[data-running-all="no"]').waitFor();
    await writeSqlCell(page, 'exfil2', `FROM '${url}'`);
    await sqlCell(page, 'exfil2').locator('[data-run="error"]').waitFor({ timeout: 30_000 });
    expect(await sqlCell(page, 'exfil2').getByRole('alert').first().innerText()).toMatch(/^Notebook cells read only the loaded tables: reading '.*' as a table is not allowed/);
    // The notebook still works on the loaded data.
    await writeSqlCell(page, 'ok', 'SELECT count(*)::INTEGER AS n FROM orders');
    await ready(page, 'ok');
    expect(await columnValues(page, 'ok', 1)).toEqual(['5']);
    expect(bucketHits).toEqual([]);
    expect(app.offOrigin).toEqual([]);
  });
});
