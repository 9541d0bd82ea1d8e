// The command line end to end on a tiny shop: the report file carries the hand-computed figures
// and no customer's id, e-mail or name; the link decodes to the same payload; bad input exits
// non-zero with words; and the report equals the one the page's engine (DuckDB-WASM) builds.
import { existsSync, openAsBlob, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../../src/cli/main';
import { loadOrders } from '../../../src/cli/pipeline';
import { buildReport, validateReport, type ReportPayload } from '../../../src/share/report';
import { payloadOfHtml } from '../../../src/share/report-html';
import { openFragment, readFragment } from '../../../src/share/links';
import { NodeDatabase } from '../../helpers/node-database';
import { IDENTIFYING, writeShop } from './fixture';

let files: ReturnType<typeof writeShop>;
beforeAll(() => void (files = writeShop()));
afterAll(() => rmSync(files.dir, { recursive: true, force: true }));

const NOW = new Date('2024-06-01T12:00:00Z');

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: files.dir, now: NOW, locale: 'en-US' };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('clientele report', () => {
  it('writes an aggregate-only report with the hand-computed figures, and a link that decodes to them', async () => {
    const { code, stdout, stderr } = await cli(['report', 'shop.csv', '--out', 'shop-report.html', '--link', '--base', 'https://example.test/clientele/']);
    expect(stderr).toContain('8 orders by 6 customers from 8 of 8 rows');
    expect(code).toBe(0);
    const [path, link] = stdout.trim().split('\n');
    expect(path).toBe(join(files.dir, 'shop-report.html'));
    const html = readFileSync(path!, 'utf8');
    // 6 customers, 8 orders, revenue 400 (EUR), AOV 400 / 8 = 50.
    const payload = validateReport(payloadOfHtml(html));
    expect(payload.kpis.customers[0]).toBe(6);
    expect(payload.kpis.orders[0]).toBe(8);
    expect(payload.kpis.revenue[0]).toBe(400);
    expect(payload.kpis.average_order_value[0]).toBe(50);
    expect(payload.currency).toBe('EUR');
    expect(payload.k).toBe(5);
    expect(html).toContain('€400.00');
    for (const value of IDENTIFYING) expect(html, value).not.toContain(value);
    // The link is to the given page and carries the same payload.
    expect(link!.startsWith('https://example.test/clientele/#report=')).toBe(true);
    const fragment = readFragment(new URL(link!).hash)!;
    // The link's data is deflated base64url, so a plain search in it could never match: decode it, then search.
    const decoded = await openFragment(fragment);
    expect(validateReport(decoded)).toEqual(payload);
    const text = JSON.stringify(decoded);
    expect(text).toContain('"customers"');
    for (const value of IDENTIFYING) expect(text, value).not.toContain(value);
  });

  it('reports a date range: March 2024', async () => {
    const { code, stdout } = await cli(['report', 'shop.csv', '--out', 'march.html', '--from', '2024-03-01', '--to', '2024-03-31']);
    expect(code).toBe(0);
    const payload = validateReport(payloadOfHtml(readFileSync(stdout.trim(), 'utf8')));
    // O6 (CU-1004, returning), O7 and O8 (new): 3 customers < k = 5, so every figure of the period is withheld.
    expect(payload.kpis.customers[0]).toBe('<k');
    expect(payload.kpis.revenue[0]).toBe('<k');
    expect(payload.kpis.new_customers[0]).toBe('<k');
    expect(payload.period.days).toBe(31);
    expect(payload.k).toBe(5);
  });

  it('refuses --k below 5, as the page does (review 6, finding 4)', async () => {
    const { code, stdout, stderr } = await cli(['report', 'shop.csv', '--out', 'k2.html', '--k', '2']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--k "2" is not a whole number of at least 5/);
    expect(existsSync(join(files.dir, 'k2.html'))).toBe(false);
  });

  it('builds the same report as the page’s engine (DuckDB-WASM) from the same file', async () => {
    const { stdout } = await cli(['report', 'shop.csv', '--out', 'same.html']);
    const native = validateReport(payloadOfHtml(readFileSync(stdout.trim(), 'utf8')));
    const db = await NodeDatabase.open();
    const blob = await openAsBlob(files.shop);
    await loadOrders(db, [{ name: 'shop.csv', blob }], {}, () => undefined, NOW);
    const wasm: ReportPayload = await buildReport(db, { filter: { range: null }, k: 5, today: '2024-06-01' });
    expect(native).toEqual(wasm);
  });

  it('fails with words and a non-zero code on bad input, writing nothing', async () => {
    const missing = await cli(['report', 'nope.csv', '--out', 'x.html']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(`clientele: nope.csv: no such file. Check the path (it is read from ${files.dir}).\n`);

    const roles = await cli(['report', 'products.csv', '--out', 'x.html']);
    expect(roles.code).toBe(1);
    expect(roles.stderr).toMatch(/clientele: products\.csv: no column was found for a customer \(id or e-mail\), an order date, and an amount \(or unit price\)\. Its columns are: sku, colour, weight\. Say which one with --map customer_id=COLUMN/);

    const dates = await cli(['report', 'bad-dates.csv', '--out', 'x.html']);
    expect(dates.code).toBe(1);
    expect(dates.stderr).toMatch(/clientele: bad-dates\.csv: the dates in "ordered_at" are in no format Clientele reads \(examples: .*\)\. Export them as YYYY-MM-DD/);

    const typed = await cli(['report', 'shop.csv', '--from', '2024-13-01']);
    expect(typed).toMatchObject({ code: 2, stderr: 'clientele: --from "2024-13-01" is not a date. Write it as YYYY-MM-DD, for example --from 2024-01-31.\n' });

    const outside = await cli(['report', 'shop.csv', '--from', '2025-01-01', '--out', 'x.html']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('No orders between 2025-01-01 and 2024-03-20: the data runs from 2024-01-05 to 2024-03-20.');
    expect(existsSync(join(files.dir, 'x.html'))).toBe(false);

    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: clientele report FILE…/);
  });
});

// A real export, when ../shared/data exists (see its README): 541,909 invoice lines, 4,372 customers,
// 33 of whom have only cancellation invoices (refund-only orders are not purchases): 4,339 buyers, as a
// direct count over the raw file says (customers with an invoice that has a positive line or no negative one).
const RETAIL = resolve(import.meta.dirname, '../../../../shared/data/online_retail.csv.gz');
const present = existsSync(RETAIL);
if (!present) console.warn(`Command-line real-data test skipped: ${RETAIL} does not exist.`);

describe.skipIf(!present)('clientele report on UCI Online Retail', () => {
  it('reads the 541,909 lines and reports its 4,339 buyers without any customer id', async () => {
    const started = performance.now();
    const { code, stdout, stderr } = await cli(['report', RETAIL, '--out', 'retail.html']);
    expect(code, stderr).toBe(0);
    const html = readFileSync(stdout.trim(), 'utf8');
    const payload = validateReport(payloadOfHtml(html));
    expect(payload.kpis.customers[0]).toBe(4339);
    expect(stderr).toContain('541,909 rows');
    expect(stderr).toMatch(/orders by 4,372 customers from 406,829 of 541,909 rows/);
    for (const id of ['17850', '13047', '12583']) expect(html).not.toContain(id);
    console.info(`Online Retail through the command line: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }, 180_000);
});
