// npx tsx scripts/jit-trace.ts [bench-data/orders-1M.csv] [--no-fit] [--ranges]   (after `npm run build`)
// Why is a click slow the first time? Drives the built site in Chromium as the benchmark does (the
// file, the dashboard, then the value section and the CLV fit unless --no-fit), then clicks three
// countries on and off (--ranges: picks the benchmark's first three date ranges, each then all
// time) while recording a Chrome trace, and prints per action the time to the panels painted, the
// JavaScript engine's compile work meanwhile (TurboFan, Maglev) and the workers' garbage collection;
// V8's own log of what it optimised and deoptimised, and why (--trace-opt --trace-deopt), goes to
// /tmp/jit-trace-v8.log.
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, serveDist } from './static-server';

const args = process.argv.slice(2);
const path = resolve(args.find((a) => !a.startsWith('--')) ?? 'bench-data/orders-1M.csv');
const v8Log = '/tmp/jit-trace-v8.log';
const server = await serveDist();
// Launched as a server so that V8's log (the renderer's stdout) can be kept.
const browserServer = await chromium.launchServer({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--js-flags=--trace-opt --trace-deopt'] });
const log = createWriteStream(v8Log);
browserServer.process().stdout?.pipe(log);
browserServer.process().stderr?.pipe(log);
const browser = await chromium.connect(browserServer.wsEndpoint());
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
  await page.setInputFiles('input[type=file]', path);
  await page.locator('[data-dashboard="ready"]').waitFor({ timeout: 15 * 60_000 });
  const marks = (name: string) => page.evaluate((n) => performance.getEntriesByName(n).length, name);
  const after = (name: string, n: number) => page.waitForFunction(({ name, n }) => performance.getEntriesByName(name).length > n, { name, n }, { timeout: 15 * 60_000 });
  await after('clientele:value-painted', 0);
  if (!args.includes('--no-fit')) {
    const valueSection = page.locator('details.value-panels > summary');
    const n = await marks('clientele:value-painted');
    await valueSection.click();
    await after('clientele:value-painted', n);
    await page.getByRole('button', { name: 'Fit model' }).click();
    await page.getByText(/^Fitted on /).waitFor({ timeout: 15 * 60_000 });
    await valueSection.click();
  }
  await page.waitForTimeout(1000);
  type TraceEvent = { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: { name?: string; data?: { type?: string } } };
  const events: TraceEvent[] = [];
  const cdp = await context.newCDPSession(page);
  // Tracing's events are not in playwright-core's typed event map.
  const tracing = cdp as unknown as { on(event: string, listener: (e: { value: TraceEvent[] }) => void): void; once(event: string, listener: () => void): void };
  tracing.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise<void>((done) => tracing.once('Tracing.tracingComplete', done));
  await cdp.send('Tracing.start', { categories: 'v8,disabled-by-default-v8.compile,devtools.timeline,blink.user_timing', transferMode: 'ReportEvents' });
  const ranges = args.includes('--ranges');
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 2; j++) {
      const n = await marks('clientele:dashboard-painted');
      if (ranges) await page.getByLabel('Date range').selectOption(j === 0 ? ['last_90', 'last_30', 'last_year'][i]! : 'all');
      else await page.locator('[data-facet="country"] button.facet-value').nth(i).click();
      await after('clientele:dashboard-painted', n);
      await page.waitForTimeout(400);
    }
  }
  await cdp.send('Tracing.end');
  await complete;
  const threads = new Map(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name ?? '']));
  const clicks = events.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === (ranges ? 'change' : 'click')).map((e) => e.ts).sort((a, b) => a - b);
  const painted = events.filter((e) => e.name === 'clientele:dashboard-painted').map((e) => e.ts).sort((a, b) => a - b);
  for (const [k, click] of clicks.entries()) {
    const end = painted.find((t) => t > click);
    if (end === undefined) continue;
    const compile = new Map<string, number>();
    for (const e of events) {
      if (e.ph !== 'X' || e.ts < click || e.ts > end || !/^V8\.(TurbofanTask|MaglevTask)$/.test(e.name)) continue;
      compile.set(e.name, (compile.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    }
    const worker = [...threads].filter(([, name]) => name === 'DedicatedWorker thread').map(([key]) => key);
    const workerMs = events.filter((e) => e.ph === 'X' && e.name === 'v8.callFunction' && e.ts >= click && e.ts <= end && worker.includes(`${e.pid}:${e.tid}`)).reduce((sum, e) => sum + (e.dur ?? 0) / 1000, 0);
    const compiled = [...compile].map(([name, ms]) => `${name.slice(3, -4)} ${Math.round(ms)} ms`).join(', ') || 'none';
    const gcMs = events.filter((e) => e.ph === 'X' && /^(MajorGC|MinorGC)$/.test(e.name) && e.ts >= click && e.ts <= end && worker.includes(`${e.pid}:${e.tid}`)).reduce((sum, e) => sum + (e.dur ?? 0) / 1000, 0);
    console.log(`${ranges ? 'range' : 'click'} ${k + 1} (${k % 2 ? 'off' : 'on'}): painted after ${Math.round((end - click) / 1000)} ms; JavaScript in the workers ${Math.round(workerMs)} ms (garbage collection ${Math.round(gcMs)} ms); compiling meanwhile: ${compiled}`);
  }
  console.log(`V8's log: ${v8Log}`);
} finally {
  await browser.close();
  await browserServer.close();
  await server.close();
}
