// Loads one user file into a source table and describes it. Runs on the main thread but only
// sends SQL and the file handle to the worker; nothing here touches rows in JavaScript.
import type { Database, EngineProgress } from '../db/database';
import { QueryError } from '../db/query-error';
import { quoteIdentifier } from '../db/sql';
import {
  chooseDateFormats,
  chooseIntegerDateParsing,
  dateFormatHitsSql,
  dateParsingForType,
  integerDateSql,
  type DateParsing,
} from './parse-values';
import { createTableFromCsvSql, describeSql, examplesSql, rowCountSql, toSourceColumns } from './read-source';
import { SNIFF_BYTES, SniffError, sniffFile, type SniffProblem, type SniffedFile } from './sniff-file';
import type { SourceColumn } from './types';

export interface LoadedSource {
  index: number;
  table: string;
  fileName: string;
  bytes: number;
  sniffed: SniffedFile;
  rows: number;
  loadMs: number;
  columns: SourceColumn[];
  preview: string[][];
}

export type LoadProblem =
  | SniffProblem
  | 'corrupt_parquet'
  | 'header_only'
  | 'one_column'
  | 'out_of_memory'
  | 'too_large_to_analyse'
  | 'unreadable'
  | 'cancelled';

/** DuckDB's, the wasm allocator's and the browser's ways of saying that memory ran out. */
export function isOutOfMemory(message: string): boolean {
  return /out of memory|memory limit|allocation failed|Array buffer allocation|RangeError|\bOOM\b/i.test(message);
}

export class LoadError extends Error {
  constructor(
    readonly problem: LoadProblem,
    readonly detail = '',
  ) {
    super(`${problem}${detail ? `: ${detail}` : ''}`);
    this.name = 'LoadError';
  }
}

export const sourceTable = (index: number) => `source_${index}`;

const PREVIEW_ROWS = 10;

/**
 * Reads `file` into the table source_<index>. The table is built under a temporary name and
 * renamed only when everything succeeded, so a failed or cancelled load leaves what was loaded
 * before exactly as it was.
 */
export async function loadSource(db: Database, file: Blob, fileName: string, index: number, onProgress?: (p: EngineProgress) => void): Promise<LoadedSource> {
  const started = performance.now();
  const table = sourceTable(index);
  const loading = `loading_${index}`;
  const registered = `upload_${index}`;
  let sniffed: SniffedFile;
  try {
    sniffed = sniffFile(fileName, file.size, await readHead(file), await readGunzippedHead(file));
  } catch (error) {
    if (error instanceof SniffError) throw new LoadError(error.problem);
    throw error;
  }

  try {
    await db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(loading)}`);
    if (sniffed.format === 'parquet') {
      await db.ingestParquet(loading, file, onProgress);
    } else {
      await db.registerFile(registered, file);
      await db.query(createTableFromCsvSql(loading, registered, sniffed), { onProgress });
    }
    const described = (await db.query(describeSql(loading))).toArray().map((r) => ({ name: String(r.name), type: String(r.type) }));
    const rows = Number((await db.query(rowCountSql(loading))).get(0)?.rows ?? 0);
    if (rows === 0) throw new LoadError('header_only');
    if (described.length === 1 && sniffed.format === 'csv') throw new LoadError('one_column', described[0]!.name.slice(0, 80));
    const examples = (await db.query(examplesSql(loading, described.map((c) => c.name)))).get(0)?.toJSON() ?? {};
    const preview = (await db.query(`SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ${quoteIdentifier(loading)} LIMIT ${PREVIEW_ROWS}`))
      .toArray()
      .map((row) => described.map((c) => (row[c.name] as string | null) ?? ''));
    await db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
    await db.query(`ALTER TABLE ${quoteIdentifier(loading)} RENAME TO ${quoteIdentifier(table)}`);
    return { index, table, fileName, bytes: file.size, sniffed, rows, loadMs: performance.now() - started, columns: toSourceColumns(described, examples), preview };
  } catch (error) {
    await db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(loading)}`).catch(() => undefined);
    throw toLoadError(error);
  } finally {
    if (sniffed.format === 'csv') await db.dropFile(registered).catch(() => undefined);
  }
}

function toLoadError(error: unknown): LoadError {
  if (error instanceof LoadError) return error;
  const query = QueryError.from(error);
  if (query.cancelled) return new LoadError('cancelled');
  const message = query.message.split('\n')[0] ?? query.message;
  if (isOutOfMemory(query.message)) return new LoadError('out_of_memory', message);
  if (query.kind === 'parquet') return new LoadError('corrupt_parquet', message.replace(/^Error:\s*/, ''));
  return new LoadError('unreadable', message);
}

async function readHead(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
}

/** The first bytes of a gzip file, decompressed; undefined when the file is not gzip. */
async function readGunzippedHead(file: Blob): Promise<Uint8Array | undefined> {
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return undefined;
  const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < SNIFF_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } catch {
    // A truncated or corrupt gzip stream: judge by what was decompressed before the damage.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const head = new Uint8Array(Math.min(length, SNIFF_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    head.set(chunk.subarray(0, head.length - offset), offset);
    offset += Math.min(chunk.length, head.length - offset);
    if (offset >= head.length) break;
  }
  return head;
}

/** How the mapped date column's values become timestamps, judged from its type and values. */
export async function detectDateParsing(db: Database, table: string, column: SourceColumn): Promise<DateParsing | null> {
  const byType = dateParsingForType(column.type);
  const quoted = quoteIdentifier(column.name);
  if (byType === 'detect-integer') {
    const range = (await db.query(integerDateSql(quoteIdentifier(table), quoted))).get(0);
    return chooseIntegerDateParsing((range?.lo as number | null) ?? null, (range?.hi as number | null) ?? null);
  }
  if (byType === 'detect-text') {
    const hits = (await db.query(dateFormatHitsSql(quoteIdentifier(table), quoted))).get(0)?.toJSON() ?? {};
    const parsing = chooseDateFormats(hits as Record<string, number>);
    return parsing.kind === 'text' && parsing.formats.length === 0 ? null : parsing;
  }
  return byType;
}
