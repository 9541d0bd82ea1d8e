// The tables a user can load beside the orders, the roles their columns can play, and what each needs.

/** What a loaded file is. `orders` goes to the orders pipeline; the others build one canonical CRM table each. */
export const TABLE_KINDS = ['orders', 'customers', 'surveys', 'tickets', 'spend'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

export const CRM_KINDS = ['customers', 'surveys', 'tickets', 'spend'] as const;
export type CrmKind = (typeof CRM_KINDS)[number];

/** The canonical table each kind builds (the contract the analytics read). */
export const CANONICAL_TABLES: Record<CrmKind, string> = {
  customers: 'customer_profiles',
  surveys: 'survey_answers',
  tickets: 'support_tickets',
  spend: 'marketing_spend',
};

/** The roles a column can play, per kind, in the order the mapping editor shows them. */
export const KIND_ROLES = {
  customers: ['customer_id', 'customer_email', 'customer_name', 'signup_at', 'country', 'city', 'birth_date', 'age', 'gender', 'company_type', 'industry', 'channel', 'interests'],
  surveys: ['customer_id', 'customer_email', 'answered_at', 'question_type', 'score', 'comment'],
  tickets: ['ticket_id', 'customer_id', 'customer_email', 'opened_at', 'closed_at', 'channel', 'escalated', 'contacts', 'life_stage', 'product'],
  spend: ['channel', 'month', 'amount'],
} as const;

export type CrmRole = (typeof KIND_ROLES)[CrmKind][number];

/**
 * A survey file's scale chosen by the user, kept in its mapping so it is stored and restored with
 * it: `nps_scale` (or `csat_scale`) holds the score column's name and means "read its scores as NPS
 * 0–10 (CSAT 1–5)". Not a column role: the mapping editor does not list it and no column is taken by it.
 */
export const SCALE_ROLES = ['nps_scale', 'csat_scale'] as const;
export type ScaleRole = (typeof SCALE_ROLES)[number];

/** Which column plays which role in one CRM file. A role left out is not in the file. */
export type CrmMapping = Partial<Record<CrmRole | ScaleRole, string>>;

/** Roles whose values are dates or timestamps: each gets its own format detection. */
export const DATE_ROLES: readonly CrmRole[] = ['signup_at', 'birth_date', 'answered_at', 'opened_at', 'closed_at', 'month'];

/** What a kind cannot be built without, as the user would name it. */
export type MissingRequirement = 'customer' | 'score' | 'opened_at' | 'channel' | 'month' | 'amount';

export function missingRequirements(kind: CrmKind, mapping: CrmMapping): MissingRequirement[] {
  switch (kind) {
    case 'customers':
      return mapping.customer_id === undefined && mapping.customer_email === undefined ? ['customer'] : [];
    case 'surveys':
      return mapping.score === undefined ? ['score'] : [];
    case 'tickets':
      return mapping.opened_at === undefined ? ['opened_at'] : [];
    case 'spend':
      return (['channel', 'month', 'amount'] as const).filter((role) => mapping[role] === undefined);
  }
}

/** The mapping restricted to the roles a kind knows (after the user changes a file's kind). */
export function mappingForKind(kind: CrmKind, mapping: CrmMapping): CrmMapping {
  const roles: readonly (CrmRole | ScaleRole)[] = kind === 'surveys' ? [...KIND_ROLES[kind], ...SCALE_ROLES] : KIND_ROLES[kind];
  return Object.fromEntries(Object.entries(mapping).filter(([role]) => roles.includes(role as CrmRole))) as CrmMapping;
}
