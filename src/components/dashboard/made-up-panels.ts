// The dashboard's panels with made-up numbers, shaped as DashboardState's (#show): what the
// dashboard's warm-up draws (dashboard-warm-up.ts).
import { ACTIVITY_COLUMNS, type Grain } from '../../analyses/activity-series';
import { VALUE_BANDS } from '../../analyses/customer-base';
import { FACET_DIMENSIONS, type FacetDimension } from '../../analyses/filters';
import { KPI_IDS, kpiChanges, type KpiValues } from '../../analyses/kpis';
import type { Panels } from '../../state/dashboard.svelte';

const DAY_MS = 86_400_000;
const START = Date.UTC(2023, 0, 2);
/** Buckets of each grain, as all time over three years, a year and 90 days give them. */
const BUCKETS: Record<Grain, number> = { month: 36, week: 53, day: 90 };
const STEP_MS: Record<Grain, number> = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS };
/** Values per facet list, as the dashboard's facet limit shows them, out of more (so its search shows too). */
const FACET_VALUES = 12;

/** Panels shaped as the dashboard's (DashboardState's #show), with made-up numbers, at `grain`. */
export function madeUpPanels(grain: Grain): Panels {
  const n = BUCKETS[grain];
  const at = (i: number) => START + i * STEP_MS[grain];
  const figures = (scale: number) => Object.fromEntries(KPI_IDS.map((id, i) => [id, scale * (i + 1) * 10])) as KpiValues;
  const activity = Array.from({ length: n }, (_, i) => ({
    ...Object.fromEntries(ACTIVITY_COLUMNS.map((column, k) => [column, 10 + ((i * (k + 3)) % 17)])),
    period_start: at(i),
    lost_customers: i % 5,
  }));
  return {
    kpis: kpiChanges(figures(1), figures(0.9)),
    activity,
    acquisition: activity.map((row, i) => ({ period_start: row.period_start, customers: 20 + (i % 9), first_order_revenue: 500 + 7 * i })),
    pareto: Array.from({ length: 51 }, (_, k) => ({ customer_share: k / 50, revenue_share: Math.sqrt(k / 50) })),
    facets: FACET_DIMENSIONS.map((dimension) => {
      const values = facetValues(dimension);
      return { dimension, values: values.map((value, i) => ({ value, customers: 100 - i, revenue: 1_000 - 10 * i })), total: 2 * values.length };
    }),
    period: { start: START, end: at(n), days: Math.round((at(n) - START) / DAY_MS), grain, acquisitionGrain: grain },
    ms: 0,
  };
}

/** A list's values as the panels give them: the value bands and first-purchase years by name, no value last. */
function facetValues(dimension: FacetDimension): (string | null)[] {
  if (dimension === 'value_band') return [...VALUE_BANDS];
  if (dimension === 'customer_since') return ['2023', '2024', '2025', null];
  return [...Array.from({ length: FACET_VALUES - 1 }, (_, i) => `${dimension} ${i + 1}`), null];
}
