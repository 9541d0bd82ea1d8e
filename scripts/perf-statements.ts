// npx tsx scripts/perf-statements.ts [bench-data/orders-1M.csv] [--native]
// Per-statement times of the dashboard's plan (first view, facet click, date range, segment), on
// DuckDB-WASM's Node build (the worker's engine) or native DuckDB: for finding where an
// interaction's time goes without a browser. Prints one line per statement, slowest first per step.
import { openAsBlob } from 'node:fs';
import { resolve } from 'node:path';
import { CUSTOMER_BASE_STATEMENTS } from '../src/analyses/customer-base';
import { DATA_FACTS_SQL, dashboardFilterSql, dashboardFlagsSql, dashboardPanelsList, dashboardPanelsSql, dashboardRangeSql, type DashboardPlanOptions } from '../src/analyses/dashboard';
import { facetSql, facetsSql } from '../src/analyses/facets';
import { FACET_DIMENSIONS } from '../src/analyses/filters';
import { dashboardSummarySql } from '../src/analyses/kpis';
import { rfmCustomersSql, rfmInputSql } from '../src/analyses/rfm';
import type { Segment } from '../src/analyses/segments';
import { buildOrders, prepareSource } from '../src/ingest/build-orders';
import { loadSource } from '../src/ingest/load-source';
import { presetRange } from '../src/state/date-presets';
import type { Database } from '../src/db/database';
import { NodeDatabase } from '../test/helpers/node-database';
import { NativeDatabase, blobPaths } from './native-database';

const args = process.argv.slice(2);
const path = resolve(args.find((a) => !a.startsWith('--')) ?? 'bench-data/orders-1M.csv');
const native = args.includes('--native');
const SEGMENT = { name: 'Bench', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'order_count', op: '>=', value: 2 }, { kind: 'number', field: 'total_revenue', op: '>=', value: 100 }] }] } as unknown as Segment;

const db: Database & { close?: () => void } = native ? await NativeDatabase.open() : await NodeDatabase.open();
const file = await openAsBlob(path);
blobPaths.set(file, path);
let t = performance.now();
const loaded = await loadSource(db, file, path, 1);
await buildOrders(db, [await prepareSource(db, loaded)], new Date());
console.log(`load + orders ${Math.round(performance.now() - t)} ms`);

let log: [string, number][] = [];
const q = async (label: string, query: { sql: string; params: unknown[] } | string) => {
  const s = typeof query === 'string' ? { sql: query, params: [] } : query;
  const t0 = performance.now();
  const table = await db.query(s.sql, { params: s.params });
  log.push([label, performance.now() - t0]);
  return table;
};
const step = async (name: string, run: () => Promise<void>) => {
  log = [];
  const t0 = performance.now();
  await run();
  const total = performance.now() - t0;
  console.log(`\n${name}: ${Math.round(total)} ms in ${log.length} statements`);
  for (const [label, ms] of [...log].sort((a, b) => b[1] - a[1])) console.log(`  ${String(Math.round(ms)).padStart(6)}  ${label}`);
};

t = performance.now();
await step('customer base', async () => {
  for (const [i, s] of CUSTOMER_BASE_STATEMENTS.entries()) await q(`base ${i}: ${s.slice(0, 60).replace(/\s+/g, ' ')}`, s);
  for (const [k, s] of Object.entries(DATA_FACTS_SQL)) await q(`facts ${k}`, s);
});
const lastDay = Number((await db.query(DATA_FACTS_SQL.bounds)).get(0)?.last_day);

const base: DashboardPlanOptions = { filter: { range: null }, grain: 'auto', churnWindowDays: 90, facetLimit: 12, rfmRelation: 'rfm_customers', list: { sort: 'revenue', direction: 'desc', limit: 25, rfmRelation: 'rfm_customers' } };
const plan = async (options: DashboardPlanOptions, rangeChanged: boolean) => {
  if (rangeChanged) for (const [i, s] of dashboardRangeSql(options).entries()) await q(`range ${i}: ${s.sql.slice(0, 70).replace(/\s+/g, ' ')}`, s);
  // As DashboardState.refresh: the scope views only with a new range, else only the flag tables.
  for (const [i, s] of (rangeChanged ? dashboardFilterSql(options) : dashboardFlagsSql(options)).entries()) await q(`filter ${i}: ${s.sql.slice(0, 70).replace(/\s+/g, ' ')}`, s);
  for (const [name, s] of dashboardPanelsList(options)) {
    if (name === 'list' && rangeChanged) {
      // The app scores RFM after the panels are painted, before the list (its segment column).
      const asOf = String((await q('rfm asOf (after the panels)', `SELECT strftime(end_day - 1, '%Y-%m-%d') AS d FROM scope_period`)).get(0)?.d);
      await q('rfm input (after the panels)', rfmInputSql(false));
      await q('rfm score (after the panels)', rfmCustomersSql(asOf));
    }
    await q(`panel ${name}`, s);
  }
};

await step('first dashboard (all time)', () => plan(base, true));
// The one panel statement by its parts (each run alone, so their sum is more than the whole).
const parts = (options: DashboardPlanOptions) => async () => {
  const panels = dashboardPanelsSql(options, 'month');
  await q('part kpis + acquisition + pareto', dashboardSummarySql(50, 'period'));
  await q('part activity', panels.activity);
  for (const dimension of FACET_DIMENSIONS) await q(`part facet ${dimension}`, facetsSql([{ dimension, limit: options.facetLimit }]));
  await q('part list', panels.list);
};
await step('panel statement by part (all time)', parts(base));
const country = String((await db.query(facetSql({ dimension: 'country', limit: 1 }).sql, { params: facetSql({ dimension: 'country', limit: 1 }).params })).get(0)?.value);
await step('facet click (country on)', () => plan({ ...base, filter: { range: null, facets: { country: [country] } } }, false));
await step('panel statement by part (country on)', parts({ ...base, filter: { range: null, facets: { country: [country] } } }));
await step('facet click (country off)', () => plan(base, false));
await step('date range (last 90)', () => plan({ ...base, filter: { range: presetRange('last_90', lastDay) } }, true));
await step('date range (all)', () => plan(base, true));
await step('segment on', () => plan({ ...base, filter: { range: null, segment: SEGMENT } }, false));
await step('segment off', () => plan(base, false));
db.close?.();
