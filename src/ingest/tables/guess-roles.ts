// Guesses, for a CRM file, which column plays which role, and what kind of table the file is.
// The same scoring as the orders' guesser (../column-roles.ts): header synonyms in several languages,
// most preferred first, matched whole (1), inside a longer header (0.4–0.7) or at the end of a
// compound word (0.45); bare words weakly (0.5); evidence from the values; one column per role.
import { AGREEMENT_BONUS, BARE_HEADERS, BARE_SCORE, RANK_STEP, ROLE_SYNONYMS, guessColumnRoles, isTemporalType, normaliseHeader, synonymScore } from '../column-roles';
import type { SourceColumn } from '../types';
import { KIND_ROLES, type CrmKind, type CrmMapping, type CrmRole, type TableKind } from './kinds';

interface RoleSpec {
  synonyms: readonly string[];
  bare?: readonly string[];
  /** The values' type: a numeric column never holds text roles, a temporal one only date roles. */
  holds: 'text' | 'number' | 'date' | 'any';
  /** 0..1 from the example values alone. */
  values?: (column: SourceColumn) => number;
}

const EMAIL = /^\S+@\S+$/;
const YES_NO = new Set(['yes', 'no', 'y', 'n', 'true', 'false', 't', 'f', '1', '0', 'ja', 'nein', 'oui', 'non', 'si', 'sim', 'nao']);
const TICKET_CHANNELS = new Set(['email', 'e mail', 'mail', 'chat', 'live chat', 'phone', 'voice', 'call', 'web', 'web form', 'portal', 'api',
  'sms', 'whatsapp', 'twitter', 'facebook', 'messenger', 'telefon', 'telephone', 'telefono', 'telefoon', 'feedback widget']);
const QUESTION_WORDS = /nps|csat|promoter|recommend|satisf|zufried|empfehl/;
const COMPANY_WORDS = /^(b2b|b2c|business|consumer|company|private|individual|enterprise|corporate|privat|firma|unternehmen|particulier|entreprise|empresa|particular)$/;
const GENDER_WORDS = /^(m|f|w|d|x|male|female|man|woman|non binary|diverse|other|mannlich|weiblich|divers|homme|femme|hombre|mujer|masculino|femenino)$/;

const all = (column: SourceColumn, test: (value: string) => boolean) => column.examples.length > 0 && column.examples.every((v) => test(v.trim()));
const isDateLike = (v: string) => /^\d{4}-\d{1,2}-\d{1,2}([ T]|$)/.test(v) || /^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}( |$)/.test(v);
const isMonthLike = (v: string) => /^\d{4}[-/]\d{1,2}$/.test(v) || /^\d{1,2}[/.]\d{4}$/.test(v) || /^[a-z]{3,9}\.? \d{4}$/i.test(v);
const dateValues = (column: SourceColumn) => (/^(DATE|TIME)/i.test(column.type) || all(column, isDateLike) ? 0.35 : 0);

const CUSTOMER_ID = [...ROLE_SYNONYMS.customer_id, 'requester external id', 'external id', 'requester id', 'customer external id'];
const CUSTOMER_EMAIL = [...ROLE_SYNONYMS.customer_email, 'requester email', 'requester e mail', 'respondent email', 'contact email address'];
const CUSTOMER_NAME = [...ROLE_SYNONYMS.customer_name, 'requester name', 'requester', 'contact'];

export const CRM_ROLE_SPECS: Record<CrmRole, RoleSpec> = {
  customer_id: { synonyms: CUSTOMER_ID, bare: BARE_HEADERS.customer_id, holds: 'any', values: (c) => (all(c, (v) => /^cus_\w+$/.test(v)) ? 0.7 : 0) },
  customer_email: { synonyms: CUSTOMER_EMAIL, holds: 'text', values: (c) => (all(c, (v) => EMAIL.test(v)) ? 0.7 : 0) },
  customer_name: { synonyms: CUSTOMER_NAME, bare: BARE_HEADERS.customer_name, holds: 'text' },
  country: { synonyms: [...ROLE_SYNONYMS.country, 'default address country code', 'default address country', 'country region'], holds: 'text' },
  city: { synonyms: [...ROLE_SYNONYMS.city, 'default address city'], holds: 'text' },
  signup_at: {
    synonyms: ['signup date', 'sign up date', 'signed up at', 'signed up', 'signup at', 'registration date', 'registered at', 'registered', 'customer since',
      'member since', 'create date', 'created at', 'created', 'date created', 'creation date', 'join date', 'joined', 'joined at', 'first seen',
      'account created', 'anmeldedatum', 'registrierungsdatum', 'registriert am', 'kunde seit', 'date d inscription', 'inscrit le', 'date de creation',
      'fecha de registro', 'fecha de alta', 'data de cadastro', 'data de registo', 'data di registrazione', 'registratiedatum', 'klant sinds'],
    holds: 'date', values: dateValues,
  },
  birth_date: {
    synonyms: ['birth date', 'birthdate', 'date of birth', 'dob', 'birthday', 'born', 'geburtsdatum', 'geburtstag', 'date de naissance',
      'fecha de nacimiento', 'data de nascimento', 'data di nascita', 'geboortedatum'],
    holds: 'date',
  },
  age: { synonyms: ['age', 'age years', 'customer age', 'alter', 'edad', 'idade', 'eta', 'leeftijd'], holds: 'number' },
  gender: {
    synonyms: ['gender', 'sex', 'geschlecht', 'sexe', 'genre', 'genero', 'sexo', 'genere', 'sesso', 'geslacht'],
    holds: 'text', values: (c) => (all(c, (v) => GENDER_WORDS.test(normaliseHeader(v))) ? 0.35 : 0),
  },
  company_type: {
    synonyms: ['company type', 'customer type', 'account type', 'business type', 'b2b b2c', 'b2b', 'b2c', 'client type', 'kundentyp', 'kundenart',
      'type de client', 'tipo de cliente', 'tipo cliente', 'tipo di cliente', 'klanttype'],
    bare: ['type', 'segment'], holds: 'text', values: (c) => (all(c, (v) => COMPANY_WORDS.test(normaliseHeader(v))) ? 0.6 : 0),
  },
  industry: { synonyms: ['industry', 'sector', 'vertical', 'branche', 'industrie', 'secteur', 'secteur d activite', 'industria', 'sector de actividad', 'setor', 'settore'], holds: 'text' },
  channel: {
    synonyms: ['acquisition channel', 'channel', 'original source', 'lead source', 'source', 'signup source', 'marketing channel', 'how did you hear about us',
      'utm source', 'utm medium', 'medium', 'via', 'contact channel', 'ticket channel', 'platform', 'network', 'campaign channel', ...ROLE_SYNONYMS.channel],
    holds: 'text', values: (c) => (all(c, (v) => TICKET_CHANNELS.has(normaliseHeader(v))) ? 0.4 : 0),
  },
  interests: {
    synonyms: ['interests', 'interest', 'tags', 'customer tags', 'topics', 'preferences', 'hobbies', 'interessen', 'centres d interet', 'interets',
      'intereses', 'interesses', 'interessi', 'interesses'],
    holds: 'text',
  },
  answered_at: {
    synonyms: ['submitted at', 'submit date', 'date submitted', 'submitted', 'response date', 'responded at', 'answered at', 'completed at', 'end date',
      'survey date', 'date', 'timestamp', 'created at', 'start date', 'datum', 'antwortdatum', 'date de reponse', 'fecha de respuesta', 'fecha',
      'data da resposta', 'data', 'data risposta'],
    holds: 'date', values: dateValues,
  },
  question_type: {
    synonyms: ['question type', 'survey type', 'question', 'survey', 'survey name', 'metric', 'form', 'form name', 'fragetyp', 'frage', 'umfrage',
      'type de question', 'enquete', 'tipo de pregunta', 'tipo de encuesta', 'encuesta', 'tipo de pergunta', 'pesquisa', 'tipo di domanda', 'vraagtype'],
    bare: ['type'], holds: 'text', values: (c) => (all(c, (v) => QUESTION_WORDS.test(normaliseHeader(v))) ? 0.7 : 0),
  },
  score: {
    synonyms: ['score', 'nps score', 'nps', 'csat score', 'csat', 'rating', 'how likely are you to recommend', 'likely to recommend', 'likelihood to recommend',
      'recommend', 'satisfaction score', 'satisfaction', 'overall satisfaction', 'how satisfied', 'bewertung', 'punktzahl', 'weiterempfehlung', 'zufriedenheit',
      'note', 'recommandation', 'satisfaction client', 'puntuacion', 'calificacion', 'valoracion', 'nota', 'pontuacao', 'punteggio', 'voto', 'valutazione',
      'cijfer', 'beoordeling', 'waardering'],
    holds: 'any', values: (c) => (all(c, (v) => /^(10|[0-9])(\.0+)?$/.test(v)) ? 0.3 : 0),
  },
  comment: {
    synonyms: ['comment', 'comments', 'feedback', 'free text', 'remarks', 'reason', 'verbatim', 'notes', 'open answer', 'kommentar', 'anmerkung',
      'begrundung', 'commentaire', 'remarque', 'comentario', 'comentarios', 'observaciones', 'commento', 'opmerking', 'toelichting'],
    holds: 'text',
  },
  ticket_id: {
    synonyms: ['ticket id', 'ticket number', 'ticket no', 'ticket nr', 'ticket', 'case id', 'case number', 'issue id', 'conversation id', 'request id',
      'incident id', 'ticketnummer', 'vorgangsnummer', 'numero de ticket', 'id ticket', 'numero ticket', 'numero do ticket', 'id del ticket'],
    bare: ['id', 'number', 'nr', 'ref'], holds: 'any',
  },
  opened_at: {
    synonyms: ['created at', 'opened at', 'created time', 'created', 'opened', 'open date', 'date opened', 'created date', 'creation date', 'received at',
      'reported at', 'request date', 'submitted at', 'date', 'timestamp', 'erstellt am', 'erstellt', 'eroffnet', 'ouvert le', 'date de creation',
      'fecha de creacion', 'fecha de apertura', 'creado', 'data de abertura', 'data di apertura', 'aangemaakt', 'datum'],
    holds: 'date', values: dateValues,
  },
  closed_at: {
    synonyms: ['closed at', 'solved at', 'resolved at', 'resolved time', 'closed time', 'solved time', 'closed date', 'resolution date', 'date closed',
      'date resolved', 'closed', 'solved', 'resolved', 'geschlossen am', 'gelost am', 'geschlossen', 'ferme le', 'resolu le', 'date de resolution',
      'fecha de cierre', 'fecha de resolucion', 'cerrado', 'data de fechamento', 'data di chiusura', 'opgelost op', 'gesloten op'],
    holds: 'date',
  },
  escalated: {
    synonyms: ['escalated', 'is escalated', 'was escalated', 'escalation', 'escalated to tier 2', 'eskaliert', 'eskalation', 'escalade', 'escalado',
      'escalada', 'escalato', 'geescaleerd'],
    holds: 'any', values: (c) => (all(c, (v) => YES_NO.has(normaliseHeader(v))) ? 0.2 : 0),
  },
  contacts: {
    synonyms: ['contacts', 'contacts until resolution', 'number of contacts', 'contact count', 'replies', 'number of replies', 'agent replies',
      'interactions', 'agent interactions', 'touches', 'touchpoints', 'kontakte', 'anzahl kontakte', 'contacts jusqu a resolution', 'contactos',
      'contatos', 'contatti', 'contactmomenten'],
    holds: 'number',
  },
  life_stage: {
    synonyms: ['life stage', 'lifecycle stage', 'customer stage', 'customer lifecycle', 'lifecycle', 'stage', 'customer status', 'lebenszyklus',
      'kundenphase', 'phase', 'cycle de vie', 'etape', 'etapa', 'ciclo de vida', 'fase', 'levensfase'],
    holds: 'text',
  },
  product: { synonyms: [...ROLE_SYNONYMS.product, 'product area'], bare: BARE_HEADERS.product, holds: 'text' },
  month: {
    synonyms: ['month', 'month start', 'billing month', 'reporting month', 'period', 'monat', 'mois', 'mes', 'mese', 'maand', 'periode', 'date', 'datum', 'fecha', 'data'],
    holds: 'date', values: (c) => (all(c, isMonthLike) ? 0.6 : dateValues(c)),
  },
  amount: {
    synonyms: ['spend', 'ad spend', 'amount spent', 'media spend', 'total spend', 'marketing spend', 'spent', 'cost', 'costs', 'budget', 'investment',
      'amount', 'kosten', 'ausgaben', 'werbeausgaben', 'depenses', 'cout', 'gasto', 'gastos', 'inversion', 'costo', 'custo', 'spesa', 'uitgaven'],
    holds: 'number',
  },
};

const isNumericType = (type: string) => /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|FLOAT|REAL|DOUBLE|DECIMAL.*|NUMERIC.*)$/i.test(type);

function headerScore(header: string, spec: RoleSpec): number {
  if (spec.bare?.includes(header)) return BARE_SCORE;
  const tokens = header.split(' ');
  return spec.synonyms.reduce((best, synonym, rank) => Math.max(best, synonymScore(tokens, synonym.split(' ')) - rank * RANK_STEP), 0);
}

function ruledOut(column: SourceColumn, spec: RoleSpec): boolean {
  if (isTemporalType(column.type)) return spec.holds !== 'date' && spec.holds !== 'any';
  if (isNumericType(column.type)) return spec.holds === 'text';
  return false;
}

function scoreColumn(column: SourceColumn, role: CrmRole): number {
  const spec = CRM_ROLE_SPECS[role];
  if (ruledOut(column, spec)) return 0;
  const named = headerScore(normaliseHeader(column.name), spec);
  const fromValues = spec.values?.(column) ?? 0;
  return Math.max(named, fromValues) + (named > 0 && fromValues > 0 ? AGREEMENT_BONUS : 0);
}

export interface CrmRoleGuess {
  mapping: CrmMapping;
  /** 0..1 per mapped role. */
  confidence: Partial<Record<CrmRole, number>>;
}

/** Best score first, each column one role and each role one column; an e-mail column stays the e-mail (it is the key without an id). */
export function guessTableRoles(kind: CrmKind, columns: SourceColumn[]): CrmRoleGuess {
  const roles: readonly CrmRole[] = KIND_ROLES[kind];
  const candidates = columns
    .flatMap((column) => roles.map((role) => ({ column, role, score: scoreColumn(column, role) })))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score);
  const mapping: CrmMapping = {};
  const confidence: CrmRoleGuess['confidence'] = {};
  const used = new Set<string>();
  for (const { column, role, score } of candidates) {
    if (mapping[role] !== undefined || used.has(column.name)) continue;
    if (role === 'customer_id' && all(column, (v) => EMAIL.test(v)) && mapping.customer_email === undefined) continue;
    mapping[role] = column.name;
    confidence[role] = Math.round(Math.min(1, score) * 100) / 100;
    used.add(column.name);
  }
  return { mapping, confidence };
}

/**
 * The roles that tell one kind of file from another, with their weights: customer ids, names and
 * dates are in every kind, so they say nothing; a score, an escalation flag or a gender do.
 */
const SIGNATURES: Record<CrmKind, Partial<Record<CrmRole, number>>> = {
  customers: { signup_at: 1, birth_date: 1.5, age: 1, gender: 1.5, company_type: 1, industry: 1, interests: 1 },
  surveys: { score: 1.5, question_type: 1, comment: 0.7, answered_at: 0.2 },
  tickets: { ticket_id: 1.5, closed_at: 1.2, escalated: 1.2, contacts: 1, life_stage: 0.7, opened_at: 0.3 },
  spend: { month: 1.2, amount: 1.5, channel: 0.5 },
};
const ORDER_SIGNATURE = { order_id: 1.5, amount: 1, unit_price: 1, quantity: 0.5, currency: 0.5, refund: 0.5, status: 0.3, product: 0.3, category: 0.3 } as const;
/** Header evidence below this (a bare word, a date found from values) does not count towards a kind. */
const MIN_EVIDENCE = 0.45;
/** A CRM kind must reach this much evidence, and more than the orders, to take a file from the orders. */
export const MIN_KIND_SCORE = 0.9;
/** Scores are sums of products of decimals (1.5 × 0.6 = 0.8999…): compared with this tolerance. */
const SCORE_TOLERANCE = 1e-9;
/** Orders ahead of a CRM kind by less than this factor (the CRM kind at ≥ 85% of the orders' evidence) is a close call. */
const CLOSE_CALL_RATIO = 0.85;
/**
 * Headers of per-customer totals (Stripe's "Total Spend", Shopify's "Total Spent", Klaviyo's
 * "Historic Number Of Orders"…): in a customers export, not in an orders one. An amount or refund
 * read from such a column says nothing about orders, and the column says "customers".
 */
const CUSTOMER_TOTALS = /^(total (spend|spent|sales|revenue|orders?|order count|amount spent)|lifetime (value|spend)|customer lifetime value|total customer lifetime value|ltv|clv|orders? count|number of orders|historic number of orders|payment count|refunded volume|dispute losses|delinquent|aov|average order value|avg order value)$/;
/** Values of a customer id, not an order id (Stripe's cus_…). */
const CUSTOMER_ID_VALUES = /^cus_\w+$/;

const NAME_HINTS: [CrmKind, RegExp][] = [
  ['surveys', /survey|nps|csat|feedback|umfrage|enquete|encuesta/i],
  ['tickets', /ticket|support|zendesk|freshdesk|helpdesk|case/i],
  ['spend', /spend|budget|marketing|ads|adwords|kosten|cost/i],
  ['customers', /customer|contact|client|profile|crm|kunden/i],
];

export interface KindGuess {
  kind: TableKind;
  /** Evidence per kind, for tests and for judging close calls. */
  scores: Record<TableKind, number>;
  /** The CRM kind with the most evidence (whether or not it won). */
  bestCrm: CrmKind;
  /**
   * Read as orders, but only just: a CRM kind reached MIN_KIND_SCORE and either came within
   * CLOSE_CALL_RATIO of the orders, or the file has no order id. Such a file must not silently
   * replace loaded orders (CrmTables.receive loads it as `bestCrm` instead).
   */
  closeCall: boolean;
}

/**
 * Which table a file is, from its columns (headers and example values) and, more weakly, its name.
 * Orders unless a CRM kind has clearly more evidence: a misrouted orders file would hide the dashboard.
 */
export function detectTableKind(columns: SourceColumn[], fileName = ''): KindGuess {
  const orders = guessColumnRoles(columns);
  const hasCustomer = orders.mapping.customer_id !== undefined || orders.mapping.customer_email !== undefined;
  const sum = (confidence: Partial<Record<string, number>>, weights: Partial<Record<string, number>>) =>
    Object.entries(weights).reduce((n, [role, w]) => n + ((confidence[role] ?? 0) >= MIN_EVIDENCE ? (confidence[role] ?? 0) * (w ?? 0) : 0), 0);
  const isCustomerTotal = (name: string | undefined) => name !== undefined && CUSTOMER_TOTALS.test(normaliseHeader(name));
  const columnOf = (name: string | undefined) => columns.find((c) => c.name === name);
  // What an orders file has and a customers export does not: an order id that is not a customer's
  // (cus_…), an amount and refund per order rather than per customer.
  const orderConfidence = { ...orders.confidence };
  const orderIdColumn = columnOf(orders.mapping.order_id);
  if (orderIdColumn && all(orderIdColumn, (v) => CUSTOMER_ID_VALUES.test(v))) delete orderConfidence.order_id;
  for (const role of ['amount', 'refund'] as const) if (isCustomerTotal(orders.mapping[role])) delete orderConfidence[role];
  const customerTotals = columns.filter((c) => isCustomerTotal(c.name)).length;
  // Orders without a date column are rare; other tables with an amount-like column ("Total spent") are not.
  const scores: Record<TableKind, number> = {
    orders: sum(orderConfidence, ORDER_SIGNATURE) * (orders.mapping.ordered_at === undefined ? 0.5 : 1),
    customers: 0, surveys: 0, tickets: 0, spend: 0,
  };
  const name = fileName.replace(/\.[^.]*$/, '');
  for (const kind of ['customers', 'surveys', 'tickets', 'spend'] as const) {
    // A spend sheet is about channels, not customers: a customer column means another kind.
    if (kind === 'spend' && hasCustomer) continue;
    const hint = NAME_HINTS.find(([k, pattern]) => k === kind && pattern.test(name)) ? 0.5 : 0;
    scores[kind] = sum(guessTableRoles(kind, columns).confidence, SIGNATURES[kind]) + hint;
  }
  // Each per-customer total column is half a point for customers, one point at most.
  scores.customers += Math.min(1, customerTotals * 0.5);
  const bestCrm = (['customers', 'surveys', 'tickets', 'spend'] as const).reduce((a, b) => (scores[b] > scores[a] ? b : a));
  const reaches = scores[bestCrm] >= MIN_KIND_SCORE - SCORE_TOLERANCE;
  const kind = reaches && scores[bestCrm] > scores.orders ? bestCrm : 'orders';
  const hasOrderId = (orderConfidence.order_id ?? 0) >= MIN_EVIDENCE;
  const closeCall = kind === 'orders' && reaches && (!hasOrderId || scores[bestCrm] >= CLOSE_CALL_RATIO * scores.orders);
  return { kind, scores, bestCrm, closeCall };
}

/** For files the page cannot peek into cheaply (Parquet): the kind its name suggests, else orders. */
export function kindFromName(fileName: string): TableKind {
  if (/order|invoice|sales|transaction|bestell|commande|pedido/i.test(fileName)) return 'orders';
  return NAME_HINTS.find(([, pattern]) => pattern.test(fileName.replace(/\.[^.]*$/, '')))?.[0] ?? 'orders';
}
