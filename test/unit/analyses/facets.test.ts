import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { scopeSql, type DashboardFilter } from '../../../src/analyses/filters';
import { facetSql, facetsSql, type FacetOptions } from '../../../src/analyses/facets';
import { FACET_DIMENSIONS } from '../../../src/analyses/filters';
import { INJECTION, loadFixture, MARCH, rowsOf, run } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

async function facet(filter: DashboardFilter, options: FacetOptions) {
  await run(db, scopeSql(filter));
  const rows = await rowsOf<{ value: string | null; customers: number; revenue: number; values_total: number }>(db, facetSql(options));
  return rows.map((r) => [r.value, r.customers, r.revenue]);
}

// March's customers and revenue: C01 UK London web 50 · C02 UK Leeds store 200 · C03 FR Paris web 0 ·
// C04 FR Paris app 200 · C07 US New York app 60 · C08 US O'Fallon web 500 · C10 FR Lyon web 10
describe('facets', () => {
  it('country: customers and revenue per value, most customers first, ties by value', async () => {
    expect(await facet({ range: MARCH }, { dimension: 'country' })).toEqual([
      ['FR', 3, 210], // C03 0 + C04 200 + C10 10
      ['UK', 2, 250], // C01 50 + C02 200
      ['US', 2, 560], // C07 60 + C08 500
    ]);
  });

  it('product: customers who bought it in range (refund-only lines are not buying)', async () => {
    expect(await facet({ range: MARCH }, { dimension: 'product' })).toEqual([
      ['Kettle', 3, 900], // C02 (200), C04 (200), C08 (500)
      ['Mug', 2, 260], // C02 (200), C07 (60)
      ['Tea', 2, 250], // C01 (50), C04 (200); R01's refund line for Tea does not add anyone
      [INJECTION, 1, 10], // C10: the SQL text is a product name like any other
      ['Trial box', 1, 0], // C03
    ]);
  });

  it('cross-filters: a selection narrows the other facets but not its own list', async () => {
    const filter: DashboardFilter = { range: MARCH, facets: { country: ['FR'] } };
    // FR customers: C03 (Trial box), C04 (Kettle, Tea), C10 (the injection product)
    expect(await facet(filter, { dimension: 'product' })).toEqual([
      [INJECTION, 1, 10],
      ['Kettle', 1, 200],
      ['Tea', 1, 200],
      ['Trial box', 1, 0],
    ]);
    // the country list ignores its own selection, so UK and US can still be added
    expect((await facet(filter, { dimension: 'country' })).map((r) => r[0])).toEqual(['FR', 'UK', 'US']);
    // product Kettle AND country FR → only C04, which both lists reflect
    const both: DashboardFilter = { range: MARCH, facets: { country: ['FR'], product: ['Kettle'] } };
    expect(await facet(both, { dimension: 'country' })).toEqual([
      ['FR', 1, 200], // C04
      ['UK', 1, 200], // C02 bought a Kettle
      ['US', 1, 500], // C08 bought a Kettle
    ]);
    expect(await facet(both, { dimension: 'channel' })).toEqual([['app', 1, 200]]);
  });

  it('multi-select is OR within a dimension', async () => {
    await run(db, scopeSql({ range: MARCH, facets: { city: ['Paris', "O'Fallon"] } }));
    // Paris: C03, C04; O'Fallon: C08 (the quote is data)
    expect(await db.rows('SELECT customer_id FROM scope_customers ORDER BY customer_id')).toEqual([{ customer_id: 'C03' }, { customer_id: 'C04' }, { customer_id: 'C08' }]);
  });

  it('value bands and customer-since facets', async () => {
    // bands from the fixture's table: C01, C02, C04 next_30; C07 next_15; C08 top_50; C10 last_5; C03 no_revenue
    expect(await facet({ range: MARCH }, { dimension: 'value_band' })).toEqual([
      ['next_30', 3, 450], // 50 + 200 + 200
      ['last_5', 1, 10],
      ['next_15', 1, 60],
      ['no_revenue', 1, 0],
      ['top_50', 1, 500],
    ]);
    expect(await facet({ range: MARCH }, { dimension: 'customer_since', sinceGrain: 'month' })).toEqual([
      ['2024-03', 5, 910], // C02 200 + C03 0 + C04 200 + C08 500 + C10 10 (in-range revenue; C04's is 80 + 120)
      ['2024-01', 1, 50], // C01
      ['2024-02', 1, 60], // C07
    ]);
    expect(await facet({ range: MARCH }, { dimension: 'customer_since', sinceGrain: 'quarter' })).toEqual([['2024-Q1', 7, 1020]]);
    // selecting by year, quarter or month: January or February 2024 → C01, C07
    await run(db, scopeSql({ range: MARCH, facets: { customer_since: ['2024-01', '2024-02'] } }));
    expect(await db.rows('SELECT customer_id FROM scope_customers ORDER BY customer_id')).toEqual([{ customer_id: 'C01' }, { customer_id: 'C07' }]);
    await run(db, scopeSql({ range: MARCH, facets: { customer_since: ['2024-Q1'], value_band: ['top_50', 'next_15'] } }));
    expect(await db.rows('SELECT customer_id FROM scope_customers ORDER BY customer_id')).toEqual([{ customer_id: 'C07' }, { customer_id: 'C08' }]);
  });

  it('search is a bound, literal, case-insensitive substring; limit keeps the total', async () => {
    await run(db, scopeSql({ range: MARCH }));
    const search = (search: string, limit?: number) => rowsOf<{ value: string; values_total: number }>(db, facetSql({ dimension: 'city', search, limit }));
    expect((await search("o'f")).map((r) => r.value)).toEqual(["O'Fallon"]);
    expect((await search('ON')).map((r) => r.value)).toEqual(['London', 'Lyon', "O'Fallon"]); // 1 customer each, by name
    expect(await search('%')).toEqual([]); // % is a character to find, not a wildcard
    const products = await rowsOf<{ value: string }>(db, facetSql({ dimension: 'product', search: "'; DROP" }));
    expect(products.map((r) => r.value)).toEqual([INJECTION]);
    const limited = await search('', 2);
    expect(limited.map((r) => [r.value, r.values_total])).toEqual([['Paris', 7 - 1], ['Leeds', 6]]); // 6 cities, Paris has 2
    expect(await db.rows('SELECT count(*)::INTEGER AS n FROM orders')).toEqual([{ n: 15 }]); // nothing was dropped
  });

  it('every facet in one query gives each facet\'s own list, in order', async () => {
    await run(db, scopeSql({ range: MARCH, facets: { country: ['FR'], product: ['Kettle'] } }));
    const options = FACET_DIMENSIONS.map((dimension): FacetOptions => ({ dimension, limit: 3, search: dimension === 'city' ? 'a' : undefined }));
    const together = await rowsOf<Record<string, unknown>>(db, facetsSql(options));
    const separately = [];
    for (const o of options) separately.push(...(await rowsOf<Record<string, unknown>>(db, facetSql(o))).map((r) => ({ dimension: o.dimension, ...r })));
    expect(together).toEqual(separately);
  });
});
