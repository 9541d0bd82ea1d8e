import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { loadSource } from '../../../src/ingest/load-source';
import { ordersSql } from '../../../src/ingest/orders-view';
import { prepareSource } from '../../../src/ingest/build-orders';
import { buildCrmTable, chooseSurveyKind, type CrmBuildContext } from '../../../src/ingest/tables/build-tables';
import { prepareTable, toSourceSpec, type CrmEntry } from '../../../src/ingest/tables/prepare-table';
import { tableChecksSql, tableRowCountsSql, toTableChecks, type TableCheck, type TableCheckRow } from '../../../src/ingest/tables/table-quality';
import type { CrmKind } from '../../../src/ingest/tables/kinds';

let db: NodeDatabase;
let nextIndex = 500;

// Orders: customer 17850 written as a float (UCI style), customer 2 by id, one e-mail-only customer (mixed case).
// Last order day: 2024-06-30.
const ORDERS = [
  'InvoiceNo,CustomerID,Email,InvoiceDate,Amount',
  '1,17850.0,,2024-01-10 10:00:00,10',
  '2,2,,2024-03-01 10:00:00,20',
  '3,,Ann.Lee@Example.com,2024-06-30 09:00:00,30',
].join('\n');

beforeAll(async () => {
  db = await NodeDatabase.open();
  const loaded = await loadSource(db, new Blob([ORDERS]), 'orders.csv', 1);
  const entry = await prepareSource(db, loaded);
  const source = { index: 1, table: loaded.table, columns: loaded.columns, mapping: entry.mapping, date: entry.date };
  for (const sql of ordersSql([source], '2025-01-01 00:00:00')) await db.query(sql);
});

const CONTEXT: CrmBuildContext = { ordersReady: true, asOf: '2024-06-30' };

async function entryOf(kind: CrmKind, csv: string): Promise<CrmEntry> {
  const loaded = await loadSource(db, new Blob([csv]), `${kind}.csv`, nextIndex++);
  return prepareTable(db, loaded, kind, kind);
}

async function build(kind: CrmKind, entries: CrmEntry[]): Promise<Map<number, TableCheck[]>> {
  await buildCrmTable(db, kind, entries.map(toSourceSpec), CONTEXT);
  const rows = (await db.query(tableChecksSql(kind, CONTEXT.ordersReady))).toArray().map((r) => r.toJSON() as unknown as TableCheckRow);
  return toTableChecks(kind, rows);
}

const counts = (checks: TableCheck[] | undefined) => Object.fromEntries((checks ?? []).map((c) => [c.field ? `${c.id}:${c.field}` : c.id, c.count]));

describe('customer_profiles', () => {
  it('keys customers like the orders, keeps the last of repeated rows, normalises company type, interests and age', async () => {
    const entry = await entryOf('customers', [
      'Customer ID,Email,Full Name,Signup Date,Birth Date,Age,Gender,Company Type,Industry,Acquisition Channel,Interests',
      '17850,,Old Name,2023-01-05,1980-07-01,,female,Business,Retail,paid_search,"Tea; Coffee | gifts"',
      ',ANN.LEE@example.com,Ann Lee,not a date,1990-06-30,,  ,Private,,social,',
      '2,,Bo,2023-02-01,,41,male,B2B,Software,email,espresso',
      ',,Nobody,2023-02-01,,,,,,,',
      '17850.0,,New Name,2023-01-06,1980-07-01,,female,consumer,,paid_search,tea',
      '99,,Lead,2024-01-01,,200,,weird,,organic,',
    ].join('\n'));
    const checks = await build('customers', [entry]);
    const rows = await db.rows('SELECT customer_id, customer_email, customer_name, signup_at, birth_date, age, gender, company_type, channel, interests FROM customer_profiles ORDER BY customer_id');
    expect(rows.map((r) => ({ ...r, interests: [...(r.interests as Iterable<string>)] }))).toEqual([
      // 17850.0 and 17850 are one customer (the orders' key is '17850'); the later row wins: New Name, consumer → B2C.
      // Born 1980-07-01, as of 2024-06-30 the birthday has not come yet: 2024 − 1980 − 1 = 43.
      { customer_id: '17850', customer_email: null, customer_name: 'New Name', signup_at: Date.UTC(2023, 0, 6), birth_date: Date.UTC(1980, 6, 1), age: 43, gender: 'female', company_type: 'B2C', channel: 'paid_search', interests: ['tea'] },
      // Age as given (41) wins; B2B stays B2B.
      { customer_id: '2', customer_email: null, customer_name: 'Bo', signup_at: Date.UTC(2023, 1, 1), birth_date: null, age: 41, gender: 'male', company_type: 'B2B', channel: 'email', interests: ['espresso'] },
      // Age 200 is not an age: NULL; 'weird' is neither B2B nor B2C.
      { customer_id: '99', customer_email: null, customer_name: 'Lead', signup_at: Date.UTC(2024, 0, 1), birth_date: null, age: null, gender: null, company_type: null, channel: 'organic', interests: [] },
      // No id: the lower-cased e-mail is the key, as in the orders. Born 1990-06-30: birthday on the as-of day → 34.
      { customer_id: 'ann.lee@example.com', customer_email: 'ann.lee@example.com', customer_name: 'Ann Lee', signup_at: null, birth_date: Date.UTC(1990, 5, 30), age: 34, gender: null, company_type: 'B2C', channel: 'social', interests: [] },
    ]);
    // Every profile but the lead matches an order: the join on customer_id is the orders' own key.
    expect(await db.rows('SELECT count(*)::INTEGER AS n FROM customer_profiles p JOIN (SELECT DISTINCT customer_id FROM orders) o USING (customer_id)')).toEqual([{ n: 3 }]);
    expect(counts(checks.get(entry.loaded.index))).toEqual({
      missing_customer: 1, // the row with neither id nor e-mail
      duplicate_customer: 1, // the first 17850 row, replaced by the later one
      'unparseable_date:signup_at': 1, // 'not a date'
      'unreadable_value:age': 1, // 200
      'unreadable_value:company_type': 1, // 'weird'
      not_in_orders: 1, // 99
    });
    const duplicate = checks.get(entry.loaded.index)!.find((c) => c.id === 'duplicate_customer')!;
    // The column holds 17850.0 on a later row, so DuckDB typed it DOUBLE: the example shows the value as the file has it.
    expect(duplicate.examples).toEqual([{ row: 1, customer: '17850.0', value: null }]);
    expect(duplicate.action).toBe('last_wins');
  });

  it('counts age from the birth date to today when no orders are loaded, and without the orders check', async () => {
    const entry = await entryOf('customers', 'email,date of birth\nx@y.z,2000-01-01\n');
    await buildCrmTable(db, 'customers', [toSourceSpec(entry)], { ordersReady: false, asOf: '2025-01-01' });
    // 2025 − 2000 = 25 (the birthday is on the as-of day).
    expect(await db.rows('SELECT customer_id, age FROM customer_profiles')).toEqual([{ customer_id: 'x@y.z', age: 25 }]);
    const rows = (await db.query(tableChecksSql('customers', false))).toArray();
    expect(rows).toEqual([]);
  });
});

describe('survey_answers', () => {
  it('takes the kind from the question type, excludes scores out of range, keeps anonymous answers', async () => {
    const entry = await entryOf('surveys', [
      'Response ID,Customer ID,Submitted At,Question Type,Score,Comment',
      'R1,17850.0,2024-02-01 10:00:00,NPS,9,Great',
      'R2,2,2024-02-02 10:00:00,Net Promoter Score,11,typo',
      'R3,,2024-02-03 10:00:00,CSAT,4,',
      'R4,2,2024-02-04 10:00:00,Customer satisfaction,0,',
      'R5,77,yesterday,csat,5,"Fast, friendly"',
      'R6,2,2024-02-05 10:00:00,NPS,,',
      'R7,2,2024-02-06 10:00:00,NPS,n/a,',
    ].join('\n'));
    const checks = await build('surveys', [entry]);
    expect(await db.rows('SELECT customer_id, answered_at, kind, score, comment FROM survey_answers ORDER BY answered_at NULLS LAST')).toEqual([
      { customer_id: '17850', answered_at: Date.UTC(2024, 1, 1, 10), kind: 'nps', score: 9, comment: 'Great' },
      { customer_id: null, answered_at: Date.UTC(2024, 1, 3, 10), kind: 'csat', score: 4, comment: null },
      { customer_id: '77', answered_at: null, kind: 'csat', score: 5, comment: 'Fast, friendly' },
    ]);
    expect(counts(checks.get(entry.loaded.index))).toEqual({
      score_out_of_range: 2, // NPS 11 and CSAT 0
      missing_score: 1, // R6
      unparseable_score: 1, // 'n/a'
      anonymous: 1, // R3
      'unparseable_date:answered_at': 1, // 'yesterday'
      not_in_orders: 1, // 77
    });
    const range = checks.get(entry.loaded.index)!.find((c) => c.id === 'score_out_of_range')!;
    expect(range.examples.map((e) => e.value)).toEqual(['11 (NPS)', '0 (CSAT)']);
  });

  it('without a question type: NPS when a score only NPS has appears, else the header, else CSAT', async () => {
    const nps = await entryOf('surveys', 'customer_id,date,score\nA,2024-01-01,3\nB,2024-01-02,8\n');
    const csat = await entryOf('surveys', 'customer_id,date,rating\nA,2024-01-01,3\nB,2024-01-02,5\n');
    await buildCrmTable(db, 'surveys', [toSourceSpec(nps), toSourceSpec(csat)], CONTEXT);
    // File 1 has an 8 (only on a 0–10 scale) → both its answers are NPS; file 2 scores 1–5 under "rating" → CSAT.
    expect(await db.rows('SELECT customer_id, kind, score FROM survey_answers ORDER BY kind, customer_id')).toEqual([
      { customer_id: 'A', kind: 'csat', score: 3 }, { customer_id: 'B', kind: 'csat', score: 5 },
      { customer_id: 'A', kind: 'nps', score: 3 }, { customer_id: 'B', kind: 'nps', score: 8 },
    ]);
    expect(chooseSurveyKind(0, 10, ['How likely are you to recommend us?'])).toMatchObject({ kind: 'nps', reason: 'header' });
    expect(chooseSurveyKind(0, 10, ['Satisfaction'])).toMatchObject({ kind: 'csat', reason: 'values' });
  });
});

describe('support_tickets', () => {
  it('parses times, escalation words, contacts and channels; excludes closed-before-opened and unreadable opened times', async () => {
    const entry = await entryOf('tickets', [
      'Ticket ID,Customer ID,Created At,Solved At,Channel,Escalated,Contacts,Customer Stage,Product',
      'T1,17850.0,2024-01-02 10:00:00,2024-01-02 12:00:00,Email,Yes,1,new,Tea',
      'T2,2,2024-01-03 10:00:00,,CHAT,n,3,repeat,',
      'T3,2,2024-01-04 10:00:00,2024-01-01 10:00:00,phone,no,1,repeat,',
      'T4,,2024-01-05 10:00:00,2024-01-05 11:00:00,chat,maybe,two,,',
      'T5,2,soon,,chat,1,1,,',
      'T6,2,,,chat,0,1,,',
      'T7,3,2024-01-06 10:00:00,later,phone,TRUE,2,,',
    ].join('\n'));
    const checks = await build('tickets', [entry]);
    expect(await db.rows('SELECT ticket_id, customer_id, opened_at, closed_at, channel, escalated, contacts, life_stage, product FROM support_tickets ORDER BY ticket_id')).toEqual([
      { ticket_id: 'T1', customer_id: '17850', opened_at: Date.UTC(2024, 0, 2, 10), closed_at: Date.UTC(2024, 0, 2, 12), channel: 'email', escalated: true, contacts: 1, life_stage: 'new', product: 'Tea' },
      { ticket_id: 'T2', customer_id: '2', opened_at: Date.UTC(2024, 0, 3, 10), closed_at: null, channel: 'chat', escalated: false, contacts: 3, life_stage: 'repeat', product: null },
      { ticket_id: 'T4', customer_id: null, opened_at: Date.UTC(2024, 0, 5, 10), closed_at: Date.UTC(2024, 0, 5, 11), channel: 'chat', escalated: null, contacts: null, life_stage: null, product: null },
      { ticket_id: 'T7', customer_id: '3', opened_at: Date.UTC(2024, 0, 6, 10), closed_at: null, channel: 'phone', escalated: true, contacts: 2, life_stage: null, product: null },
    ]);
    expect(counts(checks.get(entry.loaded.index))).toEqual({
      closed_before_opened: 1, // T3
      unparseable_opened: 1, // T5 'soon'
      missing_opened: 1, // T6
      missing_customer: 1, // T4 (kept)
      'unparseable_date:closed_at': 1, // T7 'later' (kept, counts as open)
      'unreadable_value:escalated': 1, // 'maybe'
      'unreadable_value:contacts': 1, // 'two'
      not_in_orders: 1, // customer 3
    });
    expect(checks.get(entry.loaded.index)!.find((c) => c.field === 'closed_at')!.action).toBe('kept_open');
  });
});

describe('marketing_spend', () => {
  it('reads months in several formats as their first day and sums repeated (channel, month) pairs', async () => {
    const entry = await entryOf('spend', [
      'Month,Channel,Spend',
      '2024-01,paid_search,"1,200.50"',
      '2024-01,paid_search,99.50',
      'Feb 2024,social,300',
      '2024-03-15,social,10',
      'someday,social,5',
      '2024-04,,5',
      '2024-04,email,lots',
    ].join('\n'));
    const checks = await build('spend', [entry]);
    // paid_search January: 1,200.50 + 99.50 = 1,300; social February 300; social March (15th → 1st) 10.
    expect(await db.rows('SELECT channel, month, amount FROM marketing_spend ORDER BY month, channel')).toEqual([
      { channel: 'paid_search', month: Date.UTC(2024, 0, 1), amount: 1300 },
      { channel: 'social', month: Date.UTC(2024, 1, 1), amount: 300 },
      { channel: 'social', month: Date.UTC(2024, 2, 1), amount: 10 },
    ]);
    expect(counts(checks.get(entry.loaded.index))).toEqual({ spend_combined: 2, unparseable_month: 1, missing_channel: 1, unparseable_amount: 1 });
    expect(await db.rows(tableRowCountsSql('spend'))).toEqual([{ source: entry.loaded.index, rows: 7, used: 4 }]);
  });

  it('drops a kind’s tables when no file of it is left', async () => {
    await buildCrmTable(db, 'spend', [], CONTEXT);
    expect(await db.rows("SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name IN ('marketing_spend', 'crm_staged_spend')")).toEqual([{ n: 0 }]);
  });
});
