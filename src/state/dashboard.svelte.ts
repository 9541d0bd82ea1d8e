// The dashboard's state: the filter (date range, facets, segment), and the results of the panels
// that read the scope tables built for it. One refresh rebuilds the scope tables once and then
// reads every panel from them; the latest refresh wins and stale results are dropped.
import type { Table } from 'apache-arrow';
import type { Database } from '../db/database';
import { ACTIVITY_COLUMNS, ACTIVITY_DEFINITIONS, DEFAULT_CHURN_WINDOW_DAYS, type Grain } from '../analyses/activity-series';
import { CUSTOMER_BASE_STATEMENTS } from '../analyses/customer-base';
import { customerCountSql, customerListSql, type CustomerListColumn } from '../analyses/customer-list';
import { customerProductsSql, customerProfileSql, customerTimelineSql } from '../analyses/customer-report';
import { DATA_FACTS_SQL, dashboardFilterSql, dashboardFlagsSql, dashboardPanelsStatementSql, dashboardRangeSql, type DashboardPart, type DashboardPlanOptions } from '../analyses/dashboard';
import type { SinceGrain } from '../analyses/facets';
import { FACET_DIMENSIONS, type DashboardFilter, type DateRange, type FacetDimension, type FacetSelections } from '../analyses/filters';
import { KPI_IDS, kpiChanges, type Kpi, type KpiValues } from '../analyses/kpis';
import type { SegmentGrid } from '../analyses/rfm-grid';
import { usesRfm, type Segment } from '../analyses/segments';
import type { SqlQuery } from '../analyses/sql-fragment';
import { scopeStampSql, type PanelVersions } from '../analyses/crossfilter/panel-index';
import { QueryError } from '../db/query-error';
import { isOutOfMemory } from '../ingest/load-source';
import { RANGE_PRESETS, presetRange, type RangePreset } from './date-presets';
import { SegmentLibrary } from './segments.svelte';
import { ValueState, type CustomerPrediction } from './value.svelte';

export type Row = Record<string, unknown>;

/** Versions of the data set and stamps of the range's scope tables, unique in the page: one database may serve several states. */
let lastPanelVersion = 0;
const nextPanelVersion = () => ++lastPanelVersion;
const plainSql = (text: string): SqlQuery => ({ sql: text, params: [] });
export type Status = 'idle' | 'loading' | 'ready' | 'error';

export interface FacetValue {
  value: string | null;
  customers: number;
  revenue: number;
}
export interface FacetList {
  dimension: FacetDimension;
  values: FacetValue[];
  total: number;
}

export interface Panels {
  kpis: Kpi[];
  activity: Row[];
  acquisition: Row[];
  pareto: Row[];
  facets: FacetList[];
  /** grain: the activity series' (auto), acquisitionGrain: the acquisition series'. */
  period: { start: number; end: number; days: number; grain: Grain; acquisitionGrain: Grain } | null;
  ms: number;
}

export interface CustomerPage {
  rows: Row[];
  total: number;
}

export interface CustomerReport {
  profile: Row | null;
  timeline: Row[];
  products: Row[];
  /** From the fitted CLV model; follows a fit made while the report is open. */
  readonly prediction: CustomerPrediction;
}

const FACET_LIMIT = 12;
const PAGE_SIZE = 25;
/** Filter states whose panels are kept (rows of a few hundred numbers each). */
const PANEL_CACHE_SIZE = 16;

export const rows = (table: Table): Row[] => table.toArray().map((r) => ({ ...r.toJSON() }));
/** Money is shown in the data's currency only when it has exactly one (the quality report's list, or DATA_FACTS_SQL.currencies' at most two). */
const currencyOf = (currencies: string[]) => (currencies.length === 1 ? currencies[0]! : null);

export class DashboardState {
  /** Facts of the whole data set, read once per rebuild. */
  bounds = $state.raw<{ firstDay: number; lastDay: number; currency: string | null; suggestedChurnDays: number | null } | null>(null);

  preset = $state<RangePreset>('all');
  custom = $state.raw<DateRange | null>(null);
  facets = $state.raw<FacetSelections>({});
  facetSearch = $state.raw<Partial<Record<FacetDimension, string>>>({});
  sinceGrain = $state<SinceGrain>('year');
  segment = $state.raw<Segment | null>(null);
  grain = $state<Grain | 'auto'>('auto');
  churnWindowDays = $state(DEFAULT_CHURN_WINDOW_DAYS);

  status = $state<Status>('idle');
  error = $state('');
  /** The last error was the tab's memory running out: the UI says so in words, not DuckDB's. */
  outOfMemory = $state(false);
  panels = $state.raw<Panels | null>(null);

  listSort = $state<CustomerListColumn>('revenue');
  listDirection = $state<'asc' | 'desc'>('desc');
  listSearch = $state('');
  listOffset = $state(0);
  list = $state.raw<CustomerPage | null>(null);
  listStatus = $state<Status>('idle');

  selectedCustomer = $state<string | null>(null);
  report = $state.raw<CustomerReport | null>(null);

  readonly pageSize = PAGE_SIZE;
  readonly activityDefinitions = ACTIVITY_DEFINITIONS;

  range = $derived(this.bounds ? presetRange(this.preset, this.bounds.lastDay, this.custom) : null);
  filter: DashboardFilter = $derived({ range: this.range, facets: this.facets, segment: this.segment });

  #generation = 0;
  #listGeneration = 0;
  /** The range the range-bound scope tables were built for; null when they must be rebuilt. */
  #builtRange: string | null = null;
  /** What rfm_customers was scored for (#rfmKey); null when it must be scored again. */
  #scoredRange: string | null = null;
  /** Counts RFM scorings: the panels of an RFM segment depend on which scores it read. */
  #scoresVersion = 0;
  /** The panels' rows of recent filter states of this data set, by #cacheKey, oldest first. */
  #panelCache = new Map<string, Row[]>();
  /** Counts reset() and clear(): a reset still running for an older data set stops. */
  #dataGeneration = 0;
  /**
   * Whether the current data set's customer base is built (false: it failed, or another data set
   * came first). Everything that reads its tables or the scope tables waits for it.
   */
  #base: Promise<boolean> = Promise.resolve(false);
  /**
   * Whether the current data set's scope tables were built once (false: they will not be). What reads
   * them outside a refresh (the list's controls, exports, a customer's report, a segment's size, the
   * value section when opened) waits for it; a refresh's own reads come after its scope statements.
   */
  #scope: Promise<boolean> = Promise.resolve(false);
  #scopeBuilt = (_built: boolean) => {};
  /** Whether #scope has resolved true (the scope tables of the current data set exist). */
  #scopeIsBuilt = false;
  /** The list request (#listGeneration) whose page the SQL gave, which the arrays' page must not replace. */
  #listFromSql = 0;
  /** Which data set and which range's scope tables the worker's panel arrays must match (Database.dashboardPanels). */
  #panelVersions: PanelVersions = { data: 0, range: '', stamp: 0 };

  readonly segments: SegmentLibrary;
  /** RFM, LTV, cohorts and predictive CLV over the same scope. */
  readonly value: ValueState;

  constructor(
    readonly db: Database,
    storage: Pick<Storage, 'getItem' | 'setItem'> | null = null,
  ) {
    this.segments = new SegmentLibrary(db, storage);
    this.value = new ValueState(db);
    this.segments.whenReady = this.value.whenReady = () => this.#scope;
    // New scores change who is in an applied RFM segment: rebuild the scope (the range part stays).
    // The scores stay those of the built range (scoreRfm reads scope_period), so no re-scoring.
    this.value.onRescored = () => {
      this.#scoresVersion++;
      // The value section re-scored (grid or history change) on the built range's scope tables.
      if (this.#builtRange !== null) this.#scoredRange = this.#rfmKey(this.#builtRange);
      if (this.segment && usesRfm(this.segment)) void this.refresh();
    };
  }

  async #run(query: SqlQuery | string): Promise<Row[]> {
    const q = typeof query === 'string' ? { sql: query, params: [] } : query;
    return rows(await this.db.query(q.sql, { params: q.params }));
  }

  /**
   * After the canonical orders were (re)built: the first dashboard from arrays the worker builds from
   * the orders alone, when it can, while the per-customer facts (the customer base) are built behind
   * it (about half the time to the first panels at 1M orders: docs/benchmarks.md); then the scope
   * tables, the list and RFM scores, and the arrays read from the customer base. `currencies`: the
   * ones the orders name, when the caller has read them (the quality report does), else read here.
   */
  async reset(currencies?: string[]): Promise<void> {
    const data = ++this.#dataGeneration;
    this.#generation++;
    this.status = 'loading';
    this.#builtRange = null;
    this.#scoredRange = null;
    this.#panelCache.clear();
    this.#panelVersions = { data: nextPanelVersion(), range: '', stamp: 0 };
    const dataVersion = this.#panelVersions.data;
    this.value.forgetFit();
    // A new data set: filters picked on the old one may name values it does not have.
    this.facets = {};
    this.facetSearch = {};
    this.listSearch = '';
    this.selectedCustomer = null;
    this.report = null;
    let baseBuilt = (_built: boolean) => {};
    this.#base = new Promise((resolve) => (baseBuilt = resolve));
    this.#scopeBuilt(false);
    this.#scopeIsBuilt = false;
    this.#scope = new Promise((resolve) => (this.#scopeBuilt = resolve));
    let shown: Promise<void> | null = null;
    try {
      const first = await this.db.preparePanelsFromOrders?.(dataVersion).catch(() => null);
      currencies ??= (await this.#run(DATA_FACTS_SQL.currencies)).map((r) => String(r.currency));
      if (data !== this.#dataGeneration) return baseBuilt(false);
      const currency = currencyOf(currencies);
      if (first) {
        // The churn window's suggestion reads the purchase days: it follows with the customer base.
        this.bounds = { ...first, currency, suggestedChurnDays: null };
        // Its panels come first; its SQL steps wait for the customer base (#base).
        shown = this.refresh();
      }
      for (const statement of CUSTOMER_BASE_STATEMENTS) await this.db.query(statement);
      const [bounds] = await this.#run(DATA_FACTS_SQL.bounds);
      const [churn] = await this.#run(DATA_FACTS_SQL.churnSuggestion);
      if (data !== this.#dataGeneration) return baseBuilt(false);
      this.bounds = {
        firstDay: Number(bounds?.first_day ?? 0),
        lastDay: Number(bounds?.last_day ?? 0),
        currency,
        suggestedChurnDays: churn?.suggested_days == null ? null : Number(churn.suggested_days),
      };
    } catch (error) {
      baseBuilt(false);
      this.#scopeBuilt(false);
      if (data === this.#dataGeneration) this.#fail(error);
      return;
    }
    baseBuilt(true);
    await (shown ?? this.refresh());
    // After the first dashboard is on screen, unless another data set came meanwhile: the arrays
    // later filter states' panels are computed from (those from the orders cannot tell a segment's customers).
    if (data !== this.#dataGeneration || !(await this.db.preparePanels?.(dataVersion).catch(() => false))) return;
    // The presets whose first visit would be slow ("this year" at 1M orders) are built ahead, in the
    // worker's idle time; not waited for: a later state is answered meanwhile.
    const lastDay = this.bounds?.lastDay;
    if (data === this.#dataGeneration && lastDay !== undefined) {
      const presets = RANGE_PRESETS.filter((preset) => preset !== 'all' && preset !== 'custom').map((preset) => presetRange(preset, lastDay));
      this.db.buildPanelRangesAhead?.(dataVersion, presets).catch(() => []);
    }
  }

  clear(): void {
    this.#dataGeneration++;
    this.#generation++;
    this.#scopeBuilt(false);
    this.#scopeIsBuilt = false;
    this.#panelCache.clear();
    this.#listGeneration++;
    this.bounds = null;
    this.panels = null;
    this.list = null;
    this.status = 'idle';
    this.selectedCustomer = null;
    this.report = null;
  }

  /** Rebuilds the scope tables for the current filter and reads every panel from them. */
  async refresh(): Promise<void> {
    if (!this.bounds) return;
    const generation = ++this.#generation;
    const filter = $state.snapshot(this.filter) as DashboardFilter;
    const started = performance.now();
    this.status = 'loading';
    const plan = this.#plan(filter);
    try {
      const rangeKey = JSON.stringify(filter.range);
      const rangeChanged = rangeKey !== this.#builtRange;
      this.#builtRange = null;
      const run = async (statements: SqlQuery[]) => {
        for (const statement of statements) {
          // A newer refresh has started: stop writing scope tables under it (it rebuilds them whole).
          if (generation !== this.#generation) return false;
          await this.db.query(statement.sql, { params: statement.params });
        }
        return true;
      };
      // Without a facet search or a segment rule only SQL decides (RFM, churn), the panels come first,
      // from the cache or the worker's arrays (which answer null otherwise); the scope tables are
      // rebuilt behind them for the list, RFM scores and exports.
      let shown = false;
      const cacheKey = this.#cacheKey(plan);
      const cached = this.#panelCache.get(cacheKey);
      const fromArrays = cached ? null : this.db.dashboardPanelsWithoutFlags?.(plan, this.#panelVersions.data).catch(() => null);
      // The list's first page from the same arrays: asked for now, so that the worker answers it
      // right after the panels, before the SQL this refresh (or a new data set's customer base) queues.
      // A refresh shows the list from its first page.
      this.listOffset = 0;
      this.#showListFromArrays({ ...plan, list: { ...plan.list, offset: 0 } }, ++this.#listGeneration, generation);
      const early = cached ?? (await fromArrays);
      if (generation !== this.#generation) return;
      if (early) {
        this.#remember(cacheKey, early);
        this.#show(early, started);
        shown = true;
      }
      // The scope tables are built on the customer base (a refresh soon after a new data set waits for it).
      if (!(await this.#base) || generation !== this.#generation) return;
      // A new range needs new scores unless they are all history's (#rfmKey says which).
      if (rangeChanged) {
        // The stamp marks the scope tables of this build: unset while they are rebuilt, so that the
        // worker's arrays never use flags written in between (panel-index.ts).
        const stamp = nextPanelVersion();
        if (!(await run([plainSql(scopeStampSql(0)), ...dashboardRangeSql(plan), plainSql(scopeStampSql(stamp))]))) return;
        this.#panelVersions = { ...this.#panelVersions, range: rangeKey, stamp };
      }
      // RFM scores rank the range's customers. Only an RFM segment rule in the filter step needs them
      // before the panels; otherwise they are scored after the panels are painted (for the list's
      // segment column, the RFM panel and the CRM views), off the path the user waits on.
      if (filter.segment && usesRfm(filter.segment) && !(await this.#scoreRfm(this.#rfmKey(rangeKey), generation))) return;
      // The scope views read the flag tables by name: with the range's views in place, a facet or
      // segment change rewrites only the two flag tables.
      if (!(await run(rangeChanged ? dashboardFilterSql(plan) : dashboardFlagsSql(plan)))) return;
      this.#builtRange = rangeKey;
      this.#scopeBuilt(true);
      this.#scopeIsBuilt = true;
      if (!shown) {
        // From the worker's arrays with the flags just written (a segment), else every panel in one
        // statement (one round trip), rows told apart by `part`.
        const fromArrays = await this.db.dashboardPanels?.(plan, this.#panelVersions).catch(() => null);
        const rowsOf = fromArrays ?? (await this.#run(dashboardPanelsStatementSql(plan)));
        // A newer refresh may have rewritten the flag tables meanwhile: these rows are not this state's to keep.
        if (generation !== this.#generation) return;
        // Kept under the scores an RFM segment read, which the scoring above may have renewed.
        this.#remember(this.#cacheKey(plan), rowsOf);
        this.#show(rowsOf, started);
      }
      if (generation !== this.#generation) return;
      this.status = 'ready';
    } catch (error) {
      if (generation === this.#generation) this.#fail(error);
      return;
    }
    try {
      if (!(await this.#scoreRfm(this.#rfmKey(JSON.stringify(filter.range)), generation))) return;
    } catch (error) {
      // The panels stand; the RFM panel says what went wrong when it is opened.
      this.value.invalidate(QueryError.from(error).message.split('\n')[0] ?? '');
    }
    this.listOffset = 0;
    await this.loadList();
    if (generation !== this.#generation) return;
    // The RFM and lifetime value section is computed only while it is open (ValueState.open); closed,
    // it is marked stale and computed when opened.
    if (this.value.open) await this.value.refresh(undefined, true);
    else this.value.invalidate();
    // Everything the open sections show is painted (the value panels too, when their section is open).
    requestAnimationFrame(() => performance.mark('clientele:value-painted'));
  }

  /** Puts a filter state's panel rows (dashboardPanelsStatementSql's) on screen. */
  #show(rowsOf: Row[], started: number): void {
    const part = (name: DashboardPart, columns: string[]) =>
      rowsOf.filter((r) => r.part === name).map((r) => Object.fromEntries(columns.map((c) => [c, r[c]])));
    const [period] = part('period', ['start_ms', 'end_ms', 'days', 'grain', 'acquisition_grain']);
    const kpiRows = part('kpis', ['period', ...KPI_IDS]);
    const facetRows = part('facets', ['dimension', 'value', 'customers', 'revenue', 'values_total']);
    const facets: FacetList[] = FACET_DIMENSIONS.map((dimension) => {
      const values = facetRows.filter((v) => v.dimension === dimension);
      return {
        dimension,
        values: values.map((v) => ({ value: v.value == null ? null : String(v.value), customers: Number(v.customers), revenue: Number(v.revenue) })),
        total: Number(values[0]?.values_total ?? 0),
      };
    });
    const current = kpiRows.find((r) => r.period === 'current') as KpiValues | undefined;
    const previous = (kpiRows.find((r) => r.period === 'previous') as KpiValues | undefined) ?? null;
    this.panels = {
      kpis: current ? kpiChanges(current, previous) : [],
      activity: part('activity', ACTIVITY_COLUMNS),
      acquisition: part('acquisition', ['period_start', 'customers', 'first_order_revenue']),
      pareto: part('pareto', ['customer_share', 'revenue_share']),
      facets,
      period: period
        ? { start: Number(period.start_ms), end: Number(period.end_ms), days: Number(period.days), grain: String(period.grain) as Grain, acquisitionGrain: String(period.acquisition_grain) as Grain }
        : null,
      ms: performance.now() - started,
    };
    performance.mark('clientele:dashboard-ready');
    // Svelte has updated the DOM by the next frame: what the benchmark times as "shown".
    requestAnimationFrame(() => performance.mark('clientele:dashboard-painted'));
  }

  /**
   * What the panels depend on besides the data: the plan without the list, and, for a segment with
   * RFM rules, which RFM scores it read.
   */
  #cacheKey(plan: DashboardPlanOptions): string {
    const { list: _list, ...rest } = plan;
    return JSON.stringify({ ...rest, scores: plan.filter.segment && usesRfm(plan.filter.segment) ? this.#scoresVersion : 0 });
  }

  #remember(key: string, panelRows: Row[]): void {
    this.#panelCache.delete(key);
    this.#panelCache.set(key, panelRows);
    // The oldest go first: a Map iterates in insertion order.
    for (const oldest of this.#panelCache.keys()) {
      if (this.#panelCache.size <= PANEL_CACHE_SIZE) break;
      this.#panelCache.delete(oldest);
    }
  }

  /**
   * What RFM scores depend on: the range (none with "all history", which scores every customer as of
   * the data's last day whatever the range) and the grid.
   */
  #rfmKey(rangeKey: string): string {
    return JSON.stringify([this.value.allHistory ? 'all' : rangeKey, this.value.grid]);
  }

  /** Scores RFM for `key` (#rfmKey) unless it already is; false when a newer refresh took over. */
  async #scoreRfm(key: string, generation: number): Promise<boolean> {
    if (this.#scoredRange === key) return true;
    if (generation !== this.#generation) return false;
    await this.value.scoreRfm();
    this.#scoresVersion++;
    this.#scoredRange = key;
    return generation === this.#generation;
  }

  #plan(filter: DashboardFilter): DashboardPlanOptions {
    return {
      filter,
      grain: this.grain,
      churnWindowDays: this.churnWindowDays,
      facetLimit: FACET_LIMIT,
      facetSearch: this.facetSearch,
      sinceGrain: this.sinceGrain,
      rfmRelation: 'rfm_customers',
      list: { sort: this.listSort, direction: this.listDirection, search: this.listSearch, offset: this.listOffset, limit: PAGE_SIZE, rfmRelation: 'rfm_customers' },
    };
  }

  #fail(error: unknown): void {
    const message = QueryError.from(error).message;
    this.status = 'error';
    this.outOfMemory = isOutOfMemory(message);
    this.error = message.split('\n')[0] ?? '';
  }

  /**
   * Asks the worker's arrays for `plan`'s list page (Database.dashboardListWithoutFlags: the first
   * page in a sort by a figure or a purchase, without a search or segment), shown if list request
   * `listGeneration` and refresh `generation` are still the latest and the SQL's page for that
   * request has not come first. The SQL list serves everything else: it replaces this page (the same
   * rows) once the scope tables and scores are built, and answers later pages, searches and exports.
   */
  #showListFromArrays(plan: DashboardPlanOptions, listGeneration: number, generation: number): void {
    // Scores as of a chosen day are the SQL's alone.
    if (!this.db.dashboardListWithoutFlags || this.value.asOfChosen) return;
    const rfm = { grid: $state.snapshot(this.value.grid) as SegmentGrid, allHistory: this.value.allHistory };
    let asked: Promise<CustomerPage | null>;
    try {
      asked = this.db.dashboardListWithoutFlags(plan, this.#panelVersions.data, rfm);
    } catch {
      // The SQL list follows whatever happens here.
      return;
    }
    void asked
      .catch(() => null)
      .then((page) => {
        if (!page || listGeneration !== this.#listGeneration || this.#listFromSql === listGeneration || generation !== this.#generation) return;
        this.list = page;
        this.listStatus = 'ready';
        // Off the refresh's try: a page without frames (a test's) must not throw here.
        if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => performance.mark('clientele:list-shown'));
      });
  }

  /**
   * One page of the customer list for the current scope, sort and search; until the scope tables
   * are built, the arrays' page first where they have it (a sort clicked while a new data set loads).
   */
  async loadList(): Promise<void> {
    const generation = ++this.#listGeneration;
    this.listStatus = 'loading';
    if (!this.#scopeIsBuilt) this.#showListFromArrays(this.#plan(this.filter), generation, this.#generation);
    try {
      if (!(await this.#scope)) return;
      const list = this.#plan(this.filter).list;
      const page = await this.#run(customerListSql(list));
      const [count] = await this.#run(customerCountSql(list.search));
      if (generation !== this.#listGeneration) return;
      this.#listFromSql = generation;
      this.list = { rows: page, total: Number(count?.customers ?? 0) };
      this.listStatus = 'ready';
      requestAnimationFrame(() => {
        performance.mark('clientele:list-painted');
        performance.mark('clientele:list-shown');
      });
    } catch (error) {
      if (generation === this.#listGeneration) {
        this.listStatus = 'error';
        this.error = QueryError.from(error).message;
      }
    }
  }

  /** The whole current list (filter, segment and search applied) as CSV, formula cells neutralised, written in the worker. */
  async listAsCsv(): Promise<Uint8Array> {
    await this.#scope;
    const q = customerListSql({ ...this.#plan(this.filter).list, offset: 0, limit: null });
    return this.db.queryCsv(q.sql, { params: q.params });
  }

  /** The same list as a Parquet file, written in the worker. */
  async listAsParquet(): Promise<Uint8Array> {
    await this.#scope;
    const q = customerListSql({ ...this.#plan(this.filter).list, offset: 0, limit: null });
    return this.db.queryParquet(q.sql, { params: q.params });
  }

  /** Puts back a whole view (from a recipe link) in one refresh. */
  restore(view: { preset: RangePreset; custom: DateRange | null; facets: FacetSelections; sinceGrain: SinceGrain; segment: Segment | null; grain: Grain | 'auto'; churnWindowDays: number }): void {
    Object.assign(this, { preset: view.preset, custom: view.custom, facets: view.facets, sinceGrain: view.sinceGrain, segment: view.segment, grain: view.grain, churnWindowDays: view.churnWindowDays });
    void this.refresh();
  }

  setPreset(preset: RangePreset, custom: DateRange | null = this.custom): void {
    this.preset = preset;
    this.custom = custom;
    void this.refresh();
  }

  toggleFacet(dimension: FacetDimension, value: string | null): void {
    const current = this.facets[dimension] ?? [];
    const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
    // A dimension with nothing selected is left out, so the state is the same one as before its first click (#cacheKey).
    const { [dimension]: _previous, ...others } = this.facets;
    this.facets = next.length > 0 ? { ...others, [dimension]: next } : others;
    void this.refresh();
  }

  clearFacets(): void {
    this.facets = {};
    void this.refresh();
  }

  /** Customer since by year, quarter or month; selections of another grain are dropped. */
  setSinceGrain(grain: SinceGrain): void {
    this.sinceGrain = grain;
    this.facets = { ...this.facets, customer_since: [] };
    void this.refresh();
  }

  searchFacet(dimension: FacetDimension, term: string): void {
    this.facetSearch = { ...this.facetSearch, [dimension]: term };
    void this.refresh();
  }

  /** Shows the customers of one RFM segment: a segment with that single rule. */
  applyRfmSegment(name: string): void {
    this.applySegment({ name: `RFM: ${name}`, combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'rfm', segment: name }] }] });
  }

  applySegment(segment: Segment | null): void {
    this.segment = segment;
    void this.refresh();
  }

  setGrain(grain: Grain | 'auto'): void {
    this.grain = grain;
    void this.refresh();
  }

  setChurnWindow(days: number): void {
    if (!(days >= 1)) return;
    this.churnWindowDays = Math.round(days);
    void this.refresh();
  }

  sortList(column: CustomerListColumn): void {
    this.listDirection = this.listSort === column && this.listDirection === 'desc' ? 'asc' : 'desc';
    this.listSort = column;
    this.listOffset = 0;
    void this.loadList();
  }

  searchList(term: string): void {
    this.listSearch = term;
    this.listOffset = 0;
    void this.loadList();
  }

  pageList(offset: number): void {
    this.listOffset = Math.max(0, offset);
    void this.loadList();
  }

  async openCustomer(customerId: string | null): Promise<void> {
    this.selectedCustomer = customerId;
    this.report = null;
    void this.value.watchCustomer(customerId);
    if (customerId === null || !(await this.#scope)) return;
    const [profile] = await this.#run(customerProfileSql(customerId, { churnWindowDays: this.churnWindowDays }));
    const timeline = await this.#run(customerTimelineSql(customerId));
    const products = await this.#run(customerProductsSql(customerId));
    const value = this.value;
    if (this.selectedCustomer === customerId) {
      this.report = {
        profile: profile ?? null,
        timeline,
        products,
        // A getter, so the report re-reads ValueState's state and shows a fit that finishes later.
        get prediction() {
          return value.customerPrediction(customerId);
        },
      };
    }
  }
}
