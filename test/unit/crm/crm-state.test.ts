import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { loadFixture } from '../analyses/fixture';
import { CrmState } from '../../../src/state/crm.svelte';
import { CRM_PRESENCE_SQL } from '../../../src/analyses/crm/crm-tables';
import type { Segment } from '../../../src/analyses/segments';
import { PROFILES_SQL, PROFILES_TABLE_SQL, SPEND_SQL, SURVEYS_SQL, TICKETS_SQL } from './crm-fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

const inputs = { orders: true, segments: [], bgnbd: null, scored: 0 };

/** `db`, counting the queries that read survey answers (the NPS panel's) and churn risk's. */
function counting(): { db: NodeDatabase; counts: { nps: number; churn: number } } {
  const counts = { nps: 0, churn: 0 };
  const query = (sql: string, options?: Parameters<NodeDatabase['query']>[1]) => {
    if (sql.includes('survey_answers')) counts.nps++;
    if (sql.includes('rhythm_days')) counts.churn++;
    return db.query(sql, options);
  };
  return { db: Object.create(db, { query: { value: query } }) as NodeDatabase, counts };
}

describe('CrmState', () => {
  it('says which tables are loaded and leaves the panels that need a missing one idle', async () => {
    const crm = new CrmState(db);
    await crm.refresh(inputs);
    expect(crm.presence).toEqual({ customers: false, surveys: false, tickets: false, spend: false, orders: true, rfm: false });
    expect(crm.anyLoaded).toBe(false);
    // Until a CRM table is loaded the tab only says what can be loaded: nothing is computed.
    expect([crm.nps.status, crm.support.status, crm.acquisition.status, crm.churn.status]).toEqual(['idle', 'idle', 'idle', 'idle']);
  });

  it('reads every panel once the CRM tables exist, and follows a breakdown change', async () => {
    for (const statement of [PROFILES_SQL, PROFILES_TABLE_SQL, SURVEYS_SQL, TICKETS_SQL, SPEND_SQL]) await db.query(statement);
    const crm = new CrmState(db);
    await crm.refresh(inputs);
    expect(crm.anyLoaded).toBe(true);
    expect(crm.nps.status).toBe('ready');
    // Without orders nothing can be joined: every panel is idle (the view asks for an orders file).
    const noOrders = new CrmState(db);
    await noOrders.refresh({ ...inputs, orders: false });
    expect([noOrders.nps.status, noOrders.acquisition.status, noOrders.geography.status, noOrders.segments.status]).toEqual(['idle', 'idle', 'idle', 'idle']);
    // The fixture's totals (nps-csat.test.ts, support.test.ts): NPS (3 − 2) ÷ 7 × 100, CSAT 60, FCR 3 ÷ 5.
    expect(crm.nps.data!.total.nps).toBeCloseTo(100 / 7, 10);
    expect(crm.nps.data!.coverage).toMatchObject({ answers: 12, not_in_orders: 1 });
    expect(crm.support.data!.total.fcr).toBeCloseTo(0.6, 12);
    expect(crm.acquisition.data!.channels.map((r) => r.channel)).toEqual(['Web', 'app', 'store', 'tv']);
    expect(crm.geography.data!.unmatched.map((r) => r.country)).toEqual(['Narnia']);
    // X99 is only in the customer file: said beside the map and the demographic table.
    expect([crm.geography.data!.profilesNotInOrders, crm.segments.data!.profilesNotInOrders]).toEqual([1, 1]);
    // kitchen: C04 bought, X99 never (2 interested, 1 never); food: C01, C04 both bought (2, 0); garden: C01, no matching
    // category: no never-bought count, after the matched interests.
    expect(crm.segments.data!.interests!.map((r) => [r.interest, r.interested, r.never_bought])).toEqual([['kitchen', 2, 1], ['food', 2, 0], ['garden', 1, null]]);
    crm.setNpsBy('month');
    await crm.load('nps');
    expect(crm.nps.data!.by).toBe('month');
    expect(crm.nps.data!.groups.map((r) => r.grp)).toEqual(['2024-03', '2024-04']);
  });

  it('adds P(alive) when the CLV model is fitted and exports the overdue customers as CSV', async () => {
    const crm = new CrmState(db);
    await crm.refresh({ ...inputs, bgnbd: { r: 0.25, alpha: 4, a: 0.8, b: 2.5 } });
    expect(crm.churn.data).toMatchObject({ withModel: true, summary: { with_rhythm: 4, overdue: 0 } });
    expect(new TextDecoder().decode(await crm.churnCsv()).split('\r\n')[0]).toBe('customer_id,name,email,purchase_days,first_day,last_day,rhythm_days,days_since,risk,overdue,p_alive,ltv');
    // Interested in kitchen and never bought in Kitchen: X99 (only in the customer file).
    expect(new TextDecoder().decode(await crm.interestCsv('kitchen')).split('\r\n').slice(1, 2)).toEqual(['X99,kitchen,Xia,xia@example.com,false']);
  });

  it('reloads NPS after an RFM scoring only when it is broken down by RFM segment (or by a segment with an RFM rule), and churn only after a new fit', async () => {
    const { db: spy, counts } = counting();
    const crm = new CrmState(spy);
    await crm.refresh(inputs);
    expect(crm.npsBy).toBe('country');
    const base = { ...counts };
    // A date-range change on the dashboard re-scores RFM: NPS by country does not read the scores.
    await crm.refreshFromDashboard({ ...inputs, scored: 1 });
    expect(counts).toEqual(base);
    // A segment saved: not read by country either.
    // The saved list is replaced on each change (SegmentLibrary.saved): a new array is a change, the same one is not.
    const saved: Segment[] = [{ name: 'Lost', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'rfm', segment: 'Lost' }] }] }];
    await crm.refreshFromDashboard({ ...inputs, scored: 1, segments: saved });
    expect(counts).toEqual(base);
    // By RFM segment: a new scoring reloads NPS (total, groups, months, coverage: 4 queries), a saved segment does not.
    crm.setNpsBy('rfm_segment');
    await crm.load('nps');
    const byRfm = { ...counts };
    await crm.refreshFromDashboard({ ...inputs, scored: 2, segments: saved });
    expect(counts).toEqual({ ...byRfm, nps: byRfm.nps + 4 });
    await crm.refreshFromDashboard({ ...inputs, scored: 2, segments: [] });
    expect(counts).toEqual({ ...byRfm, nps: byRfm.nps + 4 });
    // By segment: a saved segment reloads NPS, and so does a scoring while a saved segment has an RFM rule.
    crm.setNpsBy('segment');
    await crm.load('nps');
    const bySegment = { ...counts };
    await crm.refreshFromDashboard({ ...inputs, scored: 2, segments: saved });
    expect(counts.nps).toBe(bySegment.nps + 4);
    await crm.refreshFromDashboard({ ...inputs, scored: 3, segments: saved });
    expect(counts.nps).toBe(bySegment.nps + 8);
    // A new CLV fit: churn risk only.
    const beforeFit = { ...counts };
    await crm.refreshFromDashboard({ ...inputs, scored: 3, segments: saved, bgnbd: { r: 0.25, alpha: 4, a: 0.8, b: 2.5 } });
    expect(counts.nps).toBe(beforeFit.nps);
    expect(counts.churn).toBeGreaterThan(beforeFit.churn);
    expect(crm.churn.data!.withModel).toBe(true);
  });

  it('keeps the presence of the latest refresh when an earlier one answers last', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const slow = Object.create(db, {
      query: {
        value: async (sql: string, options?: Parameters<NodeDatabase['query']>[1]) => {
          // The first presence query answers only after the second refresh finished.
          if (sql === CRM_PRESENCE_SQL && !held) {
            held = true;
            const table = await db.query(sql, options);
            await gate;
            return table;
          }
          return db.query(sql, options);
        },
      },
    }) as NodeDatabase;
    const crm = new CrmState(slow);
    const first = crm.refresh({ ...inputs, orders: false });
    await crm.refresh(inputs);
    expect(crm.presence!.orders).toBe(true);
    release();
    await first;
    // The earlier refresh (orders not built yet) is dropped: the panels stay read.
    expect(crm.presence!.orders).toBe(true);
    expect([crm.nps.status, crm.geography.status]).toEqual(['ready', 'ready']);
  });

  it('keeps the latest answer when requests overlap', async () => {
    const crm = new CrmState(db);
    await crm.refresh(inputs);
    crm.setNpsBy('country');
    const first = crm.load('nps');
    crm.setNpsBy('cohort_quarter');
    await Promise.all([first, crm.load('nps')]);
    expect(crm.nps.data!.by).toBe('cohort_quarter');
  });
});
