// Observable Plot specs for the Feedback & support panels: pure functions from ready rows to a chart.
import * as Plot from '@observablehq/plot';
import type { MappedCountry } from '../../analyses/crm/geography';
import type { Row } from '../../state/crm.svelte';
import type { CountryFeature } from '../../geo/world';
import { worldKey } from '../../geo/world';
import { PALETTE } from '../dashboard/charts';

const month = (value: unknown) => new Date(`${String(value)}-01T00:00:00Z`);

/** NPS (−100…100) and CSAT (0…100) per month, answers in the tip; months without a date left out. */
export function npsCsatChart(months: Row[], labels: { nps: string; csat: string; score: string; answers: string }, width: number): Element {
  const data = months
    .filter((r) => r.grp != null)
    .flatMap((r) => [
      { date: month(r.grp), kind: labels.nps, value: r.nps as number | null, answers: Number(r.nps_answers) },
      { date: month(r.grp), kind: labels.csat, value: r.csat as number | null, answers: Number(r.csat_answers) },
    ])
    .filter((d) => d.value !== null);
  return Plot.plot({
    width,
    height: 240,
    marginLeft: 50,
    x: { type: 'utc', label: null },
    y: { label: labels.score, domain: [-100, 100], grid: true },
    color: { domain: [labels.nps, labels.csat], range: [PALETTE.blue, PALETTE.orange], legend: true },
    marks: [
      Plot.ruleY([0], { stroke: PALETTE.grey }),
      Plot.line(data, { x: 'date', y: 'value', stroke: 'kind', marker: 'circle', tip: true, channels: { [labels.answers]: 'answers' } }),
    ],
  });
}

/** Tickets opened per month. */
export function ticketsChart(months: Row[], labels: { tickets: string }, width: number): Element {
  const data = months.filter((r) => r.grp != null).map((r) => ({ date: month(r.grp), tickets: Number(r.tickets) }));
  return Plot.plot({
    width,
    height: 200,
    marginLeft: 50,
    x: { type: 'utc', label: null },
    y: { label: labels.tickets, grid: true },
    marks: [Plot.rectY(data, { x: 'date', interval: 'month', y: 'tickets', fill: PALETTE.blue, tip: true }), Plot.ruleY([0])],
  });
}

/** Tickets per band of days since the first purchase, in the bands' order. */
export function lifeChart(bands: { label: string; tickets: number }[], labels: { tickets: string }, width: number): Element {
  return Plot.plot({
    width,
    height: 200,
    marginLeft: 50,
    x: { label: null, domain: bands.map((b) => b.label) },
    y: { label: labels.tickets, grid: true },
    marks: [Plot.barY(bands, { x: 'label', y: 'tickets', fill: PALETTE.green, tip: true }), Plot.ruleY([0])],
  });
}

/** The world, each country shaded by its customers; countries without customers drawn in grey. */
export function worldMap(shapes: CountryFeature[], countries: MappedCountry[], names: (c: CountryFeature) => string, labels: { customers: string }, width: number): Element {
  const byKey = new Map(countries.map((c) => [c.key, c]));
  const value = (f: CountryFeature) => byKey.get(worldKey(f))?.customers ?? null;
  // From zero, so the smallest market is still tinted and told apart from a country without customers.
  const max = Math.max(1, ...countries.map((c) => c.customers));
  return Plot.plot({
    width,
    height: Math.round(width * 0.5),
    projection: 'equal-earth',
    color: { scheme: 'blues', type: 'sqrt', domain: [0, max], legend: true, label: labels.customers, unknown: '#eee' },
    marks: [
      Plot.geo(shapes, { ariaLabel: names, fill: value, stroke: '#fff', strokeWidth: 0.5, title: (f: CountryFeature) => `${names(f)}: ${value(f) ?? 0}` }),
      Plot.sphere({ stroke: '#ccc' }),
    ],
  });
}
