// Observable Plot specs for the RFM and lifetime-value panels: pure functions from ready data to a chart.
import * as Plot from '@observablehq/plot';
import type { HoldoutPoint } from '../../analyses/clv/clv';
import type { CohortResult, LtvResult } from '../../state/value.svelte';
import { PALETTE } from '../dashboard/charts';

const monthLabel = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 7);

export interface CohortLabels {
  cohort: string;
  month: string;
  value: string;
}

/** Acquisition month × months since first purchase, coloured by retention or cumulative revenue per customer. */
export function cohortHeatmap(matrix: CohortResult['matrix'], view: 'retention' | 'revenue', labels: CohortLabels, format: (v: number) => string, width: number): Element {
  const data = matrix.map((c) => ({ cohort: monthLabel(c.cohort), period: c.period, value: view === 'retention' ? c.retention : c.cumulative, size: c.size }));
  const cohorts = [...new Set(data.map((d) => d.cohort))];
  return Plot.plot({
    width,
    height: Math.max(160, 22 * cohorts.length + 60),
    marginLeft: 70,
    padding: 0.04,
    x: { label: labels.month, type: 'band' },
    y: { label: labels.cohort, domain: cohorts },
    // A sequential scheme read by colour-blind readers (lightness carries the value).
    color: { scheme: 'blues', legend: true, label: labels.value, tickFormat: format, ...(view === 'retention' ? { domain: [0, 1] } : {}) },
    marks: [
      Plot.cell(data, { x: 'period', y: 'cohort', fill: 'value', tip: { format: { value: format, fill: false } }, channels: { value: { value: 'value', label: labels.value } } }),
    ],
  });
}

/** Cumulative revenue per customer by month since acquisition: one line per cohort and the size-weighted average. */
export function cohortCurves(
  matrix: CohortResult['matrix'],
  average: CohortResult['average'],
  labels: { month: string; value: string; average: string },
  width: number,
): Element {
  const lines = matrix.map((c) => ({ cohort: monthLabel(c.cohort), period: c.period, value: c.cumulative }));
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 60,
    x: { label: labels.month },
    y: { label: labels.value, grid: true },
    marks: [
      Plot.line(lines, { x: 'period', y: 'value', z: 'cohort', stroke: PALETTE.grey, strokeOpacity: 0.45, tip: true }),
      Plot.line(average, { x: 'period', y: 'cumulative', stroke: PALETTE.blue, strokeWidth: 2.5 }),
      Plot.text(average.slice(-1), { x: 'period', y: 'cumulative', text: () => labels.average, dx: 6, textAnchor: 'start', fill: PALETTE.blue }),
      Plot.ruleY([0]),
    ],
  });
}

/** Customers per P(alive) tenth. */
export function pAliveChart(bins: number[], labels: { x: string; y: string }, width: number): Element {
  const data = bins.map((customers, i) => ({ x1: i / 10, x2: (i + 1) / 10, customers }));
  return Plot.plot({
    width,
    height: 200,
    marginLeft: 50,
    x: { label: labels.x, domain: [0, 1], percent: true },
    y: { label: labels.y, grid: true },
    marks: [Plot.rectY(data, { x1: 'x1', x2: 'x2', y: 'customers', fill: PALETTE.blue, inset: 1, tip: true }), Plot.ruleY([0])],
  });
}

/** Fader, Hardie & Lee's calibration/holdout check: mean holdout purchases by calibration repeat purchases, actual against predicted. */
export function holdoutChart(points: HoldoutPoint[], labels: { x: string; y: string; actual: string; predicted: string }, width: number): Element {
  const long = points
    .filter((p) => p.customers > 0)
    .flatMap((p) => [
      { x: p.x, kind: labels.actual, value: p.actual, customers: p.customers },
      { x: p.x, kind: labels.predicted, value: p.predicted, customers: p.customers },
    ]);
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 50,
    x: { label: labels.x, tickFormat: (v: number) => (v === points.length - 1 ? `${v}+` : String(v)) },
    y: { label: labels.y, grid: true },
    color: { domain: [labels.actual, labels.predicted], range: [PALETTE.vermillion, PALETTE.blue], legend: true },
    marks: [
      Plot.line(long.filter((d) => d.kind === labels.actual), { x: 'x', y: 'value', stroke: 'kind' }),
      Plot.line(long.filter((d) => d.kind === labels.predicted), { x: 'x', y: 'value', stroke: 'kind', strokeDasharray: '5 3' }),
      Plot.dot(long, { x: 'x', y: 'value', stroke: 'kind', fill: 'white', tip: true }),
      Plot.ruleY([0]),
    ],
  });
}

/** One rate (churn or repeat purchase) per month, 0–100 %; months without a value are gaps in the line. */
export function monthlyRateChart(periods: LtvResult['periods'], rate: 'churnRate' | 'repeatRate', labels: { x: string; y: string }, width: number): Element {
  const data = periods.map((p) => ({ month: new Date(p.period), value: p[rate] }));
  return Plot.plot({
    width,
    height: 180,
    marginLeft: 50,
    x: { label: labels.x, type: 'utc' },
    y: { label: labels.y, domain: [0, 1], percent: true, grid: true },
    marks: [
      Plot.line(data, { x: 'month', y: 'value', stroke: rate === 'churnRate' ? PALETTE.vermillion : PALETTE.blue }),
      Plot.dot(data, { x: 'month', y: 'value', fill: rate === 'churnRate' ? PALETTE.vermillion : PALETTE.blue, r: 2.5, tip: true }),
      Plot.ruleY([0]),
    ],
  });
}
