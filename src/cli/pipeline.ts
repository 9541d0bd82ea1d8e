// From files on disk to the canonical tables and the customer base, through the app's own modules
// (loadSource, prepareSource, buildOrders, CUSTOMER_BASE_STATEMENTS) on any Database: native
// DuckDB for the command line, DuckDB-WASM in the tests that check both give the same figures.
import type { Database } from '../db/database';
import { Formatter } from '../i18n/format';
import { CUSTOMER_BASE_STATEMENTS } from '../analyses/customer-base';
import { buildOrders, dateParsingFor, prepareSource, type OrdersReport, type SourceEntry } from '../ingest/build-orders';
import { requiredRolesMissing } from '../ingest/column-roles';
import { LoadError, loadSource } from '../ingest/load-source';
import { COLUMN_ROLES, type ColumnMapping, type ColumnRole } from '../ingest/types';
import { CliError } from './args';

export interface InputFile {
  /** The name shown in messages (the path as typed). */
  name: string;
  blob: Blob;
}

export interface LoadedOrders {
  sources: SourceEntry[];
  report: OrdersReport;
}

export type Log = (line: string) => void;

const words = new Formatter('en');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
// As in the page: exports are written in the shop's local time, so a day's slack keeps today's orders in.
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

/** The guessed mapping with the hand-mapped roles over it, where the file has the column. */
export function applyMap(guessed: ColumnMapping, map: ColumnMapping, columns: readonly string[]): ColumnMapping {
  const mapping: ColumnMapping = { ...guessed };
  for (const [role, column] of Object.entries(map) as [ColumnRole, string][]) {
    if (!columns.includes(column)) continue;
    for (const [other, name] of Object.entries(mapping) as [ColumnRole, string][]) if (name === column && other !== role) delete mapping[other];
    mapping[role] = column;
  }
  return mapping;
}

export async function loadOrders(db: Database, files: InputFile[], map: ColumnMapping, log: Log, now = new Date()): Promise<LoadedOrders> {
  const sources: SourceEntry[] = [];
  for (const [i, file] of files.entries()) {
    const started = performance.now();
    log(`Reading ${file.name} (${words.bytes(file.blob.size)})…`);
    let loaded;
    try {
      loaded = await loadSource(db, file.blob, file.name, i + 1);
    } catch (error) {
      if (error instanceof LoadError) throw new CliError(`${file.name}: ${words.t(`problem.${error.problem}`, { detail: error.detail })}`);
      throw error;
    }
    const guessed = await prepareSource(db, loaded);
    const columns = loaded.columns.map((c) => c.name);
    const mapping = applyMap(guessed.mapping, map, columns);
    const date = mapping.ordered_at === guessed.mapping.ordered_at ? guessed.date : await dateParsingFor(db, loaded, mapping);
    log(`  ${words.integer(loaded.rows)} rows, ${columns.length} columns, read in ${seconds(performance.now() - started)}`);
    for (const role of COLUMN_ROLES) if (mapping[role]) log(`  ${role.padEnd(14)} ← ${mapping[role]}${map[role] === mapping[role] ? ' (--map)' : ''}`);
    const missing = requiredRolesMissing(mapping);
    if (missing.length > 0) {
      const roles = words.list(missing.map((m) => words.t(`mapping.missing.${m}`)));
      const hint = missing.map((m) => `--map ${m === 'customer' ? 'customer_id' : m === 'date' ? 'ordered_at' : 'amount'}=COLUMN`).join(' ');
      throw new CliError(`${file.name}: no column was found for ${roles}. Its columns are: ${columns.join(', ')}. Say which one with ${hint}.`);
    }
    if (!date) throw new CliError(`${file.name}: the dates in "${mapping.ordered_at}" are in no format Clientele reads (examples: ${loaded.columns.find((c) => c.name === mapping.ordered_at)?.examples.slice(0, 3).join(', ')}). Export them as YYYY-MM-DD, or map another column with --map ordered_at=COLUMN.`);
    sources.push({ loaded, mapping, date });
  }

  const started = performance.now();
  log('Building orders…');
  const report = await buildOrders(db, sources, new Date(now.getTime() + FUTURE_SLACK_MS));
  const { rows, usedRows, orders, customers } = report.summary;
  log(`  ${words.integer(orders)} orders by ${words.integer(customers)} customers from ${words.integer(usedRows)} of ${words.integer(rows)} rows, in ${seconds(performance.now() - started)}`);
  for (const check of report.checks) if (check.count > 0) log(`  ${words.t(`quality.check.${check.id}`)}: ${words.integer(check.count)}`);
  if (orders === 0) throw new CliError('No usable orders: every row was excluded (see the counts above). Check the mapping, or --map the right columns.');
  const base = performance.now();
  for (const statement of CUSTOMER_BASE_STATEMENTS) await db.query(statement);
  log(`  customer base in ${seconds(performance.now() - base)}`);
  return { sources, report };
}
