// SQL expressions that turn a source column of any type into the canonical value.
import { quoteLiteral } from '../db/sql';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/i;
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/i;
const TEMPORAL = /^(DATE|TIMESTAMP.*|TIMESTAMP_(S|MS|NS))$/i;

export const isNumericType = (type: string) => NUMERIC.test(type);

/** How a date column's values become TIMESTAMPs. */
export type DateParsing =
  | { kind: 'native' }
  | { kind: 'yyyymmdd' }
  | { kind: 'epoch-seconds' }
  | { kind: 'epoch-millis' }
  | { kind: 'text'; formats: string[]; ambiguousDayMonth: boolean };

/**
 * Formats tried on text dates, most specific first. Time-zone suffixes are stripped before
 * parsing (see `dateSql`), so every timestamp is the wall-clock time the export wrote.
 */
export const DATE_FORMATS = [
  '%Y-%m-%d %H:%M:%S.%f',
  '%Y-%m-%d %H:%M:%S',
  '%Y-%m-%d %H:%M',
  '%Y-%m-%d',
  '%Y/%m/%d %H:%M:%S',
  '%Y/%m/%d',
  '%d/%m/%Y %H:%M:%S',
  '%d/%m/%Y %H:%M',
  '%d/%m/%Y',
  '%m/%d/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M',
  '%m/%d/%Y',
  '%d.%m.%Y %H:%M:%S',
  '%d.%m.%Y %H:%M',
  '%d.%m.%Y',
  '%d-%m-%Y',
  '%Y%m%d',
  '%d %b %Y',
  '%b %d %Y',
  '%b %d, %Y',
  '%B %d, %Y',
  '%d %B %Y',
] as const;

/** The text as it goes to strptime: trimmed, ISO 'T' as a space, trailing zone (Z, +02:00, -0500, UTC) removed. */
export function normalisedDateText(column: string): string {
  return `regexp_replace(replace(trim(CAST(${column} AS VARCHAR)), 'T', ' '), '\\s*(Z|UTC|GMT|[+-][0-9]{2}:?[0-9]{2})$', '')`;
}

/** @param column an already-quoted identifier or expression */
export function dateSql(column: string, parsing: DateParsing): string {
  switch (parsing.kind) {
    case 'native':
      return `CAST(${column} AS TIMESTAMP)`;
    case 'yyyymmdd':
      return `try_strptime(CAST(${column} AS VARCHAR), '%Y%m%d')`;
    case 'epoch-seconds':
      return `make_timestamp(CAST(${column} AS BIGINT) * 1000000)`;
    case 'epoch-millis':
      return `make_timestamp(CAST(${column} AS BIGINT) * 1000)`;
    case 'text': {
      if (parsing.formats.length === 0) return 'CAST(NULL AS TIMESTAMP)';
      const text = normalisedDateText(column);
      const tries = parsing.formats.map((format) => `try_strptime(${text}, ${quoteLiteral(format)})`);
      return tries.length === 1 ? tries[0]! : `COALESCE(${tries.join(', ')})`;
    }
  }
}

/**
 * Money as a DOUBLE. Text amounts lose currency symbols and spaces; a comma is the decimal
 * separator when it is the only separator before 1–2 final digits or follows dot-grouped
 * thousands (1.234,50), otherwise commas are thousands separators (1,234.50).
 */
export function amountSql(column: string, type: string): string {
  if (isNumericType(type)) return `CAST(${column} AS DOUBLE)`;
  const digits = `regexp_replace(trim(CAST(${column} AS VARCHAR)), '[^0-9,.\\-]', '', 'g')`;
  return `TRY_CAST(CASE
    WHEN regexp_matches(${digits}, '^-?[0-9]{1,3}(\\.[0-9]{3})+,[0-9]+$') OR regexp_matches(${digits}, '^-?[0-9]+,[0-9]{1,2}$')
      THEN replace(replace(${digits}, '.', ''), ',', '.')
    ELSE replace(${digits}, ',', '') END AS DOUBLE)`;
}

/**
 * Ids as trimmed text. Numeric ids written as floats (17850.0, as in the UCI Online Retail file)
 * lose the ".0" so that the same customer has one id whichever tool wrote the file. The pattern is
 * tried only on ids with a dot: the others never match it, and the regular expression on every id
 * cost ~0.1 s of ~2.1 s building staged_lines from 1M rows (Node build).
 */
export function idSql(column: string, type: string): string {
  if (INTEGER.test(type)) return `CAST(${column} AS VARCHAR)`;
  const text = `trim(CAST(${column} AS VARCHAR))`;
  return `NULLIF(CASE WHEN contains(${text}, '.') THEN regexp_replace(${text}, '^([0-9]+)\\.0+$', '\\1') ELSE ${text} END, '')`;
}

export function textSql(column: string): string {
  return `NULLIF(trim(CAST(${column} AS VARCHAR)), '')`;
}

/** Which way a DATE-ish column should be parsed, judged from its DuckDB type alone. */
export function dateParsingForType(type: string): DateParsing | 'detect-integer' | 'detect-text' {
  if (TEMPORAL.test(type)) return { kind: 'native' };
  if (INTEGER.test(type) || /^(DOUBLE|FLOAT|REAL)$/i.test(type)) return 'detect-integer';
  return 'detect-text';
}

/** Counts, on a sample of distinct values, how many each candidate format parses. */
export function dateFormatHitsSql(table: string, column: string): string {
  const text = normalisedDateText(column);
  const counts = DATE_FORMATS.map((format, i) => `count(try_strptime(${text}, ${quoteLiteral(format)}))::DOUBLE AS f${i}`);
  return `SELECT count(*)::DOUBLE AS total, ${counts.join(', ')}
    FROM (SELECT DISTINCT ${column} FROM ${table} WHERE ${column} IS NOT NULL LIMIT 20000)`;
}

/** Picks the formats to try, in order, from the hit counts of `dateFormatHitsSql`. */
export function chooseDateFormats(hits: Record<string, number>): DateParsing {
  const scored = DATE_FORMATS.map((format, i) => ({ format: format as string, hits: hits[`f${i}`] ?? 0 })).filter((c) => c.hits > 0);
  // 03/04/2024 parses both ways: keep the reading that parses more values (a 13/04 settles it), and
  // day-first on a tie, which is what most of the world writes; the quality report says so.
  const dayFirst = scored.filter((c) => c.format.startsWith('%d/')).reduce((n, c) => n + c.hits, 0);
  const monthFirst = scored.filter((c) => c.format.startsWith('%m/')).reduce((n, c) => n + c.hits, 0);
  const drop = monthFirst > dayFirst ? '%d/' : '%m/';
  const chosen = scored.filter((c) => !c.format.startsWith(drop));
  // Keep the catalogue order (most specific first): a date-only format would otherwise cut the time off.
  return {
    kind: 'text',
    formats: chosen.map((c) => c.format),
    ambiguousDayMonth: dayFirst > 0 && monthFirst > 0 && dayFirst === monthFirst,
  };
}

/** For integer date columns: YYYYMMDD, epoch seconds or epoch milliseconds, judged from the range. */
export function integerDateSql(table: string, column: string): string {
  return `SELECT min(${column})::DOUBLE AS lo, max(${column})::DOUBLE AS hi FROM ${table}`;
}

export function chooseIntegerDateParsing(lo: number | null, hi: number | null): DateParsing | null {
  if (lo == null || hi == null) return null;
  if (lo >= 19000101 && hi <= 21001231) return { kind: 'yyyymmdd' };
  if (lo >= 1e8 && hi <= 4.2e9) return { kind: 'epoch-seconds' };
  if (lo >= 1e11 && hi <= 4.2e12) return { kind: 'epoch-millis' };
  return null;
}
