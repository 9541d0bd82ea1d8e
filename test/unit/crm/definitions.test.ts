import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { rowsOf } from '../analyses/fixture';
import { loadCrmFixture } from './crm-fixture';
import type { SqlQuery } from '../../../src/analyses/sql-fragment';
import { npsCsatSql, surveyCoverageSql } from '../../../src/analyses/crm/nps-csat';
import { SUPPORT_COVERAGE_SQL, supportLifeSql, supportSummarySql } from '../../../src/analyses/crm/support';
import { acquisitionByChannelSql, acquisitionByMonthSql, acquisitionCoverageSql } from '../../../src/analyses/crm/acquisition';
import { countriesSql, mapCountries, type CountryRow } from '../../../src/analyses/crm/geography';
import { demographicsSql } from '../../../src/analyses/crm/demographics';
import { CATEGORIES_SQL, GAP_BANDS_SQL, ORDER_BANDS_SQL } from '../../../src/analyses/crm/behaviour';
import { INTERESTS_SQL } from '../../../src/analyses/crm/interests';
import { churnRiskSql, churnRiskSummarySql } from '../../../src/analyses/crm/churn-risk';
import { countryKey } from '../../../src/geo/countries';
import { NPS_CSAT_DEFINITIONS, SURVEY_BREAKDOWNS } from '../../../src/analyses/crm/nps-csat';
import { LIFE_BANDS, SUPPORT_BREAKDOWNS, SUPPORT_DEFINITIONS } from '../../../src/analyses/crm/support';
import { ACQUISITION_DEFINITIONS } from '../../../src/analyses/crm/acquisition';
import { GEOGRAPHY_DEFINITIONS } from '../../../src/analyses/crm/geography';
import { DEMOGRAPHIC_DEFINITIONS, DEMOGRAPHIC_DIMENSIONS } from '../../../src/analyses/crm/demographics';
import { BEHAVIOUR_DEFINITIONS } from '../../../src/analyses/crm/behaviour';
import { INTERESTS_DEFINITIONS } from '../../../src/analyses/crm/interests';
import { CHURN_RISK_DEFINITIONS } from '../../../src/analyses/crm/churn-risk';
import { en } from '../../../src/i18n/messages';

describe('CRM definitions and words', () => {
  it('gives every metric a written definition', () => {
    const all = { NPS_CSAT_DEFINITIONS, SUPPORT_DEFINITIONS, ACQUISITION_DEFINITIONS, GEOGRAPHY_DEFINITIONS, DEMOGRAPHIC_DEFINITIONS, BEHAVIOUR_DEFINITIONS, INTERESTS_DEFINITIONS, CHURN_RISK_DEFINITIONS };
    for (const [name, definitions] of Object.entries(all)) {
      for (const [key, text] of Object.entries(definitions)) expect(text.length, `${name}.${key}`).toBeGreaterThan(20);
    }
    // Each breakdown says what it groups by: no two share a text (a copied definition would).
    for (const texts of [SURVEY_BREAKDOWNS.map((by) => NPS_CSAT_DEFINITIONS[by]), DEMOGRAPHIC_DIMENSIONS.map((by) => DEMOGRAPHIC_DEFINITIONS[by])]) {
      expect(new Set(texts).size).toBe(texts.length);
    }
  });

  it('has a label for every breakdown and band the panels show', () => {
    const keys = [
      ...SURVEY_BREAKDOWNS.map((b) => `crm.nps.by.${b}`),
      ...SUPPORT_BREAKDOWNS.map((b) => `crm.support.by.${b}`),
      ...LIFE_BANDS.map((b) => `crm.life.${b}`),
      ...DEMOGRAPHIC_DIMENSIONS.map((b) => `crm.seg.by.${b}`),
      ...['customers', 'surveys', 'tickets', 'spend'].flatMap((k) => [`crm.what.${k}`, `crm.table.${k}`]),
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });
});

// What each CRM panel shows, field by field (as the component reads it from a result row: row.x, r.x,
// total.x, cell.x, c.x, s.x), and the written definition that explains it. The test checks (1) that the
// component reads no field missing here, (2) that each field here is a column the panel's SQL returns on
// the fixture, (3) that each has a definition. `grp` is the breakdown's label: its definitions are checked
// per breakdown above.
const N = NPS_CSAT_DEFINITIONS, S = SUPPORT_DEFINITIONS, A = ACQUISITION_DEFINITIONS, G = GEOGRAPHY_DEFINITIONS;
const DM = DEMOGRAPHIC_DEFINITIONS, B = BEHAVIOUR_DEFINITIONS, I = INTERESTS_DEFINITIONS, C = CHURN_RISK_DEFINITIONS;
const BREAKDOWN = 'the breakdown';
interface PanelSpec {
  fields: Record<string, string | undefined>;
  /** The column names the panel's queries return on the fixture. */
  columns: (db: NodeDatabase) => Promise<string[]>;
}
const columnsOf = (queries: SqlQuery[]) => async (db: NodeDatabase) =>
  (await Promise.all(queries.map(async (q) => (await db.query(q.sql, { params: q.params })).schema.fields.map((f) => f.name)))).flat();
const bgnbd = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };

const PANELS: Record<string, PanelSpec> = {
  NpsPanel: {
    fields: {
      grp: BREAKDOWN, nps: N.nps, promoters: N.nps, passives: N.nps, detractors: N.nps, nps_answers: N.answers, nps_small: N.small,
      csat: N.csat, satisfied: N.csat, csat_answers: N.answers, csat_small: N.small,
      answers: N.answers, anonymous: N.anonymous, not_in_orders: N.notInOrders, without_profile: N.withoutProfile,
    },
    columns: columnsOf([npsCsatSql({ profiles: true, rfm: false }), npsCsatSql({ profiles: true, rfm: false, by: 'country' }), surveyCoverageSql({ profiles: true })]),
  },
  SupportPanel: {
    fields: {
      grp: BREAKDOWN, tickets: S.tickets, open: S.open, escalation_rate: S.escalationRate, escalated: S.escalationRate, escalation_known: S.escalationRate,
      fcr: S.fcr, first_contact: S.fcr, contacts_known: S.fcr, median_hours: S.medianHours, p90_hours: S.p90Hours,
      band: S.lifeBand, share: S.lifeBand, anonymous: S.anonymous, not_in_orders: S.notInOrders,
    },
    columns: columnsOf([supportSummarySql(), supportSummarySql('channel'), supportLifeSql('channel'), SUPPORT_COVERAGE_SQL]),
  },
  AcquisitionPanel: {
    fields: {
      channel: A.channel, customers: A.customers, revenue: A.revenue, ltv: A.ltv, spend: A.spend, new_customers: A.newCustomers, cac: A.cac,
      ltv_to_cac: A.ltvToCac, month: A.newCustomers,
      from_profile: A.channel, from_orders: A.channel, unknown_channel: A.channel, profiles_not_in_orders: A.customers,
    },
    columns: columnsOf([acquisitionByChannelSql({ profiles: true, spend: true }), acquisitionByMonthSql({ profiles: true, spend: true }), acquisitionCoverageSql({ profiles: true })]),
  },
  GeographyPanel: {
    fields: { key: G.country, values: G.country, country: G.unmatched, customers: G.customers, revenue: G.revenue, net: G.net },
    columns: async (db) => {
      const rows = (await rowsOf(db, countriesSql({ profiles: true }))) as unknown as CountryRow[];
      const mapped = mapCountries(rows, countryKey);
      return [...Object.keys(rows[0]!), ...Object.keys(mapped.countries[0]!)];
    },
  },
  SegmentsPanel: {
    fields: {
      grp: BREAKDOWN, customers: DM.customers, revenue: DM.revenue, ltv: DM.ltv, nps: DM.nps, nps_answers: DM.nps,
      band: B.orders, median_days: B.gap, category: B.categories,
      interest: I.interested, categories: I.match, matched: I.match, interested: I.interested, never_bought: I.neverBought, not_in_orders: I.notInOrders,
    },
    columns: columnsOf([demographicsSql({ by: 'age_band', profiles: true, surveys: true }), ORDER_BANDS_SQL, GAP_BANDS_SQL, CATEGORIES_SQL, INTERESTS_SQL]),
  },
  ChurnPanel: {
    fields: {
      customer_id: C.rhythm, name: C.rhythm, last_day: C.lastDay, rhythm_days: C.rhythm, days_since: C.daysSince, risk: C.risk, p_alive: C.pAlive, ltv: C.ltv,
      overdue: C.overdue, with_rhythm: C.rhythm, overdue_low_p_alive: C.pAlive,
    },
    columns: columnsOf([churnRiskSql({ bgnbd, onlyOverdue: true }), churnRiskSummarySql({ bgnbd })]),
  },
};

describe('every figure the CRM panels show has a definition', () => {
  let db: NodeDatabase;
  beforeAll(async () => {
    db = await NodeDatabase.open();
    await loadCrmFixture(db);
  });

  for (const [panel, spec] of Object.entries(PANELS)) {
    it(`${panel}: each field it shows is a column of its SQL and has a written definition`, async () => {
      const source = readFileSync(resolve(import.meta.dirname, `../../../src/components/crm/${panel}.svelte`), 'utf8');
      const read = [...new Set([...source.matchAll(/\b(?:row|r|total|cell|c|s)\.([a-z][a-z0-9_]*)\b/g)].map((m) => m[1]!))];
      expect(read.length, `${panel} reads fields`).toBeGreaterThan(2);
      expect(read.filter((f) => !(f in spec.fields)), `${panel}: shown without a definition`).toEqual([]);
      const columns = new Set(await spec.columns(db));
      expect(Object.keys(spec.fields).filter((f) => !columns.has(f)), `${panel}: not returned by its SQL`).toEqual([]);
      for (const [field, text] of Object.entries(spec.fields)) expect(text?.length ?? 0, `${panel}.${field}`).toBeGreaterThan(10);
    });
  }
});
