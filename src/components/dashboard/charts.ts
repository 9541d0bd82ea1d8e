// Observable Plot specs for the dashboard's charts: pure functions from rows to a chart element.
import * as Plot from '@observablehq/plot';
import type { Grain } from '../../analyses/activity-series';
import type { Row } from '../../state/dashboard.svelte';

/** Okabe–Ito colours: told apart by readers with the common colour-vision deficiencies. */
export const PALETTE = { blue: '#0072B2', orange: '#E69F00', vermillion: '#D55E00', green: '#009E73', sky: '#56B4E9', grey: '#999999' };

export interface ChartLabels {
  customers: string;
  new: string;
  returning: string;
  lost: string;
  money: string;
  revenue: string;
  refunds: string;
}

const date = (row: Row) => new Date(Number(row.period_start));

/** New and returning customers stacked above the axis, lost customers below it. */
export function activityChart(rows: Row[], grain: Grain, labels: ChartLabels, width: number): Element {
  const long = rows.flatMap((r) => [
    { date: date(r), kind: labels.new, value: Number(r.new_customers) },
    { date: date(r), kind: labels.returning, value: Number(r.returning_customers) },
    { date: date(r), kind: labels.lost, value: -Number(r.lost_customers) },
  ]);
  return Plot.plot({
    width,
    height: 260,
    marginLeft: 50,
    x: { type: 'utc', label: null },
    y: { label: labels.customers, grid: true, tickFormat: (v: number) => String(Math.abs(v)) },
    color: { domain: [labels.new, labels.returning, labels.lost], range: [PALETTE.blue, PALETTE.sky, PALETTE.vermillion], legend: true },
    marks: [
      Plot.rectY(long, { x: 'date', interval: grain === 'week' ? 'monday' : grain, y: 'value', fill: 'kind', tip: { format: { value: (v: number) => String(Math.abs(v)) } } }),
      Plot.ruleY([0]),
    ],
  });
}

export function revenueChart(rows: Row[], grain: Grain, labels: ChartLabels, width: number): Element {
  const long = rows.flatMap((r) => [
    { date: date(r), kind: labels.revenue, value: Number(r.revenue) },
    { date: date(r), kind: labels.refunds, value: Number(r.refunds) },
  ]);
  return Plot.plot({
    width,
    height: 220,
    marginLeft: 60,
    x: { type: 'utc', label: null },
    y: { label: labels.money, grid: true },
    color: { domain: [labels.revenue, labels.refunds], range: [PALETTE.blue, PALETTE.orange], legend: true },
    marks: [Plot.lineY(long, { x: 'date', y: 'value', stroke: 'kind', curve: grain === 'day' ? 'linear' : 'step-after', tip: true }), Plot.ruleY([0])],
  });
}

export function acquisitionChart(rows: Row[], grain: Grain, labels: ChartLabels, width: number): Element {
  const data = rows.map((r) => ({ date: date(r), customers: Number(r.customers) }));
  return Plot.plot({
    width,
    height: 200,
    marginLeft: 50,
    x: { type: 'utc', label: null },
    y: { label: labels.customers, grid: true },
    marks: [Plot.rectY(data, { x: 'date', interval: grain === 'week' ? 'monday' : grain, y: 'customers', fill: PALETTE.green, tip: true }), Plot.ruleY([0])],
  });
}

/** The Pareto curve, with the top-20% point marked. */
export function paretoChart(rows: Row[], labels: { customers: string; revenue: string }, width: number): Element {
  const data = rows.map((r) => ({ customers: Number(r.customer_share), revenue: Number(r.revenue_share) }));
  return Plot.plot({
    width,
    height: 220,
    x: { label: labels.customers, percent: true, domain: [0, 1] },
    y: { label: labels.revenue, percent: true, domain: [0, 1], grid: true },
    marks: [Plot.line(data, { x: 'customers', y: 'revenue', stroke: PALETTE.blue, tip: true }), Plot.ruleX([0.2], { stroke: PALETTE.grey, strokeDasharray: '4 3' }), Plot.frame({ stroke: '#ccc' })],
  });
}
