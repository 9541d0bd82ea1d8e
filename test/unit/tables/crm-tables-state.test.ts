import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { CrmTables, type OrdersHost } from '../../../src/state/tables.svelte';
import type { LoadFailure, LoadMode } from '../../../src/state/app.svelte';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
});

/** The orders' side, recording what it was handed. */
class FakeOrders implements OrdersHost {
  loadMode: LoadMode = 'replace';
  loadFailure: LoadFailure | null = null;
  sources: unknown[] = [];
  report = { status: 'idle', summary: null };
  received: string[] = [];
  removed: number[] = [];
  async loadFile(_file: Blob, fileName: string) {
    this.received.push(fileName);
  }
  fileOf() {
    return undefined;
  }
  async removeSource(index: number) {
    this.removed.push(index);
  }
}

const SURVEYS_A = 'Customer ID,Submitted At,Question Type,Score\nC1,2024-01-01,NPS,9\nC2,2024-01-02,NPS,3\n';
const SURVEYS_B = 'Customer ID,Submitted At,Question Type,Score\nC3,2024-02-01,CSAT,5\n';
const NO_SCORE = 'Customer ID,Submitted At,Question Type,Comment\nC1,2024-01-01,NPS,ok\n';
const ORDERS = 'Order ID,Customer ID,Order Date,Total\nA-1,C1,2024-01-02,10\n';
const count = async (table: string) => (await db.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`))[0]!.n;
const exists = async (table: string) => (await db.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = '${table}'`))[0]!.n === 1;

describe('CrmTables', () => {
  it('routes orders to the orders and CRM files to their tables; replace replaces the same kind only; add unions', async () => {
    const tables = new CrmTables(db);
    const host = new FakeOrders();
    await tables.receive(new Blob([ORDERS]), 'orders.csv', host);
    expect(host.received).toEqual(['orders.csv']);
    expect(tables.entries).toEqual([]);

    const before = tables.version;
    await tables.receive(new Blob([SURVEYS_A]), 'a.csv', host);
    expect(tables.entries.map((e) => [e.loaded.fileName, e.kind, e.detected])).toEqual([['a.csv', 'surveys', 'surveys']]);
    expect(tables.present).toEqual({ customers: false, surveys: true, tickets: false, spend: false });
    expect(tables.version).toBeGreaterThan(before);
    expect(await count('survey_answers')).toBe(2);

    // Replace: b.csv replaces a.csv (same kind); the orders were not asked for anything.
    await tables.receive(new Blob([SURVEYS_B]), 'b.csv', host);
    expect(tables.entries.map((e) => e.loaded.fileName)).toEqual(['b.csv']);
    expect(await count('survey_answers')).toBe(1);
    expect(host.received).toEqual(['orders.csv']);

    // Add: a gzip file, judged from its decompressed first rows, joins b.csv: 1 + 2 answers.
    host.loadMode = 'add';
    await tables.receive(new Blob([gzipSync(SURVEYS_A)]), 'a.csv.gz', host);
    expect(tables.entries.map((e) => e.loaded.fileName)).toEqual(['b.csv', 'a.csv.gz']);
    expect(await count('survey_answers')).toBe(3);
  });

  it('keeps everything when a load fails, builds from complete files only, and drops a kind with its last file', async () => {
    const tables = new CrmTables(db);
    const host = new FakeOrders();
    await tables.load(new Blob([SURVEYS_A]), 'a.csv', 'surveys', 'replace');
    await tables.load(new Blob([]), 'empty.csv', 'surveys', 'replace');
    expect(tables.failure).toMatchObject({ fileName: 'empty.csv', problem: 'empty' });
    expect(tables.entries.map((e) => e.loaded.fileName)).toEqual(['a.csv']);
    expect(await count('survey_answers')).toBe(2);

    // Replace mode: a surveys file without a score would build nothing, so it is refused in words and a.csv stays.
    await tables.receive(new Blob([NO_SCORE]), 'no-score.csv', host);
    expect(tables.rejection).toMatchObject({ fileName: 'no-score.csv', kind: 'surveys', missing: ['score'] });
    expect(tables.entries.map((e) => e.loaded.fileName)).toEqual(['a.csv']);
    expect(await count('survey_answers')).toBe(2);

    // Added beside a.csv instead, it is listed with what it misses; the table is built from a.csv alone.
    await tables.load(new Blob([NO_SCORE]), 'no-score.csv', 'surveys', 'add');
    const broken = tables.entries.find((e) => e.loaded.fileName === 'no-score.csv')!;
    expect(tables.missing[broken.loaded.index]).toEqual(['score']);
    expect(tables.present.surveys).toBe(true);
    expect(await count('survey_answers')).toBe(2);

    // Mapping the comment column as the score makes the file complete; its text scores are excluded and counted.
    await tables.setRole(broken.loaded.index, 'score', 'Comment');
    expect(tables.missing[broken.loaded.index]).toEqual([]);
    expect(tables.checks[broken.loaded.index]?.map((c) => [c.id, c.count])).toEqual([['unparseable_score', 1]]);

    for (const entry of [...tables.entries]) await tables.remove(entry.loaded.index);
    expect(tables.present.surveys).toBe(false);
    expect(await exists('survey_answers')).toBe(false);
  });

  it('moves a file to another kind, mapping it again', async () => {
    const tables = new CrmTables(db);
    await tables.load(new Blob([SURVEYS_A]), 'a.csv', 'surveys', 'replace');
    const index = tables.entries[0]!.loaded.index;
    await tables.setKind(index, 'customers', new FakeOrders());
    expect(tables.entries[0]).toMatchObject({ kind: 'customers', detected: 'surveys', mapping: { customer_id: 'Customer ID' } });
    expect(tables.present).toMatchObject({ customers: true, surveys: false });
    expect(await db.rows('SELECT customer_id FROM customer_profiles ORDER BY 1')).toEqual([{ customer_id: 'C1' }, { customer_id: 'C2' }]);
    expect(await exists('survey_answers')).toBe(false);
  });
});
