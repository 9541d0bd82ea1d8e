// Builds the aggregate-only report from the dashboard's own SQL modules (dashboard.ts' plan), on any
// Database: the page's worker, DuckDB-WASM in the unit tests, native DuckDB in the CLI. Touches no
// Svelte, DOM or worker. Every figure passes privacy.ts' rules; the finished payload is scrubbed of
// identifying values and re-checked before it is returned.
import type { Table } from 'apache-arrow';
import { DEFAULT_CHURN_WINDOW_DAYS, type Grain } from '../analyses/activity-series';
import { CUSTOMER_BASE_STATEMENTS } from '../analyses/customer-base';
import { DATA_FACTS_SQL, SCOPE_PERIOD_MS_SQL, dashboardFilterSql, dashboardPanelsSql, dashboardRangeSql, type DashboardPlanOptions } from '../analyses/dashboard';
import type { SinceGrain } from '../analyses/facets';
import { FACET_DIMENSIONS, isItemDimension, type DashboardFilter, type FacetDimension } from '../analyses/filters';
import { KPI_IDS, type KpiId, type KpiValues } from '../analyses/kpis';
import { rfmCustomersSql, rfmInputSql } from '../analyses/rfm';
import type { SegmentGrid } from '../analyses/rfm-grid';
import type { SqlQuery } from '../analyses/sql-fragment';
import type { Database } from '../db/database';
import { quoteIdentifier } from '../db/sql';
import { chartDefaults, fitChoice } from '../notebook/chart';
import { resultColumns, type ResultColumn } from '../notebook/result';
import { CUSTOMER_COUNT_COLUMN, DEFAULT_K, checkReport, hasRelation, hide, identifyingValues, isIdentifyingColumn, mergeSmall, scrub, showable, stringsIn, suppressionMask } from './privacy';
import { CHART_MARK_NAMES, SUPPRESSED, type Figure, type ReportBlock, type ReportCell, type ReportChart, type ReportPayload, type ReportTable, type Withheld } from './report-types';

export * from './report-types';

export interface ReportOptions {
  filter: DashboardFilter;
  /** Groups of fewer than k customers are suppressed or merged; default DEFAULT_K (5), at least MIN_K. */
  k?: number;
  title?: string;
  grain?: Grain | 'auto';
  churnWindowDays?: number;
  sinceGrain?: SinceGrain;
  /**
   * Relation (customer_id, rfm_segment, segment) of RFM scores for the range, as the page keeps in
   * rfm_customers. Without it the range's customers are scored with `grid` into report_rfm.
   */
  rfmRelation?: string;
  grid?: SegmentGrid;
  /** Notebook results to include; each is checked and refused with a reason when it fails the rules. */
  cells?: readonly CellSource[];
  /**
   * The chosen notebook cells in notebook order: tables (a `cells` name), charts and notes. A chart
   * is kept only when its source is among `cells` and passed the checks (else refused with the
   * source's reason); with no x and y chosen it gets the notebook's defaults. Notes are scrubbed.
   */
  blocks?: readonly ReportBlock[];
  /** Run CUSTOMER_BASE_STATEMENTS first (after the canonical orders were built, as the CLI does). */
  buildBase?: boolean;
  /** YYYY-MM-DD; default today. */
  today?: string;
  /** The facet lists' length in the report; the rest are merged into "Other". */
  facetLimit?: number;
  /** Rows a notebook cell may have; a longer one is refused whole, never cut. */
  cellRowLimit?: number;
}

/** The smallest k the module accepts (the tests use 2); the page offers DEFAULT_K and up. */
export const MIN_K = 2;

/** Rows a notebook result may have to be shared (whole: a longer one is refused, never cut). */
export const CELL_ROW_LIMIT = 100;

/** The label of a facet list's merged row. The viewer shows it in words. */
export const OTHER = '(other)';
/** What an identifying string in the payload is replaced by. */
export const REMOVED = '(removed)';

const ALL_VALUES = 1_000_000;
const ACTIVITY_COLUMNS = ['period_start', 'new_customers', 'returning_customers', 'lost_customers', 'orders', 'revenue', 'refunds', 'net_revenue'] as const;

type Row = Record<string, unknown>;
const rowsOf = (table: Table): Row[] => table.toArray().map((r) => ({ ...r.toJSON() }));
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
/** Ten significant digits: float noise (0.30000000000000004) off, every digit the page shows kept. */
const tidy = (v: unknown): number | null => (v === null || v === undefined ? null : Number(Number(v).toPrecision(10)));

const NEW_KPIS: KpiId[] = ['new_customers', 'new_customers_per_day', 'acquired_revenue_per_day', 'new_customer_interval_ms'];
const KIND_KPIS: KpiId[][] = [['free_trial_customers', 'free_trial_share'], ['one_time_customers', 'one_time_share'], ['repeat_customers', 'repeat_share']];

/**
 * One period's KPIs with small groups hidden: the whole period when it has fewer than k customers;
 * new and returning customers (and what is computed from the new) when either group is small (the
 * other is the customers less it); the free-trial / one-time / repeat split likewise; the top-20%
 * share when the top 20% or the other 80% is fewer than k customers.
 */
export function kpiFigures(values: KpiValues | undefined, k: number): Record<KpiId, Figure> {
  const out = Object.fromEntries(KPI_IDS.map((id) => [id, tidy(values?.[id])])) as Record<KpiId, Figure>;
  const n = num(values?.customers);
  if (!values || n === 0) return out;
  const hidden = new Set<KpiId>();
  if (n < k) KPI_IDS.forEach((id) => hidden.add(id));
  const [newSmall, returningSmall] = suppressionMask([num(values.new_customers), num(values.returning_customers)], k);
  if (newSmall) NEW_KPIS.forEach((id) => hidden.add(id));
  if (returningSmall) hidden.add('returning_customers');
  suppressionMask(KIND_KPIS.map(([count]) => num(values[count!])), k).forEach((small, i) => small && KIND_KPIS[i]!.forEach((id) => hidden.add(id)));
  const top = Math.ceil(0.2 * n);
  if (top < k || n - top < k) hidden.add('top20_revenue_share');
  for (const id of hidden) out[id] = SUPPRESSED;
  return out;
}

/**
 * The activity series with small cells (and their complements) hidden, per group of columns. With
 * `splitHidden` (the range's new / returning split is withheld in the KPIs) the new and returning
 * columns are withheld whole: the periods' new customers add up to the range's, which with the
 * range's customers would give the withheld split back.
 */
export function activityTable(rows: Row[], k: number, splitHidden = false): ReportTable {
  const col = (name: string) => rows.map((r) => num(r[name]));
  const newMask = splitHidden ? rows.map(() => true) : suppressionMask(col('new_customers'), k);
  const returningMask = splitHidden ? rows.map(() => true) : suppressionMask(col('returning_customers'), k);
  const lostMask = suppressionMask(col('lost_customers'), k);
  // Orders and money describe the period's purchasers; refunds booked with no purchaser count as one.
  const purchasers = rows.map((r) => num(r.new_customers) + num(r.returning_customers) || (num(r.refunds) !== 0 || num(r.revenue) !== 0 ? 1 : 0));
  const moneyMask = suppressionMask(purchasers, k);
  return {
    columns: [...ACTIVITY_COLUMNS],
    rows: rows.map((r, i) => [
      num(r.period_start),
      hide(tidy(r.new_customers), newMask[i]),
      hide(tidy(r.returning_customers), returningMask[i]),
      hide(tidy(r.lost_customers), lostMask[i]),
      hide(tidy(r.orders), moneyMask[i]),
      hide(tidy(r.revenue), moneyMask[i]),
      hide(tidy(r.refunds), moneyMask[i]),
      hide(tidy(r.net_revenue), moneyMask[i]),
    ]),
  };
}

/** Customers by first-purchase period, small periods (and complements) hidden; all of them when the range's new customers are withheld (they add up to them). */
export function acquisitionTable(rows: Row[], k: number, splitHidden = false): ReportTable {
  const mask = splitHidden ? rows.map(() => true) : suppressionMask(rows.map((r) => num(r.customers)), k);
  return {
    columns: ['period_start', 'customers', 'first_order_revenue'],
    rows: rows.map((r, i) => [num(r.period_start), hide(tidy(r.customers), mask[i]), hide(tidy(r.first_order_revenue), mask[i])]),
  };
}

/**
 * The Pareto curve coarsened so that every step, and what is left after the last step, covers at
 * least k customers: otherwise one step's rise is a few customers' revenue. `n` is the customers ranked.
 */
export function paretoPoints(rows: Row[], n: number, k: number, points = 50): [number, number][] {
  const out: [number, number][] = [[0, 0]];
  if (n === 0) return out;
  let previous = 0;
  for (const r of rows) {
    const j = Math.round(num(r.customer_share) * points);
    if (j === 0) continue;
    const rank = Math.max(Math.ceil((j * n) / points), 1);
    if (rank - previous >= k && n - rank >= k) {
      out.push([Number((rank / n).toFixed(4)), Number(num(r.revenue_share).toFixed(4))]);
      previous = rank;
    }
  }
  if (n >= k) out.push([1, 1]);
  return out;
}

/**
 * One facet's list. Customer attributes (each customer has one value): values under k, and beyond
 * the first `limit`, merged into OTHER, itself at least k. Item dimensions (a customer can have
 * several products): values under k are dropped, as a merged count would count customers twice;
 * and so is a value whose customers fall short of a published total (`totals`: the range's
 * customers, each customer facet's sum) by 1…k−1, as the difference is a small group ("paid" 6 of
 * 7 customers gives away the one without a paid order).
 */
export function facetTable(dimension: FacetDimension, rows: Row[], k: number, limit: number, totals: readonly number[] = []): { values: ReportTable; withheld: number } {
  const columns = ['value', 'customers', 'revenue'];
  if (isItemDimension(dimension)) {
    const kept = rows.filter((r) => showable(num(r.customers), k) && num(r.customers) > 0 && totals.every((t) => showable(t - num(r.customers), k) || t < num(r.customers))).slice(0, limit);
    return { values: { columns, rows: kept.map((r) => [r.value == null ? null : String(r.value), num(r.customers), tidy(r.revenue)]) }, withheld: rows.length - kept.length };
  }
  const { kept, other, merged } = mergeSmall(rows.map((r) => ({ row: r, customers: num(r.customers), values: [num(r.revenue)] })), k, limit);
  const out: (string | Figure)[][] = kept.map(({ row }) => [row.value == null ? null : String(row.value), num(row.customers), tidy(row.revenue)]);
  if (other) out.push([OTHER, other.customers, tidy(other.values[0])]);
  return { values: { columns, rows: out }, withheld: merged };
}

const cellValue = (v: unknown): string | Figure => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? tidy(v) : null;
  if (typeof v === 'bigint') return tidy(Number(v));
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
};

/** A notebook SQL cell to include: its name and the engine table holding its whole result. */
export interface CellSource {
  name: string;
  relation: string;
}

/** The number of customers in the data: every customer id of the orders and, when loaded, of the customer file. */
export async function customersInData(db: Database): Promise<number> {
  const profiles = (await hasRelation(db, 'customer_profiles')) ? ' UNION SELECT customer_id FROM customer_profiles' : '';
  const t = await db.query(`SELECT count(DISTINCT customer_id)::DOUBLE AS n FROM (SELECT customer_id FROM orders${profiles}) WHERE customer_id IS NOT NULL`);
  return Number(t.getChild('n')?.get(0) ?? 0);
}

/**
 * A notebook result as a report table, or why not. Its column names are not taken as proof, so the
 * engine checks, on the whole result (not a sample): a column counting customers is required; each
 * of its values is a whole number from 0 to the customers in the data; the result has at most
 * ⌊customers in the data ÷ k⌋ rows (more rows cannot be disjoint groups of k or more customers, as
 * one row per customer with `5 AS customers` is not); and at most `rowLimit` rows, as a cell is
 * shared whole or not at all. Identifying columns are dropped; rows under k (and complements) too.
 * A query that passes can still mislabel its groups: the preview says so (residual trust).
 */
export async function cellTable(db: Database, cell: CellSource, k: number, rowLimit: number, customers: number): Promise<{ cell: ReportCell | null; withheld: Withheld[]; columns?: ResultColumn[] }> {
  const withheld: Withheld[] = [];
  const refuse = (reason: Withheld['reason'], count: number) => (withheld.push({ item: cell.name, reason, count }), { cell: null, withheld });
  const relation = quoteIdentifier(cell.relation);
  const all = (await db.query(`SELECT * FROM ${relation} LIMIT 0`)).schema.fields.map((f) => f.name);
  const columns = all.filter((c) => !isIdentifyingColumn(c));
  if (columns.length < all.length) withheld.push({ item: cell.name, reason: 'identifying_columns', count: all.length - columns.length });
  const counts = columns.filter((c) => CUSTOMER_COUNT_COLUMN.test(c));
  const [stats] = rowsOf(
    await db.query(
      `SELECT count(*)::DOUBLE AS row_count${counts.map((c, i) => `, count(*) FILTER (WHERE NOT coalesce(try_cast(${quoteIdentifier(c)} AS DOUBLE) BETWEEN 0 AND ${Math.floor(customers)} AND try_cast(${quoteIdentifier(c)} AS DOUBLE) = floor(try_cast(${quoteIdentifier(c)} AS DOUBLE)), FALSE))::DOUBLE AS bad_${i}`).join('')} FROM ${relation}`,
    ),
  );
  const rowCount = num(stats?.row_count);
  if (counts.length === 0) return refuse('no_customer_count', rowCount);
  const bad = counts.reduce((sum, _, i) => sum + num(stats?.[`bad_${i}`]), 0);
  if (bad > 0) return refuse('bad_customer_count', bad);
  if (rowCount > Math.floor(customers / k)) return refuse('too_many_groups', rowCount);
  if (rowCount > rowLimit) return refuse('too_many_rows', rowCount);
  const table = await db.query(`SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${relation}`);
  const kinds = resultColumns(table.schema).map((c) => c.kind);
  const rows = table.toArray().map((r) => columns.map((c) => cellValue((r as Record<string, unknown>)[c])));
  const countAt = counts.map((c) => columns.indexOf(c));
  // A row is as small as its smallest customer count.
  const masks = countAt.map((i) => suppressionMask(rows.map((r) => Number(r[i])), k));
  const kept = rows.filter((_, j) => !masks.some((m) => m[j])).map((r) => r.map((v, i) => (countAt.includes(i) ? Number(v) : v)));
  if (kept.length < rows.length) withheld.push({ item: cell.name, reason: 'below_k', count: rows.length - kept.length });
  if (kept.length === 0) return { cell: null, withheld };
  return { cell: { name: cell.name, table: { columns, rows: kept }, kinds }, withheld };
}

/**
 * The notebook blocks of the report: tables that were kept; charts whose source table was kept, with
 * the notebook's defaults when nothing was chosen and only the columns the table still has; a chart
 * whose source was refused is refused with the source's reason ('source_not_included' when it was
 * not chosen); notes as they are (the caller scrubs them).
 */
export function reportBlocks(blocks: readonly ReportBlock[], cells: readonly ReportCell[], chosen: readonly string[], withheld: readonly Withheld[]): { blocks: ReportBlock[]; withheld: Withheld[] } {
  const out: ReportBlock[] = [];
  const refused: Withheld[] = [];
  blocks.forEach((block) => {
    if (block.kind === 'note') out.push({ kind: 'note', markdown: block.markdown });
    else if (block.kind === 'table') {
      if (cells.some((c) => c.name === block.name)) out.push({ kind: 'table', name: block.name });
    } else {
      const cell = cells.find((c) => c.name === block.source);
      if (!cell) {
        const reason = chosen.includes(block.source) ? (withheld.find((w) => w.item === block.source && w.reason !== 'identifying_columns')?.reason ?? 'below_k') : 'source_not_included';
        refused.push({ item: chartItem(block.source), reason, count: 1 });
        return;
      }
      const columns: ResultColumn[] = cell.table.columns.map((name, j) => ({ name, kind: cell.kinds?.[j] ?? 'other', type: '' }));
      const picked = block.x === undefined && block.y === undefined ? { ...chartDefaults(columns), mark: block.mark } : block;
      const fit = fitChoice(picked, columns);
      const chart: ReportChart = { kind: 'chart', source: block.source, mark: CHART_MARK_NAMES.includes(fit.mark) ? fit.mark : 'bar' };
      for (const field of ['x', 'y', 'color', 'facet'] as const) if (fit[field] !== undefined) chart[field] = fit[field];
      out.push(chart);
    }
  });
  return { blocks: out, withheld: refused };
}

/** How a refused chart is named in the list of what was left out. */
export const chartItem = (source: string) => `${source} (chart)`;

/** The payload less its own schema words (column kinds, block kinds, chart marks): what is compared with the data. */
const dataOf = (p: ReportPayload) => ({
  ...p,
  cells: p.cells.map((c) => ({ name: c.name, table: c.table })),
  blocks: p.blocks?.map((b) => (b.kind === 'note' ? b.markdown : b.kind === 'table' ? b.name : [b.source, b.x, b.y, b.color, b.facet])),
});

/** A scrubbed payload with the schema words of `before` put back (a value "text" replaced in the data is not a column kind). */
function keepSchema(after: ReportPayload, before: ReportPayload): ReportPayload {
  const pick = (o: object, keys: string[]) => Object.fromEntries(keys.filter((key) => key in o).map((key) => [key, (o as Record<string, unknown>)[key]]));
  return {
    ...after,
    cells: after.cells.map((c, i) => ({ ...c, ...pick(before.cells[i]!, ['kinds']) })),
    ...(after.blocks ? { blocks: after.blocks.map((b, i) => ({ ...b, ...pick(before.blocks![i]!, ['kind', 'mark']) }) as ReportBlock) } : {}),
  };
}

/**
 * Replaces, word by word, the words of notes that hold an identifying value, so a note keeps its
 * other text; the payload's final check then still sees each whole note (a value spanning words).
 */
async function scrubNotes(db: Database, blocks: ReportBlock[], withheld: Withheld[]): Promise<void> {
  const notes = blocks.filter((b) => b.kind === 'note');
  const words = notes.flatMap((n) => n.markdown.split(/\s+/)).filter(Boolean);
  if (words.length === 0) return;
  const found = (await identifyingValues(db, words)).strings;
  if (found.size === 0) return;
  for (const note of notes) note.markdown = note.markdown.replace(/\S+/g, (w) => (found.has(w) ? REMOVED : w));
  withheld.push({ item: 'notes', reason: 'identifying_values', count: found.size });
}

/** Strings of the report's own making, never compared with the data. */
const OWN_STRINGS = new Set<string>([SUPPRESSED, OTHER, ...ACTIVITY_COLUMNS, 'value', 'customers', 'revenue', 'segment', 'net_revenue', 'average_ltv', 'first_order_revenue', 'day', 'week', 'month', ...FACET_DIMENSIONS]);

/**
 * The report for `options.filter`: rebuilds the dashboard's scope tables for that filter (the page
 * passes the filter it shows, so they end as they were), reads every panel, and applies the rules.
 */
export async function buildReport(db: Database, options: ReportOptions): Promise<ReportPayload> {
  const k = Math.max(MIN_K, Math.floor(options.k ?? DEFAULT_K));
  const run = async (q: SqlQuery | string) => rowsOf(typeof q === 'string' ? await db.query(q) : await db.query(q.sql, { params: q.params }));
  if (options.buildBase) for (const statement of CUSTOMER_BASE_STATEMENTS) await db.query(statement);
  let rfmRelation = options.rfmRelation;
  const plan = (): DashboardPlanOptions => ({
    filter: options.filter,
    grain: options.grain ?? 'auto',
    churnWindowDays: options.churnWindowDays ?? DEFAULT_CHURN_WINDOW_DAYS,
    facetLimit: ALL_VALUES,
    sinceGrain: options.sinceGrain,
    rfmRelation,
    list: { limit: 1 },
  });
  for (const q of dashboardRangeSql(plan())) await run(q);
  if (!rfmRelation) {
    const [end] = await run(`SELECT strftime(end_day - 1, '%Y-%m-%d') AS d FROM scope_period`);
    // Scored as the page scores it (recency to the range's end, from purchases up to it), into a table of its own.
    await db.query(rfmInputSql(false));
    const scores = rfmCustomersSql(String(end?.d), options.grid, 'report_rfm');
    await db.query(scores.sql, { params: scores.params });
    rfmRelation = 'report_rfm';
  }
  for (const q of dashboardFilterSql(plan())) await run(q);
  const [period] = await run(SCOPE_PERIOD_MS_SQL);
  const grain = (String(period?.grain ?? 'month') as Grain);
  const acquisitionGrain = (String(period?.acquisition_grain ?? 'month') as Grain);
  const queries = dashboardPanelsSql(plan(), acquisitionGrain);
  const kpiRows = await run(queries.kpis);
  const current = kpiRows.find((r) => r.period === 'current') as KpiValues | undefined;
  const previous = kpiRows.find((r) => r.period === 'previous') as KpiValues | undefined;
  const currentFigures = kpiFigures(current, k);
  const previousFigures = kpiFigures(previous, k);
  const activity = await run(queries.activity);
  const acquisition = await run(queries.acquisition);
  const pareto = await run(queries.pareto);
  const facetRows = await run(queries.facets.query);
  // Average LTV: each segment's customers' net revenue to date (customer_base.ltv), as the customer list shows it.
  const rfm = await run(`SELECT r.segment, count(*)::INTEGER AS customers, COALESCE(sum(c.net), 0)::DOUBLE AS net_revenue, avg(b.ltv)::DOUBLE AS average_ltv
    FROM scope_customers c JOIN ${quoteIdentifier(rfmRelation)} r USING (customer_id) LEFT JOIN customer_base b USING (customer_id)
    GROUP BY r.segment ORDER BY customers DESC, r.segment NULLS LAST`);
  const currencies = await run(DATA_FACTS_SQL.currencies);
  const currency = currencies.length === 1 ? String(currencies[0]!.currency) : null;

  const withheld: Withheld[] = [];
  const limit = options.facetLimit ?? 12;
  // Totals an item facet's value could be subtracted from: the range's customers and each customer facet's sum.
  const totals = [num(current?.customers), ...queries.facets.dimensions.filter((d) => !isItemDimension(d)).map((d) => facetRows.reduce((sum, r) => sum + (r.dimension === d ? num(r.customers) : 0), 0))];
  const facets = queries.facets.dimensions.map((dimension) => {
    const { values, withheld: count } = facetTable(dimension, facetRows.filter((r) => r.dimension === dimension), k, limit, totals);
    if (count > 0) withheld.push({ item: dimension, reason: 'below_k', count });
    return { dimension, values };
  });
  const splitHidden = currentFigures.new_customers === SUPPRESSED || currentFigures.returning_customers === SUPPRESSED;
  if (splitHidden) withheld.push({ item: 'activity', reason: 'split_hidden', count: activity.length + acquisition.length });
  const rfmMask = suppressionMask(rfm.map((r) => num(r.customers)), k);
  const cells: ReportCell[] = [];
  if ((options.cells ?? []).length > 0) {
    const customers = await customersInData(db);
    for (const cell of options.cells ?? []) {
      const checked = await cellTable(db, cell, k, options.cellRowLimit ?? CELL_ROW_LIMIT, customers);
      withheld.push(...checked.withheld);
      if (checked.cell) cells.push(checked.cell);
    }
  }
  const notebook = options.blocks ? reportBlocks(options.blocks, cells, (options.cells ?? []).map((c) => c.name), withheld) : null;
  if (notebook) withheld.push(...notebook.withheld);
  if (notebook) await scrubNotes(db, notebook.blocks, withheld);
  const segment = options.filter.segment ?? null;
  let payload: ReportPayload = {
    version: 1,
    title: options.title ?? '',
    created: options.today ?? new Date().toISOString().slice(0, 10),
    k,
    currency,
    period: { start: num(period?.start_ms), end: num(period?.end_ms), days: num(period?.days), grain: !options.grain || options.grain === 'auto' ? grain : options.grain, acquisitionGrain },
    scope: {
      facets: Object.fromEntries(Object.entries(options.filter.facets ?? {}).filter(([, v]) => v && v.length > 0).map(([d, v]) => [d, [...v!]])),
      segment: segment?.name ?? null,
      churnWindowDays: options.churnWindowDays ?? DEFAULT_CHURN_WINDOW_DAYS,
    },
    kpis: Object.fromEntries(KPI_IDS.map((id) => [id, [currentFigures[id], previousFigures[id]]])) as ReportPayload['kpis'],
    activity: activityTable(activity, k, splitHidden),
    acquisition: acquisitionTable(acquisition, k, splitHidden),
    pareto: paretoPoints(pareto, num(current?.customers), k),
    facets,
    rfm: {
      columns: ['segment', 'customers', 'net_revenue', 'average_ltv'],
      rows: rfm.map((r, i) => [r.segment == null ? null : String(r.segment), hide(num(r.customers), rfmMask[i]), hide(tidy(r.net_revenue), rfmMask[i]), hide(tidy(r.average_ltv), rfmMask[i])]),
    },
    cells,
    ...(notebook ? { blocks: notebook.blocks } : {}),
    withheld,
  };
  const strings = [...stringsIn(dataOf(payload))].filter((s) => !OWN_STRINGS.has(s));
  // Numbers are compared only in notebook results' non-count columns: every other figure is an aggregate of the report's own SQL.
  const cellNumbers = payload.cells.flatMap((c) => c.table.rows.flatMap((r) => r.filter((v, i) => typeof v === 'number' && !CUSTOMER_COUNT_COLUMN.test(c.table.columns[i]!)) as number[]));
  const identifying = await identifyingValues(db, strings, cellNumbers);
  const found = identifying.strings.size + identifying.numbers.size;
  if (found > 0) {
    payload = keepSchema(scrub(payload, identifying.strings, REMOVED), payload);
    payload.cells = payload.cells.map((c) => ({ ...c, table: { ...c.table, rows: c.table.rows.map((r) => r.map((v, i) => (typeof v === 'number' && identifying.numbers.has(v) && !CUSTOMER_COUNT_COLUMN.test(c.table.columns[i]!) ? REMOVED : v))) } }));
    payload.withheld.push({ item: 'values', reason: 'identifying_values', count: found });
  }
  checkReport(payload);
  return payload;
}
