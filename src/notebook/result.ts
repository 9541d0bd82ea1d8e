// A cell's result as the notebook shows it: its columns, what kind of values each holds, and the
// rows of one page (never the whole result: it stays in the engine as the cell's table).
import { DataType, type Schema, type Table } from 'apache-arrow';

export type ColumnKind = 'number' | 'temporal' | 'text' | 'boolean' | 'other';

export interface ResultColumn {
  name: string;
  kind: ColumnKind;
  /** The engine's Arrow type, as text (for the column's title). */
  type: string;
}

export type ResultRow = Record<string, unknown>;

/** Rows shown per page of a result. */
export const PAGE_ROWS = 100;
/** Rows a chart draws at most (the first ones of the result). */
export const CHART_ROWS = 10_000;

export function columnKind(type: DataType): ColumnKind {
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isDate(type) || DataType.isTimestamp(type)) return 'temporal';
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isDictionary(type)) return 'text';
  if (DataType.isBool(type)) return 'boolean';
  return 'other';
}

export function resultColumns(schema: Schema): ResultColumn[] {
  return schema.fields.map((f) => ({ name: f.name, kind: columnKind(f.type), type: String(f.type) }));
}

/**
 * Rows as plain objects for the fields asked (all by default), dates and timestamps as Date
 * (Arrow hands them over as epoch milliseconds of the zone-less value, read as UTC).
 */
export function tableRows(table: Table, fields: readonly string[] = table.schema.fields.map((f) => f.name)): ResultRow[] {
  const columns = resultColumns(table.schema);
  const vectors = fields.map((name) => ({ name, vector: table.getChild(name), kind: columns.find((c) => c.name === name)?.kind }));
  const rows: ResultRow[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: ResultRow = {};
    for (const { name, vector, kind } of vectors) {
      const value: unknown = vector?.get(i) ?? null;
      row[name] = value === null ? null : kind === 'temporal' ? new Date(Number(value)) : kind === 'number' ? Number(value) : value;
    }
    rows.push(row);
  }
  return rows;
}
