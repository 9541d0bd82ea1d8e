// What a notebook cell may read: the loaded tables, the app's views and earlier cells' results,
// nothing else. DuckDB reads files and URLs from SQL (read_csv('https://…'), FROM 'x.csv',
// FROM "https://…", ATTACH, COPY …) and runs SQL text (query('…')); a recipe link carries cells
// written by someone else, so "Run all" on it must not reach their server or this device's
// files. Checked on the cell's text with the notebook's lexer before anything reaches the engine;
// when in doubt, refuse.
import { scanSql, splitStatements, type SqlToken } from './sql-text';

/**
 * Table functions a cell may call: they make rows from their arguments or describe the catalogue,
 * and read no file, address or SQL text. Every other table function is refused.
 */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'range', 'generate_series', 'unnest', 'repeat', 'repeat_row',
  'duckdb_columns', 'duckdb_constraints', 'duckdb_databases', 'duckdb_dependencies', 'duckdb_functions', 'duckdb_indexes',
  'duckdb_keywords', 'duckdb_schemas', 'duckdb_sequences', 'duckdb_settings', 'duckdb_tables', 'duckdb_types', 'duckdb_views',
  'pragma_table_info',
]);

/**
 * Table functions and table macros of DuckDB 1.4.3 (duckdb_functions() in DuckDB-WASM 1.32)
 * outside the allowed list: refused wherever they are called. A test keeps this list complete.
 */
export const REFUSED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'arrow_scan', 'arrow_scan_dumb', 'checkpoint', 'disable_logging', 'duckdb_approx_database_count', 'duckdb_connection_count',
  'duckdb_extensions', 'duckdb_external_file_cache', 'duckdb_log_contexts', 'duckdb_logs', 'duckdb_logs_parsed', 'duckdb_memory',
  'duckdb_optimizers', 'duckdb_prepared_statements', 'duckdb_secret_types', 'duckdb_secrets', 'duckdb_table_sample',
  'duckdb_temporary_files', 'duckdb_variables', 'enable_logging', 'force_checkpoint', 'glob', 'histogram_values',
  'pragma_collations', 'pragma_database_size', 'pragma_metadata_info', 'pragma_platform', 'pragma_show', 'pragma_storage_info',
  'pragma_user_agent', 'pragma_version', 'query', 'query_table', 'read_blob', 'read_csv', 'read_csv_auto', 'read_text', 'seq_scan',
  'sniff_csv', 'summary', 'test_all_types', 'test_vector_types', 'truncate_duckdb_logs', 'which_secret',
  // Extensions' readers (not in the npm build, and autoload is off; refused should one ever be present).
  'parquet_scan', 'parquet_metadata', 'parquet_schema', 'parquet_file_metadata', 'parquet_kv_metadata', 'parquet_bloom_probe',
  'delta_scan', 'iceberg_scan', 'iceberg_metadata', 'iceberg_snapshots', 'json_execute_serialized_sql', 'load_aws_credentials',
  'sqlite_scan', 'sqlite_attach', 'postgres_scan', 'postgres_query', 'postgres_attach', 'mysql_scan', 'mysql_query',
]);

/** Names of extension readers by their family: read_json, read_parquet, read_xlsx, iceberg_…, anything …_scan. */
const REFUSED_NAME = /^(read_|parquet_|iceberg_|delta_|sqlite_|postgres_|mysql_|json_execute|http)|_scan$/;

/** Statements a cell never runs: they read or write files, attach databases, load code or change settings. */
const REFUSED_STATEMENTS = new Set([
  'ATTACH', 'DETACH', 'COPY', 'EXPORT', 'IMPORT', 'INSTALL', 'LOAD', 'FORCE', 'SET', 'RESET', 'PRAGMA', 'CALL', 'USE', 'CHECKPOINT',
  'EXECUTE', 'PREPARE', 'DEALLOCATE', 'VACUUM', 'UPDATE_EXTENSIONS',
]);

/** Keywords after which a name, a string or a call is read as a table. */
const TABLE_KEYWORDS = new Set(['FROM', 'JOIN', 'DESCRIBE', 'SUMMARIZE', 'SHOW', 'TABLE', 'PIVOT', 'UNPIVOT', 'LATERAL', 'ONLY']);
/** Clause keywords that end a FROM list (a comma after them is no longer between tables). */
const FROM_ENDS = new Set(['WHERE', 'GROUP', 'HAVING', 'QUALIFY', 'WINDOW', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'SELECT', 'RETURNING', 'VALUES', 'PIVOT', 'UNPIVOT']);
/** First words of a parenthesis that holds a query (so a FROM in it lists tables). */
const QUERY_STARTS = new Set(['SELECT', 'FROM', 'WITH', 'VALUES', 'TABLE', 'DESCRIBE', 'SUMMARIZE', 'SHOW', 'PIVOT', 'UNPIVOT']);
/** Words that may stand in table position before a parenthesis without calling a function. */
const NOT_CALLS = new Set(['LATERAL', 'ONLY', 'SELECT', 'WITH', 'VALUES', 'FROM', 'TABLE']);
/** Qualifiers a table name may carry: catalogues and schemas of this database. */
const QUALIFIERS = new Set(['main', 'temp', 'memory', 'system', 'information_schema', 'pg_catalog']);

export type CellAccessProblem =
  /** A table function (or one whose name says it reads files or addresses), by its name as written. */
  | { kind: 'function'; name: string; position: number }
  /** A file name or address where a table goes (a string, or a quoted or dotted name the engine would read as a file). */
  | { kind: 'path'; text: string; position: number }
  /** A statement other than a query. */
  | { kind: 'statement'; keyword: string; position: number };

const upper = (t: SqlToken | undefined) => (t?.kind === 'word' ? t.text.toUpperCase() : '');
const isName = (t: SqlToken | undefined) => t?.kind === 'word' || t?.kind === 'quoted';

function refusedFunction(name: string, inTablePosition: boolean): boolean {
  const lower = name.toLowerCase();
  if (ALLOWED_TABLE_FUNCTIONS.has(lower)) return false;
  return inTablePosition || REFUSED_TABLE_FUNCTIONS.has(lower) || REFUSED_NAME.test(lower);
}

interface Context {
  /** Between FROM and the clause after it: a comma here separates tables. */
  inFrom: boolean;
  /** A FROM here lists tables (the statement itself, or a parenthesis holding a query). */
  query: boolean;
  /** The parenthesis stands where a table goes: its first token is in table position too. */
  table: boolean;
  first: boolean;
}

/** The first thing in `sql` a notebook cell may not do, or null when it only reads tables. */
export function cellAccessProblem(sql: string): CellAccessProblem | null {
  for (const statement of splitStatements(sql)) {
    const problem = statementProblem(statement.text);
    if (problem) return { ...problem, position: problem.position + statement.start };
  }
  return null;
}

function statementProblem(sql: string): CellAccessProblem | null {
  const tokens = scanSql(sql).filter((t) => t.kind !== 'comment');
  const head = tokens.find((t) => t.kind === 'word');
  if (head && REFUSED_STATEMENTS.has(head.text.toUpperCase())) return { kind: 'statement', keyword: head.text.toUpperCase(), position: head.start };

  const stack: Context[] = [{ inFrom: false, query: true, table: false, first: true }];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const previous = tokens[i - 1];
    const next = tokens[i + 1];
    const context = stack[stack.length - 1]!;
    const tablePosition =
      (TABLE_KEYWORDS.has(upper(previous)) && context.query) ||
      (previous?.text === ',' && previous.kind === 'other' && context.inFrom) ||
      (context.first && context.table);
    context.first = false;

    // A function call anywhere (name, comments, then a parenthesis): table functions that read are refused.
    if (isName(token) && next?.kind === 'other' && next.text === '(') {
      const call = !(token.kind === 'word' && NOT_CALLS.has(token.text.toUpperCase()));
      const qualified = previous?.kind === 'other' && previous.text === '.';
      const atTable = tablePosition || (qualified && tableName(tokens, i));
      if (call && refusedFunction(token.text, atTable)) return { kind: 'function', name: token.text, position: token.start };
    }

    if (tablePosition) {
      const path = pathAt(tokens, i, sql);
      if (path) return path;
    }

    if (token.kind === 'other' && token.text === '(') {
      const opensQuery = QUERY_STARTS.has(upper(next)) || next?.text === '(';
      const call = isName(previous) && !NOT_CALLS.has(upper(previous)) && !TABLE_KEYWORDS.has(upper(previous));
      const atTable = tablePosition && !['PIVOT', 'UNPIVOT'].includes(upper(previous));
      stack.push({ inFrom: atTable, query: opensQuery || atTable || !call, table: atTable, first: true });
    } else if (token.kind === 'other' && token.text === ')') {
      if (stack.length > 1) stack.pop();
    } else if (token.kind === 'word') {
      const word = token.text.toUpperCase();
      if ((word === 'FROM' || word === 'JOIN') && context.query) context.inFrom = true;
      else if (FROM_ENDS.has(word)) context.inFrom = false;
    }
  }
  return null;
}

/** Whether the dotted name ending at token `end` starts in table position. */
function tableName(tokens: SqlToken[], end: number): boolean {
  let start = end;
  while (start >= 2 && tokens[start - 1]?.text === '.' && isName(tokens[start - 2])) start -= 2;
  return TABLE_KEYWORDS.has(upper(tokens[start - 1]));
}

/**
 * A file name or address standing where a table goes: a string ('x.csv', E'…', $$…$$), a quoted
 * name with a dot, slash or colon ("https://…"), or a dotted name whose qualifier is not a schema
 * of this database (x.csv): DuckDB reads each of these as a file when no table has that name.
 */
function pathAt(tokens: SqlToken[], i: number, sql: string): CellAccessProblem | null {
  const token = tokens[i]!;
  const next = tokens[i + 1];
  const text = (from: number, to: number) => sql.slice(from, to);
  if (token.kind === 'string') return { kind: 'path', text: token.text, position: token.start };
  // E'…', X'…': a prefix letter glued to a string.
  if (token.kind === 'word' && next?.kind === 'string' && next.start === token.end) return { kind: 'path', text: text(token.start, next.end), position: token.start };
  if (!isName(token)) return null;
  const parts: SqlToken[] = [token];
  let j = i;
  while (tokens[j + 1]?.text === '.' && tokens[j + 1]?.kind === 'other' && isName(tokens[j + 2])) {
    parts.push(tokens[j + 2]!);
    j += 2;
  }
  if (tokens[j + 1]?.text === '(') return null;
  const last = parts[parts.length - 1]!;
  if (parts.some((p) => p.kind === 'quoted' && /[./\\:]/.test(p.text))) return { kind: 'path', text: text(token.start, last.end), position: token.start };
  if (parts.slice(0, -1).some((p) => !QUALIFIERS.has(p.text.toLowerCase()))) {
    // A cell's own qualified tables are temp.main.x or main.x; anything else is taken for a path.
    return { kind: 'path', text: text(token.start, last.end), position: token.start };
  }
  return null;
}
