// Tables loaded beside the orders (customers, survey answers, support tickets, marketing spend),
// each file with its own kind, mapping and quality report, building one canonical table per kind
// (src/ingest/tables/build-tables.ts). Loading orders never touches them, and loading one of them
// never touches the orders: "replace" replaces the files of the same kind only.
import type { Database, EngineProgress } from '../db/database';
import { forJob } from '../db/job-database';
import { QueryError } from '../db/query-error';
import { quoteIdentifier } from '../db/sql';
import { LoadError, UrlSource, gunzippedHead, loadSource } from '../ingest/load-source';
import { buildCrmTable, dropSql, type CrmBuildContext, type SurveyKind, type SurveyScale } from '../ingest/tables/build-tables';
import { detectTableKind, kindFromName, type KindGuess } from '../ingest/tables/guess-roles';
import { CRM_KINDS, DATE_ROLES, SCALE_ROLES, mappingForKind, missingRequirements, type CrmKind, type CrmMapping, type CrmRole, type MissingRequirement, type ScaleRole, type TableKind } from '../ingest/tables/kinds';
import { detectDates, prepareTable, toSourceSpec, type CrmEntry } from '../ingest/tables/prepare-table';
import { tableChecksSql, tableRowCountsSql, toTableChecks, type AmbiguousDates, type TableCheck, type TableCheckRow, type TableRowCounts } from '../ingest/tables/table-quality';
import type { LoadFailure, LoadMode } from './app.svelte';

export type { CrmEntry };

/** What the tables need from the orders' side (AppState satisfies it). */
export interface OrdersHost {
  loadMode: LoadMode;
  /** The orders files loaded: a close call never replaces them. */
  readonly sources: readonly unknown[];
  loadFailure: LoadFailure | null;
  report: { status: string; summary: { lastOrder: number | null } | null };
  loadFile(file: Blob | UrlSource, fileName: string): Promise<void>;
  fileOf(sourceIndex: number): Blob | UrlSource | undefined;
  removeSource(sourceIndex: number): Promise<void>;
}

export interface KindStatus {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string;
}

export type SampleFiles = Record<CrmKind, string>;

/**
 * A file refused because it would build nothing: it misses a column its kind needs, or none of its
 * rows can be used. What was loaded before (of every kind) is kept.
 */
export interface TableRejection {
  fileName: string;
  kind: CrmKind;
  missing: MissingRequirement[];
  rows: number;
  /** Why its rows were left out (the file's own quality checks), when it had all it needs. */
  checks: TableCheck[];
}

// CRM files get source tables far above the orders' numbers, so the two never share a table name.
const INDEX_BASE = 100_000;
const PEEK_INDEX = 99_999;
/** Enough rows of a CSV to judge its columns, without reading a large file. */
const PEEK_BYTES = 64 * 1024;
const IDLE: KindStatus = { status: 'idle', error: '' };

const today = () => new Date().toISOString().slice(0, 10);

export class CrmTables {
  /** Every CRM file loaded, in load order. */
  entries = $state.raw<CrmEntry[]>([]);
  /** True when the kind's canonical table exists and was built from a loaded file. */
  present = $state<Record<CrmKind, boolean>>({ customers: false, surveys: false, tickets: false, spend: false });
  /** Incremented after any canonical table is rebuilt or dropped. */
  version = $state(0);
  loading = $state.raw<{ fileName: string; progress: EngineProgress | null } | null>(null);
  failure = $state.raw<LoadFailure | null>(null);
  rejection = $state.raw<TableRejection | null>(null);
  /** Each survey file's scale and why, by source index. */
  scales = $state.raw<Record<number, SurveyScale>>({});
  /** Each file's quality checks and row counts, by source index. */
  checks = $state.raw<Record<number, TableCheck[]>>({});
  counts = $state.raw<Record<number, TableRowCounts>>({});
  status = $state.raw<Record<CrmKind, KindStatus>>({ customers: IDLE, surveys: IDLE, tickets: IDLE, spend: IDLE });

  missing = $derived(Object.fromEntries(this.entries.map((e) => [e.loaded.index, missingRequirements(e.kind, e.mapping)])) as Record<number, MissingRequirement[]>);

  readonly #files = new Map<number, Blob | UrlSource>();
  readonly #generation: Record<CrmKind, number> = { customers: 0, surveys: 0, tickets: 0, spend: 0 };
  #context: CrmBuildContext = { ordersReady: false, asOf: today() };
  #nextIndex = INDEX_BASE + 1;
  #job: string | null = null;

  constructor(readonly db: Database) {}

  /**
   * A dropped or picked file: judged from its first rows (a Parquet file from its name), then
   * given to the orders or loaded as the CRM table it looks like. The card lets the user change that.
   */
  async receive(file: Blob, fileName: string, host: OrdersHost): Promise<void> {
    if (this.loading) return;
    this.failure = null;
    this.rejection = null;
    this.loading = { fileName, progress: null };
    let guess: Pick<KindGuess, 'kind' | 'bestCrm' | 'closeCall'> = { kind: 'orders', bestCrm: 'customers', closeCall: false };
    try {
      guess = await this.#peekKind(file, fileName);
    } finally {
      this.loading = null;
    }
    // A close call never replaces loaded orders: it is added as the CRM kind it nearly was, and its
    // card says it may be orders (the kind choice moves it there).
    if (guess.kind === 'orders' && guess.closeCall && host.sources.length > 0 && host.loadMode === 'replace') {
      await this.load(file, fileName, guess.bestCrm, 'add', guess.bestCrm, true);
    } else if (guess.kind === 'orders') await host.loadFile(file, fileName);
    else await this.load(file, fileName, guess.kind, host.loadMode, guess.kind);
  }

  /**
   * Loads a file as a table of `kind`. A failed or cancelled load leaves every table as it was. In
   * replace mode a file that would build nothing (a needed column missing, or no usable row) is
   * refused and the files of its kind are kept; added, it stays listed with what it lacks.
   */
  async load(file: Blob | UrlSource, fileName: string, kind: CrmKind, mode: LoadMode, detected: TableKind = kind, mayBeOrders = false): Promise<boolean> {
    if (this.loading) return false;
    this.failure = null;
    this.rejection = null;
    this.loading = { fileName, progress: null };
    const index = this.#nextIndex++;
    this.#job = `crm-load-${index}`;
    const db = forJob(this.db, this.#job);
    const previous = this.entries;
    let entry: CrmEntry | null = null;
    try {
      const loaded = await loadSource(db, file, fileName, index, (progress) => {
        if (this.loading) this.loading = { fileName, progress };
      });
      entry = { ...(await prepareTable(db, loaded, kind, detected)), ...(mayBeOrders ? { mayBeOrders } : {}) };
      const added = entry;
      const replacing = mode === 'replace' && previous.some((e) => e.kind === kind);
      const missing = missingRequirements(kind, entry.mapping);
      if (replacing && missing.length > 0) throw new TableRefused({ fileName, kind, missing, rows: loaded.rows, checks: [] });
      this.entries = mode === 'replace' ? [...previous.filter((e) => e.kind !== kind), entry] : [...previous, entry];
      const failed = await this.#rebuild(kind, db);
      if (failed) throw failed.cancelled ? new LoadError('cancelled') : new LoadError('unreadable', failed.message.split('\n')[0] ?? '');
      if (replacing && this.counts[index]?.used === 0) {
        throw new TableRefused({ fileName, kind, missing: [], rows: this.counts[index].rows, checks: this.checks[index] ?? [] });
      }
      this.#files.set(index, file);
      await this.#dropSources(previous.filter((e) => !this.entries.includes(e)));
      return true;
    } catch (error) {
      if (error instanceof TableRefused) this.rejection = error.rejection;
      else {
        const failure = error instanceof LoadError ? error : new LoadError('unreadable', QueryError.from(error).message);
        this.failure = { fileName, problem: failure.problem, detail: failure.detail };
      }
      if (entry) {
        this.entries = previous;
        await this.#dropSources([entry]).catch(() => undefined);
        await this.#rebuild(kind);
      }
      return false;
    } finally {
      this.loading = null;
    }
  }

  /** The four sample files that go with the sample orders, each replacing its kind. */
  async loadSamples(files: SampleFiles): Promise<void> {
    for (const kind of CRM_KINDS) {
      const url = files[kind];
      const name = url.split('/').pop() ?? `${kind}.csv`;
      let response: Response;
      try {
        response = await fetch(url);
      } catch (error) {
        // Said with the catalogue's words (problem.url_*): the server's own status line is only quoted.
        this.failure = { fileName: name, problem: 'url_unreachable', detail: error instanceof Error ? error.message : String(error) };
        return;
      }
      if (!response.ok) {
        this.failure = { fileName: name, problem: 'url_status', detail: `${response.status} ${response.statusText}`.trim() };
        return;
      }
      try {
        if (!(await this.load(await response.blob(), name, kind, 'replace'))) return;
      } catch (error) {
        this.failure = { fileName: name, problem: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
        return;
      }
    }
  }

  cancel(): void {
    void this.db.cancel(this.#job ?? undefined);
  }

  dismissFailure(): void {
    this.failure = null;
    this.rejection = null;
  }

  /**
   * Sets which column plays a role. The scale roles (`nps_scale`, `csat_scale`: the user's scale
   * for a survey file, kept in its mapping so it is stored with it) take no column from a role.
   */
  async setRole(index: number, role: CrmRole | ScaleRole, column: string | null): Promise<void> {
    const entry = this.entries.find((e) => e.loaded.index === index);
    if (!entry) return;
    const mapping: CrmMapping = { ...entry.mapping };
    const isScale = (r: string) => (SCALE_ROLES as readonly string[]).includes(r);
    if (isScale(role) && column !== null) for (const other of SCALE_ROLES) delete mapping[other];
    for (const [other, name] of Object.entries(mapping) as [CrmRole, string][]) {
      if (column !== null && name === column && other !== role && !isScale(role) && !isScale(other)) delete mapping[other];
    }
    if (column === null) delete mapping[role];
    else mapping[role] = column;
    const dates = DATE_ROLES.some((r) => mapping[r] !== entry.mapping[r]) ? await detectDates(this.db, entry.loaded, mapping) : entry.dates;
    this.entries = this.entries.map((e) => (e === entry ? { ...e, mapping, dates } : e));
    await this.#rebuild(entry.kind);
  }

  /** The scale a survey file's answers are read on (when its question type does not say); null: decided from the scores. */
  async setScale(index: number, scale: SurveyKind | null): Promise<void> {
    const entry = this.entries.find((e) => e.loaded.index === index);
    if (!entry || entry.kind !== 'surveys') return;
    if (scale === null) {
      const mapping: CrmMapping = { ...entry.mapping };
      for (const role of SCALE_ROLES) delete mapping[role];
      this.entries = this.entries.map((e) => (e === entry ? { ...e, mapping } : e));
      await this.#rebuild('surveys');
    } else await this.setRole(index, `${scale}_scale`, entry.mapping.score ?? entry.loaded.columns[0]?.name ?? scale);
  }

  /**
   * The user says what a file is. Another CRM kind: the columns are mapped again for it. Orders:
   * the file goes to the orders (added or replacing them, as the load mode says) and leaves here.
   */
  async setKind(index: number, kind: TableKind, host: OrdersHost): Promise<void> {
    const entry = this.entries.find((e) => e.loaded.index === index);
    if (!entry || entry.kind === kind) return;
    if (kind === 'orders') {
      const file = this.#files.get(index);
      if (!file) return;
      await host.loadFile(file, entry.loaded.fileName);
      if (host.loadFailure === null) await this.remove(index);
      return;
    }
    const guessed = await prepareTable(this.db, entry.loaded, kind, entry.detected);
    // Roles both kinds know (customer id, e-mail, channel…) keep what the user picked.
    const mapping = { ...guessed.mapping, ...mappingForKind(kind, entry.mapping) };
    const moved: CrmEntry = { ...guessed, mapping, dates: await detectDates(this.db, entry.loaded, mapping) };
    this.entries = this.entries.map((e) => (e === entry ? moved : e));
    await this.#rebuild(entry.kind);
    await this.#rebuild(kind);
  }

  /** An orders file the user says is a CRM table: read again as that table, then removed from the orders. */
  async fromOrders(sourceIndex: number, fileName: string, kind: CrmKind, host: OrdersHost): Promise<void> {
    const file = host.fileOf(sourceIndex);
    if (!file) return;
    if (await this.load(file, fileName, kind, 'add', 'orders')) await host.removeSource(sourceIndex);
  }

  async remove(index: number): Promise<void> {
    const removed = this.entries.filter((e) => e.loaded.index === index);
    if (removed.length === 0) return;
    this.entries = this.entries.filter((e) => e.loaded.index !== index);
    await this.#dropSources(removed);
    await this.#rebuild(removed[0]!.kind);
  }

  /**
   * The orders were rebuilt (or removed): customers are matched against them and ages counted to
   * their last day, so every CRM table is rebuilt when that changes.
   */
  async ordersChanged(ready: boolean, lastOrder: number | null): Promise<void> {
    const asOf = ready && lastOrder !== null ? new Date(lastOrder).toISOString().slice(0, 10) : today();
    // Built orders may have changed with the same last day (another file, a remapped customer
    // column): customers are matched again. Only "still no orders" changes nothing.
    if (!ready && !this.#context.ordersReady && this.#context.asOf === asOf) return;
    this.#context = { ordersReady: ready, asOf };
    for (const kind of CRM_KINDS) if (this.entries.some((e) => e.kind === kind)) await this.#rebuild(kind);
  }

  fileOf(index: number): Blob | UrlSource | undefined {
    return this.#files.get(index);
  }

  async #peekKind(file: Blob, fileName: string): Promise<Pick<KindGuess, 'kind' | 'bestCrm' | 'closeCall'>> {
    const orders = { kind: 'orders', bestCrm: 'customers', closeCall: false } as const;
    const magic = new Uint8Array(await file.slice(0, 4).arrayBuffer());
    if (/\.parquet$/i.test(fileName) || String.fromCharCode(...magic) === 'PAR1') return { ...orders, kind: kindFromName(fileName) } as Pick<KindGuess, 'kind' | 'bestCrm' | 'closeCall'>;
    const gzip = magic[0] === 0x1f && magic[1] === 0x8b;
    let head = gzip ? await gunzippedHead(file, PEEK_BYTES) : new Uint8Array(await file.slice(0, PEEK_BYTES).arrayBuffer());
    if (gzip || file.size > PEEK_BYTES) head = head.subarray(0, head.lastIndexOf(0x0a) + 1);
    const name = fileName.replace(/\.gz$/i, '');
    try {
      const peeked = await loadSource(this.db, new Blob([head as Uint8Array<ArrayBuffer>]), name, PEEK_INDEX);
      await this.db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(peeked.table)}`);
      return detectTableKind(peeked.columns, fileName);
    } catch {
      // Not readable in part: the orders' loader reads it whole and says in words what is wrong.
      return orders;
    }
  }

  async #dropSources(entries: CrmEntry[]): Promise<void> {
    for (const entry of entries) {
      this.#files.delete(entry.loaded.index);
      await this.db.query(`DROP TABLE IF EXISTS ${quoteIdentifier(entry.loaded.table)}`);
    }
  }

  /** Rebuilds one kind's tables and its files' reports; the latest call per kind wins. Returns the error that stopped it, or null. */
  async #rebuild(kind: CrmKind, db: Database = this.db): Promise<QueryError | null> {
    const generation = ++this.#generation[kind];
    const ofKind = this.entries.filter((e) => e.kind === kind);
    const complete = ofKind.filter((e) => missingRequirements(kind, e.mapping).length === 0);
    this.status = { ...this.status, [kind]: { status: 'loading', error: '' } };
    try {
      const scales = await buildCrmTable(db, kind, complete.map(toSourceSpec), this.#context);
      let checks = new Map<number, TableCheck[]>();
      let counts: Record<number, TableRowCounts> = {};
      if (complete.length > 0) {
        const ambiguous: AmbiguousDates[] = complete.flatMap((e) =>
          (Object.entries(e.dates) as [CrmRole, (typeof e.dates)[CrmRole]][]).filter(([, d]) => d?.kind === 'text' && d.ambiguousDayMonth).map(([field]) => ({ source: e.loaded.index, field })));
        const rows = (await db.query(tableChecksSql(kind, this.#context.ordersReady, ambiguous))).toArray().map((r) => r.toJSON() as unknown as TableCheckRow);
        checks = toTableChecks(kind, rows);
        counts = Object.fromEntries((await db.query(tableRowCountsSql(kind))).toArray().map((r) => [Number(r.source), { rows: Number(r.rows), used: Number(r.used) }]));
      }
      if (generation !== this.#generation[kind]) return null;
      // Reports of the other kinds' files stay; this kind's (and those of files no longer loaded) are replaced.
      const others = new Set(this.entries.filter((e) => e.kind !== kind).map((e) => e.loaded.index));
      const keep = <T>(record: Record<number, T>) => Object.fromEntries(Object.entries(record).filter(([i]) => others.has(Number(i)))) as Record<number, T>;
      this.checks = { ...keep(this.checks), ...Object.fromEntries(complete.map((e) => [e.loaded.index, checks.get(e.loaded.index) ?? []])) };
      this.counts = { ...keep(this.counts), ...counts };
      this.scales = { ...keep(this.scales), ...scales };
      this.present[kind] = complete.length > 0;
      this.status = { ...this.status, [kind]: complete.length > 0 ? { status: 'ready', error: '' } : IDLE };
      this.version++;
      return null;
    } catch (error) {
      const failed = QueryError.from(error);
      if (generation === this.#generation[kind]) {
        this.status = { ...this.status, [kind]: { status: 'error', error: failed.message.split('\n')[0] ?? '' } };
        this.present[kind] = false;
        // A half-built kind is not shown to the analytics: its tables go until a rebuild succeeds.
        for (const sql of dropSql(kind)) await this.db.query(sql).catch(() => undefined);
        this.version++;
      }
      return failed;
    }
  }
}

class TableRefused extends Error {
  constructor(readonly rejection: TableRejection) {
    super(`${rejection.fileName} would build no ${rejection.kind} table`);
  }
}
