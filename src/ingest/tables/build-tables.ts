// Builds the canonical CRM tables from the files of one kind and their mappings:
//   crm_staged_<kind>  every row of every file of the kind, parsed, with the reason it is excluded (or NULL)
//   customer_profiles / survey_answers / support_tickets / marketing_spend  (the contract the analytics read)
// Customer keys are made as the orders' (orders-view.ts): the id as text, `17850.0` read as `17850`;
// without an id, the lower-cased e-mail. With orders built, each row's key is resolved against them
// (resolvedCustomerSql), so a file keyed by e-mail joins orders keyed by id, and the other way round.
import type { Database } from '../../db/database';
import { quoteIdentifier, quoteLiteral } from '../../db/sql';
import { normaliseHeader } from '../column-roles';
import { amountSql, dateSql, idSql, normalisedDateText, textSql, type DateParsing } from '../parse-values';
import type { SourceColumn } from '../types';
import { CANONICAL_TABLES, type CrmKind, type CrmMapping, type CrmRole } from './kinds';

export interface CrmSourceSpec {
  /** Position among the loaded files: a later file's row wins over an earlier one's for the same customer. */
  index: number;
  table: string;
  columns: SourceColumn[];
  mapping: CrmMapping;
  /** How each mapped date role is parsed; null when no format fits its values. */
  dates: Partial<Record<CrmRole, DateParsing | null>>;
}

export interface CrmBuildContext {
  /** The canonical `orders` table is built and current: customers can be matched against it. */
  ordersReady: boolean;
  /** 'YYYY-MM-DD': the data's last order day, from which ages are counted; today without orders. */
  asOf: string;
}

export type SurveyKind = 'nps' | 'csat';
/**
 * Why a survey file's answers (those whose question type does not say) were read on a scale:
 * 'values' the share of scores only a 0–10 scale has, 'header' the score column's name,
 * 'default' nothing said NPS, 'user' the user chose it on the card.
 */
export interface SurveyScale {
  kind: SurveyKind;
  reason: 'values' | 'header' | 'default' | 'user';
  /** Share (0..1) of the file's readable 0–10 scores that only NPS has (0, 6–10); null with no such score. */
  npsOnlyShare: number | null;
}
/** At most this share of NPS-only scores (0, 6–10) still reads a file as CSAT; those few are out of range. */
export const MAX_NPS_ONLY_SHARE_FOR_CSAT = 0.05;
/** Score ranges per survey kind, inclusive. */
export const SCORE_RANGES: Record<SurveyKind, [number, number]> = { nps: [0, 10], csat: [1, 5] };

export const stagedTable = (kind: CrmKind) => `crm_staged_${kind}`;

const YES = ['yes', 'y', 'true', 't', '1', 'ja', 'j', 'oui', 'si', 'sí', 'sim', 'escalated', 'x'];
const NO = ['no', 'n', 'false', 'f', '0', 'nein', 'non', 'não', 'nao', 'not escalated', '-'];
const B2B_WORDS = 'b2b|business|company|companies|corporate|enterprise|organi[sz]ation|firm|firma|unternehmen|gewerbe|entreprise|soci[eé]t[eé]|empresa|azienda|bedrijf|zakelijk';
const B2C_WORDS = 'b2c|consumer|private|individual|person|personal|retail customer|privat|privatkunde|particulier|particular|privato|consument|consumidor';
const NPS_WORDS = 'nps|recommend|promoter|empfehl|recomend|recommand|raccomand|aanbevel|aanraden';
const CSAT_WORDS = 'csat|satisf|zufried|soddisf|tevreden';
const ESCAPE_LIST = (words: string[]) => words.map(quoteLiteral).join(', ');

const typeOf = (source: CrmSourceSpec, role: CrmRole) => source.columns.find((c) => c.name === source.mapping[role])?.type ?? 'VARCHAR';
const col = (source: CrmSourceSpec, role: CrmRole) => (source.mapping[role] === undefined ? null : quoteIdentifier(source.mapping[role]!));
const NULL_TEXT = 'CAST(NULL AS VARCHAR)';

function text(source: CrmSourceSpec, role: CrmRole): string {
  const c = col(source, role);
  return c ? textSql(c) : NULL_TEXT;
}

function number(source: CrmSourceSpec, role: CrmRole): string {
  const c = col(source, role);
  return c ? amountSql(c, typeOf(source, role)) : 'CAST(NULL AS DOUBLE)';
}

function timestamp(source: CrmSourceSpec, role: CrmRole): string {
  const c = col(source, role);
  const parsing = source.dates[role];
  return c && parsing ? dateSql(c, parsing) : 'CAST(NULL AS TIMESTAMP)';
}

/**
 * The row's own customer key parts, made as the orders' (orders-view.ts stagedSourceSql): `id` the
 * id as text (`17850.0` → `17850`), `email` the lower-cased e-mail; resolvedCustomerSql joins them.
 */
export function customerKeySql(source: CrmSourceSpec): { id: string; email: string; raw: string } {
  const id = col(source, 'customer_id');
  const email = col(source, 'customer_email') ? `lower(${textSql(col(source, 'customer_email')!)})` : NULL_TEXT;
  return {
    id: id ? idSql(id, typeOf(source, 'customer_id')) : NULL_TEXT,
    email,
    raw: id ? `COALESCE(${textSql(id)}, ${email})` : email,
  };
}

/**
 * The customer key of each staged row (`key_id`, `key_email` from customerKeySql), resolved against
 * the orders when they are built: its id when an order has that customer id; else the customer id
 * of the orders' customer with its e-mail; else its own id, else its e-mail. An e-mail that several
 * order customers share names none of them, so it matches none (the row keeps its own key and is
 * counted as a customer with no order) rather than joining the answers to a guess.
 */
export function resolvedCustomerSql(rows: string, ordersReady: boolean): string {
  if (!ordersReady) return `SELECT * EXCLUDE (key_id, key_email), COALESCE(key_id, key_email) AS customer_id FROM (${rows})`;
  return `SELECT r.* EXCLUDE (key_id, key_email, by_id, by_email),
      CASE WHEN r.by_id IS NOT NULL THEN r.key_id WHEN r.by_email IS NOT NULL THEN r.by_email ELSE COALESCE(r.key_id, r.key_email) END AS customer_id
    FROM (
      SELECT u.*, i.customer_id AS by_id, e.customer_id AS by_email
      FROM (${rows}) u
      LEFT JOIN (SELECT DISTINCT customer_id FROM orders WHERE customer_id IS NOT NULL) i ON i.customer_id = u.key_id
      LEFT JOIN (
        SELECT customer_email, min(customer_id) AS customer_id FROM orders
        WHERE customer_email IS NOT NULL AND customer_id IS NOT NULL
        GROUP BY customer_email HAVING count(DISTINCT customer_id) = 1
      ) e ON e.customer_email = u.key_email
    ) r`;
}

const F_WORDS = ['f', 'female', 'woman', 'women', 'w', 'weiblich', 'frau', 'femme', 'feminin', 'feminine', 'femenino', 'femenina', 'mujer',
  'feminino', 'mulher', 'femmina', 'donna', 'vrouw', 'vrouwelijk', 'v', 'kvinna', 'kobieta', 'girl', 'fem'];
const M_WORDS = ['m', 'male', 'man', 'men', 'mannlich', 'maennlich', 'mann', 'homme', 'masculin', 'masculine', 'hombre', 'masculino', 'homem',
  'maschio', 'uomo', 'mannelijk', 'mezczyzna', 'boy', 'masc'];

/** f/female/woman/weiblich/femme/mujer/… → 'female'; m/male/man/männlich/homme/hombre/… → 'male'; anything else lower-cased and trimmed as given; NULL when empty. */
export function genderSql(column: string): string {
  const word = `lower(trim(CAST(${column} AS VARCHAR)))`;
  const bare = `strip_accents(${word})`;
  return `CASE WHEN ${bare} IN (${ESCAPE_LIST(F_WORDS)}) THEN 'female' WHEN ${bare} IN (${ESCAPE_LIST(M_WORDS)}) THEN 'male' ELSE NULLIF(${word}, '') END`;
}

/** yes/no/true/false/1/0/y/n (and a few languages) → BOOLEAN; anything else NULL. */
export function booleanSql(column: string, type: string): string {
  if (/^BOOL/i.test(type)) return `CAST(${column} AS BOOLEAN)`;
  if (/INT|DOUBLE|FLOAT|DECIMAL|REAL/i.test(type)) return `(${column} <> 0)`;
  const word = `lower(trim(CAST(${column} AS VARCHAR)))`;
  return `CASE WHEN ${word} IN (${ESCAPE_LIST(YES)}) THEN true WHEN ${word} IN (${ESCAPE_LIST(NO)}) THEN false END`;
}

/** Business / company / … → 'B2B'; consumer / private / … → 'B2C'; anything else NULL. */
export function companyTypeSql(column: string): string {
  const word = `lower(trim(CAST(${column} AS VARCHAR)))`;
  return `CASE WHEN regexp_matches(${word}, '(^|[^a-z])(${B2B_WORDS})') THEN 'B2B' WHEN regexp_matches(${word}, '(^|[^a-z])(${B2C_WORDS})') THEN 'B2C' END`;
}

/** Split on , ; | and trimmed, lower-cased, empties dropped; an empty list when none. */
export function interestsSql(column: string): string {
  return `COALESCE(list_filter(list_transform(regexp_split_to_array(lower(CAST(${column} AS VARCHAR)), '[,;|]'), x -> trim(x)), x -> x <> ''), []::VARCHAR[])`;
}

/** A month as its first day: full dates (in the detected format) or month-only text like 2024-01, 01/2024, Jan 2024. */
export function monthSql(column: string, parsing: DateParsing | null | undefined): string {
  const text = normalisedDateText(column);
  const monthOnly = ['%Y-%m', '%Y/%m', '%m/%Y', '%m.%Y', '%b %Y', '%B %Y', '%Y%m'].map((f) => `try_strptime(${text}, ${quoteLiteral(f)})`);
  const full = parsing ? [dateSql(column, parsing)] : [];
  return `CAST(date_trunc('month', COALESCE(${[...full, ...monthOnly].join(', ')})) AS DATE)`;
}

const common = (source: CrmSourceSpec) => `${source.index}::INTEGER AS source, (rowid + 1)::BIGINT AS source_row`;

function customersSource(source: CrmSourceSpec): string {
  const { id, email, raw } = customerKeySql(source);
  const age = col(source, 'age') ? `TRY_CAST(round(${number(source, 'age')}) AS INTEGER)` : 'CAST(NULL AS INTEGER)';
  return `SELECT ${common(source)},
      ${id} AS key_id, ${email} AS key_email, ${email} AS customer_email, ${text(source, 'customer_name')} AS customer_name,
      ${timestamp(source, 'signup_at')} AS signup_at, ${text(source, 'country')} AS country, ${text(source, 'city')} AS city,
      CAST(${timestamp(source, 'birth_date')} AS DATE) AS birth_date,
      CASE WHEN ${age} BETWEEN 0 AND 130 THEN ${age} END AS age_given,
      ${col(source, 'gender') ? genderSql(col(source, 'gender')!) : NULL_TEXT} AS gender,
      ${col(source, 'company_type') ? companyTypeSql(col(source, 'company_type')!) : NULL_TEXT} AS company_type,
      ${text(source, 'industry')} AS industry, ${text(source, 'channel')} AS channel,
      ${col(source, 'interests') ? interestsSql(col(source, 'interests')!) : '[]::VARCHAR[]'} AS interests,
      ${raw} AS raw_customer, ${text(source, 'signup_at')} AS raw_signup_at, ${text(source, 'birth_date')} AS raw_birth_date,
      ${text(source, 'age')} AS raw_age, ${text(source, 'company_type')} AS raw_company_type
    FROM ${quoteIdentifier(source.table)}`;
}

function surveysSource(source: CrmSourceSpec, fileKind: SurveyKind): string {
  const { id, email, raw } = customerKeySql(source);
  const question = col(source, 'question_type') ? `lower(${textSql(col(source, 'question_type')!)})` : NULL_TEXT;
  return `SELECT ${common(source)},
      ${id} AS key_id, ${email} AS key_email, ${timestamp(source, 'answered_at')} AS answered_at,
      CASE WHEN regexp_matches(${question}, '${NPS_WORDS}') THEN 'nps' WHEN regexp_matches(${question}, '${CSAT_WORDS}') THEN 'csat'
        ELSE ${quoteLiteral(fileKind)} END AS kind,
      ${number(source, 'score')} AS score, ${text(source, 'comment')} AS comment,
      ${raw} AS raw_customer, ${text(source, 'answered_at')} AS raw_answered_at, ${text(source, 'score')} AS raw_score
    FROM ${quoteIdentifier(source.table)}`;
}

function ticketsSource(source: CrmSourceSpec): string {
  const { id, email, raw } = customerKeySql(source);
  const escalated = col(source, 'escalated') ? booleanSql(col(source, 'escalated')!, typeOf(source, 'escalated')) : 'CAST(NULL AS BOOLEAN)';
  const contacts = col(source, 'contacts') ? `TRY_CAST(round(${number(source, 'contacts')}) AS INTEGER)` : 'CAST(NULL AS INTEGER)';
  const ticketId = col(source, 'ticket_id') ? idSql(col(source, 'ticket_id')!, typeOf(source, 'ticket_id')) : NULL_TEXT;
  return `SELECT ${common(source)},
      ${ticketId} AS ticket_id, ${id} AS key_id, ${email} AS key_email,
      ${timestamp(source, 'opened_at')} AS opened_at, ${timestamp(source, 'closed_at')} AS closed_at,
      lower(${text(source, 'channel')}) AS channel, ${escalated} AS escalated, ${contacts} AS contacts,
      ${text(source, 'life_stage')} AS life_stage, ${text(source, 'product')} AS product,
      ${raw} AS raw_customer, ${text(source, 'opened_at')} AS raw_opened_at, ${text(source, 'closed_at')} AS raw_closed_at,
      ${text(source, 'escalated')} AS raw_escalated, ${text(source, 'contacts')} AS raw_contacts
    FROM ${quoteIdentifier(source.table)}`;
}

function spendSource(source: CrmSourceSpec): string {
  const month = col(source, 'month') ? monthSql(col(source, 'month')!, source.dates.month) : 'CAST(NULL AS DATE)';
  return `SELECT ${common(source)},
      ${text(source, 'channel')} AS channel, ${month} AS month, ${number(source, 'amount')} AS amount,
      ${text(source, 'channel')} AS raw_customer, ${text(source, 'month')} AS raw_month, ${text(source, 'amount')} AS raw_amount
    FROM ${quoteIdentifier(source.table)}`;
}

/** Why a row is left out of a canonical table, per kind (as SQL over the parsed row). */
function exclusionSql(kind: CrmKind, surveyRange = ''): string {
  switch (kind) {
    case 'customers':
      return `CASE WHEN customer_id IS NULL THEN 'missing_customer' END`;
    case 'surveys':
      return `CASE WHEN raw_score IS NULL THEN 'missing_score' WHEN score IS NULL THEN 'unparseable_score' WHEN NOT (${surveyRange}) THEN 'score_out_of_range' END`;
    case 'tickets':
      return `CASE WHEN raw_opened_at IS NULL THEN 'missing_opened' WHEN opened_at IS NULL THEN 'unparseable_opened' WHEN closed_at < opened_at THEN 'closed_before_opened' END`;
    case 'spend':
      return `CASE WHEN channel IS NULL THEN 'missing_channel' WHEN raw_month IS NULL THEN 'missing_month' WHEN month IS NULL THEN 'unparseable_month'
        WHEN raw_amount IS NULL THEN 'missing_amount' WHEN amount IS NULL THEN 'unparseable_amount' END`;
  }
}

const SCORE_IN_RANGE = Object.entries(SCORE_RANGES).map(([kind, [lo, hi]]) => `(kind = '${kind}' AND score BETWEEN ${lo} AND ${hi})`).join(' OR ');

/** Every row of every file of the kind, parsed, with its exclusion reason. */
export function stagedSql(kind: CrmKind, sources: CrmSourceSpec[], surveyKinds: Record<number, SurveyKind> = {}, ordersReady = false): string {
  const select = (s: CrmSourceSpec) => {
    switch (kind) {
      case 'customers': return customersSource(s);
      case 'surveys': return surveysSource(s, surveyKinds[s.index] ?? 'nps');
      case 'tickets': return ticketsSource(s);
      case 'spend': return spendSource(s);
    }
  };
  const rows = sources.map(select).join('\nUNION ALL BY NAME\n');
  return `CREATE OR REPLACE TABLE ${stagedTable(kind)} AS
    SELECT *, ${exclusionSql(kind, SCORE_IN_RANGE)} AS excluded_reason
    FROM (${kind === 'spend' ? rows : resolvedCustomerSql(rows, ordersReady)})
    ORDER BY source, source_row`;
}

/** Whole years from a birth date to a day: one less when the birthday has not come yet that year. */
const wholeYears = (birth: string, day: string) =>
  `(year(${day}) - year(${birth}) - CASE WHEN strftime(${day}, '%m-%d') < strftime(${birth}, '%m-%d') THEN 1 ELSE 0 END)::INTEGER`;

/** The canonical table of the kind, from its staged rows. */
export function canonicalSql(kind: CrmKind, context: CrmBuildContext): string {
  const staged = stagedTable(kind);
  const table = CANONICAL_TABLES[kind];
  switch (kind) {
    case 'customers': {
      // customer_profiles(customer_id, customer_email, customer_name, signup_at, country, city, birth_date, age,
      //   gender  -- 'female' / 'male' from common words (f, woman, weiblich, femme, mujer… / m, man, männlich, homme,
      //           --   hombre…); any other value lower-cased and trimmed as given; NULL when empty (genderSql)
      //   company_type, industry, channel, interests)
      // A customer on several rows (or in several files) is merged column by column: the latest non-empty value wins.
      const latest = (c: string, present = `${c} IS NOT NULL`) => `arg_max(${c}, ord) FILTER (WHERE ${present}) AS ${c}`;
      const asOf = `${quoteLiteral(context.asOf)}::DATE`;
      return `CREATE OR REPLACE TABLE ${table} AS
        SELECT customer_id, ${['customer_email', 'customer_name', 'signup_at', 'country', 'city', 'birth_date', 'age', 'gender', 'company_type', 'industry', 'channel'].map((c) => latest(c)).join(', ')},
          COALESCE(arg_max(interests, ord) FILTER (WHERE len(interests) > 0), []::VARCHAR[]) AS interests
        FROM (
          SELECT *, COALESCE(age_given, CASE WHEN birth_date <= ${asOf} THEN ${wholeYears('birth_date', asOf)} END) AS age,
            row_number() OVER (ORDER BY source, source_row) AS ord
          FROM ${staged} WHERE excluded_reason IS NULL
        )
        GROUP BY customer_id`;
    }
    case 'surveys':
      return `CREATE OR REPLACE TABLE ${table} AS
        SELECT customer_id, answered_at, kind, score::DOUBLE AS score, comment FROM ${staged} WHERE excluded_reason IS NULL`;
    case 'tickets':
      return `CREATE OR REPLACE TABLE ${table} AS
        SELECT ticket_id, customer_id, opened_at, closed_at, channel, escalated, contacts, life_stage, product
        FROM ${staged} WHERE excluded_reason IS NULL`;
    case 'spend':
      return `CREATE OR REPLACE TABLE ${table} AS
        SELECT channel, month, sum(amount)::DOUBLE AS amount FROM ${staged} WHERE excluded_reason IS NULL GROUP BY channel, month`;
  }
}

export const dropSql = (kind: CrmKind) => [`DROP TABLE IF EXISTS ${CANONICAL_TABLES[kind]}`, `DROP TABLE IF EXISTS ${stagedTable(kind)}`];

/**
 * Counts, for a survey file, the scores that only an NPS scale has (0, 6–10) among the rows whose
 * question type does not say which it is.
 */
export function surveyScaleSql(source: CrmSourceSpec): string {
  const question = col(source, 'question_type') ? `lower(${textSql(col(source, 'question_type')!)})` : NULL_TEXT;
  const score = number(source, 'score');
  return `SELECT count(*) FILTER (WHERE ${score} = 0 OR (${score} > 5 AND ${score} <= 10))::DOUBLE AS nps_only,
      count(*) FILTER (WHERE ${score} BETWEEN 1 AND 5)::DOUBLE AS either
    FROM ${quoteIdentifier(source.table)}
    WHERE NOT COALESCE(regexp_matches(${question}, '${NPS_WORDS}|${CSAT_WORDS}'), false)`;
}

/**
 * The scale of a file's answers whose question type does not say. By share, so one stray score does
 * not flip a file: NPS (0–10) when more than 5% of its readable 0–10 scores are ones only NPS has
 * (0, 6–10); else NPS when the score's (or question's) header says so; else CSAT (1–5), and the few
 * NPS-only scores are counted as out of range. The user's choice on the card wins over all that.
 */
export function chooseSurveyKind(npsOnly: number, either: number, headers: string[], chosen?: SurveyKind): SurveyScale {
  const total = npsOnly + either;
  const npsOnlyShare = total > 0 ? npsOnly / total : null;
  if (chosen) return { kind: chosen, reason: 'user', npsOnlyShare };
  if (npsOnlyShare !== null && npsOnlyShare > MAX_NPS_ONLY_SHARE_FOR_CSAT) return { kind: 'nps', reason: 'values', npsOnlyShare };
  const said = headers.map(normaliseHeader).join(' ');
  if (new RegExp(NPS_WORDS).test(said)) return { kind: 'nps', reason: 'header', npsOnlyShare };
  return { kind: 'csat', reason: npsOnlyShare === null ? 'default' : 'values', npsOnlyShare };
}

/** The scale the user chose for a survey file, kept in its mapping (so it is stored with it): see ScaleRole in kinds.ts. */
export const chosenScale = (mapping: CrmMapping): SurveyKind | undefined =>
  mapping.nps_scale !== undefined ? 'nps' : mapping.csat_scale !== undefined ? 'csat' : undefined;

/** (Re)builds the staged and canonical table of one kind from its complete files; drops them when there are none. Returns each survey file's scale. */
export async function buildCrmTable(db: Database, kind: CrmKind, sources: CrmSourceSpec[], context: CrmBuildContext): Promise<Record<number, SurveyScale>> {
  if (sources.length === 0) {
    for (const sql of dropSql(kind)) await db.query(sql);
    return {};
  }
  const scales: Record<number, SurveyScale> = {};
  if (kind === 'surveys') {
    for (const source of sources) {
      const row = (await db.query(surveyScaleSql(source))).get(0);
      const headers = [source.mapping.score, source.mapping.question_type].filter((h): h is string => h !== undefined);
      scales[source.index] = chooseSurveyKind(Number(row?.nps_only ?? 0), Number(row?.either ?? 0), headers, chosenScale(source.mapping));
    }
  }
  const surveyKinds = Object.fromEntries(Object.entries(scales).map(([index, scale]) => [index, scale.kind])) as Record<number, SurveyKind>;
  await db.query(stagedSql(kind, sources, surveyKinds, context.ordersReady));
  await db.query(canonicalSql(kind, context));
  return scales;
}
