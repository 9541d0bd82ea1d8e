import { describe, expect, it } from 'vitest';
import { en } from '../../../src/i18n/messages';
import { CRM_KINDS, KIND_ROLES, TABLE_KINDS, type MissingRequirement } from '../../../src/ingest/tables/kinds';
import { TABLE_CHECK_IDS, tableAction, type TableAction } from '../../../src/ingest/tables/table-quality';

// Every kind, role, requirement, check and action the tables code can produce must have words in the catalogue.
const REQUIREMENTS: Record<MissingRequirement, true> = { customer: true, score: true, opened_at: true, channel: true, month: true, amount: true };
const ACTIONS: Record<TableAction, true> = { excluded: true, kept: true, kept_empty: true, kept_open: true, kept_anonymous: true, last_wins: true, summed: true, read_day_month: true };

describe('tables messages', () => {
  it('has text for every kind, role, missing requirement, check and action', () => {
    const keys = [
      ...TABLE_KINDS.map((k) => `tables.kind.${k}`),
      ...CRM_KINDS.flatMap((k) => KIND_ROLES[k].map((r) => `tables.role.${r}`)),
      ...Object.keys(REQUIREMENTS).map((m) => `tables.missing.${m}`),
      ...TABLE_CHECK_IDS.filter((id) => id !== 'not_in_orders').map((id) => `tables.check.${id}`),
      ...CRM_KINDS.map((k) => `tables.check.not_in_orders.${k}`),
      ...Object.keys(ACTIONS).map((a) => `tables.action.${a}`),
      ...['auto', 'nps', 'csat', 'why.values.nps', 'why.values.csat', 'why.header.nps', 'why.default.csat', 'why.user'].map((k) => `tables.scale.${k}`),
      'tables.rejected.title', 'tables.rejected.missing', 'tables.rejected.empty', 'tables.mayBeOrders',
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('says for each check what the analytics do, and every action it names exists', () => {
    for (const kind of CRM_KINDS) for (const id of TABLE_CHECK_IDS) expect(ACTIONS[tableAction(kind, id, null)]).toBe(true);
    expect(tableAction('customers', 'missing_customer', null)).toBe('excluded');
    expect(tableAction('surveys', 'missing_customer', null)).toBe('kept_anonymous');
    expect(tableAction('tickets', 'unparseable_date', 'closed_at')).toBe('kept_open');
  });
});
