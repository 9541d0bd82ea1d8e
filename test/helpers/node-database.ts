// The unit tests' Database: the same Engine the worker runs, over DuckDB-WASM's Node bindings.
import { createRequire } from 'node:module';
import { tableFromIPC } from 'apache-arrow';
import { ParquetFile, Table as ParquetTable, readParquet, writeParquet } from 'parquet-wasm/node';
import type { DuckDBBindings } from '#duckdb-browser-blocking';
import { Engine, EngineError, concatChunks, REGISTERED_FILES_DIR, registeredFileName, type EngineProgress } from '../../workers/engine';
import { toCsv } from '../../src/analyses/csv-export';
import { PanelIndex, type ListRfm, type PanelVersions } from '../../src/analyses/crossfilter/panel-index';
import type { DashboardPlanOptions } from '../../src/analyses/dashboard';
import type { DateRange } from '../../src/analyses/filters';
import type { Database, QueryOptions } from '../../src/db/database';
import { QueryError } from '../../src/db/query-error';
import { quoteLiteral } from '../../src/db/sql';

const require = createRequire(import.meta.url);
const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs') as typeof import('@duckdb/duckdb-wasm/blocking');
const dist = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm').replace(/duckdb-eh\.wasm$/, '');

export class NodeDatabase implements Database {
  /**
   * Test fixtures registered by a bare name ('q.csv'), as quoted in SQL, and their quoted
   * registered paths. The engine reads only under REGISTERED_FILES_DIR (ENGINE_SETTINGS_SQL, as in
   * the page), so such a fixture is registered there and its literal mapped in the test's SQL.
   * The app's own code registers full paths (loadSource) and is never mapped.
   */
  readonly #fixtures = new Map<string, string>();

  private constructor(readonly engine: Engine) {}

  /** `wrap` lets a test stand between the Engine and the bindings (to act inside a blocking call). */
  static async open(wrap: (bindings: DuckDBBindings) => DuckDBBindings = (b) => b): Promise<NodeDatabase> {
    const bindings = await duckdb.createDuckDB(
      { mvp: { mainModule: dist + 'duckdb-mvp.wasm', mainWorker: '' }, eh: { mainModule: dist + 'duckdb-eh.wasm', mainWorker: '' } },
      new duckdb.VoidLogger(),
      duckdb.NODE_RUNTIME,
    );
    await bindings.instantiate(() => {});
    bindings.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
    return new NodeDatabase(new Engine(wrap(bindings)));
  }

  async query(sql: string, options: QueryOptions = {}) {
    return tableFromIPC(await this.#call(() => this.engine.query(this.#registered(sql), options.params ?? [], options.onProgress, undefined, options.job)));
  }

  async queryParquet(sql: string, options: QueryOptions = {}) {
    const ipc = concatChunks(await this.#call(() => this.engine.query(this.#registered(sql), options.params ?? [], undefined, undefined, options.job)));
    return writeParquet(ParquetTable.fromIPCStream(ipc));
  }

  async queryCsv(sql: string, options: QueryOptions = {}) {
    return new TextEncoder().encode(toCsv(await this.query(sql, options)));
  }

  /** Rows as plain objects, for assertions. */
  async rows<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    const table = await this.query(sql, { params });
    return table.toArray().map((row) => ({ ...row.toJSON() }) as T);
  }

  async registerFile(name: string, file: Blob) {
    this.engine.bindings.registerFileBuffer(this.#fixturePath(name), new Uint8Array(await file.arrayBuffer()));
  }

  async dropFile(name: string) {
    this.engine.bindings.dropFile(this.#fixturePath(name));
  }

  #fixturePath(name: string): string {
    if (name.startsWith(REGISTERED_FILES_DIR)) return name;
    const path = registeredFileName(name);
    this.#fixtures.set(quoteLiteral(name), quoteLiteral(path));
    return path;
  }

  /** The SQL with each bare fixture name's literal replaced by its registered path. */
  #registered(sql: string): string {
    let mapped = sql;
    for (const [literal, path] of this.#fixtures) mapped = mapped.replaceAll(literal, path);
    return mapped;
  }

  async ingestParquet(table: string, file: Blob, onProgress?: (progress: EngineProgress) => void, job?: string) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const groups = (await this.#openParquet(() => ParquetFile.fromFile(file))).metadata().numRowGroups();
    await this.#ingestRowGroups(table, groups, async (index) => readParquet(bytes, { rowGroups: [index] }).intoIPCStream(), onProgress, job);
  }

  /** Node's runtime has no HTTP file protocol: the unit tests read the (small) file whole. The browser reads by ranges. */
  async registerUrl(name: string, url: string) {
    const response = await fetch(url);
    if (!response.ok) throw QueryError.from(new EngineError({ kind: 'query', message: `HTTP status ${response.status}` }));
    this.engine.bindings.registerFileBuffer(this.#fixturePath(name), new Uint8Array(await response.arrayBuffer()));
  }

  async ingestParquetUrl(table: string, url: string, onProgress?: (progress: EngineProgress) => void, job?: string) {
    const parquet = await this.#openParquet(() => ParquetFile.fromUrl(url));
    await this.#ingestRowGroups(table, parquet.metadata().numRowGroups(), async (index) => (await parquet.read({ rowGroups: [index] })).intoIPCStream(), onProgress, job);
  }

  async #openParquet(open: () => Promise<ParquetFile>): Promise<ParquetFile> {
    try {
      return await open();
    } catch (error) {
      throw QueryError.from(new EngineError({ kind: 'parquet', message: String(error instanceof Error ? error.message : error) }));
    }
  }

  #ingestRowGroups(table: string, groups: number, read: (index: number) => Promise<Uint8Array>, onProgress?: (progress: EngineProgress) => void, job?: string) {
    return this.#call(() =>
      this.engine.ingestParquet(
        table,
        {
          numRowGroups: groups,
          numRows: 0,
          async readRowGroup(index) {
            const ipc = await read(index);
            return { ipc, rows: tableFromIPC(ipc).numRows };
          },
        },
        onProgress,
        job,
      ),
    );
  }

  async cancel(job?: string) {
    this.engine.cancel(job);
  }

  // As the worker: the dashboard's panels from arrays beside the engine, so DashboardState's tests run that path.
  readonly #panelIndex = new PanelIndex((sql, params) => this.query(sql, { params }));

  preparePanels(dataVersion: number) {
    return this.#call(() => this.#panelIndex.prepare(dataVersion));
  }

  async buildPanelRangesAhead(dataVersion: number, ranges: (DateRange | null)[]) {
    return this.#call(() => this.#panelIndex.buildAhead(dataVersion, ranges));
  }

  preparePanelsFromOrders(dataVersion: number) {
    return this.#call(() => this.#panelIndex.prepareFromOrders(dataVersion));
  }

  dashboardPanels(plan: DashboardPlanOptions, versions: PanelVersions) {
    return this.#call(() => this.#panelIndex.panels(plan, versions));
  }

  async dashboardPanelsWithoutFlags(plan: DashboardPlanOptions, dataVersion: number) {
    return this.#panelIndex.panelsWithoutFlags(plan, dataVersion);
  }

  async dashboardListWithoutFlags(plan: DashboardPlanOptions, dataVersion: number, rfm: ListRfm) {
    return this.#call(() => this.#panelIndex.listWithoutFlags(plan, dataVersion, rfm));
  }

  async #call<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw QueryError.from(error);
    }
  }
}
