// A report's notebook chart from its included table: as the notebook's rows and columns (for
// Observable Plot through the notebook's own plotOptions, in the viewer) or as series for the
// report file's small SVG writer. Pure: no DOM.
import type { ChartChoice } from '../notebook/chart';
import type { ResultColumn, ResultRow } from '../notebook/result';
import type { ReportCell, ReportChart } from './report-types';
import type { ChartOptions, ChartSeries } from './svg-chart';

/** The table's columns as the notebook describes them (kinds from the payload; older payloads: judged from the values). */
export function cellColumns(cell: ReportCell): ResultColumn[] {
  return cell.table.columns.map((name, i) => {
    const kind = cell.kinds?.[i] ?? (cell.table.rows.some((r) => typeof r[i] === 'string') ? 'text' : 'number');
    return { name, kind, type: '' };
  });
}

const toDate = (v: unknown) => (typeof v === 'number' ? new Date(v) : typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);

/** The table's rows as the notebook's chart reads them: dates as Date, numbers as numbers, anything withheld as null. */
export function cellRows(cell: ReportCell): ResultRow[] {
  const columns = cellColumns(cell);
  return cell.table.rows.map((r) =>
    Object.fromEntries(columns.map((c, i) => {
      const v = r[i];
      if (c.kind === 'temporal') return [c.name, toDate(v)];
      if (c.kind === 'number') return [c.name, typeof v === 'number' ? v : null];
      return [c.name, v];
    })),
  );
}

export const chartChoice = (chart: ReportChart): ChartChoice => ({ mark: chart.mark, x: chart.x, y: chart.y, color: chart.color, facet: chart.facet });

/**
 * The chart as SVG-writer options, or null where the file shows the table instead: cell and rule
 * marks, facets, and a chart without both x and y. Bars with a number on x and categories on y
 * (the notebook's horizontal bars) are drawn upright. A numeric colour column is not drawn (one series).
 */
export function svgChartOptions(chart: ReportChart, cell: ReportCell, label: { date: (ms: number) => string; number: (v: number) => string }): Omit<ChartOptions, 'title'> | null {
  if (chart.mark === 'cell' || chart.mark === 'rule' || chart.facet || !chart.x || !chart.y) return null;
  const columns = cellColumns(cell);
  let [x, y] = [chart.x, chart.y];
  const kind = (name: string) => columns.find((c) => c.name === name)?.kind;
  if (chart.mark === 'bar' && kind(x) === 'number' && kind(y) !== 'number') [x, y] = [y, x];
  const xi = cell.table.columns.indexOf(x);
  const yi = cell.table.columns.indexOf(y);
  const ci = chart.color && kind(chart.color) !== 'number' ? cell.table.columns.indexOf(chart.color) : -1;
  if (xi < 0 || yi < 0) return null;
  const xKind = kind(x);
  const linear = chart.mark !== 'bar' && (xKind === 'number' || xKind === 'temporal');
  // Categories (and bars' periods) are placed by first appearance; numbers and dates by value.
  const categories: string[] = [];
  const xOf = (v: unknown): number | null => {
    if (xKind === 'temporal') return toDate(v)?.getTime() ?? null;
    if (linear) return typeof v === 'number' ? v : null;
    const key = v === null || v === undefined ? '' : String(v);
    if (!categories.includes(key)) categories.push(key);
    return categories.indexOf(key);
  };
  const groups = new Map<string, ChartSeries>();
  for (const row of cell.table.rows) {
    const px = xOf(row[xi]);
    if (px === null) continue;
    const name = ci >= 0 ? String(row[ci] ?? '') : y;
    if (!groups.has(name)) groups.set(name, { name, points: [] });
    groups.get(name)!.points.push([px, typeof row[yi] === 'number' ? (row[yi] as number) : null]);
  }
  const xLabel = xKind === 'temporal' ? label.date : linear ? label.number : (v: number) => categories[v] ?? '';
  return { kind: chart.mark as ChartOptions['kind'], linear, series: [...groups.values()], xLabel, yLabel: label.number };
}
