import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { rowsOf } from '../analyses/fixture';
import { npsCsatSql, SMALL_GROUP_ANSWERS, surveyCoverageSql } from '../../../src/analyses/crm/nps-csat';
import { loadCrmFixture } from './crm-fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadCrmFixture(db);
  await db.query(`CREATE TEMP TABLE rfm_customers AS SELECT * FROM (VALUES ('C01', 'Champions'), ('C02', 'Champions'), ('C04', 'At risk')) AS t(customer_id, rfm_segment)`);
});

const pick = (rows: Record<string, unknown>[]) => rows.map((r) => [r.grp, r.nps_answers, r.nps, r.csat_answers, r.csat]);

describe('NPS and CSAT', () => {
  it('computes the totals over every answer, anonymous and unjoined ones included', async () => {
    const [total] = await rowsOf(db, npsCsatSql({ profiles: true, rfm: true }));
    // NPS answers: C01 10 P, C02 9 P, C04 6 D, C05 7 passive, X99 0 D, anonymous 8 passive, C08 10 P → 7 answers,
    // 3 promoters, 2 detractors: (3 − 2) ÷ 7 × 100 = 14.2857…
    // CSAT: C01 5, C03 4, C04 2, C09 3, anonymous 5 → 5 answers, 3 of them ≥ 4: 60 %.
    expect(total).toMatchObject({ grp: null, nps_answers: 7, promoters: 3, passives: 2, detractors: 2, csat_answers: 5, satisfied: 3, nps_small: true, csat_small: true });
    expect(total!.nps).toBeCloseTo((100 * 1) / 7, 10);
    expect(total!.csat).toBeCloseTo(60, 10);
  });

  it('breaks down by month', async () => {
    const rows = await rowsOf(db, npsCsatSql({ profiles: true, rfm: true, by: 'month' }));
    // 2024-03: NPS C01 P, C02 P, C04 D → (2 − 1) ÷ 3 = 33.3; CSAT C01 5, C03 4, C04 2 → 2 ÷ 3 = 66.7
    // 2024-04: NPS C05 passive, X99 D, anonymous passive, C08 P → 0 ÷ 4 = 0; CSAT C09 3, anonymous 5 → 50
    expect(pick(rows)).toEqual([
      ['2024-03', 3, 100 / 3, 3, 200 / 3],
      ['2024-04', 4, 0, 2, 50],
    ]);
  });

  it('breaks down by country from the customer file, else the orders, with unknown for the rest', async () => {
    const rows = await rowsOf(db, npsCsatSql({ profiles: true, rfm: true, by: 'country' }));
    // C01 → GB (file; orders say UK) P; C02 → UK (orders) P; C04 → France (file) D; C05 → DE (orders) passive;
    // X99 → DE (file only) D; C08 → US P; anonymous → unknown passive. CSAT: C01 GB 5, C03 FR 4, C04 France 2, C09 UK 3, anonymous 5.
    const byCountry = Object.fromEntries(rows.map((r) => [String(r.grp), [r.nps_answers, r.nps, r.csat_answers, r.csat]]));
    expect(byCountry).toEqual({
      DE: [2, -50, 0, null], // (0 − 1) ÷ 2
      GB: [1, 100, 1, 100],
      UK: [1, 100, 1, 0],
      France: [1, -100, 1, 0],
      US: [1, 100, 0, null],
      FR: [0, null, 1, 100],
      null: [1, 0, 1, 100],
    });
    expect(rows.at(-1)!.grp).toBeNull(); // unknown last
  });

  it('breaks down by RFM segment, cohort and saved segment', async () => {
    const rfm = await rowsOf(db, npsCsatSql({ profiles: true, rfm: true, by: 'rfm_segment' }));
    // Champions: C01 P, C02 P → 100 (2); CSAT C01 5 → 100. At risk: C04 D → −100; CSAT 2 → 0.
    // Unknown: C05 passive, X99 D, anonymous passive, C08 P → 0 (4); CSAT C03 4, C09 3, anonymous 5 → 66.7 (3).
    expect(pick(rfm)).toEqual([['Champions', 2, 100, 1, 100], ['At risk', 1, -100, 1, 0], [null, 4, 0, 3, 200 / 3]]);

    const cohort = await rowsOf(db, npsCsatSql({ profiles: true, rfm: true, by: 'cohort_month' }));
    // 2024-03 (C02, C03, C04, C08, C10): NPS C02 P, C04 D, C08 P → 33.3 (3); CSAT C03 4, C04 2 → 50 (2).
    expect(pick(cohort).find((r) => r[0] === '2024-03')).toEqual(['2024-03', 3, 100 / 3, 2, 50]);
    // Not in the orders: X99 and the anonymous answers → unknown: NPS X99 D, anonymous passive → −50; CSAT anonymous 5 → 100.
    expect(pick(cohort).find((r) => r[0] === null)).toEqual([null, 2, -50, 1, 100]);

    const uk = { name: 'UK', combine: 'and' as const, groups: [{ combine: 'and' as const, rules: [{ kind: 'text' as const, field: 'country' as const, op: 'is' as const, value: 'UK' }] }] };
    const bySegment = await rowsOf(db, npsCsatSql({ profiles: true, rfm: true, by: 'segment', segments: [uk] }));
    // UK in the orders: C01, C02, C09 → NPS C01 P, C02 P → 100 (2); CSAT C01 5, C09 3 → 50 (2). The other 5 + 3 answers: unknown.
    expect(pick(bySegment)).toEqual([['UK', 2, 100, 2, 50], [null, 5, -20, 3, 200 / 3]]);
  });

  it('flags groups with fewer answers than the threshold as small', async () => {
    expect(SMALL_GROUP_ANSWERS).toBe(30);
    // 40 promoters for one more customer: that month has 40 answers (not small); 2024-03 keeps 3 (small).
    await db.query(`CREATE OR REPLACE TEMP TABLE survey_backup AS SELECT * FROM survey_answers`);
    await db.query(`INSERT INTO survey_answers SELECT 'C06', TIMESTAMP '2024-01-15', 'nps', 10, NULL FROM range(40)`);
    const rows = await rowsOf(db, npsCsatSql({ profiles: true, rfm: true, by: 'month' }));
    expect(rows.map((r) => [r.grp, r.nps_answers, r.nps_small, r.csat_small])).toEqual([['2024-01', 40, false, true], ['2024-03', 3, true, true], ['2024-04', 4, true, true]]);
    await db.query(`CREATE OR REPLACE TABLE survey_answers AS SELECT * FROM survey_backup`);
  });

  it('says how many answers could not be joined', async () => {
    const [coverage] = await rowsOf(db, surveyCoverageSql({ profiles: true }));
    // 12 answers; 2 anonymous; X99 (1) not in the orders; without a profile row: C02, C05, C08, C03, C09 → 5.
    expect(coverage).toEqual({ answers: 12, anonymous: 2, not_in_orders: 1, without_profile: 5, undated: 0 });
    const [noProfiles] = await rowsOf(db, surveyCoverageSql({ profiles: false }));
    expect(noProfiles!.without_profile).toBeNull();
    // Without a customer file the country comes from the orders alone: C01 counts as UK, X99 as unknown.
    const rows = await rowsOf(db, npsCsatSql({ profiles: false, rfm: false, by: 'country' }));
    expect(rows.find((r) => r.grp === 'UK')).toMatchObject({ nps_answers: 2, nps: 100 });
    expect(rows.find((r) => r.grp === null)).toMatchObject({ nps_answers: 2, nps: -50 });
  });
});
