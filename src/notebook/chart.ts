// A chart cell drawn with Observable Plot from its SQL cell's result: defaults picked from the
// result's column kinds, then the chart cell's choices turned into Plot options.
import * as Plot from '@observablehq/plot';
import type { ChartCell, ChartMark } from './document';
import type { ResultColumn, ResultRow } from './result';

export const CHART_MARKS: readonly ChartMark[] = ['line', 'bar', 'dot', 'area', 'cell', 'rule'];

/** Okabe–Ito colours, as the dashboard uses: told apart by readers with common colour-vision deficiencies. */
const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#56B4E9', '#CC79A7', '#F0E442', '#000000'];

export type ChartChoice = Pick<ChartCell, 'mark' | 'x' | 'y' | 'color' | 'facet'>;

/**
 * What to draw when nobody has chosen yet:
 * a date or time column → a line over time of the first number (one line per the first text column);
 * two text columns and a number → a heatmap (cell) coloured by the number;
 * a text column and a number → bars; two numbers → dots; else bars of what there is.
 */
export function chartDefaults(columns: readonly ResultColumn[]): ChartChoice {
  const of = (kind: ResultColumn['kind']) => columns.filter((c) => c.kind === kind).map((c) => c.name);
  const [time] = of('temporal');
  const texts = of('text');
  const numbers = of('number');
  if (time && numbers[0]) return { mark: 'line', x: time, y: numbers[0], color: texts[0] };
  if (texts.length >= 2 && numbers[0]) return { mark: 'cell', x: texts[0], y: texts[1], color: numbers[0] };
  if (texts[0] && numbers[0]) return { mark: 'bar', x: texts[0], y: numbers[0] };
  if (numbers.length >= 2) return { mark: 'dot', x: numbers[0], y: numbers[1] };
  return { mark: 'bar', x: columns[0]?.name, y: columns[1]?.name };
}

/**
 * What a chart cell shows: its own choice, or, while neither x nor y is chosen, the defaults from
 * the column types. Derived for display only: viewing a chart never edits the notebook.
 */
export function shownChoice(cell: ChartChoice, columns: readonly ResultColumn[]): { choice: ChartChoice; auto: boolean } {
  const auto = cell.x === undefined && cell.y === undefined && columns.length > 0;
  return { choice: auto ? chartDefaults(columns) : { mark: cell.mark, x: cell.x, y: cell.y, color: cell.color, facet: cell.facet }, auto };
}

/**
 * The patch a user's choice writes: over shown defaults, the whole choice they see with their
 * change (so what stays on screen is what is saved); a new source starts from nothing.
 */
export function choicePatch<P extends Partial<ChartChoice> & { source?: string }>(shown: { choice: ChartChoice; auto: boolean }, patch: P): P | (ChartChoice & P) {
  return shown.auto && !('source' in patch) ? { ...shown.choice, ...patch } : patch;
}

/** A chart choice that names only columns the result has (a column renamed in the SQL is dropped). */
export function fitChoice(choice: ChartChoice, columns: readonly ResultColumn[]): ChartChoice {
  const has = (name: string | undefined) => (name !== undefined && columns.some((c) => c.name === name) ? name : undefined);
  return { mark: choice.mark, x: has(choice.x), y: has(choice.y), color: has(choice.color), facet: has(choice.facet) };
}

const kindOf = (columns: readonly ResultColumn[], name: string | undefined) => columns.find((c) => c.name === name)?.kind;

/** Plot options for a chart choice over result rows, `width` pixels wide. */
export function plotOptions(choice: ChartChoice, columns: readonly ResultColumn[], rows: readonly ResultRow[], width: number): Plot.PlotOptions {
  const { mark, x, y, color, facet } = choice;
  const xKind = kindOf(columns, x);
  const yKind = kindOf(columns, y);
  const colorKind = kindOf(columns, color);
  // Lines and areas join points in data order: in x order they read left to right.
  const data = (mark === 'line' || mark === 'area') && x ? [...rows].sort((a, b) => compare(a[x], b[x])) : rows;
  const common = { x, y, fy: facet, tip: true };
  const paint = color ? (mark === 'line' || mark === 'rule' ? { stroke: color } : { fill: color }) : {};
  const marks: Plot.Markish[] = [];
  switch (mark) {
    case 'line':
      marks.push(Plot.lineY(data, { ...common, ...(color ? { stroke: color } : { stroke: OKABE_ITO[0] }) }));
      break;
    case 'area':
      marks.push(Plot.areaY(data, { ...common, ...(color ? { fill: color } : { fill: OKABE_ITO[0] }), fillOpacity: 0.8 }));
      break;
    case 'bar':
      // Horizontal bars when the categories are on y.
      marks.push(xKind === 'number' && yKind !== 'number' ? Plot.barX(data, { ...common, ...paint }) : Plot.barY(data, { ...common, ...paint }));
      break;
    case 'dot':
      marks.push(Plot.dot(data, { ...common, ...(color ? { fill: color } : { stroke: OKABE_ITO[0] }) }));
      break;
    case 'cell':
      marks.push(Plot.cell(data, { ...common, ...paint, inset: 0.5 }));
      break;
    case 'rule':
      marks.push(Plot.ruleX(data, { ...common, ...paint, strokeWidth: 2 }));
      break;
  }
  if (mark !== 'cell' && yKind === 'number') marks.push(Plot.ruleY([0]));
  return {
    width,
    height: facet ? undefined : 280,
    marginLeft: 60,
    x: { label: x ?? null, ...(xKind === 'temporal' && mark !== 'bar' ? { type: 'utc' } : {}) },
    y: { label: y ?? null, grid: yKind === 'number' },
    color: color ? (colorKind === 'number' ? { legend: true, scheme: 'viridis' } : { legend: true, range: OKABE_ITO }) : undefined,
    marks,
  };
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  return (a as number) < (b as number) ? -1 : 1;
}
