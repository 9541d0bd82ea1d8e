// Regression tests for the review of the CRM-table ingest: each named for what broke.
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { loadSource } from '../../../src/ingest/load-source';
import { ordersSql } from '../../../src/ingest/orders-view';
import { prepareSource } from '../../../src/ingest/build-orders';
import { buildCrmTable, chooseSurveyKind } from '../../../src/ingest/tables/build-tables';
import { detectTableKind } from '../../../src/ingest/tables/guess-roles';
import type { CrmKind } from '../../../src/ingest/tables/kinds';
import { prepareTable, toSourceSpec, type CrmEntry } from '../../../src/ingest/tables/prepare-table';
import { tableChecksSql, toTableChecks, type TableCheck, type TableCheckRow } from '../../../src/ingest/tables/table-quality';
import { CrmTables, type OrdersHost } from '../../../src/state/tables.svelte';
import type { LoadFailure, LoadMode } from '../../../src/state/app.svelte';

let nextIndex = 800;

async function buildOrders(db: NodeDatabase, csv: string): Promise<void> {
  const loaded = await loadSource(db, new Blob([csv]), 'orders.csv', 1);
  const entry = await prepareSource(db, loaded);
  for (const sql of ordersSql([{ index: 1, table: loaded.table, columns: loaded.columns, mapping: entry.mapping, date: entry.date }], '2030-01-01 00:00:00')) await db.query(sql);
}

async function entryOf(db: NodeDatabase, kind: CrmKind, csv: string): Promise<CrmEntry> {
  const loaded = await loadSource(db, new Blob([csv]), `${kind}.csv`, nextIndex++);
  return prepareTable(db, loaded, kind, kind);
}

async function build(db: NodeDatabase, kind: CrmKind, entries: CrmEntry[], ordersReady = true): Promise<Map<number, TableCheck[]>> {
  await buildCrmTable(db, kind, entries.map(toSourceSpec), { ordersReady, asOf: '2024-06-30' });
  const rows = (await db.query(tableChecksSql(kind, ordersReady))).toArray().map((r) => r.toJSON() as unknown as TableCheckRow);
  return toTableChecks(kind, rows);
}

const countsOf = (checks: TableCheck[] | undefined) => Object.fromEntries((checks ?? []).map((c) => [c.field ? `${c.id}:${c.field}` : c.id, c.count]));

class FakeOrders implements OrdersHost {
  loadMode: LoadMode = 'replace';
  loadFailure: LoadFailure | null = null;
  sources: unknown[] = [];
  report = { status: 'idle', summary: null };
  received: string[] = [];
  async loadFile(_file: Blob, fileName: string) {
    this.received.push(fileName);
  }
  fileOf() {
    return undefined;
  }
  async removeSource() {}
}

describe('customers keyed by id join orders keyed by e-mail, and the other way round', () => {
  it('Shopify orders (Email only) + a customers export with Customer ID and Email: profiles take the orders’ key', async () => {
    const db = await NodeDatabase.open();
    await buildOrders(db, 'Name,Email,Created at,Total,Billing Country\n#1001,ann@x.com,2024-01-02 10:00:00 +0100,10,DE\n#1002,Bob@X.com,2024-01-03 10:00:00 +0100,20,UK\n');
    const customers = await entryOf(db, 'customers', [
      'Customer ID,First Name,Last Name,Email,Default Address Country Code,Total Spent,Total Orders,Tags',
      '7012345678,Ann,Lee,ann@x.com,DE,10,1,tea',
      '7012345679,Bob,Ray,BOB@x.com,GB,20,1,',
      '7012345680,Cy,Fox,cy@x.com,FR,0,0,',
    ].join('\n'));
    const checks = await build(db, 'customers', [customers]);
    // Ann and Bob match by e-mail (the orders' key is the lower-cased e-mail); Cy has no order and keeps the id.
    expect(await db.rows('SELECT customer_id, customer_email FROM customer_profiles ORDER BY customer_id')).toEqual([
      { customer_id: '7012345680', customer_email: 'cy@x.com' },
      { customer_id: 'ann@x.com', customer_email: 'ann@x.com' },
      { customer_id: 'bob@x.com', customer_email: 'bob@x.com' },
    ]);
    expect(await db.rows('SELECT count(*)::INTEGER AS n FROM customer_profiles JOIN (SELECT DISTINCT customer_id FROM orders) USING (customer_id)')).toEqual([{ n: 2 }]);
    expect(countsOf(checks.get(customers.loaded.index))).toEqual({ not_in_orders: 1 }); // Cy
  });

  it('orders with customer ids + a survey with only an e-mail (Typeform style): answers take the orders’ id; a shared e-mail matches nobody', async () => {
    const db = await NodeDatabase.open();
    await buildOrders(db, [
      'order_id,customer_id,email,date,amount',
      'O1,17850.0,ann@x.com,2024-01-02,10',
      'O2,2,bob@x.com,2024-01-03,20',
      'O3,3,shared@x.com,2024-01-04,5',
      'O4,4,shared@x.com,2024-01-05,5',
    ].join('\n'));
    const surveys = await entryOf(db, 'surveys', [
      'Email,Submitted At,How likely are you to recommend us?',
      'ann@x.com,2024-02-01,10',
      'BOB@x.com,2024-02-01,3',
      'zed@x.com,2024-02-02,7',
      'shared@x.com,2024-02-03,9',
    ].join('\n'));
    const checks = await build(db, 'surveys', [surveys]);
    // ann → 17850 and bob → 2 through the orders' e-mails; zed has no order (own e-mail); shared@x.com is
    // 3's and 4's: ambiguous, so it names neither and stays the e-mail (counted with no order).
    expect(await db.rows('SELECT customer_id, score FROM survey_answers ORDER BY score')).toEqual([
      { customer_id: '2', score: 3 }, { customer_id: 'zed@x.com', score: 7 }, { customer_id: 'shared@x.com', score: 9 }, { customer_id: '17850', score: 10 },
    ]);
    expect(countsOf(checks.get(surveys.loaded.index))).toEqual({ not_in_orders: 2 }); // zed, shared

    // Tickets with an id that is in the orders keep it, even when their e-mail is another customer's;
    // an unknown id with a known e-mail takes the e-mail's customer; an unknown id and e-mail keep the id.
    const tickets = await entryOf(db, 'tickets', 'Ticket ID,Customer ID,Email,Created At\nT1,2,ann@x.com,2024-03-01 10:00\nT2,999,ann@x.com,2024-03-02 10:00\nT3,998,nobody@x.com,2024-03-03 10:00\n');
    const ticketChecks = await build(db, 'tickets', [tickets]);
    expect(await db.rows('SELECT ticket_id, customer_id FROM support_tickets ORDER BY ticket_id')).toEqual([
      { ticket_id: 'T1', customer_id: '2' }, { ticket_id: 'T2', customer_id: '17850' }, { ticket_id: 'T3', customer_id: '998' },
    ]);
    expect(countsOf(ticketChecks.get(tickets.loaded.index))).toEqual({ not_in_orders: 1 }); // T3
  });

  it('without orders the key is the id, else the lower-cased e-mail; the tables are matched again when the orders change (same last day)', async () => {
    const db = await NodeDatabase.open();
    const tables = new CrmTables(db);
    await tables.load(new Blob(['Email,Submitted At,Score\nAnn@x.com,2024-02-01,9\n']), 'typeform.csv', 'surveys', 'replace');
    expect(await db.rows('SELECT customer_id FROM survey_answers')).toEqual([{ customer_id: 'ann@x.com' }]);
    await buildOrders(db, 'order_id,customer_id,email,date,amount\nO1,17850,ann@x.com,2024-01-02,10\n');
    await tables.ordersChanged(true, Date.UTC(2024, 0, 2));
    expect(await db.rows('SELECT customer_id FROM survey_answers')).toEqual([{ customer_id: '17850' }]);
    // Orders replaced by a file with another id for ann, ending the same day: the answers follow.
    await buildOrders(db, 'order_id,customer_id,email,date,amount\nO9,C-1,ann@x.com,2024-01-02,10\n');
    await tables.ordersChanged(true, Date.UTC(2024, 0, 2));
    expect(await db.rows('SELECT customer_id FROM survey_answers')).toEqual([{ customer_id: 'C-1' }]);
  });
});

describe('a CRM file that builds nothing does not replace the file of its kind', () => {
  const SURVEYS_A = 'Customer ID,Submitted At,Question Type,Score\nC1,2024-01-01,NPS,9\nC2,2024-01-02,NPS,3\n';
  let db: NodeDatabase;
  beforeAll(async () => {
    db = await NodeDatabase.open();
  });
  for (const [label, csv, expected] of [
    ['a surveys file without a score column', 'Customer ID,Submitted At,Question Type,Comment\nC1,2024-01-01,NPS,ok\n', { missing: ['score'], rows: 1, checks: [] }],
    ['a surveys file whose scores are all out of range', 'Customer ID,Submitted At,Question Type,Score\nC1,2024-01-01,NPS,42\nC2,2024-01-01,NPS,-3\n', { missing: [], rows: 2, checks: [['score_out_of_range', 2]] }],
    ['a surveys file with text scores', 'Customer ID,Submitted At,Score\nC1,2024-01-01,Very satisfied\nC2,2024-01-01,Dissatisfied\n', { missing: [], rows: 2, checks: [['unparseable_score', 2]] }],
  ] as const) {
    it(`${label}: refused in words in replace mode, the earlier file kept`, async () => {
      const tables = new CrmTables(db);
      const host = new FakeOrders();
      await tables.load(new Blob([SURVEYS_A]), 'a.csv', 'surveys', 'replace');
      await tables.receive(new Blob([csv]), 'b.csv', host);
      expect(host.received).toEqual([]);
      expect(tables.rejection).toMatchObject({ fileName: 'b.csv', kind: 'surveys', missing: expected.missing, rows: expected.rows });
      expect(tables.rejection!.checks.map((c) => [c.id, c.count])).toEqual(expected.checks);
      expect(tables.entries.map((e) => e.loaded.fileName)).toEqual(['a.csv']);
      expect(tables.present.surveys).toBe(true);
      expect(await db.rows('SELECT count(*)::INTEGER AS n FROM survey_answers')).toEqual([{ n: 2 }]);
      expect(Object.keys(tables.checks).map(Number)).toEqual([tables.entries[0]!.loaded.index]);
    });
  }
});

describe('CRM exports taken for orders', () => {
  const STRIPE_CUSTOMERS = 'id,Description,Email,Name,Created (UTC),Delinquent,Total Spend,Payment Count,Refunded Volume,Dispute Losses\ncus_A1,,ann@x.com,Ann,2023-01-02 10:00:00,false,120.00,3,0,0\n';
  const FACEBOOK = 'Reporting starts,Reporting ends,Campaign name,Amount spent (EUR),Impressions,Results\n2024-01-01,2024-01-31,Spring,1200.50,10000,30\n';
  const GOOGLE = 'Day,Campaign,Campaign type,Clicks,Impressions,Cost,Conversions\n2024-01-01,Brand,Search,10,100,23.50,1\n2024-01-02,Brand,Search,12,120,25.00,2\n';
  // A close call: orders-like (customer, amount, created) but no order id, and a plan / canceled-at that orders lack.
  const SUBSCRIPTIONS = 'customer_id,plan,amount,currency,created,status,canceled_at\nC1,pro,29.00,usd,2024-01-01,active,\n';
  let db: NodeDatabase;
  beforeAll(async () => {
    db = await NodeDatabase.open();
  });
  const detect = async (csv: string, name: string) => detectTableKind((await loadSource(db, new Blob([csv]), name, nextIndex++)).columns, name);

  it('a Stripe customers export is customers (per-customer totals and cus_ ids are no orders)', async () => {
    const guess = await detect(STRIPE_CUSTOMERS, 'unified_customers.csv');
    expect(guess.kind).toBe('customers');
    expect(guess.scores.customers).toBeGreaterThan(guess.scores.orders);
  });

  it('Facebook and Google Ads exports are marketing spend (1.5 × 0.6 reaches the 0.9 threshold)', async () => {
    expect((await detect(FACEBOOK, 'facebook.csv')).kind).toBe('spend');
    expect((await detect(GOOGLE, 'google-ads.csv')).kind).toBe('spend');
  });

  it('a close call never replaces loaded orders: it is added as the CRM kind it nearly was, flagged', async () => {
    const guess = await detect(SUBSCRIPTIONS, 'subscriptions.csv');
    expect(guess).toMatchObject({ kind: 'orders', closeCall: true, bestCrm: 'customers' });
    const tables = new CrmTables(db);
    const host = new FakeOrders();
    await tables.receive(new Blob([SUBSCRIPTIONS]), 'subscriptions.csv', host);
    // No orders yet: nothing to lose, it goes to the orders.
    expect(host.received).toEqual(['subscriptions.csv']);
    host.sources = [{}];
    await tables.receive(new Blob([SUBSCRIPTIONS]), 'subscriptions.csv', host);
    expect(host.received).toEqual(['subscriptions.csv']);
    expect(tables.entries.map((e) => [e.loaded.fileName, e.kind, e.mayBeOrders])).toEqual([['subscriptions.csv', 'customers', true]]);
    // A clear orders file still goes to the orders.
    await tables.receive(new Blob(['Order ID,Customer ID,Order Date,Total\nA-1,C1,2024-01-02,10\n']), 'orders.csv', host);
    expect(host.received).toEqual(['subscriptions.csv', 'orders.csv']);
  });
});

describe('one stray score does not flip a survey file between NPS and CSAT', () => {
  it('decides by share: ≥ 95% within 1–5 is CSAT and the rest counted out of range; the user can choose the scale', async () => {
    const db = await NodeDatabase.open();
    const csv = ['customer_id,date,rating', ...Array.from({ length: 200 }, (_, i) => `C${i},2024-01-01,${i % 2 ? 5 : 4}`), 'C999,2024-01-02,0'].join('\n');
    const tables = new CrmTables(db);
    await tables.load(new Blob([csv]), 'csat.csv', 'surveys', 'replace');
    const index = tables.entries[0]!.loaded.index;
    // 1 of 201 scores (0) only NPS has: 0.5% ≤ 5% → CSAT; the 0 is out of range.
    expect(tables.scales[index]).toEqual({ kind: 'csat', reason: 'values', npsOnlyShare: 1 / 201 });
    expect(countsOf(tables.checks[index])).toEqual({ score_out_of_range: 1 });
    expect(await db.rows("SELECT kind, count(*)::INTEGER AS n FROM survey_answers GROUP BY kind")).toEqual([{ kind: 'csat', n: 200 }]);

    await tables.setScale(index, 'nps');
    expect(tables.entries[0]!.mapping).toMatchObject({ score: 'rating', nps_scale: 'rating' });
    expect(tables.scales[index]).toMatchObject({ kind: 'nps', reason: 'user' });
    expect(await db.rows("SELECT kind, count(*)::INTEGER AS n FROM survey_answers GROUP BY kind")).toEqual([{ kind: 'nps', n: 201 }]);
    // Stored and restored the way the storage replays a mapping: setRole with the stored column.
    await tables.setScale(index, null);
    expect(tables.entries[0]!.mapping).toEqual({ customer_id: 'customer_id', answered_at: 'date', score: 'rating' });
    await tables.setRole(index, 'csat_scale', 'rating');
    expect(tables.entries[0]!.mapping).toMatchObject({ score: 'rating', csat_scale: 'rating' });
    expect(tables.scales[index]).toMatchObject({ kind: 'csat', reason: 'user' });
  });

  it('chooseSurveyKind: more than 5% NPS-only scores → NPS by values; else the header; else CSAT', () => {
    expect(chooseSurveyKind(6, 94, [])).toEqual({ kind: 'nps', reason: 'values', npsOnlyShare: 0.06 });
    expect(chooseSurveyKind(5, 95, ['rating'])).toEqual({ kind: 'csat', reason: 'values', npsOnlyShare: 0.05 });
    expect(chooseSurveyKind(1, 99, ['NPS'])).toEqual({ kind: 'nps', reason: 'header', npsOnlyShare: 0.01 });
    expect(chooseSurveyKind(0, 0, ['rating'])).toEqual({ kind: 'csat', reason: 'default', npsOnlyShare: null });
    expect(chooseSurveyKind(50, 50, [], 'csat')).toEqual({ kind: 'csat', reason: 'user', npsOnlyShare: 0.5 });
  });
});

describe('ambiguous day/month dates in CRM files are warned about', () => {
  it('counts the dates whose reading depends on day/month order', async () => {
    const db = await NodeDatabase.open();
    const tables = new CrmTables(db);
    // 'unknown' keeps the column text (DuckDB's sniffer would type a clean column DATE itself): our detection reads it.
    await tables.load(new Blob(['customer_id,date,score\nA,03/04/2024,9\nB,05/06/2024,7\nC,07/07/2024,8\nD,unknown,6\n']), 'nps.csv', 'surveys', 'replace');
    const index = tables.entries[0]!.loaded.index;
    // 03/04 and 05/06 read differently month-first; 07/07 does not.
    const check = tables.checks[index]!.find((c) => c.id === 'ambiguous_day_month')!;
    expect(check).toMatchObject({ field: 'answered_at', count: 2, action: 'read_day_month' });
    expect(check.examples.map((e) => e.value)).toEqual(['03/04/2024', '05/06/2024']);
    expect(tables.entries[0]!.dates.answered_at).toMatchObject({ kind: 'text', ambiguousDayMonth: true });
    // Read day/month: 03/04/2024 is 3 April.
    expect(await db.rows('SELECT answered_at FROM survey_answers ORDER BY answered_at LIMIT 1')).toEqual([{ answered_at: Date.UTC(2024, 3, 3) }]);
  });
});

describe('a second customers file merges profiles column by column', () => {
  it('the latest non-empty value wins per column', async () => {
    const db = await NodeDatabase.open();
    const first = await entryOf(db, 'customers', 'Customer ID,Email,City,Gender,Industry,Interests\nC1,a@x.com,Berlin,female,Retail,tea\nC2,b@x.com,Paris,,,\n');
    const second = await entryOf(db, 'customers', 'Customer ID,City,Age,Interests\nC1,Hamburg,41,\nC1,,42,\n');
    const checks = await build(db, 'customers', [first, second], false);
    const rows = await db.rows('SELECT customer_id, customer_email, city, gender, industry, age, interests FROM customer_profiles ORDER BY customer_id');
    // C1: e-mail, gender, industry and interests from file 1 (file 2 has none); city from file 2 (Hamburg; its
    // last row has no city); age from file 2's last row (42).
    expect(rows.map((r) => ({ ...r, interests: [...(r.interests as Iterable<string>)] }))).toEqual([
      { customer_id: 'C1', customer_email: 'a@x.com', city: 'Hamburg', gender: 'female', industry: 'Retail', age: 42, interests: ['tea'] },
      { customer_id: 'C2', customer_email: 'b@x.com', city: 'Paris', gender: null, industry: null, age: null, interests: [] },
    ]);
    // Repeats are counted on the file with the earlier row: C1 once in file 1 (a later row exists), once in file 2.
    expect(countsOf(checks.get(first.loaded.index))).toEqual({ duplicate_customer: 1 });
    expect(countsOf(checks.get(second.loaded.index))).toEqual({ duplicate_customer: 1 });
  });
});

describe('gender is normalised', () => {
  it('common words in several languages → female / male; other values lower-cased and trimmed; empty → NULL', async () => {
    const db = await NodeDatabase.open();
    const values = ['F', 'Female', 'woman', 'W', 'weiblich', 'Femme', 'mujer', 'M', 'male', 'Man', 'männlich', 'Homme', 'hombre', ' Non-Binary ', 'Divers', ''];
    const entry = await entryOf(db, 'customers', ['customer_id,gender', ...values.map((v, i) => `C${String(i).padStart(2, '0')},${v}`)].join('\n'));
    await build(db, 'customers', [entry], false);
    expect((await db.rows<{ gender: string | null }>('SELECT gender FROM customer_profiles ORDER BY customer_id')).map((r) => r.gender)).toEqual([
      'female', 'female', 'female', 'female', 'female', 'female', 'female',
      'male', 'male', 'male', 'male', 'male', 'male', 'non-binary', 'divers', null,
    ]);
  });
});

describe('replaced files leave no quality report behind', () => {
  it('checks and counts of a replaced file are dropped', async () => {
    const db = await NodeDatabase.open();
    const tables = new CrmTables(db);
    await tables.load(new Blob(['Customer ID,Score\n,9\nC2,3\n']), 'a.csv', 'surveys', 'replace');
    const a = tables.entries[0]!.loaded.index;
    expect(countsOf(tables.checks[a])).toEqual({ anonymous: 1 });
    await tables.load(new Blob(['Customer ID,Score\nC3,5\n']), 'b.csv', 'surveys', 'replace');
    const b = tables.entries[0]!.loaded.index;
    expect(Object.keys(tables.checks).map(Number)).toEqual([b]);
    expect(Object.keys(tables.counts).map(Number)).toEqual([b]);
    expect(Object.keys(tables.scales).map(Number)).toEqual([b]);
    expect(a).not.toBe(b);
  });
});
