// Drives the built site in Debian's Chromium as a user would, from a sub-path on a plain static
// server (no COOP/COEP headers, like GitHub Pages), recording every request the page makes.
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

export const SUB_PATH = '/clientele/';
const DIST = resolve(import.meta.dirname, '../../dist');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.csv': 'text/csv',
  '.parquet': 'application/octet-stream',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticServer {
  origin: string;
  url: string;
  close(): Promise<void>;
}

/** Serves dist/ under SUB_PATH; honours Range requests as static hosts do. */
export async function serveDist(root = DIST): Promise<StaticServer> {
  if (!existsSync(join(root, 'index.html'))) throw new Error(`No build in ${root}: run \`npm run build\` first.`);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(SUB_PATH)) {
      response.writeHead(404).end();
      return;
    }
    const relative = decodeURIComponent(url.pathname.slice(SUB_PATH.length)) || 'index.html';
    const path = normalize(join(root, relative));
    if (!path.startsWith(root) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end();
      return;
    }
    const size = statSync(path).size;
    const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'accept-ranges': 'bytes' };
    const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? '');
    if (range) {
      const start = range[1] ? Number(range[1]) : size - Number(range[2]);
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      response.writeHead(206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}` });
      createReadStream(path, { start, end }).pipe(response);
      return;
    }
    response.writeHead(200, { ...headers, 'content-length': size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, url: origin + SUB_PATH, close: () => new Promise((done) => server.close(() => done())) };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface AppPage {
  page: Page;
  /** Every request the page made to another origin: must stay empty. */
  offOrigin: string[];
  /** Errors thrown in the page or its workers. */
  pageErrors: string[];
}

/** Opens the app, records requests, and waits until the engine says it is ready. */
export async function openApp(browser: Browser, server: StaticServer): Promise<AppPage> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const offOrigin: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (/^(data|blob):/.test(url)) return;
    if (new URL(url).origin !== server.origin) offOrigin.push(url);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  onTestFailed(async ({ task }) => {
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: `test-results/${task.name.replace(/[^\w]+/g, '-')}.png`, fullPage: true }).catch(() => undefined);
  });
  await page.goto(server.url);
  await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
  return { page, offOrigin, pageErrors };
}

/** Waits for the end of a load: the report is ready, or an error or a mapping problem is shown. */
export async function settled(page: Page, timeout = 30_000): Promise<void> {
  await page.locator('main[data-loading="no"]').waitFor({ timeout });
  await page.locator('main:is([data-report="ready"], [data-report="idle"], [data-report="error"])').waitFor({ timeout });
}

/** Drops a file on the drop zone the way a browser does: a drop event carrying a File. */
export async function dropFile(page: Page, name: string, bytes: Uint8Array, type = ''): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, data, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], name, { type }));
      return transfer;
    },
    { name, data: Array.from(bytes), type },
  );
  await page.dispatchEvent('section.drop', 'drop', { dataTransfer: transfer });
}
