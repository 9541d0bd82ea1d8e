/** The only way identifiers from users' files reach SQL: double-quoted, quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** For the few places DuckDB takes no parameters (table functions' file names): single-quoted, quotes doubled. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
