// The part of the worker that talks to DuckDB's blocking bindings. It is shared by the browser
// worker and by the unit tests (which hand it DuckDB-WASM's Node bindings), so the SQL and the
// polling/cancel logic the tests exercise are the ones the page runs.
import type { DuckDBBindings } from '#duckdb-browser-blocking';

export interface EngineProgress {
  /** Milliseconds since the operation started. */
  elapsedMs: number;
  bytesRead?: number;
  bytesTotal?: number;
  rowsRead?: number;
  rowsTotal?: number;
}
export type ProgressListener = (progress: EngineProgress) => void;

/** An error that can cross the worker boundary as plain data. */
export interface EngineErrorData {
  kind: 'cancelled' | 'query' | 'parquet';
  message: string;
  sql?: string;
}

export class EngineError extends Error {
  constructor(readonly data: EngineErrorData) {
    super(data.message);
    this.name = 'EngineError';
  }
}

/** Reads one Parquet row group at a time as an Arrow IPC stream. */
export interface ParquetRowGroups {
  numRowGroups: number;
  numRows: number;
  /** The row group as an Arrow IPC stream, with its row count. */
  readRowGroup(index: number): Promise<{ ipc: Uint8Array; rows: number }>;
}

/**
 * The folder every file the app hands DuckDB is registered under (a browser File, an address read
 * by ranges, a unit test's buffer): the only place SQL may read from once ENGINE_SETTINGS_SQL ran.
 */
export const REGISTERED_FILES_DIR = '/clientele/';

/** The name a file is registered under, inside REGISTERED_FILES_DIR. */
export const registeredFileName = (name: string) => REGISTERED_FILES_DIR + name;

/**
 * Every DuckDB setting the app relies on, in one place.
 * - Extension autoload/autoinstall off: the npm package ships no extensions, and fetching one is a
 *   request to a third-party host (our promise: no data and no request leaves the page), which also
 *   fails offline. Parquet is read with parquet-wasm instead.
 * - No ICU extension here, so TIMESTAMP values stay naive (no time-zone shifts).
 * - Files: SQL may read only what the app registered under REGISTERED_FILES_DIR. A notebook cell
 *   (perhaps from someone else's recipe link) is checked as text before it runs
 *   (src/notebook/cell-access.ts); this is the engine's own refusal behind that check, so SQL that
 *   slips past it still cannot read a URL ('https://…' is a path to DuckDB) or a file the user did
 *   not give ("Permission Error: Cannot access file …"). allowed_directories must come first:
 *   once external access is off, neither setting can be changed again while the database runs,
 *   so a cell cannot SET its way back. In-memory ATTACH (':memory:', STORAGE_SQL) is not a file
 *   and stays allowed.
 */
export const ENGINE_SETTINGS_SQL = [
  'SET autoinstall_known_extensions = false',
  'SET autoload_known_extensions = false',
  `SET allowed_directories = ['${REGISTERED_FILES_DIR}']`,
  'SET enable_external_access = false',
];

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * One buffer of an IPC stream's pieces, for a reader that takes only one (parquet-wasm's). Arrow's
 * reader takes the pieces as they are: at 1M orders, joining them first copied ~78 MB.
 */
export function concatChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

export class Engine {
  readonly #bindings: DuckDBBindings;
  readonly #conn: number;
  #cancelRequested = false;
  /** Jobs the user cancelled: their running and queued operations stop, others run on. */
  readonly #cancelledJobs = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();
  #reportRunning: (() => void) | null = null;

  constructor(bindings: DuckDBBindings) {
    this.#bindings = bindings;
    this.#conn = bindings.connect().useUnsafe((_, id) => id);
    for (const sql of ENGINE_SETTINGS_SQL) bindings.runQuery(this.#conn, sql);
  }

  get bindings(): DuckDBBindings {
    return this.#bindings;
  }

  /**
   * Runs one statement and returns its result as an Arrow IPC stream, in the pieces the bindings
   * hand out (the schema, then record batches of up to 2,048 rows), each in a buffer of its own.
   * Without parameters the query runs as a pending query polled in steps, yielding to the event
   * loop between steps so that `cancel()` and progress can get through. With parameters it runs
   * as a prepared statement, which the bindings only offer as one blocking call.
   * `job` names the user-visible operation the query belongs to (a file load), so that cancelling
   * it stops this query whether it is running or still queued behind others.
   */
  query(sql: string, params: unknown[] = [], onProgress?: ProgressListener, progressSource?: () => Partial<EngineProgress>, job?: string): Promise<Uint8Array[]> {
    return this.#exclusive(job, async () => {
      const started = performance.now();
      try {
        if (params.length > 0) {
          const statement = this.#bindings.createPrepared(this.#conn, sql);
          try {
            return [this.#bindings.runPrepared(this.#conn, statement, params)];
          } finally {
            this.#bindings.closePrepared(this.#conn, statement);
          }
        }
        let lastReport = 0;
        const report = () => {
          const now = performance.now();
          if (!onProgress || now - lastReport < 100) return;
          lastReport = now;
          onProgress({ elapsedMs: now - started, ...progressSource?.() });
        };
        this.#reportRunning = report;
        let header = this.#bindings.startPendingQuery(this.#conn, sql, false);
        while (header == null) {
          if (this.#stopRequested(job)) {
            this.#bindings.cancelPendingQuery(this.#conn);
            throw new EngineError({ kind: 'cancelled', message: 'Cancelled', sql });
          }
          report();
          await yieldToEventLoop();
          header = this.#bindings.pollPendingQuery(this.#conn);
        }
        const chunks = [header];
        for (;;) {
          const chunk = this.#bindings.fetchQueryResults(this.#conn);
          if (chunk == null || chunk.length === 0) break;
          chunks.push(chunk);
        }
        return chunks;
      } catch (error) {
        if (error instanceof EngineError) throw error;
        throw new EngineError({ kind: 'query', message: error instanceof Error ? error.message : String(error), sql });
      } finally {
        this.#reportRunning = null;
      }
    });
  }

  /**
   * Tells the running query's listener how far it got (at most every 100 ms). The runtime calls
   * this from inside a file read: one engine step can block for seconds while a file on a server
   * arrives by synchronous range requests, and a message posted from there reaches the page
   * while the worker is still blocked.
   */
  reportProgress(): void {
    this.#reportRunning?.();
  }

  /** Inserts a Parquet file into a new table, one row group at a time, checking for cancel between groups. */
  ingestParquet(table: string, source: ParquetRowGroups, onProgress?: ProgressListener, job?: string): Promise<void> {
    return this.#exclusive(job, async () => {
      const started = performance.now();
      let rowsRead = 0;
      for (let group = 0; group < source.numRowGroups; group++) {
        if (this.#stopRequested(job)) throw new EngineError({ kind: 'cancelled', message: 'Cancelled' });
        let ipc: Uint8Array;
        let rows: number;
        try {
          ({ ipc, rows } = await source.readRowGroup(group));
        } catch (error) {
          throw new EngineError({ kind: 'parquet', message: error instanceof Error ? error.message : String(error) });
        }
        try {
          this.#bindings.insertArrowFromIPCStream(this.#conn, ipc, { name: table, create: group === 0 });
        } catch (error) {
          throw new EngineError({ kind: 'query', message: error instanceof Error ? error.message : String(error) });
        }
        rowsRead += rows;
        onProgress?.({ elapsedMs: performance.now() - started, rowsRead, rowsTotal: source.numRows });
        await yieldToEventLoop();
      }
      if (source.numRowGroups === 0) {
        throw new EngineError({ kind: 'parquet', message: 'The Parquet file has no row groups.' });
      }
    });
  }

  /**
   * With a job: stops that job's running and queued operations (job names are never reused).
   * Without: asks the running operation to stop; queued operations still run.
   */
  cancel(job?: string): void {
    if (job === undefined) this.#cancelRequested = true;
    else this.#cancelledJobs.add(job);
  }

  #stopRequested(job: string | undefined): boolean {
    return this.#cancelRequested || (job !== undefined && this.#cancelledJobs.has(job));
  }

  #exclusive<T>(job: string | undefined, task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      this.#cancelRequested = false;
      if (job !== undefined && this.#cancelledJobs.has(job)) throw new EngineError({ kind: 'cancelled', message: 'Cancelled' });
      return task();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
