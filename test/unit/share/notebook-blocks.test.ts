// Review 6, finding 12: a report carries the chosen chart and note cells, not only SQL results.
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { loadFixture, MARCH } from '../analyses/fixture';
import { buildReport, REMOVED, validateReport, type ReportBlock, type ReportPayload } from '../../../src/share/report';
import { checkReport, PrivacyViolation } from '../../../src/share/privacy';
import { reportHtml } from '../../../src/share/report-html';
import { decodeJson, encodeJson } from '../../../src/share/codec';
import { Formatter } from '../../../src/i18n/format';

let db: NodeDatabase;
const TABLES: Record<string, string> = {
  // Two months of 3 and 4 customers: at k = 2 both rows pass (10 customers in the data allow 5 rows).
  by_month: `SELECT * FROM (VALUES (DATE '2024-01-01', 3, 120.5), (DATE '2024-02-01', 4, 80.0)) t(month, customers, revenue)`,
  // No customer count: refused, and so is a chart of it.
  money: `SELECT * FROM (VALUES ('UK', 250)) t(country, revenue)`,
};
const NOTE = "Revenue grew in February. Ask Hal O'Hara or ann@example.com why; C03 too.\n\n<script>alert(1)</script>";
const BLOCKS: ReportBlock[] = [
  { kind: 'note', markdown: NOTE },
  { kind: 'table', name: 'by_month' },
  { kind: 'chart', source: 'by_month', mark: 'line', x: 'month', y: 'revenue' },
  { kind: 'chart', source: 'money', mark: 'bar' },
  { kind: 'chart', source: 'not_chosen', mark: 'dot' },
];

beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
  for (const [name, sql] of Object.entries(TABLES)) await db.query(`CREATE OR REPLACE TEMP TABLE ${name} AS ${sql}`);
});

const report = () => buildReport(db, { filter: { range: MARCH }, k: 2, grain: 'month', today: '2025-01-01', cells: [{ name: 'by_month', relation: 'by_month' }, { name: 'money', relation: 'money' }], blocks: BLOCKS });

describe('chart and note cells in a report (review 6, finding 12)', () => {
  let p: ReportPayload;
  beforeAll(async () => {
    p = await report();
  });

  it('keeps a chart whose source passed, with its spec, and the column kinds it needs', () => {
    expect(p.blocks!.filter((b) => b.kind !== 'note')).toEqual([
      { kind: 'table', name: 'by_month' },
      { kind: 'chart', source: 'by_month', mark: 'line', x: 'month', y: 'revenue' },
    ]);
    expect(p.cells.find((c) => c.name === 'by_month')!.kinds).toEqual(['temporal', 'number', 'number']);
  });

  it('refuses a chart whose source was refused, with the source’s reason; and one whose source was not chosen', () => {
    expect(p.withheld).toContainEqual({ item: 'money', reason: 'no_customer_count', count: 1 });
    expect(p.withheld).toContainEqual({ item: 'money (chart)', reason: 'no_customer_count', count: 1 });
    expect(p.withheld).toContainEqual({ item: 'not_chosen (chart)', reason: 'source_not_included', count: 1 });
    expect(p.blocks!.some((b) => b.kind === 'chart' && b.source === 'money')).toBe(false);
  });

  it('scrubs a note word by word: names, e-mails and ids from the fixture come out as “(removed)”, the rest stays', () => {
    const note = p.blocks!.find((b) => b.kind === 'note');
    expect(note?.kind).toBe('note');
    const text = note!.kind === 'note' ? note!.markdown : '';
    // Hal, O'Hara, ann@example.com and C03 are the fixture's name, e-mail and customer id: four words replaced.
    expect(text).toBe(`Revenue grew in February. Ask ${REMOVED} ${REMOVED} or ${REMOVED} why; ${REMOVED} too.\n\n<script>alert(1)</script>`);
    for (const value of ['hal', "o'hara", 'ann@', 'c03']) expect(text.toLowerCase()).not.toContain(value);
  });

  it('round-trips through the link codec and the reader', async () => {
    expect(validateReport(await decodeJson(await encodeJson(p)))).toEqual(p);
  });

  it('reads a version 1 payload made before charts and notes (no blocks, no kinds)', () => {
    const old = JSON.parse(JSON.stringify(p)) as Record<string, unknown> & { cells: { kinds?: unknown }[] };
    delete old.blocks;
    for (const c of old.cells) delete c.kinds;
    const read = validateReport(old);
    expect(read.blocks).toBeUndefined();
    expect(reportHtml(read, new Formatter('en-US'))).toContain('data-table="cell-by_month"');
  });

  it('checkReport refuses a chart of a table that is not in the report', () => {
    expect(() => checkReport({ ...p, blocks: [{ kind: 'chart', source: 'money', mark: 'bar' }] })).toThrow(PrivacyViolation);
  });

  it('reportHtml draws the line chart as SVG, renders the note, and runs no script', () => {
    const html = reportHtml(p, new Formatter('en-US'));
    const figure = /<figure data-chart-of="by_month" data-mark="line">([\s\S]*?)<\/figure>/.exec(html)?.[1] ?? '';
    expect(figure).toMatch(/^<svg /);
    // Two points joined by one path: M…L….
    expect(figure).toMatch(/<path d="M[\d.]+,[\d.]+L[\d.]+,[\d.]+" fill="none"/);
    expect(html).toContain('<div class="note" data-note><p>Revenue grew in February.');
    // The note's <script> is text; the only <script> element is the inert JSON copy of the payload.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script/g)).toEqual(['<script']);
    expect(html).toContain('<script type="application/json" id="clientele-report">');
  });
});
