import type { Table } from 'apache-arrow';
import type { EngineProgress } from '../../workers/engine';
import type { DashboardPlanOptions } from '../analyses/dashboard';
import type { DateRange } from '../analyses/filters';
import type { ListRfm, PanelVersions } from '../analyses/crossfilter/panel-index';

export type { EngineProgress };

export interface QueryOptions {
  params?: unknown[];
  onProgress?: (progress: EngineProgress) => void;
  /** The user-visible operation this query belongs to; `cancel(job)` stops it running or queued. */
  job?: string;
}

/**
 * The one seam between analyses and DuckDB. The app implements it with the worker (Comlink),
 * the unit tests with DuckDB-WASM's Node bindings.
 */
export interface Database {
  query(sql: string, options?: QueryOptions): Promise<Table>;
  /** Makes a user's file readable by DuckDB under `name`, without copying it where the platform allows. */
  registerFile(name: string, file: Blob): Promise<void>;
  /** A query's result as a Parquet file (for exports): written beside the engine, without the Parquet extension. */
  queryParquet(sql: string, options?: QueryOptions): Promise<Uint8Array>;
  /**
   * A query's result as CSV (UTF-8 bytes; formula-like cells neutralised, see analyses/csv-export),
   * written beside the engine so a big export never holds the page.
   */
  queryCsv(sql: string, options?: QueryOptions): Promise<Uint8Array>;
  dropFile(name: string): Promise<void>;
  /** Reads a Parquet file into a new table `table`. */
  ingestParquet(table: string, file: Blob, onProgress?: (progress: EngineProgress) => void, job?: string): Promise<void>;
  /**
   * Makes the file at `url` (of `bytes` bytes) readable by DuckDB under `name`, read in place with
   * HTTP range requests.
   */
  registerUrl(name: string, url: string, bytes: number): Promise<void>;
  /** Reads the Parquet file at `url` into a new table `table`: its footer, then one row group at a time, by range requests. */
  ingestParquetUrl(table: string, url: string, onProgress?: (progress: EngineProgress) => void, job?: string): Promise<void>;
  /**
   * Stops a job's running and queued operations, or without a job the running operation alone;
   * the database keeps everything loaded before it.
   */
  cancel(job?: string): Promise<void>;
  /**
   * Reads the arrays the dashboard's panels can be computed from (analyses/crossfilter) for data set
   * `dataVersion`, after the customer base was built; false when they were not built. Optional:
   * without it the dashboard runs the SQL plan.
   */
  preparePanels?(dataVersion: number): Promise<boolean>;
  /**
   * Builds ahead, in the engine's idle time, the rows of those of `ranges` (the date picker's
   * presets) whose first visit would be slow (crossfilter/panel-index.ts buildAhead), after
   * preparePanels; the keys (JSON) of the ranges kept built.
   */
  buildPanelRangesAhead?(dataVersion: number, ranges: (DateRange | null)[]): Promise<string[]>;
  /**
   * Builds such arrays for data set `dataVersion` from the orders and their lines alone, before the
   * customer base (analyses/crossfilter/orders-arrays.ts), so that the first dashboard need not wait
   * for it: dashboardPanelsWithoutFlags answers from them until preparePanels replaces them. The
   * data's first and last day (epoch ms, as DATA_FACTS_SQL.bounds), or null when not built.
   */
  preparePanelsFromOrders?(dataVersion: number): Promise<{ firstDay: number; lastDay: number } | null>;
  /**
   * dashboardPanelsStatementSql's rows for `plan` from those arrays, before any of its scope
   * statements ran (any range and facets; a segment only from the customer base's arrays, and not
   * one with an RFM or churn rule); null when not covered.
   */
  dashboardPanelsWithoutFlags?(plan: DashboardPlanOptions, dataVersion: number): Promise<Record<string, unknown>[] | null>;
  /**
   * The first page of customerListSql's rows for `plan`'s list (and the customers it holds) from the
   * same arrays, the RFM column scored as `rfm` says, before any scope statement ran; null when not
   * covered (a segment the arrays cannot match, a search, a later page, a sort on text or dates).
   */
  dashboardListWithoutFlags?(plan: DashboardPlanOptions, dataVersion: number, rfm: ListRfm): Promise<{ rows: Record<string, unknown>[]; total: number } | null>;
  /** The same after its scope statements ran, its flags read from the flag tables of `versions`; null when the SQL plan must answer. */
  dashboardPanels?(plan: DashboardPlanOptions, versions: PanelVersions): Promise<Record<string, unknown>[] | null>;
}
