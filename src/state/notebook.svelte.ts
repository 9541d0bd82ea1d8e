// The notebook's state: its cells, each SQL cell's run and result, autosave. Every SQL cell's
// result is kept in the engine as a temporary table named after the cell, which later cells read
// by that name and the result table pages through; only one page (and a chart's rows) reaches JS.
import type { Database } from '../db/database';
import { QueryError } from '../db/query-error';
import { quoteIdentifier } from '../db/sql';
import type { Formatter } from '../i18n/format';
import { en } from '../i18n/messages';
import { cellAccessProblem, type CellAccessProblem } from '../notebook/cell-access';
import { cellError, cellStatement, freeName, laterReference, nameProblem, runPlan, type CellError, type CellStatement } from '../notebook/cells';
import { defaultNotebook } from '../notebook/default-notebook';
import type { ChartCell, NotebookCell, NotebookDocument, SqlCell } from '../notebook/document';
import { panelCells, type DashboardPanel, type PanelSource } from '../notebook/from-dashboard';
import { CHART_ROWS, PAGE_ROWS, resultColumns, tableRows, type ResultColumn, type ResultRow } from '../notebook/result';
import { Autosave, indexedDbStore, saveProblem, type NotebookStore, type SaveProblem } from '../notebook/store';
import { cleanDocument, newCellId } from '../notebook/transfer';
import {
  CUSTOMERS_VIEW_SQL, DROP_RFM_VIEW_SQL, RELATIONS_SQL, RELATION_NAMED_SQL, RFM_VIEW_SQL, VIEW_SOURCES_SQL, groupRelations, type Relation,
} from '../notebook/views';
import type { DashboardState } from './dashboard.svelte';

export type CellStatus = 'idle' | 'running' | 'ready' | 'error' | 'cancelled';

/** Why a cell did not run, before or instead of an engine error (the UI words each). */
export type CellProblem =
  | { kind: 'name'; problem: NonNullable<ReturnType<typeof nameProblem>> }
  | { kind: 'taken' }
  | { kind: 'later'; name: string }
  | { kind: 'sql'; problem: 'empty' | 'several' | 'not_query' }
  | { kind: 'input'; name: string }
  | { kind: 'access'; access: CellAccessProblem }
  | { kind: 'engine'; error: CellError };

export interface CellRun {
  status: CellStatus;
  /** The SQL that ran (a cell edited since shows that its result is older than its text). */
  sql: string;
  columns: ResultColumn[];
  /** One page of the result, from `offset`. */
  rows: ResultRow[];
  offset: number;
  total: number;
  ms: number;
  elapsedMs: number;
  problem: CellProblem | null;
  /** Bumped per run: a chart's rows are read again when it changes. */
  run: number;
}

const IDLE_RUN: CellRun = { status: 'idle', sql: '', columns: [], rows: [], offset: 0, total: 0, ms: 0, elapsedMs: 0, problem: null, run: 0 };

export interface ChartData {
  status: 'loading' | 'ready' | 'error';
  run: number;
  columns: ResultColumn[];
  rows: ResultRow[];
  /** The result has more rows than a chart draws. */
  truncated: boolean;
}

let jobCount = 0;

function startingNotebook(): NotebookDocument {
  return defaultNotebook({ title: en['notebook.defaultTitle'], note: en['notebook.defaultNote'] });
}

function browserStore(): NotebookStore | null {
  return typeof indexedDB === 'undefined' ? null : indexedDbStore(indexedDB);
}

export class NotebookState {
  document = $state.raw<NotebookDocument>(startingNotebook());
  runs = $state.raw<Record<string, CellRun>>({});
  charts = $state.raw<Record<string, ChartData>>({});
  relations = $state.raw<Relation[]>([]);
  /** Run all stopped at this cell (its id), or null. */
  stoppedAt = $state<string | null>(null);
  runningAll = $state(false);
  /** 'restoring' until the saved notebook (if any) is back: what tests and the UI wait on. */
  restore = $state<'restoring' | 'restored' | 'none'>('none');
  /** Every edit is written to this browser's storage (false while one waits for the autosave, or when it failed). */
  saved = $state(true);
  /** Why the last autosave failed, until one succeeds (the page says it in words). */
  saveProblem = $state<SaveProblem | null>(null);
  /** The user's own notebook, put aside when a recipe opened another: its title, until restored or let go. */
  setAside = $state<{ title: string } | null>(null);
  /** The last cell added from elsewhere (the dashboard), to bring into view. */
  focus = $state<string | null>(null);

  readonly #autosave: Autosave | null;
  readonly #store: NotebookStore | null;
  /** Cell id → the temporary table its result is in. */
  readonly #tables = new Map<string, string>();
  readonly #jobs = new Map<string, string>();
  #edited = false;
  /** The browser had a saved notebook when the page opened. */
  #hadSaved = false;
  readonly #restoring: Promise<void>;

  constructor(
    readonly db: Database,
    store: NotebookStore | null = browserStore(),
  ) {
    this.#store = store;
    this.#autosave = store ? new Autosave(store, 400, (saved, error) => this.#onSaved(saved, error)) : null;
    this.#restoring = store ? this.#restore(store) : Promise.resolve();
  }

  #onSaved(saved: boolean, error: unknown): void {
    this.saved = saved;
    if (saved) this.saveProblem = null;
    else if (error) this.saveProblem = saveProblem(error);
  }

  async #restore(store: NotebookStore): Promise<void> {
    this.restore = 'restoring';
    const [saved, aside] = await Promise.all([store.load('last').catch(() => null), store.load('before-recipe').catch(() => null)]);
    this.#hadSaved = saved !== null;
    // Someone started editing (or opened a recipe) while the saved notebook was being read: theirs wins.
    if (saved && !this.#edited) this.document = saved;
    if (aside) this.setAside = { title: aside.title };
    this.restore = 'restored';
  }

  get cells(): NotebookCell[] {
    return this.document.cells;
  }

  runOf(id: string): CellRun {
    return this.runs[id] ?? IDLE_RUN;
  }

  sqlCellNamed(name: string): SqlCell | undefined {
    return this.cells.find((c): c is SqlCell => c.kind === 'sql' && c.name.toLowerCase() === name.toLowerCase());
  }

  // ── the document ──

  #set(cells: NotebookCell[], title = this.document.title): void {
    this.#edited = true;
    this.document = { version: 1, title, cells };
    this.#autosave?.schedule(this.document);
  }

  /** Replaces the notebook (from a recipe link or an imported file). */
  open(document: NotebookDocument): void {
    void this.#dropTables([...this.#tables.keys()]);
    this.runs = {};
    this.charts = {};
    this.stoppedAt = null;
    const clean = cleanDocument(document);
    this.#set(clean.cells, clean.title);
  }

  /**
   * Opens a recipe link's notebook without losing the user's own: theirs (as saved, with any edit
   * not yet saved) is kept in a second slot and offered back ("Restore my notebook") until they
   * restore it or let it go. A second recipe keeps the notebook already set aside, which is the
   * user's own. From then on the recipe's notebook is the one autosaved, so a reload shows it
   * with the edits made since.
   */
  async openFromRecipe(document: NotebookDocument): Promise<void> {
    await this.#restoring;
    const own = this.document;
    if (this.#store && !this.setAside && (this.#edited || this.#hadSaved)) {
      await this.#store.save(own, 'before-recipe');
      this.setAside = { title: own.title };
    }
    this.open(document);
    await this.flush();
  }

  /** Puts the user's own notebook back (the recipe's is replaced by it). */
  async restoreSetAside(): Promise<void> {
    const own = await this.#store?.load('before-recipe');
    if (!own) {
      this.setAside = null;
      return;
    }
    this.open(own);
    await this.flush();
    await this.#store?.remove('before-recipe');
    this.setAside = null;
  }

  /** Lets the set-aside notebook go: the recipe's stays. */
  async dropSetAside(): Promise<void> {
    await this.#store?.remove('before-recipe');
    this.setAside = null;
  }

  /** Deletes every saved notebook from this browser; the page goes back to the starting notebook. */
  async forget(): Promise<void> {
    this.#autosave?.cancel();
    this.saved = true;
    await this.#dropTables([...this.#tables.keys()]);
    this.runs = {};
    this.charts = {};
    this.stoppedAt = null;
    this.document = startingNotebook();
    this.setAside = null;
    this.saveProblem = null;
    await this.#store?.forget();
  }

  /** Saves now what autosave would save shortly (before the page goes away). */
  flush(): Promise<void> {
    return this.#autosave?.flush() ?? Promise.resolve();
  }

  setTitle(title: string): void {
    this.#set(this.cells, title);
  }

  add(kind: NotebookCell['kind'], after: number = this.cells.length - 1): string {
    const id = newCellId();
    const lastSql = this.cells.slice(0, after + 1).filter((c): c is SqlCell => c.kind === 'sql').pop();
    const cell: NotebookCell =
      kind === 'sql' ? { id, kind, name: freeName('query', this.#names()), sql: '' }
      : kind === 'chart' ? { id, kind, source: lastSql?.name ?? '', mark: 'bar' }
      : { id, kind, markdown: '' };
    const cells = [...this.cells];
    cells.splice(after + 1, 0, cell);
    this.#set(cells);
    if (cell.kind === 'chart') void this.#loadChart(cell);
    return id;
  }

  update(id: string, patch: Partial<Omit<SqlCell, 'id' | 'kind'>> | Partial<Omit<ChartCell, 'id' | 'kind'>> | { markdown?: string }): void {
    const before = this.cells.find((c) => c.id === id);
    if (!before) return;
    let cells = this.cells.map((c) => (c.id === id ? ({ ...c, ...patch } as NotebookCell) : c));
    // A renamed SQL cell takes its charts along.
    if (before.kind === 'sql' && 'name' in patch && patch.name !== undefined && patch.name !== before.name) {
      cells = cells.map((c) => (c.kind === 'chart' && c.source === before.name ? { ...c, source: patch.name! } : c));
    }
    this.#set(cells);
    const after = cells.find((c) => c.id === id);
    if (after?.kind === 'chart' && 'source' in patch) void this.#loadChart(after);
  }

  duplicate(id: string): void {
    const index = this.cells.findIndex((c) => c.id === id);
    const cell = this.cells[index];
    if (!cell) return;
    const copy: NotebookCell = cell.kind === 'sql' ? { ...cell, id: newCellId(), name: freeName(`${cell.name}_copy`, this.#names()) } : { ...cell, id: newCellId() };
    const cells = [...this.cells];
    cells.splice(index + 1, 0, copy);
    this.#set(cells);
    if (copy.kind === 'chart') void this.#loadChart(copy);
  }

  move(id: string, by: -1 | 1): void {
    const index = this.cells.findIndex((c) => c.id === id);
    const to = index + by;
    if (index < 0 || to < 0 || to >= this.cells.length) return;
    const cells = [...this.cells];
    [cells[index], cells[to]] = [cells[to]!, cells[index]!];
    this.#set(cells);
  }

  remove(id: string): void {
    this.#set(this.cells.filter((c) => c.id !== id));
    void this.#dropTables([id]);
    const { [id]: _run, ...runs } = this.runs;
    this.runs = runs;
  }

  #names(except?: string): string[] {
    return this.cells.filter((c): c is SqlCell => c.kind === 'sql' && c.id !== except).map((c) => c.name);
  }

  /** Why this SQL cell's name cannot be used, or null. */
  nameProblemOf(cell: SqlCell): ReturnType<typeof nameProblem> {
    return nameProblem(cell.name, this.#names(cell.id));
  }

  // ── running ──

  #setRun(id: string, run: Partial<CellRun>): void {
    this.runs = { ...this.runs, [id]: { ...this.runOf(id), ...run } };
  }

  /** Runs one cell, first running the earlier cells it reads that have no current result. */
  async runCell(id: string): Promise<boolean> {
    const index = this.cells.findIndex((c) => c.id === id);
    const cell = this.cells[index];
    if (!cell || cell.kind !== 'sql') return false;
    this.stoppedAt = null;
    const plan = runPlan(this.cells, index, (c) => this.runOf(c.id).status === 'ready' && this.runOf(c.id).sql === c.sql && this.#tables.get(c.id) === c.name);
    for (const step of plan) {
      if (await this.#runOne(step)) continue;
      if (step !== cell) this.#setRun(cell.id, { status: 'error', problem: { kind: 'input', name: step.name } });
      return false;
    }
    return true;
  }

  /** Runs every SQL cell in order, stopping at the first that fails (stoppedAt says which). */
  async runAll(): Promise<boolean> {
    this.stoppedAt = null;
    this.runningAll = true;
    try {
      for (const cell of this.cells) {
        if (cell.kind !== 'sql') continue;
        if (!(await this.#runOne(cell))) {
          this.stoppedAt = cell.id;
          return false;
        }
      }
      return true;
    } finally {
      this.runningAll = false;
    }
  }

  /** Stops a running cell (and with it a run of all cells). */
  cancel(id: string): void {
    const job = this.#jobs.get(id);
    if (job) void this.db.cancel(job);
  }

  async #runOne(cell: SqlCell): Promise<boolean> {
    const fail = (problem: CellProblem, status: CellStatus = 'error') => {
      this.#setRun(cell.id, { status, problem, sql: cell.sql, rows: [], columns: [], total: 0 });
      return false;
    };
    const bad = this.nameProblemOf(cell);
    if (bad) return fail({ kind: 'name', problem: bad });
    const later = laterReference(this.cells, this.cells.indexOf(cell));
    if (later) return fail({ kind: 'later', name: later.name });
    // Before anything reaches the engine: a cell reads the loaded tables only (no file, address or SQL text).
    const access = cellAccessProblem(cell.sql);
    if (access) return fail({ kind: 'access', access });
    const statement = cellStatement(cell);
    if (typeof statement === 'string') return fail({ kind: 'sql', problem: statement });

    // Job names are never reused (the engine remembers cancelled ones): a count across every notebook.
    const job = `notebook-${++jobCount}`;
    this.#jobs.set(cell.id, job);
    const started = performance.now();
    const run = this.runOf(cell.id).run + 1;
    this.#setRun(cell.id, { status: 'running', problem: null, elapsedMs: 0, run });
    const ticker = setInterval(() => this.#setRun(cell.id, { elapsedMs: performance.now() - started }), 250);
    try {
      await this.#prepare(cell);
      await this.db.query(statement.sql, { job });
      this.#tables.set(cell.id, cell.name);
      const name = quoteIdentifier(cell.name);
      const [count] = tableRows(await this.db.query(`SELECT count(*)::DOUBLE AS n FROM temp.main.${name}`, { job }));
      const page = await this.db.query(`SELECT * FROM temp.main.${name} LIMIT ${PAGE_ROWS}`, { job });
      this.#setRun(cell.id, {
        status: 'ready', sql: cell.sql, columns: resultColumns(page.schema), rows: tableRows(page), offset: 0,
        total: Number(count?.n ?? 0), ms: performance.now() - started, problem: null,
      });
      for (const chart of this.cells) if (chart.kind === 'chart' && chart.source === cell.name) void this.#loadChart(chart);
      return true;
    } catch (error) {
      const failure = error instanceof NameTakenError ? null : QueryError.from(error);
      if (!failure) return fail({ kind: 'taken' });
      if (failure.cancelled) return fail({ kind: 'engine', error: { message: failure.message, position: null, line: null, column: null } }, 'cancelled');
      return fail({ kind: 'engine', error: cellError(failure.message, statement as CellStatement, cell.sql) });
    } finally {
      clearInterval(ticker);
      this.#jobs.delete(cell.id);
    }
  }

  /** The friendly views, and a check that the cell's name hides no table but its own. */
  async #prepare(cell: SqlCell): Promise<void> {
    await this.ensureViews();
    const ours = [...this.#tables.values()].some((n) => n.toLowerCase() === cell.name.toLowerCase());
    const [named] = tableRows(await this.db.query(RELATION_NAMED_SQL, { params: [cell.name] }));
    if (!ours && Number(named?.n ?? 0) > 0) throw new NameTakenError();
    // Another cell's old result under this name (it was renamed since) is replaced: it is no longer that cell's.
    for (const [id, name] of this.#tables) if (id !== cell.id && name.toLowerCase() === cell.name.toLowerCase()) this.#tables.delete(id);
    const previous = this.#tables.get(cell.id);
    if (previous && previous !== cell.name) await this.#dropTables([cell.id]);
  }

  /** Creates `customers` (and `rfm`, once the dashboard has scored) for the data loaded now. */
  async ensureViews(): Promise<void> {
    const present = new Set(tableRows(await this.db.query(VIEW_SOURCES_SQL)).map((r) => String(r.name)));
    if (present.has('customer_base')) await this.db.query(CUSTOMERS_VIEW_SQL);
    await this.db.query(present.has('rfm_customers') ? RFM_VIEW_SQL : DROP_RFM_VIEW_SQL);
  }

  async #dropTables(ids: string[]): Promise<void> {
    for (const id of ids) {
      const name = this.#tables.get(id);
      this.#tables.delete(id);
      if (name) await this.db.query(`DROP TABLE IF EXISTS temp.main.${quoteIdentifier(name)}`).catch(() => undefined);
    }
  }

  /** Shows another page of a cell's result. */
  async page(id: string, offset: number): Promise<void> {
    const name = this.#tables.get(id);
    const run = this.runOf(id);
    if (!name || run.status !== 'ready') return;
    const from = Math.max(0, Math.min(offset, Math.max(0, run.total - 1)));
    const page = await this.db.query(`SELECT * FROM temp.main.${quoteIdentifier(name)} LIMIT ${PAGE_ROWS} OFFSET ${from}`);
    if (this.runOf(id).run === run.run) this.#setRun(id, { rows: tableRows(page), offset: from });
  }

  /** The rows a chart draws: the first CHART_ROWS of its source's result, read once per run. */
  async #loadChart(chart: ChartCell): Promise<void> {
    const source = this.sqlCellNamed(chart.source);
    const table = source && this.#tables.get(source.id);
    if (!source || !table || this.runOf(source.id).status !== 'ready') return;
    const run = this.runOf(source.id);
    if (this.charts[source.id]?.run === run.run) return;
    this.charts = { ...this.charts, [source.id]: { status: 'loading', run: run.run, columns: run.columns, rows: [], truncated: false } };
    try {
      const data = await this.db.query(`SELECT * FROM temp.main.${quoteIdentifier(table)} LIMIT ${CHART_ROWS}`);
      if (this.charts[source.id]?.run !== run.run) return;
      this.charts = { ...this.charts, [source.id]: { status: 'ready', run: run.run, columns: resultColumns(data.schema), rows: tableRows(data), truncated: run.total > CHART_ROWS } };
    } catch {
      this.charts = { ...this.charts, [source.id]: { status: 'error', run: run.run, columns: [], rows: [], truncated: false } };
    }
  }

  /** A chart's data, once its source cell has a result and loadChart has read it. */
  chartData(chart: ChartCell): ChartData | null {
    const source = this.sqlCellNamed(chart.source);
    const data = source && this.charts[source.id];
    return data && data.run === this.runOf(source.id).run ? data : null;
  }

  /** Reads a chart's rows if its source has a newer result than the chart has (or none yet). */
  loadChart(chart: ChartCell): Promise<void> {
    return this.#loadChart(chart);
  }

  // ── the list of tables ──

  async loadRelations(): Promise<void> {
    await this.ensureViews().catch(() => undefined);
    this.relations = groupRelations(tableRows(await this.db.query(RELATIONS_SQL)));
  }

  // ── from the dashboard ──

  /** Adds a dashboard panel's query (and its chart) at the end, and runs it. */
  async addPanel(panel: DashboardPanel, dashboard: DashboardState, format: Formatter): Promise<void> {
    const source: PanelSource = {
      filter: $state.snapshot(dashboard.filter) as PanelSource['filter'],
      grain: dashboard.grain,
      churnWindowDays: dashboard.churnWindowDays,
      acquisitionGrain: dashboard.panels?.period?.acquisitionGrain ?? 'month',
    };
    const cells = panelCells(panel, source, this.#names(), (tables) => format.t('notebook.panelComment', { panel: format.t(`notebook.panel.${panel}`), tables }));
    this.#set([...this.cells, ...cells]);
    this.focus = cells[0]!.id;
    await this.runCell(cells[0]!.id);
  }

  /** The cell to bring into view is in view: nothing more to bring (a later focus on another cell stays). */
  focused(id: string): void {
    if (this.focus === id) this.focus = null;
  }
}

class NameTakenError extends Error {}
