// "Open as SQL": a dashboard panel's own query as notebook cells, its bound values written in as
// literals, reading the scope tables the dashboard built for its current filter.
import type { Grain } from '../analyses/activity-series';
import { dashboardPanelsSql } from '../analyses/dashboard';
import type { DashboardFilter } from '../analyses/filters';
import { freeName } from './cells';
import type { ChartCell, NotebookCell, SqlCell } from './document';
import { inlineParams, mentionedNames } from './sql-text';
import { newCellId } from './transfer';

export const DASHBOARD_PANELS = ['kpis', 'activity', 'revenue', 'acquisition', 'pareto'] as const;
export type DashboardPanel = (typeof DASHBOARD_PANELS)[number];

export interface PanelSource {
  filter: DashboardFilter;
  grain: Grain | 'auto';
  churnWindowDays: number;
  /** The grain the dashboard's scope period chose (scope_period.grain). */
  acquisitionGrain: Grain;
}

const CELL_NAMES: Record<DashboardPanel, string> = {
  kpis: 'kpis',
  activity: 'customers_over_time',
  revenue: 'revenue_over_time',
  acquisition: 'acquisition',
  pareto: 'pareto',
};

/** The chart drawn beside the panel's SQL (none for the KPIs: one row per period, many measures). */
const CHARTS: Record<DashboardPanel, Omit<ChartCell, 'id' | 'kind' | 'source'> | null> = {
  kpis: null,
  activity: { mark: 'line', x: 'period_start', y: 'new_customers' },
  revenue: { mark: 'line', x: 'period_start', y: 'revenue' },
  acquisition: { mark: 'bar', x: 'period_start', y: 'customers' },
  pareto: { mark: 'line', x: 'customer_share', y: 'revenue_share' },
};

/** The dashboard's working tables a panel query may read, for the comment that names them. */
const DASHBOARD_TABLES = /^(prev_)?scope_\w+$|^(customer_base|customer_orders|purchase_days|rfm_customers|data_bounds)$/;

/** The panel's query exactly as the dashboard runs it for `source`, with its parameters as literals. */
export function panelSql(panel: DashboardPanel, source: PanelSource): string {
  const queries = dashboardPanelsSql(
    { filter: source.filter, grain: source.grain, churnWindowDays: source.churnWindowDays, facetLimit: 12, rfmRelation: 'rfm_customers', list: {} },
    source.acquisitionGrain,
  );
  const query = panel === 'revenue' ? queries.activity : queries[panel];
  return inlineParams(query.sql, query.params);
}

/**
 * A SQL cell with the panel's query (headed by `comment(tables)`, one line per line of text, as
 * SQL comments) and, where a chart makes sense, a chart cell drawing it. Names avoid `taken`.
 */
export function panelCells(panel: DashboardPanel, source: PanelSource, taken: readonly string[], comment: (tables: string) => string): NotebookCell[] {
  const query = panelSql(panel, source);
  const tables = [...mentionedNames(query)].filter((n) => DASHBOARD_TABLES.test(n)).sort();
  const header = comment(tables.join(', ')).split('\n').map((line) => `-- ${line}`).join('\n');
  const sqlCell: SqlCell = { id: newCellId(), kind: 'sql', name: freeName(CELL_NAMES[panel], taken), sql: `${header}\n${dedent(query)}` };
  const chart = CHARTS[panel];
  return chart ? [sqlCell, { id: newCellId(), kind: 'chart', source: sqlCell.name, ...chart }] : [sqlCell];
}

/** The template's indentation taken off, so the query reads as written. */
function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.slice(1).filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const cut = Math.max(0, Math.min(...indents) - 2);
  return [lines[0], ...lines.slice(1).map((l) => l.slice(Math.min(cut, /^ */.exec(l)![0].length)))].join('\n').trim();
}
