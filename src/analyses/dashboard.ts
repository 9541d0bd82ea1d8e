// The dashboard's whole query plan for one filter state: the scope tables, built once, then every
// panel read from them. The app, the benchmark's native run and the tests run this same plan.
import { CHURN_WINDOW_SUGGESTION_SQL, acquisitionGrainSql, acquisitionSql, activitySeriesSql, type Grain } from './activity-series';
import { customerCountSql, customerListSql, type CustomerListOptions } from './customer-list';
import { facetsSql, type SinceGrain } from './facets';
import { FACET_DIMENSIONS, filterFlagsSql, filterScopeSql, rangeScopeSql, type DashboardFilter, type FacetDimension, type ScopeOptions } from './filters';
import { KPIS_SQL, dashboardSummarySql, paretoSql } from './kpis';
import type { SqlQuery } from './sql-fragment';

export interface DashboardPlanOptions extends ScopeOptions {
  filter: DashboardFilter;
  grain: Grain | 'auto';
  churnWindowDays: number;
  facetLimit: number;
  facetSearch?: Partial<Record<FacetDimension, string>>;
  /** The customer-since facet by first-purchase year, quarter or month. */
  sinceGrain?: SinceGrain;
  list: CustomerListOptions;
}

/** Facts of the whole data set, read once after the customer base is built. */
export const DATA_FACTS_SQL = {
  bounds: 'SELECT epoch_ms(first_day::TIMESTAMP)::DOUBLE AS first_day, epoch_ms((end_day - 1)::TIMESTAMP)::DOUBLE AS last_day FROM data_bounds',
  /** At most two: money is shown in the data's currency only when there is exactly one. */
  currencies: 'SELECT currency FROM orders WHERE currency IS NOT NULL GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 2',
  churnSuggestion: CHURN_WINDOW_SUGGESTION_SQL,
};

/**
 * Statements that (re)build the scope tables, current and previous period. The range-bound part
 * is rebuilt only when the range changed (or the data did): a facet or segment change reuses it.
 */
export function dashboardScopeSql(options: DashboardPlanOptions, rangeChanged = true): SqlQuery[] {
  return [...(rangeChanged ? dashboardRangeSql(options) : []), ...dashboardFilterSql(options)];
}

/** The range-bound scope tables: what RFM scores are computed on, before the filter step. */
export function dashboardRangeSql(options: DashboardPlanOptions): SqlQuery[] {
  return rangeScopeSql(options.filter.range);
}

/** The facet and segment step, on the range's tables (and rfm_customers for RFM rules). */
export function dashboardFilterSql(options: DashboardPlanOptions): SqlQuery[] {
  return filterScopeSql(options.filter, options);
}

/** dashboardFilterSql without the views it creates: enough when they exist for this range (filterFlagsSql). */
export function dashboardFlagsSql(options: DashboardPlanOptions): SqlQuery[] {
  return filterFlagsSql(options.filter, options);
}

/** The current period for the UI: its bounds (epoch ms), days, the activity series' grain and the acquisition series' (acquisitionGrainSql). */
export const SCOPE_PERIOD_MS_SQL = `SELECT epoch_ms(start_at)::DOUBLE AS start_ms, epoch_ms(end_at)::DOUBLE AS end_ms, days, grain,
    ${acquisitionGrainSql('scope_range')} AS acquisition_grain
  FROM scope_period`;

/** Every panel's query, read after dashboardScopeSql; `acquisitionGrain` is SCOPE_PERIOD_MS_SQL's acquisition_grain. */
export function dashboardPanelsSql(options: DashboardPlanOptions, acquisitionGrain: Grain) {
  return {
    kpis: KPIS_SQL,
    activity: activitySeriesSql({ ...options, grain: options.grain, churnWindowDays: options.churnWindowDays }),
    acquisition: acquisitionSql(acquisitionGrain),
    pareto: paretoSql(50),
    /** kpis, acquisition and pareto in one statement (rows told apart by `part`): what the app runs. */
    summary: dashboardSummarySql(50, acquisitionGrain),
    /** Every facet's list in one query: rows (dimension, value, customers, revenue, values_total), in `dimensions` order. */
    facets: {
      dimensions: FACET_DIMENSIONS,
      query: facetsSql(FACET_DIMENSIONS.map((dimension) => ({ dimension, limit: options.facetLimit, search: options.facetSearch?.[dimension], sinceGrain: options.sinceGrain }))),
    },
    list: customerListSql(options.list),
    listCount: customerCountSql(options.list.search),
  };
}

const PART_ORDER = ['period', 'kpis', 'acquisition', 'pareto', 'activity', 'facets'] as const;
export type DashboardPart = (typeof PART_ORDER)[number];

/**
 * Every panel but the list in one statement, one round trip after the scope tables: rows told apart
 * by `part`, each with its own columns as the separate queries return them (the rest NULL), in the
 * order PART_ORDER, each part in its own order (facets: by dimension in FACET_DIMENSIONS order):
 *   period      SCOPE_PERIOD_MS_SQL's one row
 *   kpis        KPIS_SQL's rows (current, previous)
 *   acquisition acquisitionSql at SCOPE_PERIOD_MS_SQL's acquisition_grain
 *   pareto      paretoSql(50)
 *   activity    activitySeriesSql
 *   facets      dashboardPanelsSql's facets query
 */
export function dashboardPanelsStatementSql(options: DashboardPlanOptions): SqlQuery {
  const summary = dashboardSummarySql(50, 'period');
  const panels = dashboardPanelsSql(options, 'month');
  const orderOf = (column: string, values: readonly string[]) => `CASE ${column} ${values.map((v, i) => `WHEN '${v}' THEN ${i}`).join(' ')} END`;
  return {
    sql: `SELECT * FROM (
      SELECT 'period' AS part, * FROM (${SCOPE_PERIOD_MS_SQL})
      UNION ALL BY NAME SELECT * FROM (${summary.sql})
      UNION ALL BY NAME SELECT 'activity' AS part, * FROM (${panels.activity.sql})
      UNION ALL BY NAME SELECT 'facets' AS part, * FROM (${panels.facets.query.sql})
    )
    ORDER BY ${orderOf('part', PART_ORDER)}, period, period_start, customer_share, ${orderOf('dimension', FACET_DIMENSIONS)}, customers DESC, value ASC NULLS LAST`,
    params: [...summary.params, ...panels.activity.params, ...panels.facets.query.params],
  };
}

/** The queries the app runs after the scope tables, as [name, query], in its order (the list last). */
export function dashboardPanelsList(options: DashboardPlanOptions): [string, SqlQuery][] {
  const q = dashboardPanelsSql(options, 'month');
  return [['panels (period, kpis, acquisition, pareto, activity, facets)', dashboardPanelsStatementSql(options)], ['list', q.list], ['listCount', q.listCount]];
}
