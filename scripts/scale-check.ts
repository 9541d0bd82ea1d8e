// Scale check of the notebook, sharing, Feedback & support and storage on the 1M-order CSV, in the
// built site in headless Chromium. Run: `npx vite build --outDir /tmp/dist-scale --emptyOutDir`, then
// `npx tsx scripts/scale-check.ts --dist /tmp/dist-scale [--file bench-data/orders-1M.csv]` (the
// file is made by `npx tsx scripts/generate-sample.ts --rows 1M --out bench-data`). One page, as a
// user: drop the file and wait for the dashboard; run the default notebook, a `SELECT * FROM orders`
// cell (first page, then "Next rows"), "Open as SQL" on the revenue chart; "Share…" → "Preview
// report" (time, link length) and the report file download; "Try sample CRM data" and every
// Feedback & support panel ready, the churn-risk list and its CSV export; "Keep my data in this
// browser" (the copy into OPFS) and a reload back to a ready dashboard. Each step is timed in the
// page's clock, and the page's 'longtask' entries (PerformanceObserver) falling in it are reported:
// the longest and how many last over 200 ms. Page errors and requests to other origins are listed.
// Prints a table and writes the steps as JSON to --out (default /tmp/scale-check.json). Run it alone: timings are meaningless on
// a busy machine.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, serveDist } from './static-server';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: join(ROOT, 'dist') },
    file: { type: 'string', default: join(ROOT, 'bench-data/orders-1M.csv') },
    out: { type: 'string', default: '/tmp/scale-check.json' },
  },
});
const FILE = resolve(values.file);
const LONG = 15 * 60_000;

interface Step {
  step: string;
  ms: number;
  longestTaskMs: number;
  tasksOver200: number;
  tasksOver1s: number;
  note?: string;
}
const steps: Step[] = [];
const problems: string[] = [];

declare global {
  interface Window {
    __longTasks: [number, number][];
  }
}

/** Installed before the page's own scripts, on every load: records each long task's start and duration. */
function observeLongTasks(): void {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
}

const now = (page: Page) => page.evaluate(() => performance.now());

/** The long tasks overlapping [from, to] in the page's clock. */
async function longTasks(page: Page, from: number, to: number): Promise<number[]> {
  return page.evaluate(([a, b]) => window.__longTasks.filter(([s, d]) => s + d > a! && s < b!).map(([, d]) => d), [from, to]);
}

async function record(page: Page, step: string, from: number, to: number, note?: string): Promise<void> {
  const tasks = await longTasks(page, from, to);
  const entry: Step = { step, ms: Math.round(to - from), longestTaskMs: Math.round(Math.max(0, ...tasks)), tasksOver200: tasks.filter((d) => d > 200).length, tasksOver1s: tasks.filter((d) => d > 1000).length, note };
  steps.push(entry);
  process.stderr.write(`  ${step}: ${entry.ms} ms (longest task ${entry.longestTaskMs} ms, ${entry.tasksOver200} > 200 ms)${note ? ` — ${note}` : ''}\n`);
}

/** Times `act` then `until` in the page's clock and records the step. */
async function timed<T>(page: Page, step: string, act: () => Promise<unknown>, until: () => Promise<T>, note?: (value: T) => string): Promise<T> {
  const t0 = await now(page);
  await act();
  const value = await until();
  const t1 = await now(page);
  await record(page, step, t0, t1, note?.(value));
  return value;
}

const server = await serveDist(resolve(values.dist));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
await context.addInitScript(observeLongTasks);
const page = await context.newPage();
// Every wait not given its own limit fails after two minutes rather than hanging.
page.setDefaultTimeout(120_000);
const offOrigin: string[] = [];
page.on('request', (r) => {
  if (!r.url().startsWith(server.origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) offOrigin.push(r.url());
});
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
});

try {
  process.stderr.write(`scale check: ${FILE} (${(statSync(FILE).size / 2 ** 20).toFixed(0)} MB)\n`);
  await page.goto(server.url);
  await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });

  // 0. The 1M dashboard (the baseline the other steps start from), until the list and RFM scores are in.
  await timed(
    page,
    'load 1M → dashboard ready (all panels)',
    () => page.setInputFiles('input[type=file]', FILE),
    async () => {
      await page.locator('main[data-loading="no"][data-report="ready"]').waitFor({ timeout: LONG });
      await page.locator('[data-dashboard="ready"]').waitFor({ timeout: LONG });
      await page.waitForFunction(() => performance.getEntriesByName('clientele:value-painted').length > 0, undefined, { timeout: LONG });
    },
  );
  const customers = await page.locator('[data-kpi="customers"] .value').first().innerText();
  const orders = await page.locator('[data-kpi="orders"] .value').first().innerText();
  process.stderr.write(`  dashboard says ${customers} customers, ${orders} orders\n`);

  // 1. Notebook: the default notebook (Run all), SELECT * FROM orders (first page, page 2), Open as SQL.
  await page.getByRole('tab', { name: 'Notebook' }).click();
  await page.locator('[data-notebook-restore="restored"]').waitFor({ timeout: 60_000 });
  const sqlCell = (name: string) => page.locator('article[data-cell="sql"]').filter({ has: page.locator(`[data-name="${name}"]`) });
  const cells = page.locator('#view-notebook article[data-cell]');
  await timed(
    page,
    'notebook: Run all (default notebook)',
    () => page.getByRole('button', { name: 'Run all' }).click(),
    async () => {
      await sqlCell('revenue_by_month').locator('[data-run="ready"]').waitFor({ timeout: LONG });
      await page.locator('article[data-cell="chart"] figure svg').first().waitFor({ timeout: LONG });
      return sqlCell('revenue_by_month').getByTestId('result-summary').innerText();
    },
    (summary) => summary,
  );
  await page.getByRole('button', { name: 'Add SQL' }).click();
  const all = cells.last();
  await all.getByLabel('Name').fill('all_orders');
  await all.locator('textarea').fill('SELECT * FROM orders');
  const allCell = sqlCell('all_orders');
  await timed(
    page,
    'notebook: SELECT * FROM orders → first page',
    () => all.locator('textarea').press('Control+Enter'),
    async () => {
      await allCell.locator('[data-run="ready"], [data-run="error"]').waitFor({ timeout: LONG });
      await allCell.locator('tbody tr').first().waitFor({ timeout: LONG }).catch(() => undefined);
      return `${await allCell.locator('[data-run]').getAttribute('data-run')}: ${(await allCell.locator('[data-run]').innerText()).split('\n')[0]} (${await allCell.locator('tbody tr').count()} rows shown)`;
    },
    (s) => s,
  );
  await timed(
    page,
    'notebook: SELECT * FROM orders → page 2',
    () => allCell.getByRole('button', { name: 'Next rows' }).click(),
    async () => {
      await page.waitForFunction(() => /Showing rows 101–200/.test(document.querySelector('[data-name="all_orders"]')?.closest('article')?.querySelector('[data-testid="result-summary"]')?.textContent ?? ''), undefined, { timeout: LONG, polling: 50 });
      return allCell.getByTestId('result-summary').innerText();
    },
    (s) => s,
  );
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  const before = await cells.count();
  await timed(
    page,
    'Open as SQL: revenue chart → cell ready',
    () => page.getByRole('button', { name: 'Open as SQL: Revenue and refunds over time' }).click(),
    async () => {
      await page.waitForFunction((n) => document.querySelectorAll('#view-notebook article[data-cell]').length > n, before, { timeout: LONG });
      // The panel comes as its SQL cell (run at once) followed by a chart cell of it.
      const cell = cells.nth(before);
      await cell.locator('[data-run="ready"], [data-run="error"]').waitFor({ timeout: LONG });
      const chart = cells.nth(before + 1);
      const charted = (await chart.getAttribute('data-cell')) === 'chart' ? await chart.locator('figure svg').first().waitFor({ timeout: LONG }).then(() => ', its chart drawn') : '';
      return `${await cell.locator('[data-run]').getAttribute('data-run')}: ${(await cell.locator('[data-run]').innerText()).split('\n')[0]}${charted}`;
    },
    (s) => s,
  );
  await page.getByRole('tab', { name: 'Dashboard' }).click();

  // 2. Share: the report preview at 1M, its link's length, the report file.
  await page.getByRole('button', { name: 'Share…' }).click();
  const link = await timed(
    page,
    'share: Preview report → link shown',
    () => page.getByRole('button', { name: 'Preview report' }).click(),
    async () => {
      await page.locator('#share-panel[data-share="ready"] [data-testid="share-link"], #share-panel [role="alert"]').first().waitFor({ timeout: LONG });
      return page.getByTestId('share-link').inputValue();
    },
  );
  const lengthSaid = await page.getByTestId('share-length').innerText().catch(() => '(no length shown)');
  steps.at(-1)!.note = `link ${link.length} characters; page says “${lengthSaid}”`;
  const reportFile = join('/tmp', 'scale-report.html');
  await timed(
    page,
    'share: Download report file (HTML)',
    async () => undefined,
    async () => {
      const download = page.waitForEvent('download', { timeout: LONG });
      await page.getByRole('button', { name: 'Download report file (HTML)' }).click();
      await (await download).saveAs(reportFile);
      return statSync(reportFile).size;
    },
    (bytes) => `${(bytes / 1024).toFixed(0)} KB`,
  );
  await page.getByRole('button', { name: 'Share…' }).click();

  // For comparison with the churn export below: the dashboard's whole customer list as CSV (same toCsv path).
  const listFile = join('/tmp', 'scale-customers.csv');
  await timed(
    page,
    'dashboard: customer list Export CSV',
    async () => undefined,
    async () => {
      const download = page.waitForEvent('download', { timeout: LONG });
      await page.locator('section.customers').getByRole('button', { name: 'Export CSV' }).click();
      await (await download).saveAs(listFile);
      return readFileSync(listFile, 'utf8').split('\n').filter(Boolean).length - 1;
    },
    (rows) => `${rows} customers, ${(statSync(listFile).size / 2 ** 20).toFixed(1)} MB`,
  );

  // 3. Feedback & support: the sample CRM files beside the 1M orders, every panel ready.
  const panels = page.locator('[data-crm-panel]');
  await timed(
    page,
    'CRM: Try sample CRM data → all panels ready',
    async () => {
      await page.getByRole('button', { name: 'Try sample CRM data' }).click();
      await page.getByRole('tab', { name: 'Feedback & support' }).click();
    },
    async () => {
      await page.locator('section.tables[data-tables-loading="no"]').waitFor({ timeout: LONG });
      await page.locator('.crm[data-crm="loaded"]').waitFor({ timeout: LONG });
      await page.locator('[data-crm-panel="churn"]').waitFor({ timeout: LONG });
      await page.waitForFunction(() => {
        const all = [...document.querySelectorAll('[data-crm-panel]')];
        return all.length >= 6 && all.every((p) => p.getAttribute('data-status') === 'ready' || p.getAttribute('data-status') === 'error');
      }, undefined, { timeout: LONG, polling: 100 });
      return panels.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-crm-panel')}=${e.getAttribute('data-status')}`).join(' '));
    },
    (s) => s,
  );
  const churnRows = await page.getByTestId('churn-list').locator('tbody tr').count();
  const churnSummary = await page.getByTestId('churn-summary').innerText();
  const churnShown = await page.locator('[data-crm-panel="churn"] p.small.muted').last().innerText().catch(() => '');
  process.stderr.write(`  churn: ${churnRows} rows listed; ${churnSummary.replace(/\s+/g, ' ')} ${churnShown}\n`);
  const churnFile = join('/tmp', 'scale-churn.csv');
  await timed(
    page,
    'CRM: churn-risk Export CSV → file saved',
    async () => undefined,
    async () => {
      const download = page.waitForEvent('download', { timeout: LONG });
      await page.locator('[data-crm-panel="churn"]').getByRole('button', { name: 'Export CSV' }).click();
      await (await download).saveAs(churnFile);
      const text = readFileSync(churnFile, 'utf8');
      return { bytes: text.length, lines: text.split('\n').filter(Boolean).length };
    },
    ({ bytes, lines }) => `${lines - 1} customers, ${(bytes / 1024).toFixed(0)} KB (list on screen: ${churnRows} rows; summary: ${churnSummary.replace(/\s+/g, ' ').trim()})`,
  );
  await page.getByRole('tab', { name: 'Dashboard' }).click();

  // 4. Storage: "Keep my data in this browser" copies every loaded file (the 1M orders and the 5 CRM
  // samples) into OPFS; a reload brings them back to a ready dashboard.
  const storage = page.locator('section.storage');
  await storage.locator('summary').click();
  const saves = Number(await storage.getAttribute('data-storage-saves'));
  await timed(
    page,
    'storage: Keep my data → copy into OPFS done',
    () => storage.getByLabel('Keep my data in this browser').check(),
    async () => {
      await page.waitForFunction((n) => Number(document.querySelector('section.storage')?.getAttribute('data-storage-saves')) > n, saves, { timeout: LONG, polling: 100 });
      return page.getByTestId('storage-facts').innerText().catch(() => '');
    },
    (s) => s.replace(/\s+/g, ' '),
  );
  const storageError = await storage.locator('[role="alert"]').allInnerTexts();
  if (storageError.length) problems.push(`storage said: ${storageError.join(' | ')}`);

  // The reload: the page's clock restarts, so the step runs from navigation start (0).
  const wall = performance.now();
  await page.reload();
  await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
  const engineAt = await now(page);
  await page.locator('section.storage[data-storage-restoring="no"]').waitFor({ timeout: LONG });
  await page.locator('[data-dashboard="ready"]').waitFor({ timeout: LONG });
  await page.waitForFunction(() => performance.getEntriesByName('clientele:value-painted').length > 0, undefined, { timeout: LONG });
  const restored = await now(page);
  await record(page, 'storage: reload → restored, dashboard ready', 0, restored, `engine ready at ${Math.round(engineAt)} ms; node-side wall ${Math.round(performance.now() - wall)} ms; dashboard says ${await page.locator('[data-kpi="customers"] .value').first().innerText()} customers; notice “${await page.getByTestId('storage-notice').innerText().catch(() => '')}”`);
  // Leave nothing behind in this profile (it is a fresh context anyway).
  await storage.locator('summary').click().catch(() => undefined);
} catch (error) {
  problems.push(`script stopped: ${error instanceof Error ? error.message : String(error)}`);
  await page.screenshot({ path: '/tmp/scale-check-failure.png', fullPage: true }).catch(() => undefined);
} finally {
  const all = await page.evaluate(() => window.__longTasks.map(([, d]) => d)).catch(() => [] as number[]);
  await context.close();
  await browser.close();
  await server.close();
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${pad('step', 48)} ${pad('ms', 8)} ${pad('longest task', 13)} >200ms  >1s`);
  for (const s of steps) console.log(`${pad(s.step, 48)} ${pad(String(s.ms), 8)} ${pad(String(s.longestTaskMs), 13)} ${pad(String(s.tasksOver200), 7)} ${s.tasksOver1s}${s.note ? `\n    ${s.note}` : ''}`);
  console.log(`\nlong tasks since the reload: ${all.length} (max ${Math.round(Math.max(0, ...all))} ms)`);
  console.log(`off-origin requests: ${offOrigin.length ? offOrigin.join(', ') : 'none'}`);
  console.log(`problems: ${problems.length ? `\n  ${problems.join('\n  ')}` : 'none'}`);
  writeFileSync(values.out, JSON.stringify({ file: FILE, date: new Date().toISOString(), steps, offOrigin, problems }, null, 2));
}
