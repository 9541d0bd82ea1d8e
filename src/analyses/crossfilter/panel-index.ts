// The dashboard's panels from arrays held beside the engine (panels.ts), read out of the tables the
// SQL plan builds once per data set (prepare). A range's rows are then built from those arrays,
// and a facet selection is matched on them too, so a facet click or a new date range needs no SQL
// before its panels: tens of milliseconds at 1M orders against hundreds by SQL
// (docs/benchmarks.md). A segment is matched on the arrays too (segment-arrays.ts), except for
// the rules SQL alone can decide (RFM, churn): whom such a segment fails is read after the SQL
// plan's scope statements ran, from its flag tables (all time) or evaluated on every customer (a
// dated range, whose lost customers the flag tables do not hold). Where a case is not covered (a facet
// search, a NULL where a figure is expected) the index answers null and the caller runs the SQL
// plan: the arrays never guess.
import type { Table, Vector } from 'apache-arrow';
import type { DashboardPlanOptions } from '../dashboard';
import { FACET_DIMENSIONS, type DateRange, type FacetSelections } from '../filters';
import { segmentPredicate, type Segment } from '../segments';
import { raw, sql, type Fragment, type SqlParam } from '../sql-fragment';
import { DEFAULT_CHURN_WINDOW_DAYS, type Grain } from '../activity-series';
import { PANEL_SCRATCH } from './scratch';
import {
  ATTRIBUTE_DIMENSIONS, DAY_MS, ITEM_DIMENSIONS, activityCube, activityOfCodes, facetCube, facetCubeCells, facetsOfCodes, selectedCodes, type ActivityCube, type FacetCube, facetFailsByCid, flagBit, ordersByCid, paidThrough, panelRows, purchaseDaysByDay, startsByCid, periodOrders, periodsOf, rangeArrays, rangeArraysOf, rangeItems, rangeScope, rowFails, sampleOf, sortAscending, withFails, dataArraysOf,
  type AttributeDimension, type DataArrays, type PanelOptions, type Period, type RangeArrays, type UnfilteredRows,
} from './panels';
import { compareBytes, readArraysFromOrders, type CustomerIds, type OrdersElsewhere } from './orders-arrays';
import { historyRfmValues, isArrayListSort, listCandidates, pageOrder, rangeRfmValues, rfmRanksOf, segmentOf, type RfmRanks } from './list-page';
import { customerContactsSql } from '../customer-base';
import { RFM_LIST_COLUMN } from '../customer-list';
import { gridCells, PUTLER_GRID, type SegmentGrid } from '../rfm-grid';
import { quoteLiteral } from '../../db/sql';
import { segmentFailingByCid, type SegmentFacts } from './segment-arrays';

export type ReadTable = (sql: string, params?: SqlParam[]) => Promise<Table>;

/**
 * Which data set, which range (its key: the same range gives the same rows) and which build of that
 * range's scope tables (the stamp scopeStampSql wrote after them) a state's flag tables are of.
 */
export interface PanelVersions {
  data: number;
  range: string;
  stamp: number;
}

/**
 * Marks the scope tables just built for a range. A read of the flag tables returns the stamp in the
 * same statement, so flags written while another refresh rebuilt them for another range are never used.
 */
export const scopeStampSql = (stamp: number) => `CREATE OR REPLACE TEMP TABLE scope_stamp AS SELECT ${Math.floor(stamp)}::INTEGER AS stamp`;
const STAMP = '(SELECT stamp FROM scope_stamp) AS stamp';

/** Ranges whose rows are kept (all time and the last ranges used, typically). */
const RANGES_KEPT = 3;
/**
 * A range of the date picker's is built ahead of its first visit (buildAhead) when its two periods
 * hold at least this many orders. Building a range's rows costs about as much as its orders: at 1M
 * orders, in Chromium 150 on 2 cores (docs/benchmarks.md), the presets holding 246k–843k orders
 * painted a first visit in 111–310 ms (last quarter 120–144, this quarter 111–144, the last 90 days
 * 160–196 as the first range after the CLV fit, last year 172–178, this year 294–310), over the
 * 150 ms a date range has; those holding 30k–120k in 64–108 ms.
 */
export const BUILD_AHEAD_FROM_ORDERS = 240_000;
/**
 * The ranges kept built ahead hold at most this many orders in their periods together, the largest
 * first. A range's rows take ~65–120 bytes an order: at 1M orders the five presets above hold 2.1M
 * orders, ~190 MB (this year 66, last year 32, this quarter 34, the last 90 days 34, last quarter 22).
 */
export const BUILD_AHEAD_MAX_ORDERS = 2_400_000;

/** The customer attributes a facet filters on whose cubes are kept (customer since has a column per grain: not one of them). */
const CUBE_DIMENSIONS = ['country', 'city', 'channel', 'value_band'] as const satisfies readonly AttributeDimension[];
type CubeDimension = (typeof CUBE_DIMENSIONS)[number];
/**
 * At most this many bytes in a cube (one per attribute and range): an activity cube holds six doubles
 * per (value, period), a facet cube a count and a sum per (value, other value). At 1M orders of the
 * sample (22 cities, 11 products) each is under 1 MB.
 */
const CUBE_MAX_BYTES = 24_000_000;
/** How many periods of `grain` a period spans, at most. */
const periodsCount = (period: Period, grain: Grain | 'auto') => {
  const g = grain === 'auto' ? period.grain : grain;
  return Math.ceil((period.endDay - period.startDay) / (g === 'day' ? 1 : g === 'week' ? 7 : 28)) + 1;
};
const cubeKey = (rangeKey: string, options: Pick<DashboardPlanOptions, 'grain' | 'churnWindowDays'>, dimension: CubeDimension) =>
  JSON.stringify([rangeKey, options.grain, Math.round(options.churnWindowDays), dimension]);

/** Resolves after the tasks already queued (a message from the page among them) have run. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
/** The warm-up's sample: this many customers (the largest, cids 1…n). */
const WARM_UP_CUSTOMERS = 2_000;
/** Rounds of the warm-up after prepare: enough for the engine to optimise each function whole (checked with --trace-opt). */
const WARM_UP_ROUNDS = 8;
/** Above RADIX_FROM in panels.ts, so the radix sort runs. */
const RADIX_WARM_UP_VALUES = 20_000;

/** A segment of every rule kind the arrays match (segment-arrays.ts), on one of the data's products, for the warm-up. */
const warmUpSegment = (product: string): Segment => ({
  name: 'warm-up', combine: 'or',
  groups: [
    { combine: 'and', rules: [{ kind: 'number', field: 'order_count', op: '>=', value: 2 }, { kind: 'number', field: 'total_revenue', op: '>=', value: 100 }, { kind: 'date', field: 'last_purchase', op: 'on_or_after', value: '2000-01-01' }] },
    { combine: 'or', rules: [{ kind: 'text', field: 'country', op: 'is_not', value: '' }, { kind: 'product', product, when: 'ever' }, { kind: 'product', product, when: 'in_range' }] },
  ],
});

/** Above this many orders the arrays are not built (their memory is the JavaScript heap's, beside DuckDB's). */
export const PANEL_INDEX_MAX_ORDERS = 3_000_000;

type Rows = Record<string, unknown>[];

/** How the customer list's RFM column is scored (value.svelte.ts scoreRfm): the grid, and the range's customers or all history. */
export interface ListRfm {
  grid: SegmentGrid;
  allHistory: boolean;
}

/**
 * A data set's arrays. `baseCids`: its customers are numbered as customer_base's cid (read from the
 * customer base), not only as orders-arrays.ts numbers them, so the flag tables' cids (a segment's)
 * can be matched on them. `ids`: each cid's customer id, where the arrays were built from the orders
 * (customer_base holds them otherwise). `segmentFacts`: customer_base's columns a segment's number
 * rules compare (segment-arrays.ts), read with the customer base's arrays only.
 */
interface IndexData {
  version: number;
  arrays: DataArrays;
  baseCids: boolean;
  ids: CustomerIds | null;
  segmentFacts: SegmentFacts | null;
  /** #contactsWithout's answer, once asked. */
  contactsWithout?: Promise<{ name: boolean; email: boolean }>;
}

export class PanelIndex {
  readonly #read: ReadTable;
  /** The arrays of data set `version` (IndexData). */
  #data: IndexData | null = null;
  /** The RFM ranks the list's pages read, by range key (or 'all history'), least recently used first; of #data's arrays. */
  readonly #rfmRanks = new Map<string, RfmRanks>();
  /** The first customers' data, which the warm-up runs on (sampleOf). */
  #sample: DataArrays | null = null;
  /** The data set the latest prepare() is for. */
  #preparing = 0;
  /** A range's rows by its key (JSON of the range), least recently used first; of #data's data set. */
  readonly #ranges = new Map<string, RangeArrays>();
  /** Ranges built ahead of their first visit (buildAhead), by key, kept whatever #ranges drops; of #data's data set. */
  readonly #builtAhead = new Map<string, RangeArrays>();
  /** Activity cubes (panels.ts activityCube) by cubeKey, for the arrays they were built on. */
  readonly #cubes = new Map<string, { arrays: DataArrays; cube: ActivityCube }>();
  /** Facet cubes (panels.ts facetCube) by range key and attribute, for the arrays they were built on. */
  readonly #facetCubes = new Map<string, { arrays: DataArrays; cube: FacetCube }>();
  /** The grain and churn window of the last all-time state asked for: what buildAhead builds cubes for. */
  #allTimeOptions: Pick<DashboardPlanOptions, 'grain' | 'churnWindowDays'> = { grain: 'auto', churnWindowDays: DEFAULT_CHURN_WINDOW_DAYS };
  #rangeBuilds = 0;

  readonly #elsewhere: OrdersElsewhere | undefined;

  /** All time's unfilteredRows, made with the orders' part, and the arrays they are of. */
  #allTimeUnfiltered: { arrays: DataArrays; rows: UnfilteredRows } | null = null;

  /** `elsewhere`: where the orders' part of prepareFromOrders can be built beside this one (orders-arrays.ts). */
  constructor(read: ReadTable, elsewhere?: OrdersElsewhere) {
    this.#read = read;
    this.#elsewhere = elsewhere;
  }

  /**
   * Reads the data-wide arrays for data set `version` (after the customer base was built) and builds
   * all time's rows; false when too big or not covered.
   */
  async prepare(version: number): Promise<boolean> {
    this.#preparing = version;
    // Arrays of this data set built from the orders keep answering until these replace them.
    if (this.#data?.version !== version) this.forget();
    const [counts] = rowsOf(await this.#read('SELECT (SELECT count(*) FROM customer_orders)::DOUBLE AS orders, (SELECT COALESCE(max(cid), 0) FROM customer_base)::DOUBLE AS customers'));
    const orders = Number(counts?.orders ?? 0);
    const customers = Number(counts?.customers ?? 0);
    if (orders > PANEL_INDEX_MAX_ORDERS) return false;
    const read = await this.#readData(customers);
    // A prepare for a newer data set started meanwhile: it decides what is kept.
    if (!read || this.#preparing !== version) return false;
    const { arrays, segmentFacts } = read;
    this.#ranges.clear();
    this.#builtAhead.clear();
    this.#cubes.clear();
    this.#facetCubes.clear();
    this.#data = { version, arrays, baseCids: true, ids: null, segmentFacts };
    this.#rfmRanks.clear();
    const allTime = JSON.stringify(null);
    // All time's RFM ranks too, off the path of the next list's page (15–60 ms at 1M orders, Node build).
    this.#rfmRanksFor(this.#data, allTime, this.#range(allTime), false);
    this.#sample = sampleOf(arrays, WARM_UP_CUSTOMERS);
    const size = this.#sample.customers.ltv.length;
    const sampleFacts = { lifetimeRevenue: segmentFacts.lifetimeRevenue.subarray(0, size), lifetimeOrders: segmentFacts.lifetimeOrders.subarray(0, size), lifetimeAov: segmentFacts.lifetimeAov.subarray(0, size) };
    this.#warmUp(this.#sample, sampleFacts, WARM_UP_ROUNDS);
    return true;
  }

  /**
   * Builds data set `version`'s arrays from the orders and lines alone (orders-arrays.ts), before the
   * customer base exists, so the first dashboard and the states after it (any range and facets, not
   * a segment) are answered while the customer base is built; prepare() replaces them later. The
   * data's first and last day (epoch ms, as DATA_FACTS_SQL.bounds), or null when not built.
   */
  async prepareFromOrders(version: number): Promise<{ firstDay: number; lastDay: number } | null> {
    this.#preparing = version;
    this.forget();
    const [counts] = rowsOf(await this.#read('SELECT count(*)::DOUBLE AS orders FROM orders'));
    if (Number(counts?.orders ?? 0) > PANEL_INDEX_MAX_ORDERS) return null;
    const read = await readArraysFromOrders(this.#read, this.#elsewhere);
    if (!read || this.#preparing !== version) return null;
    const { arrays, ids, allTime, allTimeItems, allTimeUnfiltered } = read;
    this.#data = { version, arrays, baseCids: false, ids, segmentFacts: null };
    this.#allTimeUnfiltered = { arrays, rows: allTimeUnfiltered };
    // All time's rows came with the orders' part, summed there in a walk it makes anyway, and its
    // item sets with the lines' join, made while that part was finished (none here).
    const periods = periodsOf(null, arrays.bounds);
    this.#ranges.set(JSON.stringify(null), rangeArraysOf(arrays, periods, allTime, rangeScope(arrays, periods.previous), allTimeItems));
    this.#rangeBuilds++;
    return { firstDay: arrays.bounds.firstDay * DAY_MS, lastDay: (arrays.bounds.endDay - 1) * DAY_MS };
  }

  /**
   * Runs the panels' code on a sample of the data (the first customers) until the JavaScript engine
   * has optimised each function whole, on objects of the same hidden classes as the data set's
   * (dataArraysOf, withFails, panelOptions, a plan cloned as postMessage clones it). The warm-up
   * before, run once on all time, left the first facet click after the value section and the CLV
   * fit waiting ~90 ms for TurboFan (a trace): it had optimised only the long loops in place
   * (on-stack replacement), and that code was dropped once the hidden classes it was specialised to
   * were collected or did not match (--trace-deopt: "embedded weak objects cleared", "wrong map").
   * Every path a state takes is run (all time and dated ranges; unfiltered, a customer column, an
   * item and a customer-since facet; a segment, alone and with a facet, matched on the arrays and as
   * read from the flag tables), the customer list's page (its candidates, its RFM ranks) and the
   * radix sort on its own. Nothing it builds is kept.
   */
  #warmUp(sample: DataArrays, facts: SegmentFacts, rounds: number): void {
    const selections: FacetSelections[] = [{}, { country: [commonestCountry(sample)] }, { product: [sample.itemValues.product[1] ?? null] }, { customer_since: [null] }];
    const day = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10);
    const { firstDay, endDay } = sample.bounds;
    const ranges = [null, ...[30, 90, 365].map((days) => ({ start: day(Math.max(firstDay, endDay - days)), end: day(endDay) }))];
    const revenues = new Float64Array(RADIX_WARM_UP_VALUES);
    const segment = warmUpSegment(sample.itemValues.product[1] ?? '');
    // A segment's failing customers as its reads give them (every other customer, here): from the
    // flag tables on all time, for every customer on a dated range.
    const everyOther = (cids: Int32Array) => cids.filter((cid) => cid % 2 === 1);
    const failingCustomers = everyOther(Int32Array.from({ length: sample.customers.ltv.length }, (_, cid) => cid));
    for (let round = 0; round < rounds; round++) {
      for (const range of ranges) {
        const rows = rangeArrays(sample, range);
        // The list's page: its candidates in a sort by a figure and by an instant, and the range's RFM scores.
        const { rows: scope, period } = rows.current;
        for (const sort of ['revenue', 'last_order_at'] as const) listCandidates(scope, sample.customers, null, sort, true, 25);
        rfmRanksOf(sample, period.endDay - 1, { rows: scope, endDay: period.endDay }).scores([{ recency: 0, frequency: 1, monetary: 0 }]);
        for (const [i, facets] of selections.entries()) {
          // Cloned as the page's plans reach the worker (postMessage), so that their objects are alike too.
          const plan: DashboardPlanOptions = structuredClone({ filter: { range, facets }, grain: 'auto', churnWindowDays: 90, facetLimit: 12, list: { limit: 25 } });
          this.#panelRows(plan, sample, rows, null);
          // The segment alone and with a country: matched on the arrays, then as its SQL reads give it.
          if (i > 1) continue;
          const matched = segmentFailingByCid(segment, sample, facts, rows);
          if (matched) this.#panelRows(plan, sample, rows, null, matched);
          if (range === null) {
            const failing = (scope: RangeArrays['current']) => ({ rows: scope.rows.n, cids: everyOther(scope.rows.cid) });
            this.#panelRows(plan, sample, rows, { current: failing(rows.current), previous: failing(rows.previous) });
          } else {
            this.#panelRows(plan, sample, rows, null, { current: failingCustomers, previous: failingCustomers });
          }
        }
      }
      // The sample's rankings are too short for the radix sort (sortAscending).
      for (let i = 0; i < revenues.length; i++) revenues[i] = (i * 7919) % 1000;
      sortAscending(revenues);
    }
  }

  /** Whether `range`'s rows are held (built ahead, or among the last ranges used), so that its next state builds none. */
  isBuilt(range: DateRange | null): boolean {
    const key = JSON.stringify(range && { start: range.start, end: range.end });
    return this.#builtAhead.has(key) || this.#ranges.has(key);
  }

  /** How many times this index built a range's rows (the tests read it: a range held is not built again). */
  get rangeBuilds(): number {
    return this.#rangeBuilds;
  }

  /** Drops the arrays: the data changed. */
  forget(): void {
    this.#data = null;
    this.#allTimeUnfiltered = null;
    this.#rfmRanks.clear();
    this.#sample = null;
    this.#ranges.clear();
    this.#builtAhead.clear();
    this.#cubes.clear();
    this.#facetCubes.clear();
  }

  /**
   * Readies the first visits of later states, in idle time. First a facet's state, its list's first
   * page and a segment's state run once on the data's own arrays (nothing kept): the first facet
   * click otherwise grew the working arrays (scratch.ts) to the data's size and ran those paths on it
   * for the first time, its panels taking ~1.7× a later click's time in the worker (85 against 51 ms
   * at 1M orders, a trace in Chromium 150) and its list page ~2× (83 against 40); and all time's RFM
   * monetary values are sorted for the list pages (RfmRanks.sortMonetary). Then it builds ahead the
   * rows of the ranges among `ranges` (the date picker's presets) whose first visit would be slow:
   * those whose two periods hold `fromOrders` orders or more, the largest first, as long as they hold
   * `maxOrders` orders together (one that would not fit is skipped); all time is built already. One
   * piece a task (a period's rows, the item sets), so a message from the page waits for one piece at
   * most (~25–50 ms at 1M orders) rather than for the whole build. For data set `dataVersion`'s arrays from prepare()
   * only: those from the orders are replaced soon after. The keys of the ranges kept built; none
   * when the data changed meanwhile.
   */
  async buildAhead(dataVersion: number, ranges: (DateRange | null)[], fromOrders = BUILD_AHEAD_FROM_ORDERS, maxOrders = BUILD_AHEAD_MAX_ORDERS): Promise<string[]> {
    const data = this.#data;
    if (!data?.baseCids || data.version !== dataVersion) return [];
    const arrays = data.arrays;
    const byKey = new Map(ranges.filter((range) => range !== null).map((range) => [JSON.stringify({ start: range.start, end: range.end }), periodsOf(range, arrays.bounds)]));
    const largest = [...byKey]
      .map(([key, periods]) => ({ key, periods, orders: periodOrders(arrays, periods.current) + periodOrders(arrays, periods.previous) }))
      .filter((range) => range.orders >= fromOrders)
      .sort((a, b) => b.orders - a.orders);
    // The largest first, while they fit in maxOrders together.
    const chosen: typeof largest = [];
    let budget = maxOrders;
    for (const range of largest) {
      if (range.orders > budget) continue;
      chosen.push(range);
      budget -= range.orders;
    }
    if (!(await this.#warmUpOnData(data))) return [];
    const kept = new Map<string, RangeArrays>();
    for (const { key, periods } of chosen) {
      // Built already, or visited while this builds (its rows were built then): taken as it is.
      const built = () => this.#builtAhead.get(key) ?? this.#ranges.get(key);
      const range = built() ?? (await this.#buildInPieces(data, periods, built));
      if (!range) return [];
      kept.set(key, range);
    }
    this.#builtAhead.clear();
    for (const [key, range] of kept) this.#builtAhead.set(key, range);
    if (!(await this.#buildCubes(data))) return [];
    return [...kept.keys()];
  }

  /**
   * buildAhead's last pieces: all time's cubes of each customer attribute a facet filters on, a cube
   * a task: its activity series at the grain and churn window of the last all-time state asked for,
   * and its facets' counts (~25–30 ms each at 1M orders, Node build). A click on one value (or several)
   * of that facet then sums the cubes' cells instead of walking its customers' orders and rows (~40 ms
   * for a third of the customers). Skipped for an attribute with too many values for its cubes to be
   * small; false when the data changed meanwhile.
   */
  async #buildCubes(data: IndexData): Promise<boolean> {
    const allTime = JSON.stringify(null);
    const options = this.#allTimeOptions;
    for (const dimension of CUBE_DIMENSIONS) {
      const attribute = data.arrays.attributes[dimension];
      const key = cubeKey(allTime, options, dimension);
      if (this.#data !== data) return false;
      const range = this.#range(allTime);
      if (this.#cubes.get(key)?.arrays !== data.arrays && attribute.values.length * periodsCount(range.current.period, options.grain) * 48 <= CUBE_MAX_BYTES) {
        this.#cubes.set(key, { arrays: data.arrays, cube: activityCube(range.current, data.arrays, options, attribute.codeByCid, attribute.values.length) });
        await nextTask();
        if (this.#data !== data) return false;
      }
      const facetKey = JSON.stringify([allTime, dimension]);
      if (this.#facetCubes.get(facetKey)?.arrays !== data.arrays && facetCubeCells(data.arrays, dimension) * 12 <= CUBE_MAX_BYTES) {
        this.#facetCubes.set(facetKey, { arrays: data.arrays, cube: facetCube(range.current, data.arrays, range.items, dimension) });
        await nextTask();
      }
    }
    return this.#data === data;
  }

  /** Whether `range`'s cubes of `dimension` are held for `options` (for the tests). */
  hasCubes(range: DateRange | null, options: Pick<DashboardPlanOptions, 'grain' | 'churnWindowDays'>, dimension: CubeDimension): { activity: boolean; facets: boolean } {
    const rangeKey = JSON.stringify(range && { start: range.start, end: range.end });
    return { activity: this.#cubes.has(cubeKey(rangeKey, options, dimension)), facets: this.#facetCubes.has(JSON.stringify([rangeKey, dimension])) };
  }

  /**
   * The activity's and the facets' rows of `plan` from cubes, when its only filter is a selection in
   * one customer attribute: each from its cube where one is held for its range (the activity's: and
   * grain and churn window); else undefined.
   */
  #fromCubes(plan: DashboardPlanOptions, data: DataArrays, options: PanelOptions): { activity?: Record<string, unknown>[]; facets?: Record<string, unknown>[] } | undefined {
    if (plan.filter.segment || (this.#cubes.size === 0 && this.#facetCubes.size === 0)) return undefined;
    const facets = plan.filter.facets ?? {};
    const chosen = FACET_DIMENSIONS.filter((d) => (facets[d]?.length ?? 0) > 0);
    const dimension = chosen[0] as CubeDimension;
    if (chosen.length !== 1 || !CUBE_DIMENSIONS.includes(dimension)) return undefined;
    const rangeKey = JSON.stringify(plan.filter.range);
    const activity = this.#cubes.get(cubeKey(rangeKey, plan, dimension));
    const counts = this.#facetCubes.get(JSON.stringify([rangeKey, dimension]));
    if (activity?.arrays !== data && counts?.arrays !== data) return undefined;
    const wanted = selectedCodes(data.attributes[dimension].values, facets[dimension]!);
    return {
      activity: activity?.arrays === data ? activityOfCodes(activity.cube, wanted) : undefined,
      facets: counts?.arrays === data ? facetsOfCodes(counts.cube, wanted, data, options) : undefined,
    };
  }

  /** buildAhead's run of a facet's and a segment's states and a list page on the data, a piece a task; false when the data changed meanwhile. */
  async #warmUpOnData(data: IndexData): Promise<boolean> {
    const changed = async () => (await nextTask(), this.#data !== data);
    // Cloned as the page's plans reach the worker (postMessage), so that their objects are alike too.
    const plan = (filter: DashboardPlanOptions['filter']): DashboardPlanOptions =>
      structuredClone({ filter, grain: 'auto', churnWindowDays: 90, facetLimit: 12, list: { limit: 25, sort: 'revenue', direction: 'desc' } });
    const facets = { country: [commonestCountry(data.arrays)] };
    // The page's all-time options are what cubes are built for, not these.
    const allTimeOptions = this.#allTimeOptions;
    if (await changed()) return false;
    this.panelsWithoutFlags(plan({ range: null, facets }), data.version);
    this.#allTimeOptions = allTimeOptions;
    if (await changed()) return false;
    await this.listWithoutFlags(plan({ range: null, facets }), data.version, { grid: PUTLER_GRID, allHistory: false });
    if (await changed()) return false;
    this.panelsWithoutFlags(plan({ range: null, segment: warmUpSegment(data.arrays.itemValues.product[1] ?? '') }), data.version);
    this.#allTimeOptions = allTimeOptions;
    if (await changed()) return false;
    // All time's list pages then rank their RFM monetary values by binary searches.
    this.#rfmRanksFor(data, JSON.stringify(null), this.#range(JSON.stringify(null)), false).sortMonetary();
    return true;
  }

  /** buildAhead's build of one range, a piece a task; null when the data changed meanwhile. */
  async #buildInPieces(data: IndexData, periods: { current: Period; previous: Period }, built: () => RangeArrays | undefined): Promise<RangeArrays | null> {
    const changed = async () => (await nextTask(), this.#data !== data);
    if (await changed()) return null;
    const current = rangeScope(data.arrays, periods.current);
    if (await changed()) return null;
    const previous = rangeScope(data.arrays, periods.previous);
    if (await changed()) return null;
    const visited = built();
    if (visited) return visited;
    this.#rangeBuilds++;
    return rangeArraysOf(data.arrays, periods, current, previous, rangeItems(data.arrays, periods.current, current.rows.cid));
  }

  /**
   * The rows dashboardPanelsStatementSql would return for `plan`, before any of its scope statements
   * ran: for any range and facet selection, without a facet search, and without a segment or with
   * one the arrays can match (segment-arrays.ts: not an RFM or churn rule; the customer base's
   * arrays only); else null.
   */
  panelsWithoutFlags(plan: DashboardPlanOptions, dataVersion: number): Rows | null {
    const data = this.#data;
    if (!data || data.version !== dataVersion || !covered(plan) || (plan.filter.segment && !data.segmentFacts)) return null;
    if (plan.filter.range === null) this.#allTimeOptions = { grain: plan.grain, churnWindowDays: plan.churnWindowDays };
    const range = this.#range(JSON.stringify(plan.filter.range));
    const segmentFailing = this.#segmentFailing(plan, data, range);
    if (segmentFailing === null) return null;
    return this.#panelRows(plan, data.arrays, range, null, segmentFailing ?? null);
  }

  /**
   * Every customer failing `plan`'s segment in each period of `range`, matched on the arrays; undefined
   * without a segment, null when the arrays cannot match it (SQL's flag tables decide then).
   */
  #segmentFailing(plan: DashboardPlanOptions, data: IndexData, range: RangeArrays): { current: Int32Array; previous: Int32Array } | null | undefined {
    const segment = plan.filter.segment;
    if (!segment) return undefined;
    return data.segmentFacts && segmentFailingByCid(segment, data.arrays, data.segmentFacts, range);
  }

  /**
   * The first page of the customer list customerListSql would return for `plan` (its list options),
   * with the count of customers the list holds, before any scope statement ran: for any range and
   * facet selection, and a segment the arrays can match (as panelsWithoutFlags), the first page in
   * a sort by one of the range's figures (ARRAY_LIST_SORTS), without a search; else null. The RFM segment column is scored here as `rfm` says
   * (value.svelte.ts scoreRfm: the range's customers as of its last day, or all history as of the
   * data's). Only the page's customers are read from the engine: their ids, names and places.
   */
  async listWithoutFlags(plan: DashboardPlanOptions, dataVersion: number, rfm: ListRfm): Promise<{ rows: Rows; total: number } | null> {
    const data = this.#data;
    const list = plan.list;
    const sort = list.sort ?? 'revenue';
    // customerListSql's default page size; null: every row (an export's), left to SQL.
    const pageSize = list.limit === undefined ? 50 : list.limit;
    if (!data || data.version !== dataVersion || (plan.filter.segment && !data.segmentFacts) || !covered(plan) || list.search || (list.offset ?? 0) !== 0 || pageSize === null || !isArrayListSort(sort)) return null;
    const rangeKey = JSON.stringify(plan.filter.range);
    const range = this.#range(rangeKey);
    const segmentFailing = this.#segmentFailing(plan, data, range);
    if (segmentFailing === null) return null;
    let { current: failsByCid } = facetFailsByCid(plan.filter.facets ?? {}, data.arrays, range);
    if (segmentFailing) failsByCid = withSegmentFailing(failsByCid, segmentFailing.current, data.arrays.customers.ltv.length, 'current');
    const fails = failsByCid ? rowFails(range.current, failsByCid, 'current') : null;
    const descending = list.direction !== 'asc';
    const limit = Math.max(0, Math.floor(pageSize));
    const candidates = listCandidates(range.current.rows, data.arrays.customers, fails, sort, descending, limit);
    if (!candidates) return null;
    const rows = range.current.rows;
    const cids = Array.from(candidates.rows, (i) => rows.cid[i]!);
    // The candidates' ids order the ties; then the page's customers' text columns are read.
    let page: number[];
    let text: Map<string, Record<string, unknown>>;
    let ids: string[];
    if (data.ids) {
      const { dictionary, codeByCid } = data.ids;
      const codes = cids.map((cid) => codeByCid[cid] ?? -1);
      if (codes.some((code) => code < 0)) return null;
      page = pageOrder(candidates.values, descending, limit, (a, b) => dictionary.compare(codes[a]!, codes[b]!));
      ids = page.map((k) => dictionary.text(codes[k]!));
      text = await this.#customerText(data, data.ids, ids, page.map((k) => cids[k]!));
    } else {
      const byCid = await this.#baseCustomerText(cids);
      if (cids.some((cid) => !byCid.has(cid))) return null;
      const idOf = (k: number) => String(byCid.get(cids[k]!)!.customer_id);
      const bytes = cids.map((_, k) => ENCODER.encode(idOf(k)));
      page = pageOrder(candidates.values, descending, limit, (a, b) => compareBytes(bytes[a]!, bytes[b]!));
      ids = page.map(idOf);
      text = new Map(page.map((k) => [idOf(k), byCid.get(cids[k]!)!]));
    }
    // The arrays were replaced meanwhile (another data set, or the customer base's).
    if (this.#data !== data || ids.some((id) => !text.has(id))) return null;
    const ranks = this.#rfmRanksFor(data, rangeKey, range, rfm.allHistory);
    const cells = gridCells(rfm.grid);
    const { period } = range.current;
    const rfmValues = page.map((k) => {
      const i = candidates.rows[k]!;
      return rfm.allHistory ? historyRfmValues(data.arrays, data.arrays.bounds.endDay - 1, rows.cid[i]!) : rangeRfmValues(data.arrays, rows, period.endDay, period.endDay - 1, i);
    });
    const scored = rfmValues.filter((v) => v !== null);
    const scoresOf = ranks.scores(scored);
    const scores = new Map(scored.map((v, k) => [v, scoresOf[k]!]));
    const out = page.map((k, p) => {
      const i = candidates.rows[k]!;
      const values = rfmValues[p]!;
      const t = text.get(ids[p]!)!;
      // customerListSql's columns, in its order.
      return {
        customer_id: ids[p], name: t.name ?? null, email: t.email ?? null, country: t.country ?? null, city: t.city ?? null,
        first_order_at: t.first_order_at ?? null, last_order_at: t.last_order_at ?? null,
        orders: rows.orders[i], revenue: rows.revenue[i], refunds: rows.refunds[i],
        aov: rows.paidOrders[i]! > 0 ? rows.revenue[i]! / rows.paidOrders[i]! : null, ltv: rows.ltv[i],
        [RFM_LIST_COLUMN]: values ? segmentOf(rfm.grid, cells, scores.get(values)!) : null,
      } as Record<string, unknown>;
    });
    return { rows: out, total: candidates.passing };
  }

  /** The RFM ranks of a range's customers (or all history's), kept for the last few asked for, as the ranges' rows are. */
  #rfmRanksFor(data: IndexData, rangeKey: string, range: RangeArrays, allHistory: boolean): RfmRanks {
    const key = allHistory ? 'all history' : rangeKey;
    const arrays = data.arrays;
    const { rows, period } = range.current;
    const ranks = this.#rfmRanks.get(key) ?? (allHistory ? rfmRanksOf(arrays, arrays.bounds.endDay - 1, null) : rfmRanksOf(arrays, period.endDay - 1, { rows, endDay: period.endDay }));
    this.#rfmRanks.delete(key);
    this.#rfmRanks.set(key, ranks);
    for (const oldest of this.#rfmRanks.keys()) if (this.#rfmRanks.size > RANGES_KEPT + 1) this.#rfmRanks.delete(oldest);
    return ranks;
  }

  /** customer_base's text columns and dates of customers by cid (the arrays' cids are customer_base's). */
  async #baseCustomerText(cids: number[]): Promise<Map<number, Record<string, unknown>>> {
    if (cids.length === 0) return new Map();
    const wanted = cids.map((c) => Math.floor(c));
    // customer_base comes out of its ranking window in cid order (by revenue): the bounds let DuckDB skip the blocks
    // outside them, which a first page by revenue keeps to the first few (1M orders, Node build:
    // 16 → 5 ms for the top customers; no change for cids spread over the table).
    const t = await this.#read(`SELECT cid, customer_id, name, email, country, city, first_order_at, last_order_at FROM customer_base
      WHERE cid BETWEEN ${Math.min(...wanted)} AND ${Math.max(...wanted)} AND cid IN (${wanted.join(', ')})`);
    return new Map(rowsOf(t).map((r) => [Number(r.cid), r]));
  }

  /**
   * The same columns of customers by id (`cids`: theirs in `data`'s arrays), before customer_base
   * exists: places and purchases' instants from the arrays, which hold customer_base's; names and
   * e-mails (customerContactsSql: the latest order's that has one) read at each customer's latest
   * order's row, and from all their orders only for the few whose latest has none (a scan of every
   * order: 70–78 ms in the page at 1M orders, against ~10 for the rows).
   */
  async #customerText(data: IndexData, { latestOrderRow }: CustomerIds, ids: string[], cids: number[]): Promise<Map<string, Record<string, unknown>>> {
    if (ids.length === 0) return new Map();
    const arrays = data.arrays;
    const rows = cids.map((cid) => latestOrderRow[cid] ?? -1);
    const contacts = new Map<string, Record<string, unknown>>();
    // Rows as a list: DuckDB pushes a filter on rowid into the scan and skips every other vector of it
    // (the same 50 rows IN (…) or ORed took 31–41 and 139–161 ms, against 7–9: Node build). Up to 50
    // values (its dynamic_or_filter_threshold); a page of 100 took 34 ms, as IN does. Pages hold 25.
    const latest = rows.every((r) => r >= 0)
      ? rowsOf(await this.#read(`SELECT rowid::DOUBLE AS row, customer_id, customer_name AS name, customer_email AS email FROM orders WHERE rowid = ANY([${rows.join(', ')}])`))
      : [];
    const byRow = new Map(latest.map((r) => [Number(r.row), r]));
    const without = latest.some((r) => r.name === null || r.email === null) ? await this.#contactsWithout(data) : { name: false, email: false };
    const rest: string[] = [];
    ids.forEach((id, k) => {
      const found = byRow.get(rows[k]!);
      // A row not this customer's would mean the rows are not the table's: the customer is read from their orders then.
      if (found?.customer_id !== id || (found.name === null && !without.name) || (found.email === null && !without.email)) rest.push(id);
      else contacts.set(id, found);
    });
    if (rest.length > 0) {
      const t = await this.#read(customerContactsSql(`(SELECT * FROM orders WHERE customer_id IN (${rest.map(quoteLiteral).join(', ')}))`));
      for (const r of rowsOf(t)) contacts.set(String(r.customer_id), r);
    }
    const place = (d: 'country' | 'city', cid: number) => arrays.attributes[d].values[arrays.attributes[d].codeByCid[cid]!] ?? null;
    // Arrow hands TIMESTAMP values back as epoch milliseconds.
    const instant = (us: number) => (Number.isNaN(us) ? null : us / 1000);
    return new Map(ids.map((id, k) => {
      const cid = cids[k]!;
      return [id, {
        name: contacts.get(id)?.name ?? null, email: contacts.get(id)?.email ?? null, country: place('country', cid), city: place('city', cid),
        first_order_at: instant(arrays.customers.firstOrderUs[cid]!), last_order_at: instant(arrays.customers.lastOrderUs[cid]!),
      }];
    }));
  }

  /** Whether no order has a name, an e-mail (then a latest order without one needs no other look): read once per data set. */
  async #contactsWithout(data: IndexData): Promise<{ name: boolean; email: boolean }> {
    data.contactsWithout ??= this.#read(`SELECT
        (SELECT count(*) FROM (SELECT 1 FROM orders WHERE customer_name IS NOT NULL LIMIT 1)) = 0 AS name,
        (SELECT count(*) FROM (SELECT 1 FROM orders WHERE customer_email IS NOT NULL LIMIT 1)) = 0 AS email`)
      .then((t) => ({ name: rowsOf(t)[0]?.name === true, email: rowsOf(t)[0]?.email === true }))
      .catch((error: unknown) => {
        data.contactsWithout = undefined;
        throw error;
      });
    return data.contactsWithout;
  }

  /**
   * The rows for `plan` after the caller ran its scope statements for `versions` (a segment's state): the customers
   * failing the segment read from the flag tables, if they are of `versions`' range build; null when
   * this index cannot answer.
   */
  async panels(plan: DashboardPlanOptions, versions: PanelVersions): Promise<Rows | null> {
    const data = this.#data;
    if (!data?.baseCids || data.version !== versions.data || !covered(plan) || JSON.stringify(plan.filter.range) !== versions.range) return null;
    const range = this.#range(versions.range);
    // All time: the customers failing the segment, from the flag tables. A dated range: from every
    // customer (lost customers are matched among those without orders in it, whom its flag tables do not hold).
    const segment = plan.filter.segment;
    const failing = segment && plan.filter.range === null ? await this.#readSegmentFailing(versions.stamp) : null;
    const failingByCid = segment && plan.filter.range !== null ? await this.#readSegmentFailingByCid(plan, versions.stamp) : null;
    if ((segment && !failing && !failingByCid) || this.#data !== data) return null;
    return this.#panelRows(plan, data.arrays, range, failing, failingByCid);
  }

  /** The panels of `plan` on `range`: facets matched here, the segment's failing customers as read (`failing`) when there is one. */
  #panelRows(
    plan: DashboardPlanOptions, data: DataArrays, range: RangeArrays, failing: { current: Failing; previous: Failing } | null,
    failingByCid: { current: Int32Array; previous: Int32Array } | null = null,
  ): Rows | null {
    let { current: currentByCid, previous: previousByCid } = facetFailsByCid(plan.filter.facets ?? {}, data, range);
    if (failingByCid) {
      currentByCid = withSegmentFailing(currentByCid, failingByCid.current, data.customers.ltv.length, 'current');
      previousByCid = withSegmentFailing(previousByCid, failingByCid.previous, data.customers.ltv.length, 'previous');
    }
    const current = rowFails(range.current, currentByCid, 'current');
    const previous = rowFails(range.previous, previousByCid, 'previous');
    if (failing && (!markFailing(range.current, current, failing.current) || !markFailing(range.previous, previous, failing.previous))) return null;
    // Without a segment every customer's fails are known (a dated range's lost customers are matched on them).
    const failsByCid = failing ? undefined : (currentByCid ?? undefined);
    const options = panelOptions(plan, currentByCid !== null || failing !== null, failsByCid);
    const fromCubes = failing || failingByCid ? undefined : this.#fromCubes(plan, data, options);
    // All time with nothing filtered out: its rows are those the orders' part made these of.
    const unfiltered = plan.filter.range === null && !failing && !failingByCid && !currentByCid && this.#allTimeUnfiltered?.arrays === data ? this.#allTimeUnfiltered.rows : undefined;
    return panelRows(withFails(range.current, current), withFails(range.previous, previous), data, range.items, options, fromCubes, unfiltered);
  }

  /** A range's rows (`key`: JSON of the range, null for all time), built once and kept for the last few ranges. */
  #range(key: string): RangeArrays {
    const data = this.#data!;
    const ahead = this.#builtAhead.get(key);
    if (ahead) return ahead;
    let range = this.#ranges.get(key);
    if (!range) {
      range = rangeArrays(data.arrays, JSON.parse(key) as { start: string; end: string } | null);
      this.#rangeBuilds++;
    }
    this.#ranges.delete(key);
    this.#ranges.set(key, range);
    for (const oldest of this.#ranges.keys()) if (this.#ranges.size > RANGES_KEPT) this.#ranges.delete(oldest);
    return range;
  }

  async #readData(customers: number): Promise<{ arrays: DataArrays; segmentFacts: SegmentFacts } | null> {
    const attributes = {} as DataArrays['attributes'];
    const dictionary = (d: AttributeDimension) =>
      `(SELECT value, (row_number() OVER (ORDER BY value ASC NULLS LAST) - 1)::INTEGER AS code FROM (SELECT DISTINCT ${d} AS value FROM customer_base))`;
    for (const d of ATTRIBUTE_DIMENSIONS) {
      const values = await this.#read(`SELECT value FROM ${dictionary(d)} ORDER BY code`);
      attributes[d] = { codeByCid: new Int32Array(customers + 1), values: Array.from(values.getChild('value')!, (v) => (v == null ? null : String(v))) };
    }
    const codes = await this.#read(`SELECT b.cid, ${ATTRIBUTE_DIMENSIONS.map((d) => `d_${d}.code AS ${d}`).join(', ')}
      FROM customer_base b ${ATTRIBUTE_DIMENSIONS.map((d) => `LEFT JOIN ${dictionary(d)} d_${d} ON d_${d}.value IS NOT DISTINCT FROM b.${d}`).join(' ')}`);
    const cids = ints(codes, 'cid');
    for (const d of ATTRIBUTE_DIMENSIONS) {
      const code = ints(codes, d);
      const target = attributes[d].codeByCid;
      for (let r = 0; r < cids.length; r++) target[cids[r]!] = code[r]!;
    }
    const orders = await this.#read(`SELECT cid, floor(epoch_ms(ordered_at) / ${DAY_MS})::INTEGER AS day, purchase::UTINYINT AS purchase, amount, refund FROM customer_orders ORDER BY ordered_at`);
    const days = await this.#read(`SELECT cid, (day - DATE '1970-01-01')::INTEGER AS day, COALESCE((next_day - DATE '1970-01-01')::INTEGER, -1) AS next_day FROM purchase_days ORDER BY cid, day`);
    const itemCodes = rowsOf(await this.#read(`SELECT dim, code, value FROM item_codes WHERE code IS NOT NULL ORDER BY dim, code`));
    const facts = await this.#read(`SELECT cid, ltv::DOUBLE AS ltv, first_order_revenue::DOUBLE AS first_order_revenue,
        COALESCE(floor(epoch_ms(first_order_at) / ${DAY_MS})::DOUBLE, 'NaN'::DOUBLE) AS first_order_day, lifetime_paid_orders::DOUBLE AS lifetime_paid_orders,
        COALESCE(epoch_us(first_order_at)::DOUBLE, 'NaN'::DOUBLE) AS first_order_us, COALESCE(epoch_us(last_order_at)::DOUBLE, 'NaN'::DOUBLE) AS last_order_us,
        COALESCE(lifetime_revenue::DOUBLE, 'NaN'::DOUBLE) AS lifetime_revenue, COALESCE(lifetime_orders::DOUBLE, 'NaN'::DOUBLE) AS lifetime_orders,
        COALESCE(lifetime_aov::DOUBLE, 'NaN'::DOUBLE) AS lifetime_aov
      FROM customer_base`);
    // A NULL test leaves a line out of a set (WHERE … AND i.bought), as false does.
    const lines = await this.#read(`SELECT cid, floor(epoch_ms(ordered_at) / ${DAY_MS})::INTEGER AS day, COALESCE(bought, FALSE)::UTINYINT AS bought,
        COALESCE(product, 0)::INTEGER AS product, COALESCE(category, 0)::INTEGER AS category, COALESCE(status, 0)::INTEGER AS status
      FROM customer_items ORDER BY cid`);
    const [bounds] = rowsOf(await this.#read(`SELECT (first_day - DATE '1970-01-01')::INTEGER AS first_day, (end_day - DATE '1970-01-01')::INTEGER AS end_day FROM data_bounds`));
    if (!noNulls(orders, ['cid', 'day', 'purchase', 'amount', 'refund']) || !noNulls(days, ['cid', 'day']) || !noNulls(lines, ['cid', 'day'])) return null;
    if (!bounds || !noNulls(facts, ['cid', 'ltv', 'first_order_revenue', 'lifetime_paid_orders'])) return null;
    const customerFacts = {
      ltv: new Float64Array(customers + 1), firstOrderRevenue: new Float64Array(customers + 1), firstOrderDay: new Float64Array(customers + 1).fill(NaN), lifetimePaidOrders: new Float64Array(customers + 1),
      firstOrderUs: new Float64Array(customers + 1).fill(NaN), lastOrderUs: new Float64Array(customers + 1).fill(NaN),
    };
    const segmentFacts: SegmentFacts = {
      lifetimeRevenue: new Float64Array(customers + 1).fill(NaN), lifetimeOrders: new Float64Array(customers + 1).fill(NaN), lifetimeAov: new Float64Array(customers + 1).fill(NaN),
    };
    {
      const cid = ints(facts, 'cid'), ltv = doubles(facts, 'ltv'), first = doubles(facts, 'first_order_revenue'), day = doubles(facts, 'first_order_day'), paid = doubles(facts, 'lifetime_paid_orders');
      const firstUs = doubles(facts, 'first_order_us'), lastUs = doubles(facts, 'last_order_us');
      const revenue = doubles(facts, 'lifetime_revenue'), orders = doubles(facts, 'lifetime_orders'), aov = doubles(facts, 'lifetime_aov');
      for (let r = 0; r < cid.length; r++) {
        const c = cid[r]!;
        segmentFacts.lifetimeRevenue[c] = revenue[r]!;
        segmentFacts.lifetimeOrders[c] = orders[r]!;
        segmentFacts.lifetimeAov[c] = aov[r]!;
        customerFacts.firstOrderUs[c] = firstUs[r]!;
        customerFacts.lastOrderUs[c] = lastUs[r]!;
        customerFacts.ltv[c] = ltv[r]!;
        customerFacts.firstOrderRevenue[c] = first[r]!;
        customerFacts.firstOrderDay[c] = day[r]!;
        customerFacts.lifetimePaidOrders[c] = paid[r]!;
      }
    }
    const itemValues = {} as DataArrays['itemValues'];
    for (const d of ITEM_DIMENSIONS) {
      const values: (string | null)[] = [null];
      for (const row of itemCodes) if (row.dim === d) values[Number(row.code)] = String(row.value);
      itemValues[d] = values;
    }
    const timeOrdered = { cid: ints(orders, 'cid'), day: ints(orders, 'day'), purchase: ints8(orders, 'purchase'), amount: doubles(orders, 'amount'), refund: doubles(orders, 'refund') };
    const withPaid = { ...timeOrdered, paidThrough: paidThrough(timeOrdered, customers + 1) };
    const arrays = dataArraysOf({
      attributes,
      orders: withPaid,
      ordersByCid: ordersByCid(withPaid, customers + 1),
      purchaseDays: { start: startsByCid(ints(days, 'cid'), customers + 1), day: ints(days, 'day'), nextDay: ints(days, 'next_day') },
      purchaseDaysByDay: purchaseDaysByDay(ints(days, 'cid'), ints(days, 'day'), ints(days, 'next_day')),
      itemValues,
      customers: customerFacts,
      lines: { start: startsByCid(ints(lines, 'cid'), customers + 1), day: ints(lines, 'day'), bought: ints8(lines, 'bought'), codes: [ints(lines, 'product'), ints(lines, 'category'), ints(lines, 'status')] },
      bounds: { firstDay: Number(bounds.first_day), endDay: Number(bounds.end_day) },
    });
    return { arrays, segmentFacts };
  }

  /**
   * The customers failing the segment in each period's flag table, with the tables' row counts;
   * null when the stamp is not `stamp` (the tables were rebuilt for another range since).
   */
  #readSegmentFailing(stamp: number): Promise<{ current: Failing; previous: Failing } | null> {
    return this.#readFailing((index) => ({ from: index === 0 ? 'scope_flags' : 'prev_scope_flags', fails: raw('NOT COALESCE(f_segment, FALSE)') }), stamp);
  }

  /**
   * Every customer failing the segment, evaluated on customer_base as the SQL plan matches lost
   * customers (segment rules read only all-history columns, which scope_range copies, and the
   * period's item sets), in each period; null when the stamp is not `stamp`.
   */
  async #readSegmentFailingByCid(plan: DashboardPlanOptions, stamp: number): Promise<{ current: Int32Array; previous: Int32Array } | null> {
    const failing = await this.#readFailing((index) => {
      const passes = segmentPredicate(plan.filter.segment!, { alias: 'b', itemsTable: index === 0 ? 'scope_items' : 'prev_scope_items', rfmRelation: plan.rfmRelation });
      return { from: 'customer_base b', fails: sql`NOT COALESCE(${passes}, FALSE)` };
    }, stamp);
    return failing && { current: failing.current.cids, previous: failing.previous.cids };
  }

  /**
   * For each period (0: current, 1: previous), the cids of the rows of `from` that `fails` holds for
   * and how many rows `from` has, with the stamp of the scope tables, in one statement (a NULL test
   * fails, as in the SQL's AND of flags).
   */
  async #readFailing(period: (index: 0 | 1) => { from: string; fails: Fragment }, stamp: number): Promise<{ current: Failing; previous: Failing } | null> {
    const failing = (index: 0 | 1) => {
      const { from, fails } = period(index);
      return sql`SELECT ${raw(String(index))} AS period, count(*)::DOUBLE AS rows, COALESCE(list(cid) FILTER (WHERE ${fails}), []::INTEGER[]) AS failing FROM ${raw(from)}`;
    };
    const statement = sql`SELECT p.*, ${raw(STAMP)} FROM (${failing(0)} UNION ALL ${failing(1)}) p ORDER BY period`;
    const t = await this.#read(statement.sql, statement.params);
    if (t.numRows !== 2 || column(t, 'stamp').get(0) !== stamp) return null;
    const read = (row: number): Failing => {
      const list = column(t, 'failing').get(row) as Vector | null;
      return { rows: Number(column(t, 'rows').get(row)), cids: list ? Int32Array.from(list.toArray() as Iterable<number>) : new Int32Array(0) };
    };
    return { current: read(0), previous: read(1) };
  }
}

/** The country most customers have (the first such in the values' order), or null. */
function commonestCountry(data: DataArrays): string | null {
  const country = data.attributes.country;
  const counts = new Int32Array(country.values.length);
  for (const code of country.codeByCid) counts[code]!++;
  let commonest = 0;
  for (let code = 1; code < counts.length; code++) if (counts[code]! > counts[commonest]!) commonest = code;
  return country.values[commonest] ?? null;
}

/** Customers' fails (by cid) with the segment's bit set for the `failing` cids: a copy (scratch, one per period), or none set when no facet is selected. */
function withSegmentFailing(byCid: Uint32Array | null, failing: Int32Array, size: number, label: 'current' | 'previous'): Uint32Array {
  const out = PANEL_SCRATCH.uint32(`segment.${label}`, size, byCid ? null : 0);
  if (byCid) out.set(byCid);
  const bit = flagBit('segment');
  for (const cid of failing) out[cid]! |= bit;
  return out;
}

/** A period's flag table: how many rows it has, and the cids failing the segment. */
interface Failing {
  rows: number;
  cids: Int32Array;
}

/** Sets the segment's bit on the failing rows; false when the flag table is not of these rows (other customers). */
function markFailing(scope: RangeArrays['current'], fails: Uint32Array, failing: Failing): boolean {
  if (failing.rows !== scope.rows.n) return false;
  const bit = flagBit('segment');
  for (const cid of failing.cids) {
    const row = scope.rowByCid[cid] ?? -1;
    if (row < 0) return false;
    fails[row]! |= bit;
  }
  return true;
}

const covered = (plan: DashboardPlanOptions) => !Object.values(plan.facetSearch ?? {}).some((term) => term) && Math.round(plan.churnWindowDays) >= 1;

/** Every field always set (undefined when absent), so the options have one hidden class: see withFails. */
const panelOptions = (plan: DashboardPlanOptions, filtered: boolean, failsByCid: Uint32Array | undefined): PanelOptions => ({
  grain: plan.grain,
  churnWindowDays: plan.churnWindowDays,
  facetLimit: plan.facetLimit,
  sinceGrain: plan.sinceGrain,
  filtered,
  failsByCid,
});

const ENCODER = new TextEncoder();
const rowsOf = (t: Table) => t.toArray().map((r) => ({ ...r.toJSON() }) as Record<string, unknown>);
const column = (t: Table, name: string): Vector => t.getChild(name)!;
const noNulls = (t: Table, names: string[]) => names.every((n) => column(t, n).nullCount === 0);
// toArray() hands a column of one type without NULLs over as one typed array (a copy only across batches).
function typed<T extends Int32Array | Uint8Array | Float64Array>(t: Table, name: string, type: { from(values: Iterable<number>): T }, kind: new (n: number) => T): T {
  const values: unknown = column(t, name).toArray();
  return values instanceof kind ? values : type.from(values as Iterable<number>);
}
const ints = (t: Table, name: string) => typed(t, name, Int32Array, Int32Array);
const ints8 = (t: Table, name: string) => typed(t, name, Uint8Array, Uint8Array);
const doubles = (t: Table, name: string) => typed(t, name, Float64Array, Float64Array);
