// npx tsx scripts/crossfilter-probe.ts [bench-data/orders-1M.csv]
// A measurement, not product code: how long one facet click's panels take when they are computed
// from typed arrays held in the worker (an index built once per data set, as crossfilter and
// Mosaic's data cubes do) instead of by SQL per filter state. It builds the arrays from the same
// customer-base tables the dashboard reads, computes the all-time KPIs, monthly activity
// (new / purchasers / lost / orders / revenue), Pareto and all eight facet lists for a country
// filter, checks every figure against the SQL plan's, and prints both times.
import { openAsBlob } from 'node:fs';
import { resolve } from 'node:path';
import type { Table } from 'apache-arrow';
import { CUSTOMER_BASE_STATEMENTS } from '../src/analyses/customer-base';
import { dashboardFilterSql, dashboardPanelsStatementSql, dashboardRangeSql, type DashboardPlanOptions } from '../src/analyses/dashboard';
import { FACET_DIMENSIONS } from '../src/analyses/filters';
import { buildOrders, prepareSource } from '../src/ingest/build-orders';
import { loadSource } from '../src/ingest/load-source';
import { NodeDatabase } from '../test/helpers/node-database';

const path = resolve(process.argv[2] ?? 'bench-data/orders-1M.csv');
const db = await NodeDatabase.open();
const loaded = await loadSource(db, await openAsBlob(path), path, 1);
await buildOrders(db, [await prepareSource(db, loaded)], new Date());
for (const s of CUSTOMER_BASE_STATEMENTS) await db.query(s);

const DAY = 86_400_000;
const col = <T>(t: Table, name: string) => t.getChild(name)!.toArray() as T;

// ---- the index: built once per data set ----------------------------------------------------
let t0 = performance.now();
const customers = await db.query(`SELECT cid, lifetime_revenue::DOUBLE AS revenue, lifetime_orders::INTEGER AS orders,
    lifetime_paid_orders::INTEGER AS paid, lifetime_refunds::DOUBLE AS refunds, ltv::DOUBLE AS ltv,
    (epoch_ms(first_order_at) / ${DAY})::DOUBLE AS first_day, first_order_revenue::DOUBLE AS first_revenue,
    dense_rank() OVER (ORDER BY country NULLS LAST)::INTEGER - 1 AS country, dense_rank() OVER (ORDER BY city NULLS LAST)::INTEGER - 1 AS city,
    dense_rank() OVER (ORDER BY channel NULLS LAST)::INTEGER - 1 AS channel, dense_rank() OVER (ORDER BY value_band)::INTEGER - 1 AS value_band,
    dense_rank() OVER (ORDER BY since_year NULLS LAST)::INTEGER - 1 AS since_year, country AS country_name
  FROM customer_base ORDER BY cid`);
const orders = await db.query(`SELECT cid, (epoch_ms(ordered_at) / ${DAY})::DOUBLE AS day, purchase, amount::DOUBLE AS amount, refund::DOUBLE AS refund
  FROM customer_orders ORDER BY ordered_at`);
const days = await db.query(`SELECT cid, (day - DATE '1970-01-01')::INTEGER AS day, COALESCE((next_day - DATE '1970-01-01')::INTEGER, -1) AS next_day FROM purchase_days`);
const items = await db.query(`SELECT CASE dim WHEN 'product' THEN 0 WHEN 'category' THEN 1 ELSE 2 END AS dim, COALESCE(code, 0) AS code, cid FROM all_time_items`);
const n = customers.numRows;
const c = {
  revenue: col<Float64Array>(customers, 'revenue'), orders: col<Int32Array>(customers, 'orders'), paid: col<Int32Array>(customers, 'paid'),
  refunds: col<Float64Array>(customers, 'refunds'), ltv: col<Float64Array>(customers, 'ltv'), firstDay: col<Float64Array>(customers, 'first_day'),
  firstRevenue: col<Float64Array>(customers, 'first_revenue'),
  dims: (['country', 'city', 'channel', 'value_band', 'since_year'] as const).map((d) => Int32Array.from(col<Int32Array>(customers, d))),
};
const o = { cid: Int32Array.from(col<Int32Array>(orders, 'cid')), day: Float64Array.from(col<Float64Array>(orders, 'day')), purchase: Array.from(orders.getChild('purchase')!), amount: col<Float64Array>(orders, 'amount'), refund: col<Float64Array>(orders, 'refund') };
const purchase = Uint8Array.from(o.purchase, (x) => (x ? 1 : 0));
const pd = { cid: col<Int32Array>(days, 'cid'), day: col<Int32Array>(days, 'day'), next: col<Int32Array>(days, 'next_day') };
const it = { dim: col<Int32Array>(items, 'dim'), code: col<Int32Array>(items, 'code'), cid: col<Int32Array>(items, 'cid') };
const indexMs = performance.now() - t0;

const usIndex = Array.from({ length: n }, (_, i) => customers.get(i)!.country_name).indexOf('US');
const country = c.dims[0]![usIndex]!;

// ---- one facet click, from the index -------------------------------------------------------
const monthOfDate = (day: number) => { const d = new Date(day * DAY); return d.getUTCFullYear() * 12 + d.getUTCMonth(); };
// A day's month from a table over the data's days (a Date per row costs more than the rest).
const firstDay = Math.floor(o.day[0]!) - 200;
const dayMonth = Int32Array.from({ length: Math.floor(o.day[o.day.length - 1]!) - firstDay + 400 }, (_, i) => monthOfDate(firstDay + i));
const monthOf = (day: number) => dayMonth[Math.floor(day) - firstDay]!;
const cardinality = c.dims.map((d) => d.reduce((a, b) => Math.max(a, b), 0) + 1);
const itemCardinality = [0, 1, 2].map((d) => it.code.reduce((a, b, r) => (it.dim[r] === d ? Math.max(a, b) : a), 0) + 1);
function panels(countryCode: number) {
  // Which filters each customer fails, one bit per facet (bit 0: country): a facet's own list counts
  // customers failing no other facet.
  const fails = new Uint8Array(n + 1);
  for (let i = 0; i < n; i++) if (c.dims[0]![i] !== countryCode) fails[i + 1] = 1;
  // KPIs (all time: range aggregates are the lifetime ones)
  let customers = 0, isNew = 0, revenue = 0, refunds = 0, ordersN = 0, paidN = 0, ltv = 0, repeat = 0, oneTime = 0, free = 0;
  const revenues = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (fails[i + 1] || c.orders[i]! === 0) continue;
    revenues[customers++] = c.revenue[i]!;
    isNew++; revenue += c.revenue[i]!; refunds += c.refunds[i]!; ordersN += c.orders[i]!; paidN += c.paid[i]!; ltv += c.ltv[i]!;
    if (c.paid[i]! === 0) free++; else if (c.paid[i]! === 1) oneTime++; else repeat++;
  }
  // Pareto and top 20%
  const sorted = revenues.subarray(0, customers).sort().reverse();
  const running = new Float64Array(customers);
  let sum = 0;
  for (let i = 0; i < customers; i++) running[i] = sum += sorted[i]!;
  const pareto = Array.from({ length: 50 }, (_, k) => running[Math.max(Math.ceil(((k + 1) * customers) / 50), 1) - 1]! / sum);
  const top20 = running[Math.max(Math.ceil(0.2 * customers), 1) - 1]! / revenue;
  // Activity by month: purchasers counted once per customer and month (orders in time order)
  const first = monthOf(o.day[0]!);
  const months = monthOf(o.day[o.day.length - 1]!) - first + 1;
  const purchasers = new Int32Array(months), ordersBy = new Int32Array(months), revenueBy = new Float64Array(months), newBy = new Int32Array(months), lostBy = new Int32Array(months);
  const lastSeen = new Int32Array(n + 1).fill(-1);
  for (let r = 0; r < o.cid.length; r++) {
    const cid = o.cid[r]!;
    if (fails[cid]) continue;
    const m = monthOf(o.day[r]!) - first;
    revenueBy[m] = revenueBy[m]! + o.amount[r]!;
    if (purchase[r]) { ordersBy[m] = ordersBy[m]! + 1; if (lastSeen[cid] !== m) { lastSeen[cid] = m; purchasers[m] = purchasers[m]! + 1; } }
  }
  for (let i = 0; i < n; i++) if (!fails[i + 1] && c.orders[i]! > 0) { const m = monthOf(c.firstDay[i]!) - first; newBy[m] = newBy[m]! + 1; }
  const lastDay = Math.floor(o.day[o.day.length - 1]!);
  for (let r = 0; r < pd.cid.length; r++) {
    if (fails[pd.cid[r]!]) continue;
    const lapse = pd.day[r]! + 90;
    if ((pd.next[r]! === -1 || pd.next[r]! > lapse) && lapse <= lastDay) { const m = monthOf(lapse) - first; lostBy[m] = lostBy[m]! + 1; }
  }
  // Facet lists: customer dimensions in one pass, item dimensions in one pass over the item sets
  const facetCounts = cardinality.map((k) => new Int32Array(k));
  const facetRevenue = cardinality.map((k) => new Float64Array(k));
  for (let i = 0; i < n; i++) {
    if (c.orders[i]! === 0) continue;
    const f = fails[i + 1]!;
    for (let d = 0; d < c.dims.length; d++) {
      if (f & ~(d === 0 ? 1 : 0)) continue;
      const v = c.dims[d]![i]!;
      const counts = facetCounts[d]!, revenue = facetRevenue[d]!;
      counts[v] = counts[v]! + 1;
      revenue[v] = revenue[v]! + c.revenue[i]!;
    }
  }
  const itemCounts = itemCardinality.map((k) => new Int32Array(k));
  for (let r = 0; r < it.cid.length; r++) {
    const cid = it.cid[r]!;
    if (fails[cid] || c.orders[cid - 1]! === 0) continue;
    const counts = itemCounts[it.dim[r]!]!, code = it.code[r]!;
    counts[code] = counts[code]! + 1;
  }
  const top = (counts: Int32Array) => Array.from(counts, (v, k) => [k, v] as [number, number]).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).slice(0, 12);
  return {
    kpis: { customers, new_customers: isNew, revenue, refunds, orders: ordersN, average_order_value: revenue / paidN, average_ltv: ltv / customers, top20_revenue_share: top20, repeat_customers: repeat, one_time_customers: oneTime, free_trial_customers: free },
    pareto, purchasers, ordersBy, revenueBy, newBy, lostBy,
    facets: [...facetCounts, ...itemCounts].map(top),
  };
}

const jsTimes: number[] = [];
let result = panels(country);
for (let i = 0; i < 7; i++) { t0 = performance.now(); result = panels(country); jsTimes.push(performance.now() - t0); }

// ---- the same click by the SQL plan, and the figures compared ------------------------------
const plan: DashboardPlanOptions = { filter: { range: null, facets: { country: ['US'] } }, grain: 'month', churnWindowDays: 90, facetLimit: 12, list: { sort: 'revenue', direction: 'desc', limit: 25 } } as DashboardPlanOptions;
for (const s of [...dashboardRangeSql(plan), ...dashboardFilterSql(plan)]) await db.query(s.sql, { params: s.params });
const sqlTimes: number[] = [];
let rows: Record<string, unknown>[] = [];
for (let i = 0; i < 3; i++) {
  t0 = performance.now();
  const q = dashboardPanelsStatementSql(plan);
  rows = (await db.query(q.sql, { params: q.params })).toArray().map((r) => r.toJSON());
  sqlTimes.push(performance.now() - t0);
}
const kpis = rows.find((r) => r.part === 'kpis' && r.period === 'current')!;
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
const mismatches: string[] = [];
for (const [k, v] of Object.entries(result.kpis)) if (!close(v, Number(kpis[k]))) mismatches.push(`kpi ${k}: js ${v} sql ${kpis[k]}`);
const activity = rows.filter((r) => r.part === 'activity');
activity.forEach((r, i) => {
  if (result.newBy[i] !== r.new_customers) mismatches.push(`new ${i}`);
  if (result.purchasers[i]! - result.newBy[i]! !== r.returning_customers) mismatches.push(`returning ${i}: js ${result.purchasers[i]! - result.newBy[i]!} sql ${r.returning_customers}`);
  if (result.lostBy[i] !== r.lost_customers) mismatches.push(`lost ${i}: js ${result.lostBy[i]} sql ${r.lost_customers}`);
  if (result.ordersBy[i] !== r.orders || !close(result.revenueBy[i]!, Number(r.revenue))) mismatches.push(`orders/revenue ${i}`);
});
const pareto = rows.filter((r) => r.part === 'pareto').slice(1);
pareto.forEach((r, i) => { if (!close(result.pareto[i]!, Number(r.revenue_share))) mismatches.push(`pareto ${i}`); });
const facetTotals = FACET_DIMENSIONS.map((d) => rows.filter((r) => r.part === 'facets' && r.dimension === d).reduce((s, r) => s + Number(r.customers), 0));
const order = ['country', 'city', 'channel', 'value_band', 'customer_since', 'product', 'category', 'status'];
const jsFacetTotals = FACET_DIMENSIONS.map((d) => result.facets[order.indexOf(d)]!.reduce((s, [, v]) => s + v, 0));
FACET_DIMENSIONS.forEach((d, i) => { if (facetTotals[i] !== jsFacetTotals[i]) mismatches.push(`facet ${d}: top-12 customers js ${jsFacetTotals[i]} sql ${facetTotals[i]}`); });

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${n} customers, ${o.cid.length} orders, ${pd.cid.length} purchase days, ${it.cid.length} item sets`);
console.log(`index built once: ${Math.round(indexMs)} ms`);
console.log(`facet click (country = US), every panel but the list: typed arrays ${med(jsTimes).toFixed(1)} ms (median of 7), SQL plan ${Math.round(med(sqlTimes))} ms (median of 3): ${(med(sqlTimes) / med(jsTimes)).toFixed(0)}×`);
const compared = Object.keys(result.kpis).length + activity.length * 5 + pareto.length + FACET_DIMENSIONS.length;
console.log(`compared ${compared} figures (${Object.keys(result.kpis).length} KPIs, ${activity.length} months × 5, ${pareto.length} Pareto points, ${FACET_DIMENSIONS.length} facet lists' top-12 totals)`);
if (activity.length === 0 || pareto.length === 0) mismatches.push('the SQL plan returned no activity or Pareto rows');
console.log(mismatches.length === 0 ? 'every figure compared is the same' : `differences (${mismatches.length}):\n  ${mismatches.slice(0, 20).join('\n  ')}`);
