// The worker that owns DuckDB-WASM: a thin Comlink facade over Engine.
import * as Comlink from 'comlink';
import { BROWSER_RUNTIME, DuckDBDataProtocol, VoidLogger, createDuckDB, getPlatformFeatures, type DuckDBBindings } from '#duckdb-browser-blocking';
import mvpModule from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import ehModule from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import initParquet, { ParquetFile, Table as ParquetTable, writeParquet } from 'parquet-wasm/esm';
import parquetModule from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { tableFromIPC } from 'apache-arrow';
import { toCsv } from '../src/analyses/csv-export';
import { PanelIndex, type ListRfm, type PanelVersions } from '../src/analyses/crossfilter/panel-index';
import type { DashboardPlanOptions } from '../src/analyses/dashboard';
import type { DateRange } from '../src/analyses/filters';
import type { OrdersElsewhere } from '../src/analyses/crossfilter/orders-arrays';
import { warmUpArrowReads } from '../src/analyses/crossfilter/made-up-orders';
import type { OrdersArraysApi } from './orders-arrays.worker';
import { Engine, EngineError, concatChunks, type EngineProgress, type ParquetRowGroups, type ProgressListener } from './engine';

// DuckDB reads registered files through the runtime's readFile; the furthest offset it has reached
// is what a CSV load's progress bar shows.
const bytesRead = new Map<number, number>();
const readFile = BROWSER_RUNTIME.readFile.bind(BROWSER_RUNTIME);
BROWSER_RUNTIME.readFile = (mod, fileId, buffer, bytes, location) => {
  const n = readFile(mod, fileId, buffer, bytes, location);
  bytesRead.set(fileId, Math.max(bytesRead.get(fileId) ?? 0, location + n));
  runningEngine?.reportProgress();
  return n;
};
let runningEngine: Engine | null = null;

let enginePromise: Promise<Engine> | null = null;
let engineInfo = { version: '', bundle: '' };

function engine(): Promise<Engine> {
  enginePromise ??= (async () => {
    const bundles = { mvp: { mainModule: mvpModule, mainWorker: '' }, eh: { mainModule: ehModule, mainWorker: '' } };
    const [bindings] = await Promise.all([
      createDuckDB(bundles, new VoidLogger(), BROWSER_RUNTIME).then(async (db: DuckDBBindings) => {
        await db.instantiate(() => {});
        // Cast BigInt and Decimal to double so no BigInt reaches the main thread's arithmetic.
        // A file opened by URL is read by range requests only: left to its defaults (force full
        // reads) DuckDB-WASM GETs the whole file into memory. A HEAD with `Range: bytes=0-` gives
        // the size; a server without ranges was refused before DuckDB sees the URL.
        db.open({
          query: { castBigIntToDouble: true, castDecimalToDouble: true },
          filesystem: { allowFullHTTPReads: false, forceFullHTTPReads: false, reliableHeadRequests: true },
        });
        return db;
      }),
      initParquet({ module_or_path: parquetModule }),
    ]);
    // createDuckDB picks the eh bundle where wasm exceptions are supported, mvp elsewhere.
    engineInfo = { version: bindings.getVersion(), bundle: (await getPlatformFeatures()).wasmExceptions ? 'eh' : 'mvp' };
    runningEngine = new Engine(bindings);
    return runningEngine;
  })();
  // A failed start must not stay failed forever: the next call tries again.
  enginePromise.catch(() => (enginePromise = null));
  return enginePromise;
}

function plainError(error: unknown): never {
  if (error instanceof EngineError) throw error.data;
  throw { kind: 'query', message: error instanceof Error ? error.message : String(error) };
}

const registered = new Map<string, number>();

async function parquetRowGroups(open: Promise<ParquetFile>): Promise<ParquetRowGroups> {
  const parquet = await open;
  const metadata = parquet.metadata();
  const groups = metadata.rowGroups();
  return {
    numRowGroups: groups.length,
    numRows: groups.reduce((n, g) => n + Number(g.numRows()), 0),
    async readRowGroup(index) {
      const table = await parquet.read({ rowGroups: [index] });
      return { ipc: table.intoIPCStream(), rows: Number(groups[index]!.numRows()) };
    },
  };
}

const api = {
  async init() {
    await engine();
    // Once the engine has started (its start keeps both cores busy), while the user picks a file:
    // the other worker's code, and this one's reader of the order lines.
    void ordersArraysWorker?.warmUp().catch(() => {});
    void warmUpArrowReads().catch(() => {});
    return engineInfo;
  },
  async query(sql: string, params: unknown[] = [], onProgress?: ProgressListener, job?: string) {
    const db = await engine();
    try {
      const ipc = owned(await db.query(sql, params, onProgress, bytesProgress, job));
      return Comlink.transfer(ipc, ipc.map((chunk) => chunk.buffer));
    } catch (error) {
      plainError(error);
    }
  },
  async registerFile(name: string, file: Blob) {
    const db = await engine();
    try {
      db.bindings.registerFileHandle(name, file, DuckDBDataProtocol.BROWSER_FILEREADER, true);
      registered.set(name, file.size);
      loadingFile = name;
      bytesRead.clear();
    } catch (error) {
      plainError(error);
    }
  },
  async dropFile(name: string) {
    const db = await engine();
    registered.delete(name);
    db.bindings.dropFile(name);
  },
  async ingestParquet(table: string, file: Blob, onProgress?: ProgressListener, job?: string) {
    const db = await engine();
    try {
      await db.ingestParquet(table, await parquetRowGroups(ParquetFile.fromFile(file)).catch((e) => plainErrorAsParquet(e)), onProgress, job);
    } catch (error) {
      plainError(error);
    }
  },
  /** DuckDB reads the file with a HEAD then GETs, each with a Range header (synchronous XHR in this worker). */
  async registerUrl(name: string, url: string, bytes: number) {
    const db = await engine();
    try {
      db.bindings.registerFileURL(name, url, DuckDBDataProtocol.HTTP, false);
      registered.set(name, bytes);
      loadingFile = name;
      bytesRead.clear();
    } catch (error) {
      plainError(error);
    }
  },
  /** parquet-wasm fetches the footer with suffix ranges, then each row group's column chunks by range. */
  async ingestParquetUrl(table: string, url: string, onProgress?: ProgressListener, job?: string) {
    const db = await engine();
    try {
      await db.ingestParquet(table, await parquetRowGroups(ParquetFile.fromUrl(url)).catch((e) => plainErrorAsParquet(e)), onProgress, job);
    } catch (error) {
      plainError(error);
    }
  },
  /** The query's result as a Parquet file, written here so the page never holds the rows. */
  async queryParquet(sql: string, params: unknown[] = [], job?: string) {
    const db = await engine();
    try {
      const parquet = writeParquet(ParquetTable.fromIPCStream(concatChunks(await db.query(sql, params, undefined, undefined, job))));
      return Comlink.transfer(parquet, [parquet.buffer]);
    } catch (error) {
      plainError(error);
    }
  },
  /** The query's result as CSV bytes, written here: at 1M orders the text takes seconds to build. */
  async queryCsv(sql: string, params: unknown[] = [], job?: string) {
    const db = await engine();
    try {
      const csv = new TextEncoder().encode(toCsv(tableFromIPC(await db.query(sql, params, undefined, undefined, job))));
      return Comlink.transfer(csv, [csv.buffer]);
    } catch (error) {
      plainError(error);
    }
  },
  async cancel(job?: string) {
    (await engine()).cancel(job);
  },
  /** The dashboard's panels from arrays held here, beside the engine: a facet click or a new range reads nothing more; a segment, its failing customers. */
  async preparePanels(dataVersion: number) {
    try {
      return await panelIndex.prepare(dataVersion);
    } catch (error) {
      panelIndex.forget();
      plainError(error);
    }
  },
  async buildPanelRangesAhead(dataVersion: number, ranges: (DateRange | null)[]) {
    try {
      return await panelIndex.buildAhead(dataVersion, ranges);
    } catch (error) {
      plainError(error);
    }
  },
  async preparePanelsFromOrders(dataVersion: number) {
    try {
      return await panelIndex.prepareFromOrders(dataVersion);
    } catch (error) {
      panelIndex.forget();
      plainError(error);
    }
  },
  async dashboardPanels(plan: DashboardPlanOptions, versions: PanelVersions) {
    try {
      return await panelIndex.panels(plan, versions);
    } catch (error) {
      plainError(error);
    }
  },
  async dashboardPanelsWithoutFlags(plan: DashboardPlanOptions, dataVersion: number) {
    try {
      return panelIndex.panelsWithoutFlags(plan, dataVersion);
    } catch (error) {
      plainError(error);
    }
  },
  async dashboardListWithoutFlags(plan: DashboardPlanOptions, dataVersion: number, rfm: ListRfm) {
    try {
      return await panelIndex.listWithoutFlags(plan, dataVersion, rfm);
    } catch (error) {
      plainError(error);
    }
  },
};

/**
 * The worker that builds the orders' part of the panels' arrays (orders-arrays.worker.ts). Started
 * with this one: a worker started from here loads only while this one's thread is free, and at its
 * first use this thread is busy reading the order lines (it then began its work ~0.4 s late).
 */
const ordersArraysWorker = typeof Worker === 'undefined' ? null : Comlink.wrap<OrdersArraysApi>(new Worker(new URL('./orders-arrays.worker.ts', import.meta.url), { type: 'module' }));
const ordersElsewhere: OrdersElsewhere | undefined = ordersArraysWorker ? {
  readBytes: async (sql) => (await engine()).query(sql),
  ordersPart(numbers, texts, onIds, onRanked) {
    const own = owned(numbers);
    // The texts follow by a port of their own as soon as they are read (null: the read failed).
    const { port1, port2 } = new MessageChannel();
    void texts.then(
      (bytes) => {
        const ownTexts = owned(bytes);
        port1.postMessage(ownTexts, ownTexts.map((chunk) => chunk.buffer));
      },
      () => port1.postMessage(null),
    );
    const built = ordersArraysWorker.ordersPart(Comlink.transfer(own, own.map((chunk) => chunk.buffer)), Comlink.transfer(port2, [port2]), Comlink.proxy(onIds), Comlink.proxy(onRanked));
    void built.finally(() => port1.close()).catch(() => {});
    return built;
  },
} : undefined;
/** An IPC stream's pieces, each owning its whole buffer (copied where not), so that posting them moves them. */
function owned(chunks: Uint8Array[]): Uint8Array<ArrayBuffer>[] {
  return chunks.map((chunk) => (chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer ? (chunk as Uint8Array<ArrayBuffer>) : chunk.slice()));
}

const panelIndex = new PanelIndex(async (sql, params = []) => tableFromIPC(await (await engine()).query(sql, params)), ordersElsewhere);

let loadingFile = '';
function bytesProgress(): Partial<EngineProgress> {
  const total = registered.get(loadingFile);
  if (total === undefined) return {};
  // File ids are the bindings' own; the file being loaded is the one most recently read.
  const furthest = Math.max(0, ...bytesRead.values());
  return { bytesRead: Math.min(furthest, total), bytesTotal: total };
}

function plainErrorAsParquet(error: unknown): never {
  throw new EngineError({ kind: 'parquet', message: error instanceof Error ? error.message : String(error) });
}

export type DbApi = typeof api;
Comlink.expose(api);
