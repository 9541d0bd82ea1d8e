// The notebook's table list with the CRM tables loaded: the four canonical tables are main, queryable
// tables; the raw rows they were built from (crm_staged_<kind>) go with the app's working tables.
import { describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { RELATIONS_SQL, groupForList, groupRelations } from '../../../src/notebook/views';

describe('notebook tables list with CRM tables', () => {
  it('lists customer_profiles, survey_answers, support_tickets and marketing_spend as queryable tables, crm_staged_* as working tables', async () => {
    const db = await NodeDatabase.open();
    for (const statement of [
      'CREATE TABLE orders (customer_id VARCHAR, net DOUBLE)',
      'CREATE TABLE customer_profiles (customer_id VARCHAR, country VARCHAR)',
      'CREATE TABLE survey_answers (customer_id VARCHAR, kind VARCHAR, score DOUBLE)',
      'CREATE TABLE support_tickets (ticket_id VARCHAR, customer_id VARCHAR, opened_at TIMESTAMP)',
      'CREATE TABLE marketing_spend (channel VARCHAR, month DATE, amount DOUBLE)',
      'CREATE TABLE crm_staged_customers (customer_id VARCHAR, excluded VARCHAR)',
      'CREATE TABLE crm_staged_surveys (customer_id VARCHAR, excluded VARCHAR)',
      'CREATE TABLE crm_staged_tickets (customer_id VARCHAR, excluded VARCHAR)',
      'CREATE TABLE crm_staged_spend (channel VARCHAR, excluded VARCHAR)',
      'CREATE TABLE customer_base (customer_id VARCHAR)',
    ]) await db.query(statement);
    const relations = groupRelations(await db.rows(RELATIONS_SQL));
    const groups = groupForList(relations, []);
    // orders first (MAIN_RELATIONS order), then the rest of the main tables by name.
    expect(groups.main.map((r) => r.name)).toEqual(['orders', 'customer_profiles', 'marketing_spend', 'support_tickets', 'survey_answers']);
    expect(groups.main.find((r) => r.name === 'support_tickets')!.columns.map((c) => c.name)).toEqual(['ticket_id', 'customer_id', 'opened_at']);
    expect(groups.working.map((r) => r.name).sort()).toEqual(['crm_staged_customers', 'crm_staged_spend', 'crm_staged_surveys', 'crm_staged_tickets', 'customer_base']);
    expect(groups.cells).toEqual([]);
  });
});
