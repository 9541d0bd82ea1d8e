// Renders a ReportPayload as HTML text: the read-only viewer shows reportBody, the report file is
// reportHtml (one self-contained page: inline CSS, inline SVG, no script, a CSP that forbids any
// request). Pure: no DOM, so the CLI writes the same file in Node. Every string from the payload is
// escaped: a link is untrusted input.
import { ACTIVITY_DEFINITIONS } from '../analyses/activity-series';
import { FILTER_DEFINITIONS } from '../analyses/filters';
import { KPI_DEFINITIONS, KPI_IDS, type KpiId } from '../analyses/kpis';
import type { Formatter } from '../i18n/format';
import type { MessageKey } from '../i18n/messages';
import { renderMarkdown } from '../notebook/markdown';
import { SUPPRESSED, type Figure, type ReportBlock, type ReportChart, type ReportPayload, type ReportTable } from './report-types';
import { OTHER } from './report';
import { svgChartOptions } from './report-chart';
import { chartSvg, escapeHtml as esc } from './svg-chart';

const MONEY: KpiId[] = ['revenue', 'refunds', 'net_revenue', 'revenue_per_customer', 'average_order_value', 'average_ltv', 'acquired_revenue_per_day'];
const SHARE: KpiId[] = ['top20_revenue_share', 'free_trial_share', 'one_time_share', 'repeat_share'];
const COUNT: KpiId[] = ['customers', 'new_customers', 'returning_customers', 'orders', 'free_trial_customers', 'one_time_customers', 'repeat_customers'];
const MONEY_COLUMNS = new Set(['revenue', 'refunds', 'net_revenue', 'first_order_revenue']);
const COLUMN_LABELS: Record<string, MessageKey> = {
  period_start: 'share.doc.period.column',
  new_customers: 'chart.new',
  returning_customers: 'chart.returning',
  lost_customers: 'chart.lost',
  orders: 'kpi.orders',
  revenue: 'kpi.revenue',
  refunds: 'kpi.refunds',
  net_revenue: 'share.doc.rfm.net',
  customers: 'chart.customers',
  first_order_revenue: 'share.doc.firstOrderRevenue',
  segment: 'value.rfm.segment',
};

/** A KPI as the dashboard's KpiGrid shows it. */
export function kpiText(format: Formatter, id: KpiId, value: number | null, currency: string | null): string {
  if (value === null) return format.t('kpi.none');
  if (MONEY.includes(id)) return format.money(value, currency);
  if (SHARE.includes(id)) return format.percent(value);
  if (COUNT.includes(id)) return format.integer(value);
  if (id === 'new_customer_interval_ms') return format.duration(value);
  return format.number(value);
}

const number = (v: Figure | string): number | null => (typeof v === 'number' ? v : null);

function renderer(payload: ReportPayload, format: Formatter) {
  const t = format.t.bind(format);
  const hidden = t('share.doc.suppressed', { k: payload.k });
  const cell = (v: string | Figure, column: string): string => {
    if (v === SUPPRESSED) return `<span class="suppressed" title="${esc(t('share.doc.about', { date: payload.created, k: payload.k }))}">${esc(hidden)}</span>`;
    if (v === null) return esc(t('facet.none'));
    if (typeof v === 'string') return esc(v === OTHER ? t('share.doc.other') : v);
    if (column === 'period_start') return esc(format.date(v));
    if (MONEY_COLUMNS.has(column)) return esc(format.money(v, payload.currency));
    return esc(Number.isInteger(v) ? format.integer(v) : format.number(v));
  };
  const label = (column: string) => esc(COLUMN_LABELS[column] ? t(COLUMN_LABELS[column]!) : column);
  const table = (data: ReportTable, caption: string, name: string) =>
    `<table data-table="${esc(name)}"><caption>${esc(caption)}</caption><thead><tr>${data.columns.map((c) => `<th scope="col">${label(c)}</th>`).join('')}</tr></thead><tbody>${data.rows
      .map((r) => `<tr>${r.map((v, i) => `<td>${cell(v, data.columns[i]!)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const series = (data: ReportTable, columns: string[]) =>
    columns.map((c) => ({ name: label(c), points: data.rows.map((r) => [number(r[0]!) ?? 0, number(r[data.columns.indexOf(c)]!)] as [number, number | null]) }));
  return { t, cell, table, series };
}

/** The notebook part in order: the payload's blocks, or (older payloads) each table as it comes. */
export const notebookBlocks = (payload: ReportPayload): ReportBlock[] => payload.blocks ?? payload.cells.map((c) => ({ kind: 'table', name: c.name }));

/**
 * One notebook block as HTML: a table; a note through the notebook's Markdown renderer (raw HTML
 * escaped, no images, safe links only); a chart as inline SVG, or for the marks the SVG writer does
 * not draw (cell, rule, facets) a line saying the table above shows it.
 */
export function blockHtml(payload: ReportPayload, format: Formatter, block: ReportBlock): string {
  const { t, table } = renderer(payload, format);
  if (block.kind === 'note') return `<div class="note" data-note>${renderMarkdown(block.markdown)}</div>`;
  const cell = payload.cells.find((c) => c.name === (block.kind === 'table' ? block.name : block.source));
  if (!cell) return '';
  if (block.kind === 'table') return table(cell.table, cell.name, `cell-${cell.name}`);
  const options = svgChartOptions(block, cell, { date: (ms) => format.date(ms), number: (v) => (Number.isInteger(v) ? format.integer(v) : format.number(v)) });
  const title = chartTitle(format, block);
  return `<figure data-chart-of="${esc(block.source)}" data-mark="${esc(block.mark)}">${options ? chartSvg({ ...options, title }) : `<p class="about">${esc(title)}: ${esc(t('share.doc.chartTable'))}</p>`}</figure>`;
}

export const chartTitle = (format: Formatter, chart: ReportChart) => format.t('share.doc.chartTitle', { name: chart.source });

/** The report's content (no <html> or <head>): what the file wraps. */
export function reportBody(payload: ReportPayload, format: Formatter): string {
  const { dashboard, notebook, withheld } = reportSections(payload, format);
  return `<article class="clientele-report" data-report-k="${payload.k}">\n${dashboard}\n${notebook}\n${withheld}\n</article>`;
}

/**
 * The report's content in three parts (the viewer draws the notebook part itself, charts with
 * Plot): the header and dashboard, the notebook blocks (charts as inline SVG), what was left out.
 */
export function reportSections(payload: ReportPayload, format: Formatter): { dashboard: string; notebook: string; withheld: string } {
  const { t, table, series } = renderer(payload, format);
  const notebook = notebookBlocks(payload);
  const money = (y: number) => format.money(y, payload.currency);
  const day = (x: number) => format.date(x);
  const scope = [
    ...Object.entries(payload.scope.facets).map(([d, values]) => `${t(`facet.${d}` as MessageKey)}: ${(values ?? []).map((v) => v ?? t('facet.none')).join(', ')}`),
    ...(payload.scope.segment ? [t('share.doc.segment', { name: payload.scope.segment })] : []),
  ];
  const kpis = KPI_IDS.map((id) => {
    const [value, previous] = payload.kpis[id];
    const show = (v: Figure) => (v === SUPPRESSED ? t('share.doc.suppressed', { k: payload.k }) : kpiText(format, id, v, payload.currency));
    const change = typeof value === 'number' && typeof previous === 'number' && previous !== 0 ? `${format.change((value - previous) / Math.abs(previous))} · ` : '';
    return `<div class="kpi" data-kpi="${id}"><dt title="${esc(KPI_DEFINITIONS[id])}">${esc(t(`kpi.${id}`))}</dt><dd><span class="value">${esc(show(value))}</span> <span class="change">${esc(change + t('share.doc.previous', { previous: show(previous) }))}</span></dd></div>`;
  }).join('');
  const withheld = payload.withheld.map((w) => `<li>${esc(t(`share.doc.withheld.${w.reason}`, { item: w.item, count: w.count, k: payload.k }))}</li>`).join('');
  const pareto = chartSvg({
    kind: 'line',
    title: t('chart.pareto'),
    series: [{ name: t('kpi.revenue'), points: payload.pareto.map(([x, y]) => [x, y]) }],
    xLabel: (x) => format.percent(x, 0),
    yLabel: (y) => format.percent(y, 0),
  });
  const dashboard = `<header><h1>${esc(payload.title || t('share.doc.heading'))}</h1>
<p class="period">${esc(t('share.doc.period', { start: format.date(payload.period.start), end: format.date(payload.period.end - 86_400_000), days: payload.period.days }))}</p>
${scope.length > 0 ? `<p>${esc(t('share.doc.scope', { filters: scope.join('; ') }))}</p>` : ''}
<p class="about">${esc(t('share.doc.about', { date: payload.created, k: payload.k }))}</p></header>
<section><h2>${esc(t('share.doc.kpis'))}</h2><dl class="kpis">${kpis}</dl></section>
<section><h2>${esc(t('chart.activity'))}</h2><figure title="${esc(ACTIVITY_DEFINITIONS.lost_customers.replace('`window`', String(payload.scope.churnWindowDays)))}">${chartSvg({ kind: 'line', title: t('chart.activity'), series: series(payload.activity, ['new_customers', 'returning_customers', 'lost_customers']), xLabel: day, yLabel: (y) => format.integer(y) })}</figure>
<h2>${esc(t('chart.revenue'))}</h2><figure>${chartSvg({ kind: 'bar', title: t('chart.revenue'), series: series(payload.activity, ['revenue', 'refunds']), xLabel: day, yLabel: money })}</figure>
${table(payload.activity, t('share.doc.table'), 'activity')}</section>
<section><h2>${esc(t('chart.acquisition'))}</h2><figure>${chartSvg({ kind: 'bar', title: t('chart.acquisition'), series: series(payload.acquisition, ['customers']), xLabel: day, yLabel: (y) => format.integer(y) })}</figure>
${table(payload.acquisition, t('chart.acquisition'), 'acquisition')}</section>
<section><h2>${esc(t('chart.pareto'))}</h2><figure>${pareto}</figure></section>
<section><h2>${esc(t('share.doc.facets'))}</h2><div class="facets">${payload.facets.map((f) => `<div title="${esc(FILTER_DEFINITIONS[f.dimension])}">${table(f.values, t(`facet.${f.dimension}`), `facet-${f.dimension}`)}</div>`).join('')}</div></section>
<section><h2>${esc(t('value.rfm.title'))}</h2>${table(payload.rfm, t('value.rfm.title'), 'rfm')}</section>`;
  return {
    dashboard,
    notebook: notebook.length > 0 ? `<section data-section="notebook"><h2>${esc(t('share.doc.cells'))}</h2>${notebook.map((b) => blockHtml(payload, format, b)).join('\n')}</section>` : '',
    withheld: withheld ? `<section data-section="withheld"><h2>${esc(t('share.preview.withheld'))}</h2><ul class="withheld">${withheld}</ul></section>` : '',
  };
}

export const REPORT_CSS = `.clientele-report{font:14px/1.45 system-ui,sans-serif;color:#1a1a1a;max-width:60rem;margin:0 auto;padding:1rem}
.clientele-report h1{font-size:1.5rem;margin:0 0 .25rem}.clientele-report h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.clientele-report .about,.clientele-report .change{color:#555;font-size:.85rem}
.clientele-report .kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.5rem;margin:0}
.clientele-report .kpi{border:1px solid #ddd;border-radius:6px;padding:.5rem}.clientele-report dt{font-size:.85rem;color:#444}
.clientele-report dd{margin:0}.clientele-report .value{font-size:1.25rem;font-weight:600}
.clientele-report figure{margin:0}.clientele-report svg{width:100%;height:auto;max-width:40rem}
.clientele-report table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}.clientele-report caption{text-align:start;font-weight:600}
.clientele-report th,.clientele-report td{border-bottom:1px solid #eee;padding:.15rem .6rem;text-align:end}.clientele-report th:first-child,.clientele-report td:first-child{text-align:start}
.clientele-report .facets{display:flex;flex-wrap:wrap;gap:0 1.5rem}.clientele-report .suppressed{color:#777}
.clientele-report .note{border-inline-start:3px solid #ddd;padding-inline-start:.75rem;margin:.75rem 0}.clientele-report .note pre{background:#f3f4f7;padding:.4rem;overflow-x:auto}`;

/**
 * The report file: one HTML page that opens offline from disk. No script runs: the payload is
 * embedded as inert JSON (type application/json) for programs that read it back, and the CSP
 * forbids every request.
 */
export function reportHtml(payload: ReportPayload, format: Formatter): string {
  const json = JSON.stringify(payload).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="${esc(format.locale)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(payload.title || format.t('share.doc.heading'))}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${reportBody(payload, format)}
<p class="clientele-report about">${esc(format.t('share.doc.offline'))}</p>
<script type="application/json" id="clientele-report">${json}</script>
</body>
</html>
`;
}

/** The payload embedded in a report file, or null. */
export function payloadOfHtml(html: string): unknown {
  const match = /<script type="application\/json" id="clientele-report">([\s\S]*?)<\/script>/.exec(html);
  return match ? JSON.parse(match[1]!) : null;
}
