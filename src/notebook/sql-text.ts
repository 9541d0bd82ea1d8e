// A small lexer for the SQL people type in notebook cells: enough to tell statements, identifiers
// and placeholders apart from strings and comments, which the engine alone cannot tell us before
// running anything.
import { quoteLiteral } from '../db/sql';

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'comment' | 'param' | 'semicolon' | 'other';

export interface SqlToken {
  kind: SqlTokenKind;
  /** For `quoted`, the identifier without its quotes; otherwise the source text. */
  text: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u00C0-\uFFFF]/;
const WORD_PART = /[A-Za-z0-9_$\u00C0-\uFFFF]/;

/** Splits SQL into tokens; whitespace is dropped. An unterminated string or comment runs to the end. */
export function scanSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const until = (close: string, from: number) => {
    const at = sql.indexOf(close, from);
    return at < 0 ? sql.length : at + close.length;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      i = sql.indexOf('\n', i);
      if (i < 0) i = sql.length;
      tokens.push({ kind: 'comment', text: sql.slice(start, i), start, end: i });
    } else if (c === '/' && sql[i + 1] === '*') {
      i = until('*/', i + 2);
      tokens.push({ kind: 'comment', text: sql.slice(start, i), start, end: i });
    } else if (c === "'" || c === '"') {
      // A doubled quote inside is the quote itself.
      i++;
      while (i < sql.length && !(sql[i] === c && sql[i + 1] !== c)) i += sql[i] === c ? 2 : 1;
      i = Math.min(i + 1, sql.length);
      const body = sql.slice(start + 1, i - 1).replaceAll(c + c, c);
      tokens.push(c === '"' ? { kind: 'quoted', text: body, start, end: i } : { kind: 'string', text: sql.slice(start, i), start, end: i });
    } else if (c === '$' && /^\$\d+/.test(sql.slice(i))) {
      i += /^\$\d+/.exec(sql.slice(i))![0].length;
      tokens.push({ kind: 'param', text: sql.slice(start, i), start, end: i });
    } else if (c === '$' && /^\$\w*\$/.test(sql.slice(i))) {
      const tag = /^\$\w*\$/.exec(sql.slice(i))![0];
      i = until(tag, i + tag.length);
      tokens.push({ kind: 'string', text: sql.slice(start, i), start, end: i });
    } else if (c === '?') {
      i++;
      tokens.push({ kind: 'param', text: '?', start, end: i });
    } else if (c === ';') {
      i++;
      tokens.push({ kind: 'semicolon', text: ';', start, end: i });
    } else if (WORD_START.test(c)) {
      while (i < sql.length && WORD_PART.test(sql[i]!)) i++;
      tokens.push({ kind: 'word', text: sql.slice(start, i), start, end: i });
    } else {
      i++;
      tokens.push({ kind: 'other', text: c, start, end: i });
    }
  }
  return tokens;
}

export interface Statement {
  text: string;
  /** Where `text` begins in the SQL it was split from. */
  start: number;
}

/** The statements of `sql`, each trimmed, empty ones (stray semicolons, comments only) left out. */
export function splitStatements(sql: string): Statement[] {
  const statements: Statement[] = [];
  let first = -1;
  let meaningful = false;
  const close = (end: number) => {
    if (meaningful) statements.push({ text: sql.slice(first, end).trim(), start: first });
    first = -1;
    meaningful = false;
  };
  for (const token of scanSql(sql)) {
    if (token.kind === 'semicolon') close(token.start);
    else {
      if (first < 0) first = token.start;
      if (token.kind !== 'comment') meaningful = true;
    }
  }
  close(sql.length);
  return statements;
}

/** The identifiers a statement mentions (unquoted words and "quoted" names), lower-cased as DuckDB compares them. */
export function mentionedNames(sql: string): Set<string> {
  return new Set(scanSql(sql).filter((t) => t.kind === 'word' || t.kind === 'quoted').map((t) => t.text.toLowerCase()));
}

/** The first keyword of a statement, upper-cased, skipping comments and opening parentheses. */
export function firstKeyword(sql: string): string {
  return scanSql(sql).find((t) => t.kind === 'word')?.text.toUpperCase() ?? '';
}

export type InlineParam = string | number | boolean | null;

/**
 * SQL with its `?` placeholders (in order) and `$n` parameters replaced by literals: strings
 * single-quoted with quotes doubled, numbers as numbers, NULL, TRUE/FALSE. For handing a bound
 * query to a person who will edit and run it as text.
 */
export function inlineParams(sql: string, params: readonly unknown[]): string {
  let out = '';
  let from = 0;
  let next = 0;
  for (const token of scanSql(sql)) {
    if (token.kind !== 'param') continue;
    const index = token.text === '?' ? next++ : Number(token.text.slice(1)) - 1;
    if (index < 0 || index >= params.length) throw new Error(`No value for parameter ${token.text} (${params.length} given).`);
    out += sql.slice(from, token.start) + literal(params[index]);
    from = token.end;
  }
  return out + sql.slice(from);
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} cannot be written as a SQL number.`);
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return quoteLiteral(value);
  throw new Error(`A ${typeof value} parameter cannot be written as SQL text.`);
}
