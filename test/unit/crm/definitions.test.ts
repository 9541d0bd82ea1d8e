import { describe, expect, it } from 'vitest';
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
    for (const by of SURVEY_BREAKDOWNS) expect(NPS_CSAT_DEFINITIONS[by]).toBeTruthy();
    for (const by of DEMOGRAPHIC_DIMENSIONS) expect(DEMOGRAPHIC_DEFINITIONS[by]).toBeTruthy();
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
