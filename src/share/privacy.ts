// The report's privacy rules, as pure functions over aggregates (report.ts applies them):
// small groups are suppressed or merged, their complements too, identifying columns and values
// never pass. `checkReport` re-checks a finished payload and throws if any rule is broken.
import type { Database } from '../db/database';
import { SUPPRESSED, type Figure, type ReportPayload, type ReportTable } from './report-types';

export const DEFAULT_K = 5;

const IDENTIFYING_WORDS = new Set([
  'id', 'ids', 'uuid', 'guid', 'email', 'mail', 'name', 'names', 'firstname', 'lastname', 'surname', 'fullname', 'username', 'login',
  'address', 'street', 'addr', 'phone', 'mobile', 'tel', 'telephone', 'fax', 'zip', 'postcode', 'postal', 'ip', 'ssn', 'iban', 'card',
]);
/** Column names that count customers: a notebook cell is shared only with one, so each row's group size is known. */
export const CUSTOMER_COUNT_COLUMN = /^(n_|num_|count_)?customers$|(^|_)customer_count$|_customers$/i;

/**
 * A column whose name says it identifies a person or an order (id, e-mail, name, address, phone…,
 * as a word of the name: customer_id, CustomerName, e-mail), or that is just "customer": never in a report.
 */
export function isIdentifyingColumn(name: string): boolean {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().replace(/e-mail/g, 'email').split(/[^a-z]+/).filter(Boolean);
  if (words.length === 1 && ['customer', 'client', 'user', 'person', 'buyer'].includes(words[0]!)) return true;
  return words.some((w) => IDENTIFYING_WORDS.has(w)) || words.join('').includes('email');
}

/** A group of `size` customers may be shown: nobody (0) or at least k. */
export const showable = (size: number, k: number) => size === 0 || size >= k;

/**
 * Which cells of a series to suppress, given each cell's customer count. Cells with 1…k−1 customers
 * are suppressed; when the suppressed cells together hold fewer than k customers, their sum could be
 * read off a published total minus the shown cells, so the smallest shown non-empty cells are
 * suppressed with them until the hidden sum reaches k (or nothing is left to add).
 * The sum is of counts, which for overlapping groups (a customer in two periods) overstates the
 * people hidden: a knowingly approximate guard, on top of the exact per-cell rule.
 */
export function suppressionMask(sizes: readonly number[], k: number): boolean[] {
  const mask = sizes.map((n) => n > 0 && n < k);
  let hidden = sizes.reduce((sum, n, i) => sum + (mask[i] ? n : 0), 0);
  if (hidden === 0) return mask;
  const order = sizes.map((n, i) => [n, i] as const).filter(([n, i]) => n > 0 && !mask[i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [n, i] of order) {
    if (hidden >= k) break;
    mask[i] = true;
    hidden += n;
  }
  return mask;
}

/**
 * A list of (label, customers, …values) where each customer has exactly one label (a country, a band):
 * labels with fewer than k customers, and then the smallest others while needed, are merged into one
 * "Other" row, which itself must reach k or is dropped. Rows are kept in their order, at most `limit`.
 */
export function mergeSmall<T extends { customers: number; values: number[] }>(rows: readonly T[], k: number, limit: number): { kept: T[]; other: { customers: number; values: number[] } | null; merged: number } {
  const keep = rows.map((r) => r.customers >= k);
  // Beyond the limit, rows go to Other too.
  let shown = 0;
  rows.forEach((_, i) => {
    if (keep[i] && ++shown > limit) keep[i] = false;
  });
  const otherOf = () => rows.reduce((sum, r, i) => sum + (keep[i] ? 0 : r.customers), 0);
  const smallestFirst = rows.map((r, i) => [r.customers, i] as const).filter(([, i]) => keep[i]).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  for (const [, i] of smallestFirst) {
    const other = otherOf();
    if (other === 0 || other >= k) break;
    keep[i] = false;
  }
  const merged = rows.filter((_, i) => !keep[i]);
  const customers = otherOf();
  const other = customers >= k ? { customers, values: merged.reduce<number[]>((sum, r) => r.values.map((v, j) => (sum[j] ?? 0) + v), []) } : null;
  return { kept: rows.filter((_, i) => keep[i]), other, merged: merged.length };
}

export const hide = (value: Figure, hidden: boolean | undefined): Figure => (hidden ? SUPPRESSED : value);

/** Every string anywhere in a value (keys excluded: they are the report's own schema). */
export function stringsIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** Identifying values shorter than this are matched as whole words only; longer ones also inside any string. */
export const MIN_CONTAINED = 4;
/** Payload substrings compared with identifying values are at most this long (longer values still match whole words). */
const MAX_CONTAINED = 80;

/** Whether `name` is a table or view of the database (customer_profiles exists only once a customer file is loaded). */
export async function hasRelation(db: Database, name: string): Promise<boolean> {
  const t = await db.query(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $1`, { params: [name] });
  return Number(t.getChild('n')?.get(0) ?? 0) > 0;
}

/**
 * SQL (WITH clauses ending in `identifying(token)`) for the identifying values of the data, lower-cased:
 * customer ids, e-mails and names and order ids of `orders` and `order_lines`, and of
 * `customer_profiles` when it exists; each e-mail's local part; each word with a letter of a multi-word value
 * ("Nick 10" gives "nick", not "10", which would match every 10 in the payload).
 */
async function identifyingSql(db: Database): Promise<string> {
  const sources = ['orders', 'order_lines'].flatMap((t) => ['customer_id', 'customer_email', 'customer_name', 'order_id'].map((c) => `SELECT ${c}::VARCHAR AS v FROM ${t}`));
  if (await hasRelation(db, 'customer_profiles')) sources.push(...['customer_id', 'customer_email', 'customer_name'].map((c) => `SELECT ${c}::VARCHAR AS v FROM customer_profiles`));
  return `raw AS (SELECT DISTINCT lower(trim(v)) AS v FROM (${sources.join(' UNION ALL ')}) WHERE v IS NOT NULL AND trim(v) <> ''),
    tokens AS (
      SELECT v AS token FROM raw
      UNION ALL SELECT split_part(v, '@', 1) FROM raw WHERE contains(v, '@')
      UNION ALL SELECT w FROM (SELECT unnest(string_split_regex(v, '\\s+')) AS w FROM raw WHERE regexp_matches(v, '\\s')) WHERE regexp_matches(w, '\\pL')
    ),
    identifying AS (SELECT DISTINCT token FROM tokens WHERE length(token) >= 2)`;
}

/** What identifyingValues found in a payload. */
export interface Identifying {
  strings: Set<string>;
  numbers: Set<number>;
}

/**
 * The payload's strings that hold an identifying value of the data (see identifyingSql), compared
 * case-insensitively: equal to it, one of their words equal to it, or, for a value of at least
 * MIN_CONTAINED characters, containing it ("Dear Hal O'Hara!", "C01.", "o'hara", "jo"); and the
 * `numbers` equal to an identifying value (a numeric customer id such as 17850). All in the engine:
 * the payload's strings go in as one parameter and are cut into words and substrings there, so the
 * data's identifiers (a million customers) never come into JavaScript. With `contained: false`, only
 * whole strings and their words are compared.
 */
export async function identifyingValues(db: Database, strings: readonly string[], numbers: readonly number[] = [], options: { contained?: boolean } = {}): Promise<Identifying> {
  // Whole words only (no containment) for text that is code, as a recipe's SQL: "ines" is in "order_lines".
  const longest = options.contained === false ? 0 : MAX_CONTAINED;
  // One text parameter split in the engine (the seam binds scalars only); U+0001 is the separator, so it is taken out.
  const texts = [...new Set(strings.map((s) => s.replaceAll('\u0001', '')))].filter((s) => s.trim() !== '');
  const integers = [...new Set(numbers.filter((n) => Number.isInteger(n) && n !== 0))];
  if (texts.length === 0 && integers.length === 0) return { strings: new Set(), numbers: new Set() };
  const found = await db.query(
    `WITH ${await identifyingSql(db)},
      payload AS (SELECT DISTINCT unnest(string_split($1, chr(1))) AS text),
      lowered AS (SELECT text, lower(text) AS l FROM payload WHERE text <> ''),
      starts AS (SELECT text, l, unnest(range(1, length(l) - ${MIN_CONTAINED - 1} + 1)) AS i FROM lowered WHERE length(l) >= ${MIN_CONTAINED}),
      spans AS (SELECT text, l, i, unnest(range(${MIN_CONTAINED}, least(length(l) - i + 1, ${longest}) + 1)) AS n FROM starts),
      pieces AS (
        SELECT text, l AS piece FROM lowered
        UNION ALL SELECT text, trim(unnest(string_split_regex(l, '[^\\pL\\pN''’]+')), '''’') FROM lowered
        UNION ALL SELECT text, unnest(string_split_regex(l, '[^\\pL\\pN''’@._-]+')) FROM lowered
        UNION ALL SELECT text, substr(l, i, n) FROM spans
      ),
      nums AS (SELECT DISTINCT unnest(string_split($2, chr(1))) AS n)
    SELECT DISTINCT 's' AS kind, p.text AS value FROM pieces p SEMI JOIN identifying i ON i.token = p.piece
    UNION ALL
    SELECT DISTINCT 'n', x.n FROM nums x SEMI JOIN identifying i ON x.n <> '' AND ltrim(i.token, '0') = ltrim(x.n, '0')`,
    { params: [texts.join('\u0001'), integers.map(String).join('\u0001')] },
  );
  const kinds: string[] = Array.from(found.getChild('kind')?.toArray() ?? [], String);
  const values: string[] = Array.from(found.getChild('value')?.toArray() ?? [], String);
  const out: Identifying = { strings: new Set(), numbers: new Set() };
  kinds.forEach((kind, i) => (kind === 's' ? out.strings.add(values[i]!) : out.numbers.add(Number(values[i]))));
  return out;
}

/** Replaces every string in `value` found in `identifying` by `replacement`, keeping the shape. */
export function scrub<T>(value: T, identifying: ReadonlySet<string>, replacement: string): T {
  if (identifying.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return identifying.has(v) ? replacement : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([key, inner]) => [key, walk(inner)]));
    return v;
  };
  return walk(value) as T;
}

export class PrivacyViolation extends Error {}

const countColumns = (table: ReportTable) => table.columns.flatMap((c, i) => (CUSTOMER_COUNT_COLUMN.test(c) ? [i] : []));

/**
 * Re-checks a finished payload: no identifying column, every customer count 0, suppressed or ≥ k,
 * in every table that has one, every notebook table has one, and every chart draws an included table. Throws PrivacyViolation.
 */
export function checkReport(payload: ReportPayload): void {
  const k = payload.k;
  const tables: [string, ReportTable][] = [
    ['acquisition', payload.acquisition],
    ['rfm', payload.rfm],
    ...payload.facets.map((f) => [`facet ${f.dimension}`, f.values] as [string, ReportTable]),
    ...payload.cells.map((c) => [`cell ${c.name}`, c.table] as [string, ReportTable]),
  ];
  for (const [what, table] of tables) {
    const bad = table.columns.find(isIdentifyingColumn);
    if (bad) throw new PrivacyViolation(`${what}: identifying column ${bad}`);
    const counts = countColumns(table);
    if (counts.length === 0) throw new PrivacyViolation(`${what}: no customer count`);
    for (const row of table.rows) {
      for (const i of counts) {
        const n = row[i];
        if (!(n === SUPPRESSED || (typeof n === 'number' && showable(n, k)))) throw new PrivacyViolation(`${what}: a group of ${String(n)} customers`);
      }
    }
  }
  const names = new Set(payload.cells.map((c) => c.name));
  for (const block of payload.blocks ?? []) {
    const source = block.kind === 'table' ? block.name : block.kind === 'chart' ? block.source : null;
    if (source !== null && !names.has(source)) throw new PrivacyViolation(`${block.kind} of ${source}: its result is not in the report`);
  }
  const activity = payload.activity;
  for (const column of ['new_customers', 'returning_customers', 'lost_customers']) {
    const i = activity.columns.indexOf(column);
    for (const row of activity.rows) {
      const n = row[i];
      if (!(n === SUPPRESSED || (typeof n === 'number' && showable(n, k)))) throw new PrivacyViolation(`activity: ${column} ${String(n)}`);
    }
  }
  for (const [id, [value, previous]] of Object.entries(payload.kpis)) {
    if (!/customers$/.test(id)) continue;
    for (const n of [value, previous]) {
      if (!(n === SUPPRESSED || n === null || showable(n, k))) throw new PrivacyViolation(`KPI ${id}: ${String(n)}`);
    }
  }
}
