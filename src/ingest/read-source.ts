// SQL that turns a registered file into a typed source table and describes it.
import { quoteIdentifier, quoteLiteral } from '../db/sql';
import type { SniffedFile } from './sniff-file';
import type { SourceColumn } from './types';

/**
 * DuckDB's CSV sniffer guesses delimiter, quoting, header, column types and date formats.
 * null_padding keeps a truncated last line (a download cut short) from collapsing the whole
 * file into one column: missing trailing fields become NULL and show up in the quality report.
 */
export function createTableFromCsvSql(table: string, fileName: string, sniffed: SniffedFile): string {
  const options = [`encoding = ${quoteLiteral(sniffed.encoding)}`, 'null_padding = true', 'sample_size = 20480'];
  if (sniffed.gzip) options.push("compression = 'gzip'");
  return `CREATE TABLE ${quoteIdentifier(table)} AS SELECT * FROM read_csv(${quoteLiteral(fileName)}, ${options.join(', ')})`;
}

export const describeSql = (table: string) => `SELECT column_name AS name, column_type AS type FROM (DESCRIBE ${quoteIdentifier(table)})`;

export const rowCountSql = (table: string) => `SELECT count(*)::DOUBLE AS rows FROM ${quoteIdentifier(table)}`;

/** Up to five distinct non-null values per column, from the first rows, as text. */
export function examplesSql(table: string, columns: string[]): string {
  const picks = columns.map(
    (column, i) =>
      `(SELECT list_slice(list(DISTINCT v ORDER BY v), 1, 5) FROM (SELECT CAST(${quoteIdentifier(column)} AS VARCHAR) AS v FROM ${quoteIdentifier(table)} WHERE ${quoteIdentifier(column)} IS NOT NULL LIMIT 1000)) AS c${i}`,
  );
  return `SELECT ${picks.join(', ')}`;
}

export function previewSql(table: string, limit = 20): string {
  return `SELECT * FROM ${quoteIdentifier(table)} LIMIT ${Math.max(0, Math.floor(limit))}`;
}

export function toSourceColumns(described: { name: string; type: string }[], examples: Record<string, unknown>): SourceColumn[] {
  return described.map((column, i) => {
    const values = examples[`c${i}`];
    return { name: column.name, type: column.type, examples: Array.isArray(values) ? values.map(String) : values ? Array.from(values as Iterable<unknown>, String) : [] };
  });
}
