// A small SVG writer for the report file and viewer: lines, areas, dots or grouped bars, from
// aggregates only. Plot needs a DOM; this runs anywhere (the CLI writes report files in Node).
// Okabe–Ito colours, as the dashboard's charts.

export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export interface ChartSeries {
  name: string;
  /** y null: no point (suppressed or missing); the line breaks there. */
  points: [number, number | null][];
}

export interface ChartOptions {
  kind: 'line' | 'bar' | 'dot' | 'area';
  /** x placed by value (numbers, dates); by default each distinct x gets an equal band, in order. */
  linear?: boolean;
  series: ChartSeries[];
  title: string;
  xLabel: (x: number) => string;
  yLabel: (y: number) => string;
  width?: number;
  height?: number;
}

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const legend = (i: number, colour: string | undefined, name: string) =>
  `<rect x="${64 + i * 110}" y="6" width="10" height="10" fill="${colour}"/><text x="${64 + i * 110 + 14}" y="15">${escapeHtml(name)}</text>`;

function ticks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => i * step);
}

/** An accessible SVG (role img, a <title>) with axes, a legend and one path or bar group per series. */
export function chartSvg({ kind, linear = false, series, title, xLabel, yLabel, width = 640, height = 240 }: ChartOptions): string {
  const margin = { top: 24, right: 12, bottom: 28, left: 64 };
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.points.map((p) => p[1]).filter((y): y is number => y !== null));
  const yMin = Math.min(0, ...ys);
  const yTicks = ticks(Math.max(0, ...ys) - yMin).map((t) => t + yMin);
  const yMax = Math.max(yTicks[yTicks.length - 1] ?? 1, ...ys, yMin + 1e-9);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const band = plotW / Math.max(xs.length, 1);
  const [x0 = 0, x1 = 0] = [xs[0], xs[xs.length - 1]];
  const inset = Math.min(band / 2, 12);
  const xPos = linear && kind !== 'bar' ? (x: number) => margin.left + inset + ((x - x0) / (x1 - x0 || 1)) * (plotW - 2 * inset) : (x: number) => margin.left + band * (xs.indexOf(x) + 0.5);
  const yPos = (y: number) => margin.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${yPos(t).toFixed(1)}" y2="${yPos(t).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${(yPos(t) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(yLabel(t))}</text>`);
  }
  const every = Math.max(1, Math.ceil(xs.length / 8));
  // Linear x: five evenly spaced labels over the domain (every distinct value could be hundreds).
  const xTicks = linear && kind !== 'bar' && xs.length > 5 ? Array.from({ length: 5 }, (_, i) => x0 + ((x1 - x0) * i) / 4) : xs.filter((_, i) => i % every === 0);
  for (const x of xTicks) parts.push(`<text x="${xPos(x).toFixed(1)}" y="${height - 8}" text-anchor="middle">${escapeHtml(xLabel(x))}</text>`);
  series.forEach((s, si) => {
    const colour = OKABE_ITO[si % OKABE_ITO.length];
    if (kind === 'bar') {
      const w = (band * 0.8) / series.length;
      for (const [x, y] of s.points) {
        if (y === null) continue;
        const top = yPos(Math.max(y, 0));
        const h = Math.abs(yPos(y) - yPos(0));
        parts.push(`<rect x="${(xPos(x) - band * 0.4 + si * w).toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"><title>${escapeHtml(`${s.name} ${xLabel(x)}: ${yLabel(y)}`)}</title></rect>`);
      }
    } else {
      const tip = (x: number, y: number) => `<title>${escapeHtml(`${s.name} ${xLabel(x)}: ${yLabel(y)}`)}</title>`;
      if (kind === 'dot') {
        for (const [x, y] of s.points) if (y !== null) parts.push(`<circle cx="${xPos(x).toFixed(1)}" cy="${yPos(y).toFixed(1)}" r="3.5" fill="none" stroke="${colour}" stroke-width="1.5">${tip(x, y)}</circle>`);
        parts.push(legend(si, colour, s.name));
        return;
      }
      // Lines and areas join the points in x order, breaking at a missing y.
      const points = [...s.points].sort((a, b) => a[0] - b[0]);
      const runs: [number, number][][] = [[]];
      for (const [x, y] of points) {
        if (y === null) runs.push([]);
        else runs[runs.length - 1]!.push([x, y]);
      }
      for (const run of runs.filter((r) => r.length > 0)) {
        const d = run.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${xPos(x).toFixed(1)},${yPos(y).toFixed(1)}`).join('');
        if (kind === 'area') {
          const base = yPos(Math.max(yMin, Math.min(0, yMax))).toFixed(1);
          parts.push(`<path d="${d}L${xPos(run[run.length - 1]![0]).toFixed(1)},${base}L${xPos(run[0]![0]).toFixed(1)},${base}Z" fill="${colour}" fill-opacity="0.6" stroke="${colour}"/>`);
        } else parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>`);
      }
      for (const [x, y] of s.points) if (y !== null) parts.push(`<circle cx="${xPos(x).toFixed(1)}" cy="${yPos(y).toFixed(1)}" r="2.5" fill="${colour}"><title>${escapeHtml(`${s.name} ${xLabel(x)}: ${yLabel(y)}`)}</title></circle>`);
    }
    parts.push(legend(si, colour, s.name));
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" font-size="11" font-family="system-ui, sans-serif"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}
