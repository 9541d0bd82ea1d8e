import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { rowsOf } from '../analyses/fixture';
import { SUPPORT_COVERAGE_SQL, supportLifeSql, supportSummarySql } from '../../../src/analyses/crm/support';
import { loadCrmFixture } from './crm-fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadCrmFixture(db);
});

describe('support tickets', () => {
  it('computes volume, escalation rate, FCR and time to resolution', async () => {
    const [total] = await rowsOf(db, supportSummarySql());
    // 7 tickets, T4 open. Escalation known for all but T3 (6), escalated T2 and T6 → 2 ÷ 6.
    // Closed: T1 T2 T3 T5 T6 T7 (6); contacts known: T1 1, T2 3, T3 1, T5 2, T7 1 (T6 unknown) → 5; one contact: T1 T3 T7 → 3 ÷ 5 = 60 %.
    // Hours of the closed: T3 1, T1 2, T6 5, T7 10, T2 24, T5 48 → median (5 + 10) ÷ 2 = 7.5;
    // p90 at position 0.9 × 5 = 4.5 of 0…5: 24 + 0.5 × (48 − 24) = 36.
    expect(total).toMatchObject({ grp: null, tickets: 7, open: 1, escalation_known: 6, escalated: 2, closed: 6, contacts_known: 5, first_contact: 3, median_hours: 7.5, p90_hours: 36 });
    expect(total!.escalation_rate).toBeCloseTo(1 / 3, 12);
    expect(total!.fcr).toBeCloseTo(0.6, 12);
  });

  it('does not count an escalated ticket closed in one contact as resolved at first contact', async () => {
    const other = await NodeDatabase.open();
    await loadCrmFixture(other);
    // T8: closed after one contact, but escalated (handed on to a second line).
    await other.query(`INSERT INTO support_tickets VALUES ('T8', 'C02', '2024-03-11 08:00', '2024-03-11 20:00', 'chat', true, 1, 'new', 'Mug')`);
    const [total] = await rowsOf(other, supportSummarySql());
    // Closed with known contacts: T1 1, T2 3, T3 1, T5 2, T7 1, T8 1 → 6. One contact without escalation: T1 (no), T3 (flag empty:
    // not escalated), T7 (no) → 3; T8 has one contact but was escalated → not counted. FCR 3 ÷ 6 = 50 % (the old rule said 4 ÷ 6).
    expect(total).toMatchObject({ closed: 7, contacts_known: 6, first_contact: 3, escalated: 3 });
    expect(total!.fcr).toBeCloseTo(0.5, 12);
    const chat = (await rowsOf(other, supportSummarySql('channel'))).find((r) => r.grp === 'chat');
    // chat: T2 (escalated, 3 contacts), T8 (escalated, 1 contact); T6 unknown contacts → 0 ÷ 2.
    expect([chat!.contacts_known, chat!.first_contact, chat!.fcr]).toEqual([2, 0, 0]);
  });

  it('breaks down by channel, product, month and life stage', async () => {
    const byChannel = await rowsOf(db, supportSummarySql('channel'));
    // email: T1 T4 T5 T7: none escalated of 4 known; closed T1 T5 T7 with contacts 1, 2, 1 → FCR 2 ÷ 3; hours 2, 48, 10 → median 10.
    // chat: T2 T6, both escalated; closed both, contacts known T2 3 → FCR 0 ÷ 1; hours 24, 5 → median 14.5.
    // phone: T3, escalation unknown → rate NULL; FCR 1 ÷ 1.
    expect(byChannel.map((r) => [r.grp, r.tickets, r.escalation_rate, r.fcr, r.median_hours])).toEqual([
      ['email', 4, 0, 2 / 3, 10],
      ['chat', 2, 1, 0, 14.5],
      ['phone', 1, null, 1, 1],
    ]);
    const byProduct = await rowsOf(db, supportSummarySql('product'));
    // Kettle T3 T5; Mug T1 T7; Tea T2 T4; unknown T6 (last).
    expect(byProduct.map((r) => [r.grp, r.tickets])).toEqual([['Kettle', 2], ['Mug', 2], ['Tea', 2], [null, 1]]);
    const byMonth = await rowsOf(db, supportSummarySql('month'));
    expect(byMonth.map((r) => [r.grp, r.tickets])).toEqual([['2024-01', 1], ['2024-02', 2], ['2024-03', 3], ['2024-12', 1]]);
    const byStage = await rowsOf(db, supportSummarySql('life_stage'));
    expect(byStage.map((r) => [r.grp, r.tickets])).toEqual([['active', 2], ['lapsed', 1], ['new', 1], [null, 3]]);
  });

  it('bands the days from the first purchase to the ticket', async () => {
    const rows = await rowsOf(db, supportLifeSql());
    // T1 C01 (first 01-10) 01-12: 2 days → 0–7. T2 C01 03-06: 56 → 31–90. T3 C02 (first 03-10) 03-01: before.
    // T4 C04 (first 03-03) 03-25: 22 → 8–30. T5 C05 (first 2023-11-01) 2024-12-01: 396 → over 365. T6 X99, T7 anonymous: unknown.
    expect(Object.fromEntries(rows.map((r) => [r.band, r.tickets]))).toEqual({ before: 1, d0_7: 1, d8_30: 1, d31_90: 1, over_365: 1, unknown: 2 });
    expect(rows.find((r) => r.band === 'unknown')!.share).toBeCloseTo(2 / 7, 12);
    const byChannel = await rowsOf(db, supportLifeSql('channel'));
    // email: T1 0–7, T4 8–30, T5 over 365, T7 unknown → 1 ÷ 4 each.
    expect(byChannel.filter((r) => r.grp === 'email').map((r) => [r.band, r.tickets, r.share])).toEqual([
      ['d0_7', 1, 0.25], ['d8_30', 1, 0.25], ['over_365', 1, 0.25], ['unknown', 1, 0.25],
    ]);
  });

  it('says how many tickets could not be joined to the orders', async () => {
    // T7 has no customer; X99 (T6) is not in the orders.
    expect(await rowsOf(db, SUPPORT_COVERAGE_SQL)).toEqual([{ tickets: 7, anonymous: 1, not_in_orders: 1 }]);
  });
});
