import { getContext, setContext } from 'svelte';
import type { Database, EngineProgress } from '../db/database';
import { forJob } from '../db/job-database';
import { QueryError } from '../db/query-error';
import { quoteIdentifier } from '../db/sql';
import type { Formatter } from '../i18n/format';
import { buildOrders, dateParsingFor, prepareSource, type SourceEntry } from '../ingest/build-orders';
import { requiredRolesMissing } from '../ingest/column-roles';
import { LoadError, UrlSource, isOutOfMemory, loadSource, type LoadProblem } from '../ingest/load-source';
import type { QualityCheck, QualitySummary } from '../ingest/quality';
import type { ColumnMapping, ColumnRole } from '../ingest/types';
import { DashboardState } from './dashboard.svelte';
import { NotebookState } from './notebook.svelte';
import { CrmTables } from './tables.svelte';

export type { SourceEntry };

export type LoadMode = 'replace' | 'add';

export interface EngineStatus {
  status: 'starting' | 'ready' | 'error';
  version: string;
  bundle: string;
  error: string;
}

export interface LoadFailure {
  fileName: string;
  problem: LoadProblem;
  detail: string;
}

export interface QualityReport {
  status: 'idle' | 'loading' | 'ready' | 'error';
  checks: QualityCheck[];
  summary: QualitySummary | null;
  error: string;
}

const IDLE_REPORT: QualityReport = { status: 'idle', checks: [], summary: null, error: '' };
// Exports are written in the shop's local time and read here without a zone: a day's slack keeps
// today's orders from looking like they are in the future.
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

export class AppState {
  engine = $state<EngineStatus>({ status: 'starting', version: '', bundle: '', error: '' });
  sources = $state.raw<SourceEntry[]>([]);
  loadMode = $state<LoadMode>('replace');
  loading = $state.raw<{ fileName: string; progress: EngineProgress | null } | null>(null);
  loadFailure = $state.raw<LoadFailure | null>(null);
  report = $state.raw<QualityReport>(IDLE_REPORT);
  readonly dashboard: DashboardState;
  readonly notebook: NotebookState;
  /** Customers, survey answers, support tickets and marketing spend, loaded beside the orders. */
  readonly tables: CrmTables;

  /** Which required roles each source still lacks; the analytics stay off while any does. */
  missing = $derived(this.sources.map((s) => requiredRolesMissing(s.mapping)));
  analyticsReady = $derived(this.report.status === 'ready');

  /** Each loaded source's file (or address), by source index: what "keep my data in this browser" stores. */
  readonly #files = new Map<number, Blob | UrlSource>();
  #nextIndex = 1;
  #loadJob: string | null = null;
  #generation = 0;

  constructor(
    readonly db: Database,
    readonly format: Formatter,
    engineReady: Promise<{ version: string; bundle: string }>,
  ) {
    this.dashboard = new DashboardState(db, globalThis.localStorage ?? null);
    this.notebook = new NotebookState(db);
    this.tables = new CrmTables(db);
    engineReady.then(
      (info) => (this.engine = { status: 'ready', ...info, error: '' }),
      (error: unknown) => (this.engine = { status: 'error', version: '', bundle: '', error: QueryError.from(error).message }),
    );
  }

  /**
   * Loads a file, then rebuilds the orders with it. Until that rebuild has succeeded nothing loaded
   * before is touched: a failed, cancelled or out-of-memory load or rebuild puts the earlier files
   * back as they were.
   */
  async loadFile(file: Blob | UrlSource, fileName: string): Promise<void> {
    if (this.loading) return;
    this.loadFailure = null;
    this.loading = { fileName, progress: null };
    const index = this.#nextIndex++;
    // Cancel stops this load's queries and the orders built from it, not the dashboard's around them.
    this.#loadJob = `load-${index}`;
    const db = forJob(this.db, this.#loadJob);
    const previous = this.sources;
    let entry: SourceEntry | null = null;
    try {
      performance.mark('clientele:load-start');
      const loaded = await loadSource(db, file, fileName, index, (progress) => {
        if (this.loading) this.loading = { fileName, progress };
      });
      performance.mark('clientele:source-ready');
      entry = await prepareSource(db, loaded);
      this.sources = this.loadMode === 'replace' ? [entry] : [...previous, entry];
      const failed = await this.#rebuild(db);
      if (failed && (failed.cancelled || isOutOfMemory(failed.message))) {
        throw failed.cancelled ? new LoadError('cancelled') : new LoadError('too_large_to_analyse', this.format.integer(loaded.rows));
      }
      this.#files.set(index, file);
      await this.#dropTables(previous.filter((s) => !this.sources.includes(s)));
    } catch (error) {
      const failure = error instanceof LoadError ? error : new LoadError('unreadable', QueryError.from(error).message);
      this.loadFailure = { fileName, problem: failure.problem, detail: failure.detail };
      if (entry) {
        this.sources = previous;
        await this.#dropTables([entry]).catch(() => undefined);
        await this.#rebuild();
      }
    } finally {
      this.loading = null;
    }
  }

  /** Opens a file by its address, read in place with range requests; it fails and reverts like a dropped file. */
  loadUrl(url: string): Promise<void> {
    const source = new UrlSource(url);
    return this.loadFile(source, source.name);
  }

  async loadSample(url: string): Promise<void> {
    const name = url.split('/').pop() ?? 'sample.csv';
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      await this.loadFile(await response.blob(), name);
    } catch (error) {
      this.loadFailure = { fileName: name, problem: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
    }
  }

  cancelLoad(): void {
    void this.db.cancel(this.#loadJob ?? undefined);
  }

  dismissFailure(): void {
    this.loadFailure = null;
  }

  async setRole(sourceIndex: number, role: ColumnRole, column: string | null): Promise<void> {
    const entry = this.sources.find((s) => s.loaded.index === sourceIndex);
    if (!entry) return;
    const mapping: ColumnMapping = { ...entry.mapping };
    for (const [other, name] of Object.entries(mapping) as [ColumnRole, string][]) {
      if (column !== null && name === column && other !== role) delete mapping[other];
    }
    if (column === null) delete mapping[role];
    else mapping[role] = column;
    const date = entry.mapping.ordered_at !== mapping.ordered_at ? await dateParsingFor(this.db, entry.loaded, mapping) : entry.date;
    this.sources = this.sources.map((s) => (s === entry ? { ...s, mapping, date } : s));
    await this.#rebuild();
  }

  async removeSource(sourceIndex: number): Promise<void> {
    const removed = this.sources.filter((s) => s.loaded.index === sourceIndex);
    this.sources = this.sources.filter((s) => s.loaded.index !== sourceIndex);
    await this.#dropTables(removed);
    await this.#rebuild();
  }

  /** The file (or address) a loaded source was read from. */
  fileOf(sourceIndex: number): Blob | UrlSource | undefined {
    return this.#files.get(sourceIndex);
  }

  async #dropTables(entries: SourceEntry[]): Promise<void> {
    for (const entry of entries) this.#files.delete(entry.loaded.index);
    for (const entry of entries) await this.db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(entry.loaded.table)}`);
  }

  /**
   * Rebuilds the canonical tables and the quality report; the latest call wins.
   * Returns the error that stopped it, or null.
   */
  async #rebuild(db: Database = this.db): Promise<QueryError | null> {
    const generation = ++this.#generation;
    const sources = this.sources;
    if (sources.length === 0 || this.missing.some((m) => m.length > 0) || sources.some((s) => !s.date)) {
      this.report = IDLE_REPORT;
      this.dashboard.clear();
      return null;
    }
    this.report = { ...this.report, status: 'loading' };
    try {
      const { checks, summary, currencies } = await buildOrders(db, sources, new Date(Date.now() + FUTURE_SLACK_MS));
      if (generation !== this.#generation) return null;
      this.report = { status: 'ready', checks, summary, error: '' };
      performance.mark('clientele:orders-ready');
      void this.dashboard.reset(currencies);
      return null;
    } catch (error) {
      const failed = QueryError.from(error);
      if (generation === this.#generation) {
        this.report = { ...IDLE_REPORT, status: 'error', error: this.#rebuildErrorText(failed) };
        this.dashboard.clear();
      }
      return failed;
    }
  }

  #rebuildErrorText(error: QueryError): string {
    if (error.cancelled) return this.format.t('quality.cancelled');
    if (isOutOfMemory(error.message)) return this.format.t('quality.outOfMemory');
    return this.format.t('quality.failed', { detail: error.message.split('\n')[0] ?? '' });
  }
}

const KEY = Symbol('app-state');
export const setAppState = (state: AppState) => setContext(KEY, state);
export const getAppState = () => getContext<AppState>(KEY);
