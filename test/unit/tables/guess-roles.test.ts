import { describe, expect, it } from 'vitest';
import { detectTableKind, guessTableRoles, kindFromName } from '../../../src/ingest/tables/guess-roles';
import type { SourceColumn } from '../../../src/ingest/types';

/** Columns as loadSource describes them: name, DuckDB type, a few example values. */
const cols = (spec: [string, string, string[]][]): SourceColumn[] => spec.map(([name, type, examples]) => ({ name, type, examples }));

const TYPEFORM_NPS = cols([
  ['#', 'VARCHAR', ['x1a2b3', 'q9w8e7']],
  ['How likely are you to recommend Acme to a friend or colleague?', 'BIGINT', ['9', '10', '3']],
  ["What's the main reason for your score?", 'VARCHAR', ['Fast delivery', 'Too pricey']],
  ['email', 'VARCHAR', ['ann@example.com', 'bob@example.org']],
  ['Start Date (UTC)', 'TIMESTAMP', ['2024-01-02 10:00:00']],
  ['Submit Date (UTC)', 'TIMESTAMP', ['2024-01-02 10:03:00']],
  ['Network ID', 'VARCHAR', ['a1b2c3']],
]);

const SURVEYMONKEY_CSAT = cols([
  ['Respondent ID', 'BIGINT', ['114477001', '114477002']],
  ['Collector ID', 'BIGINT', ['4455']],
  ['Start Date', 'VARCHAR', ['03/04/2024 10:12:00 AM']],
  ['End Date', 'VARCHAR', ['03/04/2024 10:14:00 AM']],
  ['Email Address', 'VARCHAR', ['ann@example.com']],
  ['Overall, how satisfied were you with your order?', 'BIGINT', ['4', '5', '2']],
  ['Comments', 'VARCHAR', ['ok']],
]);

const ZENDESK_TICKETS = cols([
  ['Id', 'BIGINT', ['101', '102']],
  ['Requester', 'VARCHAR', ['Ann Lee']],
  ['Requester email', 'VARCHAR', ['ann@example.com']],
  ['Requester external id', 'VARCHAR', ['17850']],
  ['Subject', 'VARCHAR', ['Where is my order?']],
  ['Status', 'VARCHAR', ['solved', 'open']],
  ['Via', 'VARCHAR', ['Mail', 'Web form', 'Chat']],
  ['Created at', 'TIMESTAMP', ['2024-01-02 10:00:00']],
  ['Solved at', 'TIMESTAMP', ['2024-01-03 10:00:00']],
  ['Replies', 'BIGINT', ['1', '3']],
  ['Escalated', 'VARCHAR', ['yes', 'no']],
]);

const FRESHDESK_TICKETS = cols([
  ['Ticket ID', 'BIGINT', ['5001']],
  ['Subject', 'VARCHAR', ['Refund']],
  ['Source', 'VARCHAR', ['Email', 'Phone', 'Chat']],
  ['Created time', 'VARCHAR', ['2024-02-01 09:00:00']],
  ['Resolved time', 'VARCHAR', ['2024-02-01 12:00:00']],
  ['Contact ID', 'BIGINT', ['17850']],
  ['Agent interactions', 'BIGINT', ['2']],
  ['Lifecycle stage', 'VARCHAR', ['customer', 'lead']],
]);

const HUBSPOT_CONTACTS = cols([
  ['Record ID', 'BIGINT', ['5120001']],
  ['First Name', 'VARCHAR', ['Ann']],
  ['Last Name', 'VARCHAR', ['Lee']],
  ['Email', 'VARCHAR', ['ann@example.com']],
  ['Create Date', 'TIMESTAMP', ['2023-05-01 08:00:00']],
  ['Lifecycle Stage', 'VARCHAR', ['customer']],
  ['Original Source', 'VARCHAR', ['ORGANIC_SEARCH', 'PAID_SOCIAL']],
  ['Industry', 'VARCHAR', ['Retail']],
  ['Country/Region', 'VARCHAR', ['Germany']],
  ['City', 'VARCHAR', ['Berlin']],
]);

const SHOPIFY_CUSTOMERS = cols([
  ['Customer ID', 'BIGINT', ['7012345678']],
  ['First Name', 'VARCHAR', ['Ann']],
  ['Last Name', 'VARCHAR', ['Lee']],
  ['Email', 'VARCHAR', ['ann@example.com']],
  ['Accepts Email Marketing', 'VARCHAR', ['yes', 'no']],
  ['Default Address City', 'VARCHAR', ['Berlin']],
  ['Default Address Country Code', 'VARCHAR', ['DE']],
  ['Total Spent', 'DOUBLE', ['120.5']],
  ['Total Orders', 'BIGINT', ['3']],
  ['Tags', 'VARCHAR', ['vip, tea']],
]);

const GERMAN_CUSTOMERS = cols([
  ['Kundennummer', 'BIGINT', ['17850']],
  ['Name', 'VARCHAR', ['Anna Müller']],
  ['E-Mail', 'VARCHAR', ['anna@example.de']],
  ['Registriert am', 'VARCHAR', ['01.02.2023']],
  ['Geburtsdatum', 'VARCHAR', ['12.05.1980']],
  ['Geschlecht', 'VARCHAR', ['weiblich', 'männlich']],
  ['Kundentyp', 'VARCHAR', ['Privat', 'Firma']],
  ['Branche', 'VARCHAR', ['Handel']],
  ['Interessen', 'VARCHAR', ['Tee; Kaffee']],
]);

const SPEND_SHEET = cols([
  ['Month', 'VARCHAR', ['2024-01', '2024-02']],
  ['Channel', 'VARCHAR', ['paid_search', 'social']],
  ['Spend (USD)', 'DOUBLE', ['1200.5', '800']],
]);

const SAMPLE_ORDERS = cols([
  ['order_id', 'VARCHAR', ['O000001']], ['customer_id', 'VARCHAR', ['C00002']], ['customer_name', 'VARCHAR', ['Ava Taylor']],
  ['customer_email', 'VARCHAR', ['ava@mail.example']], ['ordered_at', 'TIMESTAMP', ['2022-01-01 00:27:05']], ['product', 'VARCHAR', ['Tea']],
  ['category', 'VARCHAR', ['Tea']], ['quantity', 'BIGINT', ['1']], ['amount', 'DOUBLE', ['23.68']], ['currency', 'VARCHAR', ['USD']],
  ['country', 'VARCHAR', ['AU']], ['city', 'VARCHAR', ['Melbourne']], ['channel', 'VARCHAR', ['organic']], ['status', 'VARCHAR', ['paid']],
  ['refund_amount', 'DOUBLE', ['0.0']],
]);

describe('role guessing per kind', () => {
  it('reads a Typeform NPS export: the question as the score, the reason as the comment, the submit date', () => {
    expect(guessTableRoles('surveys', TYPEFORM_NPS).mapping).toEqual({
      score: 'How likely are you to recommend Acme to a friend or colleague?',
      comment: "What's the main reason for your score?",
      customer_email: 'email',
      answered_at: 'Submit Date (UTC)',
    });
  });

  it('reads a SurveyMonkey CSAT export: the satisfaction question, the end date, the e-mail', () => {
    const { mapping } = guessTableRoles('surveys', SURVEYMONKEY_CSAT);
    expect(mapping.score).toBe('Overall, how satisfied were you with your order?');
    expect(mapping.answered_at).toBe('End Date');
    expect(mapping.customer_email).toBe('Email Address');
    expect(mapping.comment).toBe('Comments');
    // A respondent id is the survey tool's, not the shop's customer: not taken as the customer id.
    expect(mapping.customer_id).toBeUndefined();
  });

  it('reads a Zendesk ticket export', () => {
    expect(guessTableRoles('tickets', ZENDESK_TICKETS).mapping).toEqual({
      ticket_id: 'Id', customer_id: 'Requester external id', customer_email: 'Requester email', channel: 'Via',
      opened_at: 'Created at', closed_at: 'Solved at', contacts: 'Replies', escalated: 'Escalated',
    });
  });

  it('reads a Freshdesk ticket export', () => {
    expect(guessTableRoles('tickets', FRESHDESK_TICKETS).mapping).toEqual({
      ticket_id: 'Ticket ID', channel: 'Source', opened_at: 'Created time', closed_at: 'Resolved time', customer_id: 'Contact ID',
      contacts: 'Agent interactions', life_stage: 'Lifecycle stage',
    });
  });

  it('reads a HubSpot contacts export: e-mail as the key (the record id is HubSpot’s own)', () => {
    const { mapping } = guessTableRoles('customers', HUBSPOT_CONTACTS);
    expect(mapping).toMatchObject({ customer_email: 'Email', signup_at: 'Create Date', channel: 'Original Source', industry: 'Industry', city: 'City', country: 'Country/Region' });
    expect(mapping.customer_id).toBeUndefined();
  });

  it('reads a Shopify customers export', () => {
    expect(guessTableRoles('customers', SHOPIFY_CUSTOMERS).mapping).toMatchObject({
      customer_id: 'Customer ID', customer_email: 'Email', city: 'Default Address City', country: 'Default Address Country Code', interests: 'Tags',
    });
  });

  it('reads German headers', () => {
    expect(guessTableRoles('customers', GERMAN_CUSTOMERS).mapping).toEqual({
      customer_id: 'Kundennummer', customer_name: 'Name', customer_email: 'E-Mail', signup_at: 'Registriert am', birth_date: 'Geburtsdatum',
      gender: 'Geschlecht', company_type: 'Kundentyp', industry: 'Branche', interests: 'Interessen',
    });
  });

  it('reads a spend sheet', () => {
    expect(guessTableRoles('spend', SPEND_SHEET).mapping).toEqual({ month: 'Month', channel: 'Channel', amount: 'Spend (USD)' });
  });
});

describe('kind detection', () => {
  it.each([
    ['Typeform NPS', TYPEFORM_NPS, 'surveys'],
    ['SurveyMonkey CSAT', SURVEYMONKEY_CSAT, 'surveys'],
    ['Zendesk', ZENDESK_TICKETS, 'tickets'],
    ['Freshdesk', FRESHDESK_TICKETS, 'tickets'],
    ['HubSpot contacts', HUBSPOT_CONTACTS, 'customers'],
    ['Shopify customers', SHOPIFY_CUSTOMERS, 'customers'],
    ['German customers', GERMAN_CUSTOMERS, 'customers'],
    ['spend sheet', SPEND_SHEET, 'spend'],
    ['sample orders', SAMPLE_ORDERS, 'orders'],
  ] as const)('%s → %s', (_, columns, kind) => {
    expect(detectTableKind([...columns]).kind).toBe(kind);
  });

  it('keeps order-like files with the orders: the CDNOW layout, the dashboard test file, a shop export with a created date', () => {
    const cdnow = cols([['customer_id', 'BIGINT', ['1']], ['date', 'BIGINT', ['19970101']], ['cds', 'BIGINT', ['1']], ['amount', 'DOUBLE', ['29.33']]]);
    const shop = cols([['Order ID', 'VARCHAR', ['A-1']], ['Customer ID', 'VARCHAR', ['C1']], ['Order Date', 'TIMESTAMP', ['2024-01-02 10:00:00']], ['Total', 'DOUBLE', ['10.5']], ['Country', 'VARCHAR', ['DE']]]);
    const woo = cols([['Order Number', 'BIGINT', ['1001']], ['Created At', 'TIMESTAMP', ['2024-01-02 10:00:00']], ['Billing Email', 'VARCHAR', ['a@b.c']], ['Order Total', 'DOUBLE', ['20']], ['Status', 'VARCHAR', ['completed']]]);
    for (const columns of [cdnow, shop, woo]) expect(detectTableKind(columns).kind).toBe('orders');
  });

  it('takes a surveys file without a score for a surveys file (so the card can say the score is missing)', () => {
    const noScore = cols([['Customer ID', 'VARCHAR', ['C1']], ['Submitted At', 'TIMESTAMP', ['2024-01-02 10:00:00']], ['Question Type', 'VARCHAR', ['NPS', 'CSAT']], ['Comment', 'VARCHAR', ['ok']]]);
    expect(detectTableKind(noScore).kind).toBe('surveys');
  });

  it('judges a Parquet file by its name alone, orders unless the name says otherwise', () => {
    expect(kindFromName('nps-answers.parquet')).toBe('surveys');
    expect(kindFromName('zendesk_tickets.parquet')).toBe('tickets');
    expect(kindFromName('customer-orders.parquet')).toBe('orders');
    expect(kindFromName('export.parquet')).toBe('orders');
  });
});
