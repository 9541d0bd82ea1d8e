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

/** The stages a user waits through, in order; later issues add theirs. */
const STAGES = ['load', 'orders', 'first view'] as const;
type Stage = (typeof STAGES)[number];
type Timings = Record<Stage, number>;

interface Result {
  size: string;
  format: string;
  bytes: number;
  browser: Timings[];
  native: Timings[];
  browserPeakMB: number;
  nativePeakMB: number;
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

function sampler(read: () => number) {
  let peak = read();
  const timer = setInterval(() => (peak = Math.max(peak, read())), 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, read());
  };
}

async function browserRun(browser: Browser, url: string, path: string): Promise<{ timings: Timings; peakMB: number; engineStartMs: number }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const opened = performance.now();
  await page.goto(url);
  await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
  const engineStartMs = performance.now() - opened;
  const browserPid = (browser as unknown as { _process?: { pid: number } })._process?.pid ?? process.pid;
  const stop = sampler(() => treePssMB(browserPid));
  await page.setInputFiles('input[type=file]', path);
  await page.locator('main[data-report="ready"]').waitFor({ timeout: 15 * 60_000 });
  const peakMB = stop();
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
  const start = marks['clientele:load-start']!;
  const source = marks['clientele:source-ready']!;
  const ready = marks['clientele:orders-ready']!;
  await context.close();
  return { timings: { load: source - start, orders: ready - source, 'first view': ready - start }, peakMB, engineStartMs };
}

async function nativeRun(path: string, index: number): Promise<{ timings: Timings; peakMB: number }> {
  const db = await NativeDatabase.open();
  const stop = sampler(() => process.memoryUsage().rss / 2 ** 20);
  const file = await openAsBlob(path);
  blobPaths.set(file, path);
  const start = performance.now();
  const loaded = await loadSource(db, file, path, index);
  const source = performance.now();
  await buildOrders(db, [await prepareSource(db, loaded)], new Date());
  const ready = performance.now();
  const peakMB = stop();
  db.close();
  return { timings: { load: source - start, orders: ready - source, 'first view': ready - start }, peakMB };
}

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
        const result: Result = { size, format, bytes: statSync(path).size, browser: [], native: [], browserPeakMB: 0, nativePeakMB: 0, engineStartMs: [] };
        for (let run = 0; run < runs; run++) {
          const b = await browserRun(browser, server.url, path);
          result.browser.push(b.timings);
          result.engineStartMs.push(b.engineStartMs);
          result.browserPeakMB = Math.max(result.browserPeakMB, b.peakMB);
          const n = await nativeRun(path, run + 1);
          result.native.push(n.timings);
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
      const browserMs = median(r.browser.map((t) => t[stage]));
      const nativeMs = median(r.native.map((t) => t[stage]));
      return {
        file: `${r.size} ${r.format} (${(r.bytes / 1e6).toFixed(0)} MB)`,
        stage,
        'browser ms': Math.round(browserMs),
        'native ms': Math.round(nativeMs),
        ratio: Number((browserMs / nativeMs).toFixed(2)),
        'browser peak MB': Math.round(r.browserPeakMB),
        'native peak MB': Math.round(r.nativePeakMB),
      };
    }),
  );
  console.log(`\nMedians of ${runs} runs. Chromium ${execFileSync(CHROMIUM, ['--version']).toString().trim()}; engine start (median) ${Math.round(median(results.flatMap((r) => r.engineStartMs)))} ms.`);
  console.table(rows);
  const out = join(ROOT, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), JSON.stringify({ date: new Date().toISOString(), runs, rows, results }, null, 2));
  console.log(`Written to ${join('bench-results', 'latest.json')}`);
}

await main();
