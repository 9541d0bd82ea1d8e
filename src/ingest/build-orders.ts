// The sequence from a loaded file to the canonical tables and their quality report. The app,
// the real-data tests and the native benchmark all run this one sequence.
import type { Database } from '../db/database';
import { guessColumnRoles } from './column-roles';
import { detectDateParsing, type LoadedSource } from './load-source';
import { COMPACT_FROM_ROWS, ordersSql } from './orders-view';
import type { DateParsing } from './parse-values';
import { CURRENCIES_SQL, QUALITY_SUMMARY_SQL, qualityChecksSql, toQualityChecks, type QualityCheck, type QualitySummary } from './quality';
import type { ColumnMapping } from './types';

export interface SourceEntry {
  loaded: LoadedSource;
  mapping: ColumnMapping;
  /** How the mapped date column is parsed; null when no format fits (the date is then missing). */
  date: DateParsing | null;
}

export async function dateParsingFor(db: Database, loaded: LoadedSource, mapping: ColumnMapping): Promise<DateParsing | null> {
  const column = loaded.columns.find((c) => c.name === mapping.ordered_at);
  return column ? detectDateParsing(db, loaded.table, column) : null;
}

/** A loaded file with its guessed mapping and date parsing. */
export async function prepareSource(db: Database, loaded: LoadedSource): Promise<SourceEntry> {
  const { mapping } = guessColumnRoles(loaded.columns);
  return { loaded, mapping, date: await dateParsingFor(db, loaded, mapping) };
}

export interface OrdersReport {
  checks: QualityCheck[];
  summary: QualitySummary;
  /** The currencies the orders name, most orders first (the dashboard's money format reads them too). */
  currencies: string[];
}

/** (Re)creates staged_lines, order_lines and orders from every source, then reads the quality report. */
export async function buildOrders(db: Database, sources: SourceEntry[], now: Date): Promise<OrdersReport> {
  const nowText = now.toISOString().slice(0, 19).replace('T', ' ');
  const orderSources = sources.map((s) => ({ index: s.loaded.index, table: s.loaded.table, columns: s.loaded.columns, mapping: s.mapping, date: s.date }));
  const rows = sources.reduce((n, s) => n + s.loaded.rows, 0);
  for (const sql of ordersSql(orderSources, nowText, { compact: rows > COMPACT_FROM_ROWS })) await db.query(sql);
  const checks = (await db.query(qualityChecksSql(sources.length))).toArray().map((r) => r.toJSON());
  const currencies = (await db.query(CURRENCIES_SQL)).toArray().map((r) => r.toJSON());
  const summary = (await db.query(QUALITY_SUMMARY_SQL)).get(0)?.toJSON() as unknown as QualitySummary;
  const ambiguous = sources.some((s) => s.date?.kind === 'text' && s.date.ambiguousDayMonth);
  return {
    checks: toQualityChecks(checks as never, currencies as never, ambiguous),
    summary,
    currencies: currencies.map((c) => String(c.currency)).filter((c) => c !== ''),
  };
}
