// npm run bench [-- --sizes 100k,1M,5M --runs 3 --formats csv,parquet]
// Times each stage from "file dropped" to "first view" in headless Chromium against the built site,
// runs the same SQL modules on native DuckDB 1.4.3 on the same files, and prints medians, peak
// memory and browser/native ratios. Writes bench-results/latest.json for comparison across commits.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openAsBlob, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { buildOrders, prepareSource } from '../src/ingest/build-orders';
import { loadSource } from '../src/ingest/load-source';
import { CUSTOMER_BASE_STATEMENTS } from '../src/analyses/customer-base';
import { customerCountSql, customerListSql } from '../src/analyses/customer-list';
import { DATA_FACTS_SQL, dashboardFilterSql, dashboardFlagsSql, dashboardPanelsList, dashboardRangeSql, type DashboardPlanOptions } from '../src/analyses/dashboard';
import { facetSql } from '../src/analyses/facets';
import type { Segment } from '../src/analyses/segments';
import { RANGE_PRESETS, presetRange } from '../src/state/date-presets';
import { NativeDatabase, blobPaths } from './native-database';
import { CHROMIUM, CHROMIUM_ARGS, serveDist } from './static-server';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = join(ROOT, 'bench-data');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100k,1M,5M' },
    formats: { type: 'string', default: 'csv,parquet' },
    runs: { type: 'string', default: '3' },
  },
});
const sizes = values.sizes.split(',');
const formats = values.formats.split(',') as ('csv' | 'parquet')[];
const runs = Number(values.runs);

/** The stages a user waits through, in order, then the interactions on the loaded dashboard; later issues add theirs. */
const STAGES = ['load', 'orders', 'dashboard', 'first view', 'rfm, ltv, cohorts', 'clv fit', 'facet click', 'date range', 'segment', 'list sort'] as const;
/** Stages run by the app's rune classes (src/state), which only the browser runs: no native figure. */
const BROWSER_ONLY: readonly Stage[] = ['rfm, ltv, cohorts', 'clv fit'];
type Stage = (typeof STAGES)[number];
type Timings = Record<Stage, number>;
const INTERACTIONS = ['facet click', 'date range', 'segment', 'list sort'] as const satisfies readonly Stage[];
type Interaction = (typeof INTERACTIONS)[number];
/** Each interaction is repeated this many times a run, for a p95 that means something. */
const REPEATS = 5;
/** The date ranges picked, one a repetition (then back to all time). */
const BENCH_RANGES = ['last_90', 'last_30', 'last_year', 'this_quarter', 'last_month'] as const;

/** A saved segment the benchmark applies: customers with at least two orders who spent 100 or more. */
const BENCH_SEGMENT = { name: 'Bench: repeat big spenders', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'order_count', op: '>=', value: 2 }, { kind: 'number', field: 'total_revenue', op: '>=', value: 100 }] }] } as const;

interface Result {
  size: string;
  format: string;
  bytes: number;
  browser: Timings[];
  native: Timings[];
  /** Every repetition of each interaction, for p95. */
  browserInteractions: Record<Interaction, number[]>;
  nativeInteractions: Record<Interaction, number[]>;
  browserPeakMB: number;
  nativePeakMB: number;
  /** What the page said when it did not reach the dashboard (a file too large for the tab). */
  failed?: string;
  engineStartMs: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function ensureData(size: string) {
  const missing = ['csv', 'parquet'].some((ext) => !existsSync(join(DATA, `orders-${size}.${ext}`)));
  if (missing) execFileSync('npx', ['tsx', join(ROOT, 'scripts/generate-sample.ts'), '--rows', size, '--out', DATA], { stdio: 'inherit' });
}

/** Proportional set size of a process tree, in MB: shared pages counted once across processes. */
function treePssMB(rootPid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let kb = 0;
  const visit = (pid: number) => {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone or not readable.
    }
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(rootPid);
  return kb / 1024;
}

/**
 * Samples `read` every `everyMs` for its peak. `pause()` stops the timer (after one last sample),
 * `sample()` takes one now, `stop()` ends it and returns the peak.
 */
function sampler(read: () => number, everyMs: number) {
  let peak = read();
  const take = () => (peak = Math.max(peak, read()));
  let timer: NodeJS.Timeout | null = setInterval(take, everyMs);
  const pause = () => {
    if (timer) clearInterval(timer);
    timer = null;
    take();
  };
  return {
    pause,
    sample: take,
    stop: () => {
      pause();
      return peak;
    },
  };
}

/**
 * The browser's memory is its process tree's PSS, read from /proc/<pid>/smaps_rollup: ~40 ms of
 * kernel time per reading at 1M orders, on one of the two cores. Read every 500 ms while the stages
 * load and build (their peak is a plateau), and not during a timed interaction, only between them:
 * read every 100 ms (before this), it took ~40% of a core and slowed the interactions by 20–30%.
 */
const BROWSER_SAMPLE_MS = 500;

/** Every run's "all panels" interaction timings (browser only), for the JSON. */
const allPanels: Record<string, number[]>[] = [];

async function browserRun(browser: Browser, url: string, path: string): Promise<{ timings: Timings; samples: Record<Interaction, number[]>; peakMB: number; engineStartMs: number; failed?: string }> {
  const context = await browser.newContext();
  await context.addInitScript((segment) => localStorage.setItem('clientele.segments', JSON.stringify({ version: 1, segments: [segment] })), BENCH_SEGMENT);
  // When the page received the user's action (the click, or the select's change), on the clock of
  // performance.now(): interactions are timed from it, not from when the harness began to act
  // (Playwright first checks the element is visible and stable, a few frames' wait).
  // (No named functions inside: the page gets this code as text, without tsx's naming helper.)
  await context.addInitScript(() => {
    for (const type of ['click', 'change']) document.addEventListener(type, (event) => ((window as unknown as { clienteleInputAt: number }).clienteleInputAt = event.timeStamp), true);
  });
  const page = await context.newPage();
  const opened = performance.now();
  await page.goto(url);
  await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
  const engineStartMs = performance.now() - opened;
  const browserPid = (browser as unknown as { _process?: { pid: number } })._process?.pid ?? process.pid;
  const memory = sampler(() => treePssMB(browserPid), BROWSER_SAMPLE_MS);
  await page.setInputFiles('input[type=file]', path);
  // A file too large for the tab ends in a message, not a dashboard: record what the page said.
  await page.locator('main[data-loading="no"]:is([data-report="ready"], [data-report="error"], [data-report="idle"])').waitFor({ timeout: 15 * 60_000 });
  const dashboard = page.locator('[data-dashboard="ready"], [data-dashboard="error"]');
  if ((await page.locator('main').getAttribute('data-report')) === 'ready') await dashboard.waitFor({ timeout: 15 * 60_000 });
  if ((await dashboard.getAttribute('data-dashboard').catch(() => null)) !== 'ready') {
    const said = await page.locator('[role="alert"]').allInnerTexts();
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
    const peakMB = memory.stop();
    await context.close();
    process.stderr.write(`  did not reach the dashboard: ${said.join(' | ')}\n`);
    const at = (m: string) => marks[m] ?? NaN;
    const timings = Object.fromEntries(STAGES.map((s) => [s, NaN])) as Timings;
    Object.assign(timings, { load: at('clientele:source-ready') - at('clientele:load-start'), orders: at('clientele:orders-ready') - at('clientele:source-ready') });
    return { timings, samples: { 'facet click': [], 'date range': [], segment: [], 'list sort': [] }, peakMB, engineStartMs, failed: said.join(' | ') };
  }
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
  const start = marks['clientele:load-start']!;
  const source = marks['clientele:source-ready']!;
  const ready = marks['clientele:orders-ready']!;
  const shown = marks['clientele:dashboard-painted']!;
  // The refresh is over (the list painted, RFM scored: the value section is closed, so not computed).
  await page.waitForFunction(() => performance.getEntriesByName('clientele:value-painted').length > 0, undefined, { timeout: 15 * 60_000 });
  const firstListAt = await page.evaluate(() => performance.getEntriesByName('clientele:list-shown')[0]?.startTime ?? NaN);
  /** From the user's action (the input event) to `first` and to `mark`, and from the harness's call to `first`. */
  const timed = async (mark: string, act: () => Promise<unknown>, first = mark) => {
    // Memory is read between interactions, not while one is timed.
    memory.sample();
    const before = await page.evaluate((m) => performance.getEntriesByName(m).length, mark);
    const t0 = await page.evaluate(() => performance.now());
    await act();
    await page.waitForFunction(({ m, n }) => performance.getEntriesByName(m).length > n, { m: mark, n: before }, { timeout: 15 * 60_000 });
    return page.evaluate(({ m, f, t }) => {
      const input = (window as unknown as { clienteleInputAt?: number }).clienteleInputAt ?? 0;
      const from = input > t ? input : t;
      const firstAt = performance.getEntriesByName(f).at(-1)!.startTime, markAt = performance.getEntriesByName(m).at(-1)!.startTime;
      // The list's page on screen (from the arrays, else the SQL's): its first mark after the input.
      const listAt = performance.getEntriesByName('clientele:list-shown').find((e) => e.startTime >= from)?.startTime ?? NaN;
      return [firstAt - from, markAt - from, firstAt - t, listAt - from];
    }, { m: mark, f: first, t: t0 });
  };
  // RFM, LTV and cohorts are computed when their section is opened: from the click to them painted.
  const valueSection = page.locator('details.value-panels > summary');
  const [, valueMs] = await timed('clientele:value-painted', () => valueSection.click());
  // Predictive CLV: from the click to the fitted parameters on screen (summary SQL, then the fit in its worker).
  const fitStart = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Fit model' }).click();
  await page.getByText(/^Fitted on /).waitFor({ timeout: 15 * 60_000 });
  const fitMs = (await page.evaluate(() => performance.now())) - fitStart;
  const fittedOn = await page.getByText(/^Fitted on /).innerText();
  process.stderr.write(`  clv: ${fittedOn}\n`);

  // Each interaction: from the user's action until the dashboard's panels are painted again (the
  // figure compared with native DuckDB, which runs the same plan) and until the whole refresh is (the
  // "all panels" figure, browser only: the list and RFM scores, and RFM, LTV and cohorts when their
  // section is open). The sort: until the list is painted.
  memory.pause();
  const samples: Record<Interaction, number[]> = { 'facet click': [], 'date range': [], segment: [], 'list sort': [] };
  const all: Record<string, number[]> = { 'facet click': [], 'date range': [], segment: [] };
  const fromCall: Record<string, number[]> = { 'facet click': [], 'date range': [], segment: [] };
  /** Until the panels and the list's first page are both painted: "every panel" of the issue. */
  const everyPanel: Record<string, number[]> = { 'facet click': [], 'date range': [], segment: [] };
  const both = async (k: 'facet click' | 'date range' | 'segment', act: () => Promise<unknown>) => {
    const [panels, every, harness, list] = await timed('clientele:value-painted', act, 'clientele:dashboard-painted');
    samples[k].push(panels!);
    all[k]!.push(every!);
    fromCall[k]!.push(harness!);
    everyPanel[k]!.push(Math.max(panels!, list!));
  };
  // The interactions with the section closed again, as it is by default: "all panels" is then the
  // list and the RFM scores (the list's segment column). Then a few with it open, which adds RFM,
  // LTV and cohorts to every refresh.
  await valueSection.click();
  // Each repetition clicks another country and picks another range: the page keeps the panels of
  // recent filter states, so the first visit of a state ("on") is the cold figure and going back to
  // all customers, all time ("off") the warm one. The saved segment is one state: warm after run 1.
  const firstCountry = page.locator('[data-facet="country"] button.facet-value').first();
  const segments = page.locator('section.segments');
  for (let i = 0; i < REPEATS; i++) {
    const country = page.locator('[data-facet="country"] button.facet-value').nth(i);
    await both('facet click', () => country.click());
    await both('facet click', () => country.click());
    await both('date range', () => page.getByLabel('Date range').selectOption(BENCH_RANGES[i % BENCH_RANGES.length]!));
    await both('date range', () => page.getByLabel('Date range').selectOption('all'));
    await both('segment', () => segments.getByRole('button', { name: 'Apply' }).click());
    await both('segment', () => segments.getByRole('button', { name: 'Show all customers' }).click());
    samples['list sort'].push((await timed('clientele:list-painted', () => page.getByRole('button', { name: 'Sort by Last purchase' }).click()))[1]!);
  }
  // The segment on dated ranges (its lost customers are matched on every customer, not the range's
  // flag tables), printed apart: the loop above applies it on all time.
  const datedSegment: number[] = [];
  for (const range of ['last_90', 'last_year'] as const) {
    await timed('clientele:value-painted', () => page.getByLabel('Date range').selectOption(range));
    for (const act of [() => segments.getByRole('button', { name: 'Apply' }).click(), () => segments.getByRole('button', { name: 'Show all customers' }).click()]) {
      datedSegment.push((await timed('clientele:value-painted', act, 'clientele:dashboard-painted'))[0]!);
    }
  }
  await timed('clientele:value-painted', () => page.getByLabel('Date range').selectOption('all'));
  // The picker's other presets, each visited once from all time (a first visit: its rows are built),
  // printed apart: the loop above keeps to BENCH_RANGES, as every session's p95 has.
  const otherRanges: string[] = [];
  const presetVisits: Record<string, number[]> = {};
  for (const range of RANGE_PRESETS.filter((p) => p !== 'all' && p !== 'custom' && !(BENCH_RANGES as readonly string[]).includes(p))) {
    const [panels, , , list] = await timed('clientele:value-painted', () => page.getByLabel('Date range').selectOption(range), 'clientele:dashboard-painted');
    otherRanges.push(`${range} ${Math.round(panels!)} / ${Math.round(Math.max(panels!, list!))}`);
    presetVisits[`date range ${range}: panels, and with the list's first page`] = [panels!, Math.max(panels!, list!)];
    await timed('clientele:value-painted', () => page.getByLabel('Date range').selectOption('all'));
  }
  process.stderr.write(`  the other presets' first visit, to the panels / and the list's first page painted (ms): ${otherRanges.join(', ')}\n`);
  process.stderr.write(`  segment on a dated range, to the panels painted (applied, cleared; last 90 days, then last year): ${datedSegment.map(Math.round).join(', ')} ms\n`);
  all['segment on a dated range, panels'] = datedSegment;
  await valueSection.click();
  await page.locator('details.value-panels[data-value="ready"]').waitFor({ timeout: 15 * 60_000 });
  const open: number[] = [];
  for (let i = 0; i < 2; i++) open.push((await timed('clientele:value-painted', () => firstCountry.click()))[1]!);
  process.stderr.write(`  facet click with the value section open, until RFM, LTV and cohorts are painted: ${open.map(Math.round).join(', ')} ms\n`);
  all['facet click, value section open'] = open;
  process.stderr.write(`  the panels and the list's first page (median / p95 ms): ${Object.entries(everyPanel).map(([k, v]) => `${k} ${Math.round(median(v))} / ${Math.round(p95(v))}`).join(', ')}\n`);
  process.stderr.write(`  first dashboard's list page painted ${Math.round(firstListAt - ready)} ms after the orders were built (the panels: ${Math.round(shown - ready)})\n`);
  process.stderr.write(`  all panels (median / p95 ms): ${Object.entries(all).map(([k, v]) => `${k} ${Math.round(median(v))} / ${Math.round(p95(v))}`).join(', ')}\n`);
  process.stderr.write(`  panels, timed from the harness's call instead of the input event (median / p95 ms): ${Object.entries(fromCall).map(([k, v]) => `${k} ${Math.round(median(v))} / ${Math.round(p95(v))}`).join(', ')}\n`);
  allPanels.push({ ...all, ...presetVisits, ...Object.fromEntries(Object.entries(everyPanel).map(([k, v]) => [`${k}, the panels and the list's first page`, v])), 'first dashboard, the list page after the orders': [firstListAt - ready], ...Object.fromEntries(Object.entries(fromCall).map(([k, v]) => [`${k}, from the harness's call`, v])) });
  const peakMB = memory.stop();
  await context.close();
  const timings = {
    load: source - start,
    orders: ready - source,
    dashboard: shown - ready,
    'first view': shown - start,
    'rfm, ltv, cohorts': valueMs!,
    'clv fit': fitMs,
    ...Object.fromEntries(INTERACTIONS.map((k) => [k, median(samples[k])])),
  } as Timings;
  return { timings, samples, peakMB, engineStartMs };
}

/** The range the native run's scope tables were built for: as the app, a facet or segment change keeps them. */
let builtRange: string | null = null;

/** The dashboard's own query plan for one filter state, as the app runs it (DashboardState.refresh). */
async function runPlan(db: NativeDatabase, plan: DashboardPlanOptions, panels = true): Promise<void> {
  const range = JSON.stringify(plan.filter.range);
  const scope = range === builtRange ? dashboardFlagsSql(plan) : [...dashboardRangeSql(plan), ...dashboardFilterSql(plan)];
  for (const q of scope) await db.query(q.sql, { params: q.params });
  builtRange = range;
  // The statements the app runs, in its order: the panels, then the list.
  for (const [name, q] of dashboardPanelsList(plan)) {
    if (panels || name.startsWith('list')) await db.query(q.sql, { params: q.params });
  }
}

async function nativeRun(path: string, index: number): Promise<{ timings: Timings; samples: Record<Interaction, number[]>; peakMB: number }> {
  const db = await NativeDatabase.open();
  builtRange = null;
  const memory = sampler(() => process.memoryUsage().rss / 2 ** 20, 100);
  const file = await openAsBlob(path);
  blobPaths.set(file, path);
  const start = performance.now();
  const loaded = await loadSource(db, file, path, index);
  const source = performance.now();
  await buildOrders(db, [await prepareSource(db, loaded)], new Date());
  const ready = performance.now();
  for (const statement of CUSTOMER_BASE_STATEMENTS) await db.query(statement);
  for (const q of Object.values(DATA_FACTS_SQL)) await db.query(q);
  const base: DashboardPlanOptions = { filter: { range: null }, grain: 'auto', churnWindowDays: 90, facetLimit: 12, list: { sort: 'revenue', direction: 'desc', limit: 25 } };
  await runPlan(db, base);
  const shown = performance.now();
  const countriesSql = facetSql({ dimension: 'country', limit: REPEATS });
  const countries = (await db.query(countriesSql.sql, { params: countriesSql.params })).toArray().map((r) => String(r.value));
  const lastDay = Number((await db.query(DATA_FACTS_SQL.bounds)).get(0)?.last_day);
  const timedPlan = async (plan: DashboardPlanOptions, panels = true) => {
    const t0 = performance.now();
    await runPlan(db, plan, panels);
    return performance.now() - t0;
  };
  const samples: Record<Interaction, number[]> = { 'facet click': [], 'date range': [], segment: [], 'list sort': [] };
  for (let i = 0; i < REPEATS; i++) {
    samples['facet click'].push(await timedPlan({ ...base, filter: { range: null, facets: { country: [countries[i % countries.length]!] } } }), await timedPlan(base));
    samples['date range'].push(await timedPlan({ ...base, filter: { range: presetRange(BENCH_RANGES[i % BENCH_RANGES.length]!, lastDay) } }), await timedPlan(base));
    samples.segment.push(await timedPlan({ ...base, filter: { range: null, segment: BENCH_SEGMENT as unknown as Segment } }), await timedPlan(base));
    const t0 = performance.now();
    const list = customerListSql({ sort: 'last_order_at', direction: 'desc', limit: 25 });
    await db.query(list.sql, { params: list.params });
    await db.query(customerCountSql().sql, { params: customerCountSql().params });
    samples['list sort'].push(performance.now() - t0);
  }
  const peakMB = memory.stop();
  db.close();
  const timings = {
    load: source - start,
    orders: ready - source,
    dashboard: shown - ready,
    'first view': shown - start,
    'rfm, ltv, cohorts': NaN,
    'clv fit': NaN,
    ...Object.fromEntries(INTERACTIONS.map((k) => [k, median(samples[k])])),
  } as Timings;
  return { timings, samples, peakMB };
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
};

async function main() {
  if (!existsSync(join(ROOT, 'dist/index.html'))) throw new Error('No build: run `npm run build` first (npm run bench does).');
  mkdirSync(DATA, { recursive: true });
  for (const size of sizes) ensureData(size);

  const server = await serveDist();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const results: Result[] = [];
  try {
    for (const size of sizes) {
      for (const format of formats) {
        const path = join(DATA, `orders-${size}.${format}`);
        const noSamples = () => ({ 'facet click': [], 'date range': [], segment: [], 'list sort': [] }) as Record<Interaction, number[]>;
        const result: Result = {
          size, format, bytes: statSync(path).size, browser: [], native: [], browserInteractions: noSamples(), nativeInteractions: noSamples(),
          browserPeakMB: 0, nativePeakMB: 0, engineStartMs: [],
        };
        for (let run = 0; run < runs; run++) {
          const b = await browserRun(browser, server.url, path);
          result.browser.push(b.timings);
          if (b.failed) result.failed = b.failed;
          for (const k of INTERACTIONS) result.browserInteractions[k].push(...b.samples[k]);
          result.engineStartMs.push(b.engineStartMs);
          result.browserPeakMB = Math.max(result.browserPeakMB, b.peakMB);
          const n = await nativeRun(path, run + 1);
          result.native.push(n.timings);
          for (const k of INTERACTIONS) result.nativeInteractions[k].push(...n.samples[k]);
          result.nativePeakMB = Math.max(result.nativePeakMB, n.peakMB);
          process.stderr.write(`${size} ${format} run ${run + 1}: browser ${Math.round(b.timings['first view'])} ms, native ${Math.round(n.timings['first view'])} ms\n`);
        }
        results.push(result);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const rows = results.flatMap((r) =>
    STAGES.map((stage) => {
      const interaction = (INTERACTIONS as readonly string[]).includes(stage) ? (stage as Interaction) : null;
      const browserMs = interaction ? median(r.browserInteractions[interaction]) : median(r.browser.map((t) => t[stage]));
      const nativeMs = interaction ? median(r.nativeInteractions[interaction]) : median(r.native.map((t) => t[stage]));
      return {
        file: `${r.size} ${r.format} (${(r.bytes / 1e6).toFixed(0)} MB)`,
        stage,
        'browser ms': Math.round(browserMs),
        'browser p95': interaction ? Math.round(p95(r.browserInteractions[interaction])) : null,
        'native ms': BROWSER_ONLY.includes(stage) ? null : Math.round(nativeMs),
        ratio: BROWSER_ONLY.includes(stage) ? null : Number((browserMs / nativeMs).toFixed(2)),
        'browser peak MB': Math.round(r.browserPeakMB),
        'native peak MB': Math.round(r.nativePeakMB),
      };
    }),
  );
  console.log(`\nMedians of ${runs} runs (interactions: ${REPEATS * 2} a run, ${REPEATS} for the sort; p95 over all). Chromium ${execFileSync(CHROMIUM, ['--version']).toString().trim()}; engine start (median) ${Math.round(median(results.flatMap((r) => r.engineStartMs)))} ms.`);
  console.table(rows);
  // Interactions alternate: a filter state (even samples: cold unless seen before) and back to all
  // customers, all time (odd: a state the page has kept).
  for (const r of results) {
    const split = (xs: number[], odd: number) => xs.filter((_, i) => i % 2 === odd);
    const line = (['facet click', 'date range', 'segment'] as const).map((k) => {
      const [on, off] = [split(r.browserInteractions[k], 0), split(r.browserInteractions[k], 1)];
      return `${k} ${Math.round(median(on))} / ${Math.round(p95(on))}, back ${Math.round(median(off))} / ${Math.round(p95(off))}`;
    });
    console.log(`${r.size} ${r.format} browser, to a filter state / back to all (median / p95 ms): ${line.join('; ')}`);
  }
  const out = join(ROOT, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ date: new Date().toISOString(), runs, rows, results, allPanels }, null, 2));
  console.log(`Written to ${join('bench-results', 'latest.json')}`);
}

await main();
