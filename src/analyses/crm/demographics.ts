// Demographic segments from the customer file: age band, gender, company type; with customers,
// revenue, average LTV and, where surveys exist, NPS.
import { raw, sql, type SqlQuery } from '../sql-fragment';
import { profilesRelation } from './crm-tables';

export const DEMOGRAPHIC_DIMENSIONS = ['age_band', 'gender', 'company_type'] as const;
export type DemographicDimension = (typeof DEMOGRAPHIC_DIMENSIONS)[number];
export const AGE_BANDS = ['<25', '25–34', '35–44', '45–54', '55–64', '65+'] as const;

export const DEMOGRAPHIC_DEFINITIONS = {
  age_band: 'Age band: the age in the customer file (as given, or whole years from the birth date to the last day of the orders): under 25, 25–34, 35–44, 45–54, 55–64, 65 and over. No age, or no row in the customer file: "unknown".',
  gender: 'Gender: as written in the customer file. Empty, or no row in the customer file: "unknown".',
  company_type: 'Company type: B2B or B2C, as read from the customer file. Empty, or no row in the customer file: "unknown".',
  customers: 'Customers: customers in the orders with at least one purchase; customers only in the customer file are not counted here (see the join counts).',
  revenue: "Revenue: the group's all-time sales, before refunds.",
  ltv: 'Average LTV: all-time sales minus refunds per customer, averaged over the group.',
  nps: "NPS: (promoters − detractors) ÷ NPS answers × 100 over the NPS answers of the group's customers; answers from customers not in the orders are left out here.",
} as const satisfies Record<string, string>;

const GROUPS: Record<DemographicDimension, string> = {
  age_band: `CASE WHEN p.age IS NULL THEN NULL WHEN p.age < 25 THEN '<25' WHEN p.age < 35 THEN '25–34' WHEN p.age < 45 THEN '35–44'
    WHEN p.age < 55 THEN '45–54' WHEN p.age < 65 THEN '55–64' ELSE '65+' END`,
  gender: `NULLIF(trim(p.gender), '')`,
  company_type: `NULLIF(trim(p.company_type), '')`,
};

/** One row per group (grp NULL: unknown): grp, customers, revenue, ltv, nps_answers, nps (NULL without answers or surveys). */
export function demographicsSql(options: { by: DemographicDimension; profiles: boolean; surveys: boolean }): SqlQuery {
  const nps = options.surveys
    ? `(SELECT customer_id, count(*) AS answers, count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6) AS net_promoters
        FROM survey_answers WHERE kind = 'nps' AND customer_id IS NOT NULL GROUP BY customer_id)`
    : '(SELECT NULL::VARCHAR AS customer_id, 0 AS answers, 0 AS net_promoters WHERE FALSE)';
  const order = options.by === 'age_band' ? `array_position(${JSON.stringify(AGE_BANDS).replaceAll('"', "'")}, grp) NULLS LAST` : 'grp IS NULL, customers DESC, grp';
  return sql`SELECT ${raw(GROUPS[options.by])}::VARCHAR AS grp,
      count(*)::INTEGER AS customers, sum(b.lifetime_revenue)::DOUBLE AS revenue, avg(b.ltv)::DOUBLE AS ltv,
      COALESCE(sum(n.answers), 0)::INTEGER AS nps_answers,
      (100.0 * sum(n.net_promoters) / NULLIF(sum(n.answers), 0))::DOUBLE AS nps
    FROM customer_base b
    LEFT JOIN ${raw(profilesRelation(options.profiles))} p ON p.customer_id = b.customer_id
    LEFT JOIN ${raw(nps)} n ON n.customer_id = b.customer_id
    WHERE b.lifetime_orders > 0
    GROUP BY 1
    ORDER BY ${raw(order)}`;
}
