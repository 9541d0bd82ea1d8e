// SQL cells: their names, how a cell's result becomes a table later cells read, the order cells
// run in, and where in a cell an engine error points.
import { quoteIdentifier } from '../db/sql';
import type { NotebookCell, SqlCell } from './document';
import { firstKeyword, mentionedNames, splitStatements } from './sql-text';

/** A cell name is an identifier a later cell can write unquoted: a letter or _, then letters, digits, _. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Names the app's own tables and views use, and the tables other parts of the app load. A cell
 * named like one would hide it from every later query (cell results are temporary tables, which
 * DuckDB looks up first), so these are refused; at run time any other existing table is refused too.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'orders', 'order_lines', 'staged_lines', 'customers', 'rfm', 'customer_base', 'customer_orders', 'purchase_days',
  'data_bounds', 'item_codes', 'customer_items', 'all_time_items', 'rfm_customers', 'scope_period', 'prev_scope_period',
  'scope_orders', 'scope_range', 'scope_all', 'scope_customers', 'prev_scope_customers',
  'customer_profiles', 'survey_answers', 'support_tickets', 'marketing_spend',
]);
/**
 * Prefixes of the app's working tables: the dashboard's scope (filters.ts), the value panels
 * (value_rfm_input…), each loaded file (source_N) and the one being loaded (loading_N, dropped by
 * load-source.ts), the CRM staging tables (crm_staged_<kind>, read unqualified by build-tables.ts),
 * the shared report's (report_rfm), and the engine's catalogues.
 */
export const RESERVED_PREFIXES: readonly string[] = ['scope_', 'prev_scope_', 'value_', 'source_', 'loading_', 'crm_staged_', 'report_', 'duckdb_', 'pg_', 'sqlite_'];

// DuckDB's reserved keywords (duckdb_keywords() WHERE keyword_category = 'reserved'): a table with
// one of these names must always be quoted.
const KEYWORDS = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create default deferrable desc ' +
    'describe distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading ' +
    'limit not null offset on only or order pivot pivot_longer pivot_wider placing primary qualify references returning select show some ' +
    'summarize symmetric table then to trailing true union unique unpivot using variadic when where window with').split(' '),
);

export type NameProblem = 'empty' | 'pattern' | 'keyword' | 'reserved' | 'duplicate';

/** What is wrong with a cell's name, or null; `others` are the other SQL cells' names. */
export function nameProblem(name: string, others: readonly string[]): NameProblem | null {
  if (name === '') return 'empty';
  if (!NAME_PATTERN.test(name)) return 'pattern';
  const lower = name.toLowerCase();
  if (KEYWORDS.has(lower)) return 'keyword';
  if (RESERVED_NAMES.has(lower) || RESERVED_PREFIXES.some((p) => lower.startsWith(p))) return 'reserved';
  if (others.some((o) => o.toLowerCase() === lower)) return 'duplicate';
  return null;
}

/** A free name from `base` (made valid), not among `taken`: base, base_2, base_3, … */
export function freeName(base: string, taken: readonly string[]): string {
  let stem = base.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 50) || 'result';
  if (!/^[A-Za-z_]/.test(stem)) stem = `q_${stem}`;
  // A stem with a reserved prefix stays reserved whatever number follows it: move it off the prefix.
  if (RESERVED_PREFIXES.some((p) => stem.toLowerCase().startsWith(p))) stem = `my_${stem}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? stem : `${stem}_${n}`;
    if (nameProblem(name, taken) === null) return name;
  }
}

/** Statements that return rows and can be kept as a table as they are. */
const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'PIVOT', 'UNPIVOT']);
/** Statements that return rows but must be read through a subquery to be kept. */
const WRAPPED_KEYWORDS = new Set(['DESCRIBE', 'SUMMARIZE', 'SHOW']);

export type CellSqlProblem = 'empty' | 'several' | 'not_query';

export interface CellStatement {
  /** What runs: the cell's query kept as the temporary table named after the cell. */
  sql: string;
  /** Where the cell's text starts in `sql`, and where that text starts in the cell. */
  offset: number;
  cellStart: number;
}

/**
 * The statement that runs a cell: its one query stored as a temporary table named after the cell
 * (which later cells read by that name, and which the result table pages through).
 */
export function cellStatement(cell: Pick<SqlCell, 'name' | 'sql'>): CellStatement | CellSqlProblem {
  const statements = splitStatements(cell.sql);
  if (statements.length === 0) return 'empty';
  if (statements.length > 1) return 'several';
  const [statement] = statements as [{ text: string; start: number }];
  const keyword = firstKeyword(statement.text);
  const opensWithParen = statement.text.startsWith('(');
  const create = `CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(cell.name)} AS`;
  // The cell's text starts a line of its own, so the engine's "LINE n" maps back to the cell by a fixed shift.
  if (QUERY_KEYWORDS.has(keyword) || opensWithParen) {
    const prefix = `${create}\n`;
    return { sql: prefix + statement.text, offset: prefix.length, cellStart: statement.start };
  }
  if (WRAPPED_KEYWORDS.has(keyword)) {
    const prefix = `${create} SELECT * FROM (\n`;
    return { sql: `${prefix}${statement.text}\n)`, offset: prefix.length, cellStart: statement.start };
  }
  return 'not_query';
}

/** Earlier SQL cells a cell reads by name, directly. */
export function directInputs(cells: readonly NotebookCell[], index: number): SqlCell[] {
  const cell = cells[index];
  if (!cell || cell.kind !== 'sql') return [];
  const names = mentionedNames(cell.sql);
  return cells.slice(0, index).filter((c): c is SqlCell => c.kind === 'sql' && c.name !== cell.name && names.has(c.name.toLowerCase()));
}

/** A later SQL cell this cell names (it cannot read it: cells read earlier results only), if any. */
export function laterReference(cells: readonly NotebookCell[], index: number): SqlCell | undefined {
  const cell = cells[index];
  if (!cell || cell.kind !== 'sql') return undefined;
  const names = mentionedNames(cell.sql);
  return cells.slice(index + 1).find((c): c is SqlCell => c.kind === 'sql' && names.has(c.name.toLowerCase()));
}

/**
 * The cells to run, in document order, so that cell `index` runs with every earlier result it
 * reads (directly or through other cells) present: those not yet `ready`, then the cell itself.
 */
export function runPlan(cells: readonly NotebookCell[], index: number, ready: (cell: SqlCell) => boolean): SqlCell[] {
  const needed = new Set<number>([index]);
  const visit = (i: number) => {
    for (const input of directInputs(cells, i)) {
      const at = cells.indexOf(input);
      if (needed.has(at) || ready(input)) continue;
      needed.add(at);
      visit(at);
    }
  };
  visit(index);
  return [...needed].sort((a, b) => a - b).map((i) => cells[i]).filter((c): c is SqlCell => c?.kind === 'sql');
}

export interface CellError {
  /** The engine's message, without its own excerpt of the SQL. */
  message: string;
  /** Where in the cell's SQL the engine points (0-based character offset), or null. */
  position: number | null;
  /** 1-based line and column of `position` in the cell. */
  line: number | null;
  column: number | null;
}

/**
 * Reads an engine error for a cell: DuckDB's parser errors come as JSON with a character
 * `position`; binder errors as text with `LINE n: …` and a caret under the spot (the line cut
 * short with "..." when it is long). Both point into the whole statement run; this maps them
 * back into the cell.
 */
export function cellError(raw: string, statement: CellStatement, cellSql: string): CellError {
  let message = raw;
  let position: number | null = null;
  if (raw.trimStart().startsWith('{')) {
    try {
      const data = JSON.parse(raw) as { exception_type?: string; exception_message?: string; position?: string | number };
      message = `${data.exception_type ? `${data.exception_type} Error: ` : ''}${data.exception_message ?? raw}`;
      if (data.position !== undefined && data.position !== '') position = Number(data.position);
    } catch {
      // Not JSON after all: read it as text.
    }
  }
  const excerpt = /\n?\n?LINE (\d+): ([^\n]*)\n( *)\^/.exec(message);
  if (excerpt) {
    message = message.slice(0, excerpt.index).trimEnd();
    position ??= positionFromExcerpt(statement.sql, Number(excerpt[1]), excerpt[2]!, excerpt[3]!.length - `LINE ${excerpt[1]}: `.length);
  }
  const inCell = position === null ? null : position - statement.offset + statement.cellStart;
  if (inCell === null || !(inCell >= 0) || inCell > cellSql.length) return { message, position: null, line: null, column: null };
  const before = cellSql.slice(0, inCell).split('\n');
  return { message, position: inCell, line: before.length, column: before[before.length - 1]!.length + 1 };
}

function positionFromExcerpt(sql: string, line: number, shown: string, caret: number): number | null {
  const lines = sql.split('\n');
  const text = lines[line - 1];
  if (text === undefined || caret < 0) return null;
  let column = caret;
  if (shown.startsWith('...')) {
    const visible = shown.slice(3).replace(/\.\.\.$/, '');
    const at = text.indexOf(visible);
    if (at < 0) return null;
    column = at + caret - 3;
  }
  return lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column;
}
