// npx tsx scripts/crossfilter-probe.ts [bench-data/orders-1M.csv]
// Times the dashboard's panels from arrays (src/analyses/crossfilter) against the SQL plan on
// DuckDB-WASM's Node build, the worker's engine: reading the arrays (once per data set, once per
// data set), then facet clicks, a segment and ranges, each answered both ways and compared: from
// the arrays before any scope statement (what the page paints first, without a segment) and after
// them, reading the flag tables (a segment's state).
import { openAsBlob } from 'node:fs';
import { resolve } from 'node:path';
import { CUSTOMER_BASE_STATEMENTS } from '../src/analyses/customer-base';
import { dashboardFilterSql, dashboardFlagsSql, dashboardPanelsStatementSql, dashboardRangeSql, type DashboardPlanOptions } from '../src/analyses/dashboard';
import type { DashboardFilter } from '../src/analyses/filters';
import type { Segment } from '../src/analyses/segments';
import { PanelIndex, scopeStampSql } from '../src/analyses/crossfilter/panel-index';
import { buildOrders, prepareSource } from '../src/ingest/build-orders';
import { loadSource } from '../src/ingest/load-source';
import { presetRange } from '../src/state/date-presets';
import { NodeDatabase } from '../test/helpers/node-database';

const path = resolve(process.argv[2] ?? 'bench-data/orders-1M.csv');
const db = await NodeDatabase.open();
const loaded = await loadSource(db, await openAsBlob(path), path, 1);
await buildOrders(db, [await prepareSource(db, loaded)], new Date());
for (const s of CUSTOMER_BASE_STATEMENTS) await db.query(s);
const [{ orders, customers, last_day: lastDay }] = (await db.rows<{ orders: number; customers: number; last_day: number }>(
  `SELECT (SELECT count(*) FROM orders)::DOUBLE AS orders, (SELECT count(*) FROM customer_base)::DOUBLE AS customers, epoch_ms((SELECT end_day - 1 FROM data_bounds)::TIMESTAMP)::DOUBLE AS last_day`,
)) as [{ orders: number; customers: number; last_day: number }];

const index = new PanelIndex((sql, params) => db.query(sql, { params }));
const time = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const result = await run();
  return [result, performance.now() - t];
};
const [prepared, prepareMs] = await time(() => index.prepare(1));
console.log(`${orders} orders, ${customers} customers; arrays of the data set read in ${Math.round(prepareMs)} ms (${prepared ? 'ready' : 'not built'})`);

const countries = (await db.rows<{ v: string }>(`SELECT country AS v FROM customer_base WHERE country IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 5`)).map((r) => r.v);
const SEGMENT: Segment = { name: 'Bench', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'order_count', op: '>=', value: 2 }, { kind: 'number', field: 'total_revenue', op: '>=', value: 100 }] }] };
const plan = (filter: DashboardFilter): DashboardPlanOptions => ({ filter, grain: 'auto', churnWindowDays: 90, facetLimit: 12, list: { limit: 25 } });
let stamp = 0;
let builtRange: string | null = null;
// Rows as comparable text: each row's non-NULL columns by name, numbers to 10 significant digits.
const round = (rows: Record<string, unknown>[]) =>
  JSON.stringify(rows.map((r) => Object.entries(r).filter(([, v]) => v !== null && v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, typeof v === 'number' ? Number(v.toPrecision(10)) : v])));

const states: [string, DashboardFilter][] = [
  ['all time', { range: null }],
  ...countries.map((c): [string, DashboardFilter] => [`facet country = ${c}`, { range: null, facets: { country: [c] } }]),
  ['facet country (two)', { range: null, facets: { country: countries.slice(0, 2) } }],
  ['segment', { range: null, segment: SEGMENT }],
  ['back to all time', { range: null }],
  ['range: last 90 days', { range: presetRange('last_90', lastDay) }],
  ['range: last year', { range: presetRange('last_year', lastDay) }],
  ...countries.slice(0, 2).map((c): [string, DashboardFilter] => [`last year, country = ${c}`, { range: presetRange('last_year', lastDay), facets: { country: [c] } }]),
  ['last year, segment', { range: presetRange('last_year', lastDay), segment: SEGMENT }],
  ['last year, segment, country', { range: presetRange('last_year', lastDay), segment: SEGMENT, facets: { country: [countries[0]!] } }],
  ['range: all time', { range: null }],
];
console.log('state | before any scope SQL, from arrays ms (same rows) | scope SQL ms | panels by SQL ms | from arrays, flags read after the scope SQL ms (same rows)');
for (const [label, filter] of states) {
  const options = plan(filter);
  const key = JSON.stringify(filter.range);
  const [withoutFlags, withoutFlagsMs] = await time(async () => index.panelsWithoutFlags(options, 1));
  const [, scopeMs] = await time(async () => {
    const rangeChanged = key !== builtRange;
    // As DashboardState: a new range's scope tables are stamped (panel-index.ts), unset while rebuilt.
    if (rangeChanged) {
      await db.query(scopeStampSql(0));
      for (const q of dashboardRangeSql(options)) await db.query(q.sql, { params: q.params });
      await db.query(scopeStampSql(++stamp));
    }
    for (const q of rangeChanged ? dashboardFilterSql(options) : dashboardFlagsSql(options)) await db.query(q.sql, { params: q.params });
    builtRange = key;
  });
  const statement = dashboardPanelsStatementSql(options);
  const [bySql, sqlMs] = await time(async () => (await db.query(statement.sql, { params: statement.params })).toArray().map((r) => ({ ...r.toJSON() })));
  const [fromArrays, arraysMs] = await time(() => index.panels(options, { data: 1, range: key, stamp }));
  const same = (rows: Record<string, unknown>[] | null) => (rows === null ? 'not answered' : round(rows) === round(bySql) ? 'yes' : 'DIFFERENT');
  console.log(`${label} | ${withoutFlags ? `${Math.round(withoutFlagsMs)} (${same(withoutFlags)})` : '—'} | ${Math.round(scopeMs)} | ${Math.round(sqlMs)} | ${Math.round(arraysMs)} (${same(fromArrays)})`);
}
