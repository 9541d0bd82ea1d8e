import * as Comlink from 'comlink';
import { tableFromIPC } from 'apache-arrow';
import type { DbApi } from '../../workers/db.worker';
import type { Database, EngineProgress, QueryOptions } from './database';
import type { DashboardPlanOptions } from '../analyses/dashboard';
import type { DateRange } from '../analyses/filters';
import type { ListRfm, PanelVersions } from '../analyses/crossfilter/panel-index';
import { QueryError } from './query-error';

/** The app's Database: every call goes to the worker that owns DuckDB; the main thread only decodes Arrow. */
export class WorkerDatabase implements Database {
  readonly #api: Comlink.Remote<DbApi>;
  readonly ready: Promise<{ version: string; bundle: string }>;

  constructor(worker: Worker) {
    this.#api = Comlink.wrap<DbApi>(worker);
    this.ready = this.#call(() => this.#api.init());
  }

  static start(): WorkerDatabase {
    return new WorkerDatabase(new Worker(new URL('../../workers/db.worker.ts', import.meta.url), { type: 'module' }));
  }

  async query(sql: string, options: QueryOptions = {}) {
    const ipc = await this.#call(() => this.#api.query(sql, options.params ?? [], progressProxy(options.onProgress), options.job));
    return tableFromIPC(ipc as Uint8Array[]);
  }

  async queryParquet(sql: string, options: QueryOptions = {}) {
    return (await this.#call(() => this.#api.queryParquet(sql, options.params ?? [], options.job))) as Uint8Array;
  }

  async queryCsv(sql: string, options: QueryOptions = {}) {
    return (await this.#call(() => this.#api.queryCsv(sql, options.params ?? [], options.job))) as Uint8Array;
  }

  registerFile(name: string, file: Blob) {
    return this.#call(() => this.#api.registerFile(name, file));
  }

  dropFile(name: string) {
    return this.#call(() => this.#api.dropFile(name));
  }

  ingestParquet(table: string, file: Blob, onProgress?: (progress: EngineProgress) => void, job?: string) {
    return this.#call(() => this.#api.ingestParquet(table, file, progressProxy(onProgress), job));
  }

  registerUrl(name: string, url: string, bytes: number) {
    return this.#call(() => this.#api.registerUrl(name, url, bytes));
  }

  ingestParquetUrl(table: string, url: string, onProgress?: (progress: EngineProgress) => void, job?: string) {
    return this.#call(() => this.#api.ingestParquetUrl(table, url, progressProxy(onProgress), job));
  }

  cancel(job?: string) {
    return this.#api.cancel(job);
  }

  async preparePanels(dataVersion: number) {
    return (await this.#call(() => this.#api.preparePanels(dataVersion))) === true;
  }

  async buildPanelRangesAhead(dataVersion: number, ranges: (DateRange | null)[]) {
    return (await this.#call(() => this.#api.buildPanelRangesAhead(dataVersion, ranges))) ?? [];
  }

  async preparePanelsFromOrders(dataVersion: number) {
    return (await this.#call(() => this.#api.preparePanelsFromOrders(dataVersion))) ?? null;
  }

  async dashboardPanels(plan: DashboardPlanOptions, versions: PanelVersions) {
    return (await this.#call(() => this.#api.dashboardPanels(plan, versions))) ?? null;
  }

  async dashboardPanelsWithoutFlags(plan: DashboardPlanOptions, dataVersion: number) {
    return (await this.#call(() => this.#api.dashboardPanelsWithoutFlags(plan, dataVersion))) ?? null;
  }

  async dashboardListWithoutFlags(plan: DashboardPlanOptions, dataVersion: number, rfm: ListRfm) {
    return (await this.#call(() => this.#api.dashboardListWithoutFlags(plan, dataVersion, rfm))) ?? null;
  }

  async #call<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw QueryError.from(error);
    }
  }
}

function progressProxy(listener?: (progress: EngineProgress) => void) {
  return listener ? Comlink.proxy(listener) : undefined;
}
