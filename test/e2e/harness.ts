// Drives the built site in Debian's Chromium as a user would, from a sub-path on a plain static
// server (no COOP/COEP headers, like GitHub Pages), recording every request the page makes.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, onTestFailed } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, serveDist, type StaticServer } from '../../scripts/static-server';

export { SUB_PATH, serveDist, type StaticServer } from '../../scripts/static-server';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface AppPage {
  page: Page;
  /** Every request the page made to another origin, other than to an allowed URL: must stay empty. */
  offOrigin: string[];
  /** Every request the page made to an allowed URL (one per request). */
  allowedOffOrigin: string[];
  /** Errors thrown in the page or its workers. */
  pageErrors: string[];
}

/**
 * Opens the app, records requests, and waits until the engine says it is ready.
 * @param allow exact URLs (as the user types them) the page may request on another origin; by
 *   default none.
 */
export async function openApp(browser: Browser, server: StaticServer, allow: readonly string[] = []): Promise<AppPage> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const offOrigin: string[] = [];
  const allowedOffOrigin: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (/^(data|blob):/.test(url)) return;
    if (new URL(url).origin === server.origin) return;
    (allow.includes(url) ? allowedOffOrigin : offOrigin).push(url);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  onTestFailed(async ({ task }) => {
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: `test-results/${task.name.replace(/[^\w]+/g, '-')}.png`, fullPage: true }).catch(() => undefined);
  });
  await page.goto(server.url);
  await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
  return { page, offOrigin, allowedOffOrigin, pageErrors };
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

export interface E2eSuite {
  readonly server: StaticServer;
  readonly browser: Browser;
  /** A scratch folder for the files the tests write; removed after the file's tests. */
  readonly dir: string;
  /** Opens the app in a fresh browser context (see openApp); it is checked and closed after the test. */
  open(allow?: readonly string[]): Promise<AppPage>;
}

/**
 * The set-up a test file shares: the built site served, Chromium launched, a scratch folder; after
 * each test, every page it opened must have made no off-origin request and thrown no error.
 */
export function e2eSuite(scratchPrefix = 'clientele-e2e-'): E2eSuite {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let dir = '';
  let opened: AppPage[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), scratchPrefix));
    server = await serveDist();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    const pages = opened;
    opened = [];
    try {
      for (const app of pages) {
        expect(app.offOrigin).toEqual([]);
        expect(app.pageErrors).toEqual([]);
      }
    } finally {
      for (const app of pages) await app.page.context().close();
    }
  });
  return {
    get server() { return server!; },
    get browser() { return browser!; },
    get dir() { return dir; },
    async open(allow = []) {
      const app = await openApp(browser!, server!, allow);
      opened.push(app);
      return app;
    },
  };
}
