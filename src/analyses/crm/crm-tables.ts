// The canonical CRM tables (built by the ingest from the user's files; see src/state/tables.svelte.ts)
// and the empty stand-ins the analyses join when one is not loaded, so each query has one shape.
export const CRM_TABLES = {
  customers: 'customer_profiles',
  surveys: 'survey_answers',
  tickets: 'support_tickets',
  spend: 'marketing_spend',
} as const;
export type CrmKind = keyof typeof CRM_TABLES;
export type CrmPresence = Record<CrmKind, boolean>;

/** Which of the canonical CRM tables exist, and whether the orders-side tables the panels read (and the RFM scores) do. */
export const CRM_PRESENCE_SQL = `SELECT table_name AS name FROM information_schema.tables
  WHERE table_name IN ('customer_profiles', 'survey_answers', 'support_tickets', 'marketing_spend', 'customer_base', 'rfm_customers')`;

/** customer_profiles, or an empty relation with its columns when no customer file is loaded. */
export function profilesRelation(present: boolean): string {
  return present
    ? 'customer_profiles'
    : `(SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS customer_email, NULL::VARCHAR AS customer_name, NULL::TIMESTAMP AS signup_at,
        NULL::VARCHAR AS country, NULL::VARCHAR AS city, NULL::DATE AS birth_date, NULL::INTEGER AS age, NULL::VARCHAR AS gender,
        NULL::VARCHAR AS company_type, NULL::VARCHAR AS industry, NULL::VARCHAR AS channel, []::VARCHAR[] AS interests WHERE FALSE)`;
}

/** rfm_customers (customer_id, rfm_segment), or an empty relation before the dashboard has scored RFM. */
export function rfmRelation(present: boolean): string {
  return present ? '(SELECT customer_id, rfm_segment FROM rfm_customers)' : '(SELECT NULL::VARCHAR AS customer_id, NULL::VARCHAR AS rfm_segment WHERE FALSE)';
}
