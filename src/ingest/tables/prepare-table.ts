// From a loaded file to a CRM table entry: its kind, its guessed mapping and how its dates are read.
import type { Database } from '../../db/database';
import { detectDateParsing, type LoadedSource } from '../load-source';
import type { DateParsing } from '../parse-values';
import type { CrmSourceSpec } from './build-tables';
import { guessTableRoles } from './guess-roles';
import { DATE_ROLES, type CrmKind, type CrmMapping, type CrmRole, type TableKind } from './kinds';

export interface CrmEntry {
  loaded: LoadedSource;
  kind: CrmKind;
  /** What the file's columns said it was, before the user chose. */
  detected: TableKind;
  /** Its columns nearly said orders too (a close call, KindGuess.closeCall): loaded here so the orders stay. */
  mayBeOrders?: boolean;
  mapping: CrmMapping;
  dates: Partial<Record<CrmRole, DateParsing | null>>;
}

/** How each mapped date column is read (the orders' format detection, one column at a time). */
export async function detectDates(db: Database, loaded: LoadedSource, mapping: CrmMapping): Promise<CrmEntry['dates']> {
  const dates: CrmEntry['dates'] = {};
  for (const role of DATE_ROLES) {
    const column = loaded.columns.find((c) => c.name === mapping[role]);
    if (column) dates[role] = await detectDateParsing(db, loaded.table, column);
  }
  return dates;
}

export async function prepareTable(db: Database, loaded: LoadedSource, kind: CrmKind, detected: TableKind): Promise<CrmEntry> {
  const { mapping } = guessTableRoles(kind, loaded.columns);
  return { loaded, kind, detected, mapping, dates: await detectDates(db, loaded, mapping) };
}

export const toSourceSpec = (entry: CrmEntry): CrmSourceSpec => ({
  index: entry.loaded.index,
  table: entry.loaded.table,
  columns: entry.loaded.columns,
  mapping: entry.mapping,
  dates: entry.dates,
});
