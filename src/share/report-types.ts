// The aggregate-only report: what a report link, the report file and the read-only viewer all carry
// and render. Versioned; read back from a link through validateReport, as any untrusted input.
import type { Grain } from '../analyses/activity-series';
import { FACET_DIMENSIONS, type FacetDimension } from '../analyses/filters';
import { KPI_IDS, type KpiId } from '../analyses/kpis';
import type { ChartCell, ChartMark } from '../notebook/document';
import type { ColumnKind } from '../notebook/result';
import { ShareError } from './codec';

/** A value withheld because it describes fewer than k customers (or would let one be derived). */
export const SUPPRESSED = '<k';
export type Figure = number | null | typeof SUPPRESSED;

/** Columns, and rows of labels and figures; columns named *customers count the customers a row describes. */
export interface ReportTable {
  columns: string[];
  rows: (string | Figure)[][];
}

export const WITHHELD_REASONS = ['below_k', 'identifying_columns', 'no_customer_count', 'bad_customer_count', 'too_many_groups', 'too_many_rows', 'identifying_values', 'split_hidden', 'source_not_included'] as const;

/** What was left out and why: shown in the preview and in the report. */
export interface Withheld {
  /** What it was: a facet dimension, a notebook cell name, 'pareto'… */
  item: string;
  reason: (typeof WITHHELD_REASONS)[number];
  /** How many values, rows or columns. */
  count: number;
}

export interface ReportCell {
  name: string;
  table: ReportTable;
  /** Each column's kind in the engine (temporal columns carry epoch ms), for charts. Optional: absent in older payloads. */
  kinds?: ColumnKind[];
}

export const CHART_MARK_NAMES: readonly ChartMark[] = ['line', 'bar', 'dot', 'area', 'cell', 'rule'];
export const COLUMN_KINDS: readonly ColumnKind[] = ['number', 'temporal', 'text', 'boolean', 'other'];

/** A notebook chart cell: drawn from the included table `source` (a `cells` entry) with these choices. */
export interface ReportChart extends Pick<ChartCell, 'source' | 'mark' | 'x' | 'y' | 'color' | 'facet'> {
  kind: 'chart';
}

/** A notebook note: Markdown, scrubbed as every string of the payload; rendered with raw HTML off. */
export interface ReportNote {
  kind: 'note';
  markdown: string;
}

/** The notebook part of a report in notebook order: tables (by `cells` name), charts and notes. */
export type ReportBlock = { kind: 'table'; name: string } | ReportChart | ReportNote;

export interface ReportPayload {
  version: 1;
  title: string;
  /** YYYY-MM-DD, the day it was made. */
  created: string;
  /** Groups of fewer than k customers are suppressed or merged. */
  k: number;
  currency: string | null;
  /** Epoch ms of the range's first day and of the day after its last; `grain` of the activity series, `acquisitionGrain` of acquisition. */
  period: { start: number; end: number; days: number; grain: Grain; acquisitionGrain: Grain };
  /** The filter the figures are for: facet selections and the applied segment's name. */
  scope: { facets: Partial<Record<FacetDimension, (string | null)[]>>; segment: string | null; churnWindowDays: number };
  /** Current and previous period. */
  kpis: Record<KpiId, [Figure, Figure]>;
  /** period_start (epoch ms), new_customers, returning_customers, lost_customers, orders, revenue, refunds, net_revenue. */
  activity: ReportTable;
  /** period_start, customers, first_order_revenue; by `period.grain`. */
  acquisition: ReportTable;
  /** [customer share, revenue share] points from (0, 0) to (1, 1), each step at least k customers. */
  pareto: [number, number][];
  facets: { dimension: FacetDimension; values: ReportTable }[];
  /** segment, customers, net_revenue (in range), average_ltv (net revenue to date per customer). */
  rfm: ReportTable;
  cells: ReportCell[];
  /**
   * Added within version 1 (optional, so links made before it still read): the chosen notebook
   * cells in order. Without it, `cells` are shown as tables in their order.
   */
  blocks?: ReportBlock[];
  withheld: Withheld[];
}

export const REPORT_VERSION = 1;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFigure = (v: unknown): v is Figure => v === null || v === SUPPRESSED || (typeof v === 'number' && Number.isFinite(v));
const invalid = (what: string): never => {
  throw new ShareError('invalid', what);
};

function table(v: unknown, what: string): ReportTable {
  if (!isObject(v) || !Array.isArray(v.columns) || !Array.isArray(v.rows)) return invalid(`${what} is not a table`);
  const columns = v.columns.map((c) => (typeof c === 'string' ? c : invalid(`${what}: a column name is not text`)));
  const rows = v.rows.map((r) =>
    Array.isArray(r) && r.length === columns.length ? r.map((x) => (typeof x === 'string' || isFigure(x) ? x : invalid(`${what}: a value is neither text nor a number`))) : invalid(`${what}: a row has the wrong length`),
  );
  return { columns, rows };
}

/** Checks untrusted JSON (from a link or a file) and returns it as a ReportPayload, or throws ShareError. */
export function validateReport(v: unknown): ReportPayload {
  if (!isObject(v)) return invalid('not an object');
  if (v.version !== REPORT_VERSION) throw new ShareError('unknown_version', `version ${String(v.version)}`);
  const text = (x: unknown, what: string) => (typeof x === 'string' ? x : invalid(`${what} is not text`));
  const num = (x: unknown, what: string) => (typeof x === 'number' && Number.isFinite(x) ? x : invalid(`${what} is not a number`));
  const period = isObject(v.period) ? v.period : invalid('period');
  const grainOf = (g: unknown) => (['day', 'week', 'month'].includes(g as string) ? (g as Grain) : invalid('grain'));
  const scope = isObject(v.scope) ? v.scope : invalid('scope');
  const facets = isObject(scope.facets) ? scope.facets : invalid('scope facets');
  const kpis = isObject(v.kpis) ? v.kpis : invalid('kpis');
  return {
    version: 1,
    title: text(v.title, 'title'),
    created: text(v.created, 'created'),
    k: num(v.k, 'k'),
    currency: v.currency === null ? null : text(v.currency, 'currency'),
    period: { start: num(period.start, 'start'), end: num(period.end, 'end'), days: num(period.days, 'days'), grain: grainOf(period.grain), acquisitionGrain: grainOf(period.acquisitionGrain) },
    scope: {
      facets: Object.fromEntries(
        Object.entries(facets).map(([d, values]) => [
          (FACET_DIMENSIONS as readonly string[]).includes(d) ? d : invalid(`facet ${d}`),
          Array.isArray(values) ? values.map((x) => (x === null ? null : text(x, 'facet value'))) : invalid('facet values'),
        ]),
      ),
      segment: scope.segment === null ? null : text(scope.segment, 'segment'),
      churnWindowDays: num(scope.churnWindowDays, 'churn window'),
    },
    kpis: Object.fromEntries(
      KPI_IDS.map((id) => {
        const pair = kpis[id];
        return [id, Array.isArray(pair) && pair.length === 2 && pair.every(isFigure) ? (pair as [Figure, Figure]) : invalid(`KPI ${id}`)];
      }),
    ) as Record<KpiId, [Figure, Figure]>,
    activity: table(v.activity, 'activity'),
    acquisition: table(v.acquisition, 'acquisition'),
    pareto: Array.isArray(v.pareto) ? v.pareto.map((p) => (Array.isArray(p) && p.length === 2 ? [num(p[0], 'pareto'), num(p[1], 'pareto')] as [number, number] : invalid('pareto point'))) : invalid('pareto'),
    facets: Array.isArray(v.facets)
      ? v.facets.map((f) => {
          if (!isObject(f) || !(FACET_DIMENSIONS as readonly string[]).includes(f.dimension as string)) return invalid('facet');
          return { dimension: f.dimension as FacetDimension, values: table(f.values, `facet ${String(f.dimension)}`) };
        })
      : invalid('facets'),
    rfm: table(v.rfm, 'rfm'),
    cells: Array.isArray(v.cells) ? v.cells.map((c) => (isObject(c) ? cellOf(c, text) : invalid('cell'))) : invalid('cells'),
    ...(v.blocks === undefined ? {} : { blocks: Array.isArray(v.blocks) ? v.blocks.map((b) => blockOf(b, text)) : invalid('blocks') }),
    withheld: Array.isArray(v.withheld)
      ? v.withheld.map((w) => (isObject(w) ? { item: text(w.item, 'withheld item'), reason: WITHHELD_REASONS.includes(w.reason as Withheld['reason']) ? (w.reason as Withheld['reason']) : invalid('withheld reason'), count: num(w.count, 'withheld count') } : invalid('withheld')))
      : invalid('withheld'),
  };
}

type Text = (x: unknown, what: string) => string;

function cellOf(c: Record<string, unknown>, text: Text): ReportCell {
  const out: ReportCell = { name: text(c.name, 'cell name'), table: table(c.table, 'cell') };
  if (c.kinds !== undefined) {
    if (!Array.isArray(c.kinds) || c.kinds.length !== out.table.columns.length || !c.kinds.every((k) => COLUMN_KINDS.includes(k as ColumnKind))) return invalid('cell column kinds');
    out.kinds = c.kinds as ColumnKind[];
  }
  return out;
}

function blockOf(b: unknown, text: Text): ReportBlock {
  if (!isObject(b)) return invalid('block');
  if (b.kind === 'table') return { kind: 'table', name: text(b.name, 'table block') };
  if (b.kind === 'note') return { kind: 'note', markdown: text(b.markdown, 'note') };
  if (b.kind !== 'chart' || !CHART_MARK_NAMES.includes(b.mark as ChartMark)) return invalid('block kind');
  const chart: ReportChart = { kind: 'chart', source: text(b.source, 'chart source'), mark: b.mark as ChartMark };
  for (const field of ['x', 'y', 'color', 'facet'] as const) if (b[field] !== undefined) chart[field] = text(b[field], `chart ${field}`);
  return chart;
}
