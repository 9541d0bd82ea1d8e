// Loads one user file into a source table and describes it. Runs on the main thread but only
// sends SQL and the file handle (or the file's URL) to the worker; nothing here touches rows in
// JavaScript.
import { registeredFileName } from '../../workers/engine';
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

/** Why a file given by its URL could not be read from its server. */
export type UrlProblem = 'url_invalid' | 'url_status' | 'url_no_cors' | 'url_unreachable' | 'url_no_range' | 'url_read_failed';

export type LoadProblem =
  | SniffProblem
  | UrlProblem
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

/**
 * A file the user gave by its address. It is read where it is, with HTTP range requests: the one
 * request to another origin the page ever makes, and only to this address.
 */
export class UrlSource {
  readonly text: string;
  constructor(text: string) {
    this.text = text.trim();
  }

  /** The name the file is shown under: the address's last path segment, else its host. */
  get name(): string {
    try {
      const url = new URL(this.text);
      const last = url.pathname.split('/').filter(Boolean).pop();
      return last ? decodeURIComponent(last) : url.host || this.text;
    } catch {
      return this.text;
    }
  }

  /** The address as a URL, or the problem with it: only http(s), and no http from an https page (the browser blocks it). */
  parse(pageProtocol = globalThis.location?.protocol): URL {
    let url: URL;
    try {
      url = new URL(this.text);
    } catch {
      throw new LoadError('url_invalid', this.text.slice(0, 200));
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && pageProtocol !== 'https:')) throw new LoadError('url_invalid', this.text.slice(0, 200));
    return url;
  }
}

interface SourceHead {
  size: number;
  head: Uint8Array;
  gunzipped: Uint8Array | undefined;
}

const PREVIEW_ROWS = 10;

/**
 * Reads `file` into the table source_<index>. The table is built under a temporary name and
 * renamed only when everything succeeded, so a failed or cancelled load leaves what was loaded
 * before exactly as it was.
 */
export async function loadSource(db: Database, file: Blob | UrlSource, fileName: string, index: number, onProgress?: (p: EngineProgress) => void): Promise<LoadedSource> {
  const started = performance.now();
  const table = sourceTable(index);
  const loading = `loading_${index}`;
  // The engine reads files only under its registered-files folder (ENGINE_SETTINGS_SQL).
  const registered = registeredFileName(`upload_${index}`);
  const url = file instanceof UrlSource ? file.parse() : null;
  const { size, head, gunzipped } = file instanceof UrlSource ? await readUrlHead(file.parse()) : await readBlobHead(file);
  let sniffed: SniffedFile;
  try {
    sniffed = sniffFile(url?.pathname ?? fileName, size, head, gunzipped);
  } catch (error) {
    if (error instanceof SniffError) throw new LoadError(error.problem);
    throw error;
  }

  try {
    await db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(loading)}`);
    if (sniffed.format === 'parquet') {
      if (file instanceof UrlSource) await db.ingestParquetUrl(loading, file.parse().href, onProgress);
      else await db.ingestParquet(loading, file, onProgress);
    } else {
      if (file instanceof UrlSource) await db.registerUrl(registered, file.parse().href, size);
      else await db.registerFile(registered, file);
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
    return { index, table, fileName, bytes: size, sniffed, rows, loadMs: performance.now() - started, columns: toSourceColumns(described, examples), preview };
  } catch (error) {
    await db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(loading)}`).catch(() => undefined);
    throw url ? toUrlLoadError(error, sniffed) : toLoadError(error);
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

/**
 * After the first bytes came back fine, a read can still fail at the server: a Parquet footer's
 * suffix range (`bytes=-8`) is not a CORS-safelisted header, so it needs a preflight the first
 * request did not; or the connection drops partway.
 */
function toUrlLoadError(error: unknown, sniffed: SniffedFile): LoadError {
  const failure = toLoadError(error);
  if (failure.problem !== 'unreadable' && failure.problem !== 'corrupt_parquet') return failure;
  if (sniffed.format === 'parquet' && /failed to fetch|networkerror|cors/i.test(failure.detail)) return new LoadError('url_no_cors');
  if (/range request|failed to fetch|networkerror|http|status/i.test(failure.detail)) return new LoadError('url_read_failed', failure.detail.slice(0, 200));
  return failure;
}

/**
 * The first SNIFF_BYTES of a file on a server, with one range request, and the file's size.
 * A server that answers with the whole file (200) cannot be read in place and is refused here,
 * before anything else is asked of it.
 */
async function readUrlHead(url: URL): Promise<SourceHead> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Range: `bytes=0-${SNIFF_BYTES - 1}` } });
  } catch {
    throw await unreachableOrCors(url);
  }
  // A 0-byte file has no byte 0: servers answer 416, which sniffing then calls empty.
  if (response.status === 416) return { size: 0, head: new Uint8Array(), gunzipped: undefined };
  if (response.status === 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new LoadError('url_no_range');
  }
  if (response.status !== 206) throw new LoadError('url_status', `${response.status} ${response.statusText}`.trim());
  const head = new Uint8Array(await response.arrayBuffer());
  // Content-Range is readable only when the server exposes it; Content-Length of a HEAD always is.
  const total = Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1] ?? NaN);
  const size = Number.isFinite(total) ? total : head.length < SNIFF_BYTES ? head.length : await contentLength(url, head.length);
  return { size, head: head.subarray(0, SNIFF_BYTES), gunzipped: await readGunzippedHead(new Blob([head])) };
}

async function contentLength(url: URL, fallback: number): Promise<number> {
  const response = await fetch(url, { method: 'HEAD' }).catch(() => null);
  const length = Number(response?.headers.get('content-length') ?? NaN);
  return Number.isFinite(length) && length > 0 ? length : fallback;
}

/**
 * fetch says only "failed" for both a server that cannot be reached and one that does not allow
 * cross-origin reads. An opaque (no-cors) HEAD to the same address tells them apart: it succeeds
 * when the server answered at all.
 */
async function unreachableOrCors(url: URL): Promise<LoadError> {
  try {
    await fetch(url, { method: 'HEAD', mode: 'no-cors' });
    return new LoadError('url_no_cors');
  } catch {
    return new LoadError('url_unreachable', url.host);
  }
}

async function readBlobHead(file: Blob): Promise<SourceHead> {
  return { size: file.size, head: new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()), gunzipped: await readGunzippedHead(file) };
}

/** The first bytes of a gzip file, decompressed; undefined when the file is not gzip. */
async function readGunzippedHead(file: Blob): Promise<Uint8Array | undefined> {
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return undefined;
  return gunzippedHead(file, SNIFF_BYTES);
}

/** Up to `limit` decompressed bytes from the start of a gzip file (what was readable, if the stream is damaged). */
export async function gunzippedHead(file: Blob, limit: number): Promise<Uint8Array> {
  const reader = file.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < limit) {
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
  const head = new Uint8Array(Math.min(length, limit));
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
