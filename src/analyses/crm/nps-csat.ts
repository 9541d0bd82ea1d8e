// NPS and CSAT from survey_answers, overall and broken down by month, country, RFM segment, cohort
// and saved customer segment, with the number of answers beside every figure and small groups flagged.
import { segmentPredicate, type Segment } from '../segments';
import { joinSql, raw, sql, type Fragment, type SqlQuery } from '../sql-fragment';
import { profilesRelation, rfmRelation } from './crm-tables';

/** A figure from fewer answers than this is flagged as small: one answer more or less moves it by several points. */
export const SMALL_GROUP_ANSWERS = 30;

export const SURVEY_BREAKDOWNS = ['month', 'country', 'rfm_segment', 'cohort_month', 'cohort_quarter', 'segment'] as const;
export type SurveyBreakdown = (typeof SURVEY_BREAKDOWNS)[number];

export const NPS_CSAT_DEFINITIONS = {
  nps: 'Net Promoter Score: (promoters − detractors) ÷ NPS answers × 100, from −100 to 100. Promoters answered 9 or 10, detractors 0 to 6 (passives 7 or 8 count in the answers only). Every NPS answer counts, anonymous ones too.',
  csat: 'Customer satisfaction (CSAT): the share of CSAT answers scoring 4 or 5 on the 1–5 scale, as a percentage. Every CSAT answer counts, anonymous ones too.',
  answers: 'Answers: the number of survey answers the figure is computed from.',
  small: `Small group: fewer than ${SMALL_GROUP_ANSWERS} answers; the figure can move a lot with a few answers more or less.`,
  month: 'Month: the calendar month the answer was given; answers without a date are "unknown".',
  country: "Country: the customer's country in the customer file; else the country of the customer's latest order that has one. Anonymous answers and customers in neither are \"unknown\".",
  rfm_segment: "RFM segment: the customer's segment as the dashboard last scored it (its date range and grid). Customers it did not score (no purchase in that range, or not in the orders) are \"unknown\".",
  cohort_month: "Cohort: the month of the customer's first purchase. Customers not in the orders (and anonymous answers) are \"unknown\".",
  cohort_quarter: "Cohort: the quarter of the customer's first purchase. Customers not in the orders (and anonymous answers) are \"unknown\".",
  segment: 'Saved segment: each of your saved segments (segment builder), evaluated on all history; a customer in several segments counts in each. Answers from customers in none are "unknown".',
  notInOrders: 'Answers whose customer id matches no customer in the orders: counted in NPS and CSAT, "unknown" in breakdowns that need the orders.',
  withoutProfile: 'Answers whose customer id matches no row of the customer file.',
  anonymous: 'Answers without a customer id: counted in NPS and CSAT, never joined to a customer.',
} as const satisfies Record<string, string>;

export interface SurveyOptions {
  /** Whether customer_profiles exists. */
  profiles: boolean;
  /** Whether rfm_customers exists (the dashboard has scored RFM). */
  rfm: boolean;
  /** Saved segments, for the 'segment' breakdown. */
  segments?: readonly Segment[];
}

const GROUPS: Record<SurveyBreakdown, string> = {
  month: `strftime(a.answered_at, '%Y-%m')`,
  country: 'COALESCE(p.country, b.country)',
  rfm_segment: 'r.rfm_segment',
  cohort_month: 'b.since_month',
  cohort_quarter: 'b.since_quarter',
  segment: 'm.grp',
};

/** (grp, customer_id): each saved segment's customers, all history; RFM rules read rfm_customers. */
function segmentMembers(segments: readonly Segment[], rfm: boolean): Fragment {
  const parts = segments.flatMap((segment) => {
    try {
      const predicate = segmentPredicate(segment, { alias: 'b', rfmRelation: rfm ? 'rfm_customers' : undefined });
      return [sql`SELECT ${segment.name}::VARCHAR AS grp, b.customer_id FROM customer_base b WHERE ${predicate}`];
    } catch {
      return []; // an RFM rule before RFM is scored: that segment cannot be evaluated yet
    }
  });
  return parts.length === 0 ? raw('(SELECT NULL::VARCHAR AS grp, NULL::VARCHAR AS customer_id WHERE FALSE)') : sql`(${joinSql(parts, ' UNION ALL ')})`;
}

/**
 * One row per group (by: none → one row, grp NULL): grp, nps_answers, promoters, passives, detractors,
 * nps (NULL without answers), nps_small, csat_answers, satisfied, csat, csat_small. grp NULL in a
 * breakdown is "unknown". Months ascend; other groups by answers, unknown last.
 */
export function npsCsatSql(options: SurveyOptions & { by?: SurveyBreakdown }): SqlQuery {
  const by = options.by;
  const members = by === 'segment' ? sql`LEFT JOIN ${segmentMembers(options.segments ?? [], options.rfm)} m ON m.customer_id = a.customer_id` : raw('');
  const order = by === 'month' ? 'grp NULLS LAST' : 'grp IS NULL, nps_answers + csat_answers DESC, grp';
  return sql`WITH answers AS (
      SELECT a.kind, a.score, ${raw(by ? GROUPS[by] : 'NULL')}::VARCHAR AS grp
      FROM survey_answers a
      LEFT JOIN customer_base b ON b.customer_id = a.customer_id
      LEFT JOIN ${raw(profilesRelation(options.profiles))} p ON p.customer_id = a.customer_id
      LEFT JOIN ${raw(rfmRelation(options.rfm))} r ON r.customer_id = a.customer_id
      ${members}
    )
    SELECT grp,
      count(*) FILTER (WHERE kind = 'nps')::INTEGER AS nps_answers,
      count(*) FILTER (WHERE kind = 'nps' AND score >= 9)::INTEGER AS promoters,
      count(*) FILTER (WHERE kind = 'nps' AND score > 6 AND score < 9)::INTEGER AS passives,
      count(*) FILTER (WHERE kind = 'nps' AND score <= 6)::INTEGER AS detractors,
      (100.0 * (count(*) FILTER (WHERE kind = 'nps' AND score >= 9) - count(*) FILTER (WHERE kind = 'nps' AND score <= 6))
        / NULLIF(count(*) FILTER (WHERE kind = 'nps'), 0))::DOUBLE AS nps,
      count(*) FILTER (WHERE kind = 'nps') < ${SMALL_GROUP_ANSWERS} AS nps_small,
      count(*) FILTER (WHERE kind = 'csat')::INTEGER AS csat_answers,
      count(*) FILTER (WHERE kind = 'csat' AND score >= 4)::INTEGER AS satisfied,
      (100.0 * count(*) FILTER (WHERE kind = 'csat' AND score >= 4) / NULLIF(count(*) FILTER (WHERE kind = 'csat'), 0))::DOUBLE AS csat,
      count(*) FILTER (WHERE kind = 'csat') < ${SMALL_GROUP_ANSWERS} AS csat_small
    FROM answers
    GROUP BY grp
    ORDER BY ${raw(order)}`;
}

/** One row: answers, anonymous, not_in_orders (answers from customers not in the orders), without_profile (NULL without a customer file), undated. */
export function surveyCoverageSql(options: Pick<SurveyOptions, 'profiles'>): SqlQuery {
  return sql`SELECT count(*)::INTEGER AS answers,
      count(*) FILTER (WHERE a.customer_id IS NULL)::INTEGER AS anonymous,
      count(*) FILTER (WHERE a.customer_id IS NOT NULL AND b.customer_id IS NULL)::INTEGER AS not_in_orders,
      ${raw(options.profiles ? 'count(*) FILTER (WHERE a.customer_id IS NOT NULL AND p.customer_id IS NULL)::INTEGER' : 'NULL::INTEGER')} AS without_profile,
      count(*) FILTER (WHERE a.answered_at IS NULL)::INTEGER AS undated
    FROM survey_answers a
    LEFT JOIN customer_base b ON b.customer_id = a.customer_id
    LEFT JOIN ${raw(profilesRelation(options.profiles))} p ON p.customer_id = a.customer_id`;
}
