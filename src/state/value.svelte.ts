// The "RFM and lifetime value" panels' state: live RFM with an editable segment grid, formula and
// historical LTV, the cohort matrix, and the predictive-CLV fit (run in its own worker). Read after
// the dashboard's scope tables (scope_period, scope_customers, scope_orders) exist.
//
// RFM scores rank each customer against the whole population of the period, before facet and
// segment filters: the date range's customers (scope_range), or everyone (customer_base) with
// `allHistory`. The scores are written to the temp table rfm_customers, which the dashboard can use
// for an RFM segment rule and a list column; the grid and segment summaries then count the
// dashboard's filtered customers (scope_customers) in their segments. So applying a filter or an RFM
// segment never re-ranks customers, and clicking "Champions" shows the Champions.
import * as Comlink from 'comlink';
import type { Table } from 'apache-arrow';
import type { Database } from '../db/database';
import { QueryError } from '../db/query-error';
import { annualToPeriodRate, CLV_DEFINITIONS } from '../analyses/clv/clv';
import { BGNBD_DEFINITIONS } from '../analyses/clv/bgnbd';
import { GAMMA_GAMMA_DEFINITIONS } from '../analyses/clv/gamma-gamma';
import { CLV_SUMMARY_DEFINITIONS, clvSummarySql } from '../analyses/clv/summary';
import { COHORT_DEFINITIONS, cohortAverageCurveSql, cohortMatrixSql } from '../analyses/cohorts';
import { formulaLtv, historicalLtvSql, ltvInputsSql, LTV_DEFINITIONS, periodActivitySql, type FormulaLtv, type LtvInputs, type PeriodUnit } from '../analyses/ltv';
import { RFM_DEFINITIONS, rfmCustomersSql, rfmInputSql } from '../analyses/rfm';
import { GRID_PRESETS, gridCells, PUTLER_GRID, validateGrid, type GridProblems, type SegmentGrid, type SegmentInfo } from '../analyses/rfm-grid';
import type { ClvApi } from '../../workers/clv.worker';
import {
  expectedPurchasesIn,
  fitClvModels,
  predictCustomer,
  type ClvColumns,
  type ClvCustomerRow,
  type ClvFitInput,
  type ClvFitResult,
  type CustomerClv,
} from './clv-fit';

import type { Row, Status } from './dashboard.svelte';

export type { Row, Status };

/** A result with its status: the latest request wins, stale answers are dropped. */
export interface Async<T> {
  status: Status;
  data: T | null;
  error: string;
  ms: number;
}
const idle = <T>(): Async<T> => ({ status: 'idle', data: null, error: '', ms: 0 });

export interface RfmSegmentRow extends SegmentInfo {
  customers: number;
  revenue: number;
  customerShare: number;
  revenueShare: number;
  meanRecency: number | null;
  meanFrequency: number | null;
  meanMonetary: number | null;
}
export interface RfmCell {
  r: number;
  /** The grid's vertical score (FM, F or M). */
  y: number;
  segment: string | null;
  customers: number;
  revenue: number;
}
export interface RfmResult {
  asOf: string;
  allHistory: boolean;
  segments: RfmSegmentRow[];
  /** Customers in cells no rule covers. */
  unsegmented: number;
  cells: RfmCell[];
  customers: number;
  revenue: number;
}
/** The dimensions historical LTV is broken down by, and the column of value_ltv_customers each reads. */
export const LTV_GROUPS = { segment: 'rfm_segment', cohort: 'since_month', country: 'country', channel: 'channel' } as const;
export type LtvGroup = keyof typeof LTV_GROUPS;

/** The filtered customers with their RFM segment, for LTV by segment, cohort, country and channel. */
const LTV_CUSTOMERS_VIEW_SQL = `CREATE OR REPLACE TEMP VIEW value_ltv_customers AS
  SELECT c.*, r.segment AS rfm_segment FROM scope_customers c LEFT JOIN rfm_customers r USING (customer_id)`;

export interface LtvResult {
  historical: { customers: number; revenue: number; ltv: number | null; medianLtv: number | null };
  by: LtvGroup;
  groups: { group: string | null; customers: number; ltv: number | null; revenueShare: number }[];
  inputs: LtvInputs;
  /** Per month of the scope's orders: churn and repeat-purchase rates (LTV_DEFINITIONS); null where undefined (the first month, a month with no customer). */
  periods: { period: number; churnRate: number | null; repeatRate: number | null }[];
}
export interface CohortResult {
  matrix: { cohort: number; period: number; size: number; retention: number; cumulative: number }[];
  average: { period: number; cohorts: number; customers: number; cumulative: number; retention: number }[];
}
export interface ValueRefreshOptions {
  /** Score RFM on all customers and all history instead of the date range's customers. */
  allHistory: boolean;
  /** Day recency is counted to, 'YYYY-MM-DD'; by default the last day of the date range (or of the data, with allHistory). */
  asOf?: string;
}
export interface ClvFitOptions {
  /** Months of the CLV horizon. */
  horizonMonths?: number;
  /** Weeks held out at the end of the data for the calibration/holdout plot. */
  holdoutWeeks?: number;
}

/** A fit as the panels read it: the worker's result, the ids of its top customers, and the day it predicts from. */
export interface ClvResult extends ClvFitResult {
  /** Customer ids of `top`, in its order. */
  topIds: string[];
  /** Last day of the data, 'YYYY-MM-DD': the calibration end of the full summary. */
  calibrationEnd: string;
}

/** A customer among the highest predicted CLV, with her predictions for the chosen number of days. */
export interface TopCustomer extends CustomerClv {
  customerId: string;
}

/** What the customer report shows of the CLV model for one customer. */
export type CustomerPrediction =
  | { kind: 'unfitted' }
  | { kind: 'loading' }
  | { kind: 'error'; error: string }
  /** No paid purchase: not among the customers the model was fitted on. */
  | { kind: 'unmodelled' }
  | ({ kind: 'ready'; days: number; horizonMonths: number | null } & CustomerClv);

/** Runs a fit somewhere; the app's runs it in a worker and can cancel it. */
export interface ClvFitter {
  fit(input: ClvFitInput): Promise<ClvFitResult>;
  cancel(): void;
}

export class FitCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** One worker per fit: terminating it is the only way to stop a running optimisation. */
export function workerFitter(): ClvFitter {
  let current: { worker: Worker; reject: (e: unknown) => void } | null = null;
  const stop = () => {
    current?.worker.terminate();
    current?.reject(new FitCancelled());
    current = null;
  };
  return {
    async fit(input) {
      stop();
      const worker = new Worker(new URL('../../workers/clv.worker.ts', import.meta.url), { type: 'module' });
      const cancelled = new Promise<never>((_, reject) => (current = { worker, reject }));
      try {
        return await Promise.race([Comlink.wrap<ClvApi>(worker).fit(input), cancelled]);
      } finally {
        if (current?.worker === worker) {
          worker.terminate();
          current = null;
        }
      }
    },
    cancel: stop,
  };
}

/** Runs the fit on the calling thread: for tests and for environments without workers. */
export const inlineFitter: ClvFitter = { fit: async (input) => fitClvModels(input), cancel: () => {} };

const rowsOf = (table: Table): Row[] => table.toArray().map((r) => ({ ...r.toJSON() }));
const num = (v: unknown) => (v == null ? null : Number(v));
const column = (table: Table, name: string) => Float64Array.from(table.getChild(name)?.toArray() ?? [], Number);

export class ValueState {
  grid = $state.raw<SegmentGrid>(PUTLER_GRID);
  readonly presets = GRID_PRESETS;
  problems: GridProblems = $derived(validateGrid(this.grid));
  cells: (string | null)[][] = $derived(gridCells(this.grid));
  /** Colour the grid by customers or by revenue. */
  measure = $state<'customers' | 'revenue'>('customers');
  cohortView = $state<'retention' | 'revenue'>('retention');

  rfm = $state.raw<Async<RfmResult>>(idle());
  ltv = $state.raw<Async<LtvResult>>(idle());
  ltvBy = $state<LtvGroup>('segment');
  cohorts = $state.raw<Async<CohortResult>>(idle());
  clv = $state.raw<Async<ClvResult>>(idle());
  /** Weeks held out at the end of the data for the calibration/holdout check. */
  holdoutWeeks = $state(26);
  /** Days from the data's first to its last day. */
  spanDays = $state(0);
  /** The holdout takes at most a third of the data (see fitClv), in whole weeks, at least 1. */
  maxHoldoutWeeks: number = $derived(Math.max(1, Math.floor(this.spanDays / 3 / 7)));

  // The user's assumptions for formula LTV and CLV.
  grossMargin = $state(0.5);
  acquisitionCost = $state(30);
  annualDiscountRate = $state(0.1);
  readonly unit: PeriodUnit = 'month';
  /** Days ahead for the expected-purchases figure. */
  purchaseDays = $state(90);

  formula: FormulaLtv | null = $derived(
    this.ltv.data
      ? formulaLtv(this.ltv.data.inputs, { grossMargin: this.grossMargin, acquisitionCost: this.acquisitionCost, annualDiscountRate: this.annualDiscountRate, unit: this.unit })
      : null,
  );
  /** null when there is no fit, or the fit is degenerate (too few customers) and the expectation is not a number. */
  expectedPurchases: number | null = $derived.by(() => {
    const value = this.clv.data ? expectedPurchasesIn(this.clv.data, this.purchaseDays) : NaN;
    return Number.isFinite(value) ? value : null;
  });

  /** The fit's customers with the highest predicted CLV, with expected purchases in the next purchaseDays days. */
  topCustomers: TopCustomer[] = $derived.by(() => {
    const fit = this.clv.data;
    if (!fit) return [];
    return fit.top.map((row, i) => ({ customerId: fit.topIds[i] ?? '', ...predictCustomer(fit, row, this.purchaseDays), clv: row.clv }));
  });

  readonly definitions = {
    rfm: RFM_DEFINITIONS,
    ltv: LTV_DEFINITIONS,
    cohorts: COHORT_DEFINITIONS,
    clv: { ...CLV_DEFINITIONS, ...BGNBD_DEFINITIONS, ...GAMMA_GAMMA_DEFINITIONS, ...CLV_SUMMARY_DEFINITIONS },
  };

  /**
   * Whether the section is open. The dashboard refreshes these panels only while it is; closed, they
   * are marked stale and computed when the section opens, so they never hold up a filter change.
   */
  open = $state(false);
  #stale = true;
  /** Resolves when the tables these panels read are built; false when they will not be (the dashboard's customer base). */
  whenReady: () => Promise<boolean> = async () => true;
  /** Counts the times rfm_customers was (re)scored: a signal for views that read it, whether or not the section is open. */
  scored = $state(0);

  #options: ValueRefreshOptions = { allHistory: false };
  #scoredAsOf = '';
  #generation = 0;
  #rfmGeneration = 0;
  #clvGeneration = 0;
  /** The customer whose report is open, and her CLV summary row once read. */
  #watched: string | null = null;
  #customer = $state.raw<{ customerId: string; status: Status; row: ClvCustomerRow | null; error: string } | null>(null);
  #customerGeneration = 0;

  constructor(
    readonly db: Database,
    readonly fitter: ClvFitter = typeof Worker === 'undefined' ? inlineFitter : workerFitter(),
  ) {}

  get allHistory(): boolean {
    return this.#options.allHistory;
  }

  /** Whether scores are counted to a chosen day rather than the range's (or the data's) last day. */
  get asOfChosen(): boolean {
    return this.#options.asOf !== undefined;
  }

  async #rows(query: { sql: string; params: unknown[] } | string): Promise<Row[]> {
    const q = typeof query === 'string' ? { sql: query, params: [] } : query;
    return rowsOf(await this.db.query(q.sql, { params: q.params }));
  }

  /** Opens or closes the section; opening it computes the panels if the scope changed while it was closed. */
  async setOpen(open: boolean): Promise<void> {
    this.open = open;
    if (!open || !this.#stale || !(await this.whenReady()) || !this.open || !this.#stale) return;
    await this.refresh(undefined, this.#scoredAsOf !== '');
    // The benchmark times the opening to this mark (the dashboard marks it after its own refreshes).
    if (typeof requestAnimationFrame !== 'undefined') requestAnimationFrame(() => performance.mark('clientele:value-painted'));
  }

  /**
   * The scope changed while the section is closed: the panels' figures are stale (dropped, so nothing
   * shows figures of another scope) and are computed when it opens. `error`: scoring RFM failed.
   */
  invalidate(error = ''): void {
    this.#stale = true;
    this.#generation++;
    this.#rfmGeneration++;
    if (error) this.#scoredAsOf = '';
    this.rfm = error ? { status: 'error', data: null, error, ms: 0 } : idle();
    this.ltv = idle();
    this.cohorts = idle();
  }

  /** Every panel, after the dashboard rebuilt its scope tables (`scored`: rfm_customers is up to date). */
  async refresh(options: ValueRefreshOptions = this.#options, scored = false): Promise<void> {
    this.#options = { ...options };
    this.#stale = false;
    const generation = ++this.#generation;
    if (scored) await this.#countRfm();
    else await this.#refreshRfm();
    try {
      const [bounds] = await this.#rows(`SELECT (end_day - 1 - first_day)::INTEGER AS span FROM data_bounds`);
      if (generation === this.#generation) this.spanDays = Number(bounds?.span ?? 0);
    } catch {
      // data_bounds is the dashboard's; if it cannot be read, the LTV panel below reports the failure.
    }
    await this.#load(generation, 'ltv', async () => {
      // Historical LTV is net revenue to date over all history (customer_base.ltv), as the dashboard's KPI.
      await this.db.query(LTV_CUSTOMERS_VIEW_SQL);
      const [historical] = await this.#rows(historicalLtvSql({ customers: 'value_ltv_customers', value: 'ltv' }));
      const byGroup = await this.#rows(historicalLtvSql({ customers: 'value_ltv_customers', value: 'ltv', by: LTV_GROUPS[this.ltvBy] }));
      const [inputs] = await this.#rows(ltvInputsSql({ orders: 'scope_orders', unit: this.unit }));
      const periods = await this.#rows(periodActivitySql({ orders: 'scope_orders', unit: this.unit }));
      return {
        historical: {
          customers: Number(historical?.customers ?? 0),
          revenue: Number(historical?.revenue ?? 0),
          ltv: num(historical?.ltv),
          medianLtv: num(historical?.median_ltv),
        },
        by: this.ltvBy,
        groups: byGroup.map((g) => ({ group: g.group == null ? null : String(g.group), customers: Number(g.customers), ltv: num(g.ltv), revenueShare: Number(g.revenue_share ?? 0) })),
        inputs: Object.fromEntries(Object.entries(inputs ?? {}).map(([k, v]) => [k, k === 'churnRate' ? num(v) : Number(v ?? 0)])) as unknown as LtvInputs,
        periods: periods.map((r) => ({ period: Number(r.period), churnRate: num(r.churn_rate), repeatRate: num(r.repeat_rate) })),
      };
    });
    await this.#load(generation, 'cohorts', async () => {
      const matrix = await this.#rows(cohortMatrixSql({ orders: 'scope_orders' }));
      const average = await this.#rows(cohortAverageCurveSql({ orders: 'scope_orders' }));
      return {
        matrix: matrix.map((r) => ({
          cohort: Number(r.cohort),
          period: Number(r.period),
          size: Number(r.cohort_size),
          retention: Number(r.retention),
          cumulative: Number(r.cumulative_revenue_per_customer),
        })),
        average: average.map((r) => ({
          period: Number(r.period),
          cohorts: Number(r.cohorts),
          customers: Number(r.customers),
          cumulative: Number(r.cumulative_revenue_per_customer),
          retention: Number(r.retention),
        })),
      };
    });
  }

  async #load<K extends 'ltv' | 'cohorts'>(generation: number, key: K, read: () => Promise<NonNullable<this[K]['data']>>): Promise<void> {
    const started = performance.now();
    this[key] = { ...this[key], status: 'loading', error: '' } as this[K];
    try {
      const data = await read();
      if (generation === this.#generation) this[key] = { status: 'ready', data, error: '', ms: performance.now() - started } as this[K];
    } catch (error) {
      if (generation === this.#generation) this[key] = { status: 'error', data: null, error: QueryError.from(error).message.split('\n')[0] ?? '', ms: 0 } as this[K];
    }
  }

  /**
   * Scores every customer of the period into rfm_customers. The dashboard calls it after the
   * range's scope tables and before the filter's, so an RFM segment rule reads this range's scores.
   */
  async scoreRfm(): Promise<void> {
    const { allHistory } = this.#options;
    const asOf =
      this.#options.asOf ??
      String((await this.#rows(`SELECT strftime(end_day - 1, '%Y-%m-%d') AS d FROM ${allHistory ? 'data_bounds' : 'scope_period'}`))[0]?.d ?? '');
    await this.db.query(rfmInputSql(allHistory));
    const scores = rfmCustomersSql(asOf, this.grid);
    await this.db.query(scores.sql, { params: scores.params });
    this.#scoredAsOf = asOf;
    this.scored++;
  }

  /** Re-scores (after a grid or history change), then counts. */
  async #refreshRfm(): Promise<void> {
    try {
      await this.scoreRfm();
    } catch (error) {
      this.rfm = { status: 'error', data: null, error: QueryError.from(error).message.split('\n')[0] ?? '', ms: 0 };
      return;
    }
    await this.#countRfm();
    this.onRescored?.();
  }

  /** Called after a grid or history change re-scored rfm_customers (an applied RFM segment must follow). */
  onRescored: (() => void) | null = null;

  /** Counts the filtered customers (scope_customers) per cell and segment of rfm_customers. */
  async #countRfm(): Promise<void> {
    const generation = ++this.#rfmGeneration;
    const { allHistory } = this.#options;
    const grid = this.grid;
    const started = performance.now();
    this.rfm = { ...this.rfm, status: 'loading', error: '' };
    try {
      const counted = allHistory ? 'rfm_customers' : '(SELECT rc.* FROM rfm_customers rc SEMI JOIN scope_customers USING (customer_id))';
      const y = { FM: 'fm', F: 'f', M: 'm' }[grid.axis];
      const cellRows = await this.#rows(
        `SELECT r, ${y} AS y, count(*)::INTEGER AS customers, sum(monetary)::DOUBLE AS revenue FROM ${counted} GROUP BY ALL`,
      );
      const segmentRows = await this.#rows(
        `SELECT segment, count(*)::INTEGER AS customers, sum(monetary)::DOUBLE AS revenue,
          avg(recency)::DOUBLE AS recency, avg(frequency)::DOUBLE AS frequency, avg(monetary)::DOUBLE AS monetary
        FROM ${counted} GROUP BY ALL`,
      );
      if (generation !== this.#rfmGeneration) return;
      this.rfm = { status: 'ready', data: summarise(grid, this.#scoredAsOf, allHistory, cellRows, segmentRows), error: '', ms: performance.now() - started };
    } catch (error) {
      if (generation === this.#rfmGeneration) this.rfm = { status: 'error', data: null, error: QueryError.from(error).message.split('\n')[0] ?? '', ms: 0 };
    }
  }

  // Grid edits: each one re-scores (rfm_customers keeps the segment names the grid shows).

  choosePreset(id: string): void {
    const preset = this.presets.find((p) => p.id === id);
    if (preset) this.setGrid(preset);
  }

  setGrid(grid: SegmentGrid): void {
    this.grid = grid;
    void this.#refreshRfm();
  }

  /** Puts the cell (r, y) in `segment` (a rule for that one cell, ahead of the others). */
  assignCell(r: number, y: number, segment: string): void {
    const rules = [{ segment, r: [r, r] as const, y: [y, y] as const }, ...this.grid.rules];
    this.setGrid({ ...this.grid, id: 'custom', rules });
  }

  renameSegment(from: string, to: string): void {
    const name = to.trim();
    if (!name || name === from || this.grid.segments.some((s) => s.name === name)) return;
    this.setGrid({
      ...this.grid,
      id: 'custom',
      segments: this.grid.segments.map((s) => (s.name === from ? { ...s, name } : s)),
      rules: this.grid.rules.map((rule) => (rule.segment === from ? { ...rule, segment: name } : rule)),
    });
  }

  setAllHistory(allHistory: boolean): void {
    this.#options = { ...this.#options, allHistory };
    void this.#refreshRfm();
  }

  setLtvBy(by: LtvGroup): void {
    this.ltvBy = by;
    void this.refresh(undefined, true);
  }

  setMeasure(measure: 'customers' | 'revenue'): void {
    this.measure = measure;
  }

  setCohortView(view: 'retention' | 'revenue'): void {
    this.cohortView = view;
  }

  setPurchaseDays(days: number): void {
    if (days >= 1) this.purchaseDays = Math.round(days);
  }

  setHoldoutWeeks(weeks: number): void {
    if (Number.isFinite(weeks)) this.holdoutWeeks = Math.min(this.maxHoldoutWeeks, Math.max(1, Math.round(weeks)));
  }

  setAssumption(key: 'grossMargin' | 'acquisitionCost' | 'annualDiscountRate', value: number): void {
    if (Number.isFinite(value) && value >= 0) this[key] = value;
  }

  /**
   * Fits BG/NBD and Gamma-Gamma on every customer's purchase history (all orders, to the end of the
   * data; weeks as the time unit), predicts CLV per RFM segment, and checks the model on a holdout.
   */
  async fitClv({ horizonMonths = 12, holdoutWeeks = this.holdoutWeeks }: ClvFitOptions = {}): Promise<void> {
    const generation = ++this.#clvGeneration;
    const started = performance.now();
    this.clv = { ...this.clv, status: 'loading', error: '' };
    try {
      const [bounds] = await this.#rows(
        `SELECT strftime(end_day - 1, '%Y-%m-%d') AS last_day, (end_day - 1 - first_day)::INTEGER AS span FROM data_bounds`,
      );
      const lastDay = String(bounds?.last_day);
      // The holdout takes at most a third of the data, so the calibration period stays the longer.
      const holdoutDays = Math.min(holdoutWeeks * 7, Math.floor(Number(bounds?.span ?? 0) / 3));
      const full = clvSummarySql({ orders: 'orders', calibrationEnd: lastDay, unit: 'weeks' });
      const fullTable = await this.db.query(
        `SELECT s.customer_id, s.x::DOUBLE AS x, s.t_x, s.T, s.m, rc.segment FROM (${full.sql}) s LEFT JOIN rfm_customers rc USING (customer_id) ORDER BY s.customer_id`,
        { params: full.params },
      );
      let calibration: ClvFitInput['calibration'] = null;
      if (holdoutDays >= 7) {
        const q = clvSummarySql({ orders: 'orders', calibrationEnd: await this.#shift(lastDay, -holdoutDays), holdoutEnd: lastDay, unit: 'weeks' });
        const table = await this.db.query(q.sql, { params: q.params });
        calibration = { ...columns(table), xHoldout: column(table, 'x_holdout') };
      }
      if (generation !== this.#clvGeneration) return;
      const result = await this.fitter.fit({
        full: columns(fullTable),
        segments: (fullTable.getChild('segment')?.toArray() ?? []) as (string | null)[],
        calibration,
        holdoutWeeks: holdoutDays / 7,
        horizonMonths,
        monthlyDiscountRate: annualToPeriodRate(this.annualDiscountRate, 12),
        grossMargin: this.grossMargin,
      });
      if (generation !== this.#clvGeneration) return;
      const ids = fullTable.getChild('customer_id');
      const topIds = result.top.map((c) => String(ids?.get(c.index)));
      this.clv = { status: 'ready', data: { ...result, topIds, calibrationEnd: lastDay }, error: '', ms: performance.now() - started };
      void this.#readCustomer();
    } catch (error) {
      if (generation !== this.#clvGeneration) return;
      this.clv = error instanceof FitCancelled ? idle() : { status: 'error', data: null, error: QueryError.from(error).message.split('\n')[0] ?? '', ms: 0 };
    }
  }

  async #shift(day: string, days: number): Promise<string> {
    const [row] = await this.#rows({ sql: `SELECT strftime($1::DATE + $2::INTEGER, '%Y-%m-%d') AS d`, params: [day, days] });
    return String(row?.d);
  }

  /** The customer whose report is open (null: none): her summary row is read now and after each fit. */
  async watchCustomer(customerId: string | null): Promise<void> {
    this.#watched = customerId;
    await this.#readCustomer();
  }

  async #readCustomer(): Promise<void> {
    const generation = ++this.#customerGeneration;
    const customerId = this.#watched;
    const fit = this.clv.data;
    if (customerId === null || !fit) {
      this.#customer = null;
      return;
    }
    this.#customer = { customerId, status: 'loading', row: null, error: '' };
    try {
      // The fit's own summary (all orders, to the data's last day), for this one customer.
      const q = clvSummarySql({ orders: 'orders', calibrationEnd: fit.calibrationEnd, unit: 'weeks' });
      const [row] = await this.#rows({ sql: `SELECT x::DOUBLE AS x, t_x, T, m FROM (${q.sql}) WHERE customer_id = $3`, params: [...q.params, customerId] });
      if (generation !== this.#customerGeneration) return;
      this.#customer = { customerId, status: 'ready', row: row ? { x: Number(row.x), tx: Number(row.t_x), T: Number(row.T), m: Number(row.m) } : null, error: '' };
    } catch (error) {
      if (generation === this.#customerGeneration) this.#customer = { customerId, status: 'error', row: null, error: QueryError.from(error).message.split('\n')[0] ?? '' };
    }
  }

  /** P(alive), expected purchases in the next purchaseDays days and predicted CLV of the watched customer, from the fitted model. */
  customerPrediction(customerId: string): CustomerPrediction {
    const fit = this.clv.data;
    if (!fit) return { kind: 'unfitted' };
    const c = this.#customer;
    if (!c || c.customerId !== customerId || c.status === 'loading' || c.status === 'idle') return { kind: 'loading' };
    if (c.status === 'error') return { kind: 'error', error: c.error };
    if (!c.row) return { kind: 'unmodelled' };
    return { kind: 'ready', days: this.purchaseDays, horizonMonths: fit.clvOptions?.periods ?? null, ...predictCustomer(fit, c.row, this.purchaseDays) };
  }

  cancelFit(): void {
    this.#clvGeneration++;
    this.fitter.cancel();
    this.clv = { ...this.clv, status: this.clv.data ? 'ready' : 'idle' };
  }

  /** A new data set: a model fitted on the old one must not be shown against the new one's customers. */
  forgetFit(): void {
    this.#clvGeneration++;
    this.fitter.cancel();
    this.clv = idle();
  }
}

function columns(table: Table): ClvColumns {
  return { x: column(table, 'x'), tx: column(table, 't_x'), T: column(table, 'T'), m: column(table, 'm') };
}

/** The grid's 25 cells and its segments in the grid's order, from per-cell and per-segment counts. */
function summarise(grid: SegmentGrid, asOf: string, allHistory: boolean, cellRows: Row[], segmentRows: Row[]): RfmResult {
  const cells = gridCells(grid).flatMap((row, yi) =>
    row.map((segment, ri) => {
      const found = cellRows.find((c) => Number(c.r) === ri + 1 && Number(c.y) === yi + 1);
      return { r: ri + 1, y: yi + 1, segment, customers: Number(found?.customers ?? 0), revenue: Number(found?.revenue ?? 0) };
    }),
  );
  const customers = cells.reduce((s, c) => s + c.customers, 0);
  const revenue = cells.reduce((s, c) => s + c.revenue, 0);
  const segments = grid.segments.map((info) => {
    const row = segmentRows.find((s) => s.segment === info.name);
    const c = Number(row?.customers ?? 0);
    const v = Number(row?.revenue ?? 0);
    return {
      ...info,
      customers: c,
      revenue: v,
      customerShare: customers ? c / customers : 0,
      revenueShare: revenue ? v / revenue : 0,
      meanRecency: num(row?.recency),
      meanFrequency: num(row?.frequency),
      meanMonetary: num(row?.monetary),
    };
  });
  const unsegmented = Number(segmentRows.find((s) => s.segment == null)?.customers ?? 0);
  return { asOf, allHistory, segments, unsegmented, cells, customers, revenue };
}
