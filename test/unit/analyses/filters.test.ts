import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import {
  FACET_DIMENSIONS, FILTER_DEFINITIONS, filterScopeSql, previousScopeSql, rangeScopeSql, SCOPE_COLUMNS, scopeSql, type DashboardFilter,
} from '../../../src/analyses/filters';
import { INJECTION, loadFixture, MARCH, ms, run } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

const scopeIds = async (table = 'scope_customers') =>
  (await db.rows<{ customer_id: string }>(`SELECT customer_id FROM ${table} ORDER BY customer_id`)).map((r) => r.customer_id);

describe('filter scope', () => {
  it('DuckDB prepares CREATE TABLE AS with parameters, but not CREATE VIEW (so the scope is tables)', async () => {
    await db.query('CREATE OR REPLACE TEMP TABLE param_check AS SELECT ?::VARCHAR AS v', { params: [INJECTION] });
    expect(await db.rows('SELECT v FROM param_check')).toEqual([{ v: INJECTION }]);
    await expect(db.query('CREATE OR REPLACE TEMP VIEW param_view AS SELECT ?::VARCHAR AS v', { params: ['x'] })).rejects.toThrow(/can't be prepared/);
  });

  it('user values travel as parameters, never in the SQL text', () => {
    const filter: DashboardFilter = { range: MARCH, facets: { city: [INJECTION, "O'Fallon"], product: [INJECTION] } };
    const statements = scopeSql(filter);
    expect(statements.map((s) => s.sql).join('\n')).not.toContain('DROP');
    expect(statements.flatMap((s) => s.params)).toEqual(['2024-03-01', '2024-04-01', INJECTION, "O'Fallon", 'product', INJECTION]); // the dimension name is bound too
  });

  it('the previous period has the same length and ends where the range starts', async () => {
    await run(db, [...scopeSql({ range: MARCH }), ...previousScopeSql({ range: MARCH })]);
    // March: 31 days → 31 days before 03-01 is 01-30 (Jan 30–31 and the 29 days of Feb 2024)
    expect(await db.rows('SELECT start_day, end_day, days FROM prev_scope_period')).toEqual([{ start_day: ms('2024-01-30'), end_day: ms('2024-03-01'), days: 31 }]);
    expect(await scopeIds('prev_scope_customers')).toEqual(['C07', 'C09']);
  });

  it('scope_customers has the documented columns and March has its seven customers', async () => {
    await run(db, scopeSql({ range: MARCH }));
    const columns = await db.rows<{ name: string }>("SELECT column_name AS name FROM (DESCRIBE scope_customers)");
    expect(columns.map((c) => c.name)).toEqual([...SCOPE_COLUMNS]);
    expect(await scopeIds()).toEqual(['C01', 'C02', 'C03', 'C04', 'C07', 'C08', 'C10']);
    // scope_orders: the 9 orders dated in March (R01 included: it carries March's refund)
    expect(await db.rows('SELECT count(*)::INTEGER AS n FROM scope_orders')).toEqual([{ n: 9 }]);
  });

  it('split into range and filter statements gives the same scope as scopeSql', async () => {
    const filter: DashboardFilter = { range: MARCH, facets: { channel: ['web'], category: ['Kitchen'] } };
    await run(db, [...rangeScopeSql(filter.range), ...filterScopeSql(filter)]);
    // web: C01, C03, C08, C10; bought Kitchen in March: C02, C04, C07, C08 → C08
    expect(await scopeIds()).toEqual(['C08']);
    expect(await scopeIds('prev_scope_customers')).toEqual([]); // no web customer bought Kitchen in Feb
    await run(db, filterScopeSql({ range: MARCH, facets: { status: ['refunded'] } })); // a facet click: range tables kept
    expect(await scopeIds()).toEqual(['C04']); // R01 in March
    expect(await scopeIds('prev_scope_customers')).toEqual(['C07']); // O09 in Feb
    await run(db, scopeSql({ range: MARCH, facets: { status: ['refunded'] } }));
    expect(await scopeIds()).toEqual(['C04']);
  });

  it('scope_flags lines up row by row with scope_range (the POSITIONAL JOIN behind scope_all and scope_customers)', async () => {
    const filter: DashboardFilter = {
      range: null,
      facets: { country: ['UK', 'FR'], product: ['Tea', 'Kettle'] },
      segment: { name: 'Repeat', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'order_count', op: '>=', value: 1 }] }] },
    };
    for (const [range, prefix] of [[MARCH, ''], [MARCH, 'prev_'], [null, ''], [null, 'prev_']] as const) {
      await run(db, [...rangeScopeSql(range), ...filterScopeSql({ ...filter, range })]);
      const [counts] = await db.rows(`SELECT (SELECT count(*) FROM ${prefix}scope_range)::INTEGER AS range_rows, (SELECT count(*) FROM ${prefix}scope_flags)::INTEGER AS flag_rows`);
      expect(counts!.range_rows).toBe(counts!.flag_rows);
      const misaligned = await db.rows(`SELECT r.cid FROM ${prefix}scope_range r POSITIONAL JOIN ${prefix}scope_flags f WHERE r.cid IS DISTINCT FROM f.cid`);
      expect(misaligned).toEqual([]);
    }
    await run(db, [...rangeScopeSql(MARCH), ...filterScopeSql({ ...filter, range: MARCH })]);
    // March: UK or FR and bought Tea or a Kettle in March → C01 (Tea), C02 (Kettle), C04 (Kettle, Tea)
    expect(await scopeIds()).toEqual(['C01', 'C02', 'C04']);
  });

  it('selecting "no value" matches customers without one', async () => {
    await run(db, scopeSql({ range: MARCH, facets: { country: [null, 'UK'] } }));
    expect(await scopeIds()).toEqual(['C01', 'C02']); // every customer has a country; UK: C01, C02
  });

  it('every filter has a written definition', () => {
    for (const key of [...FACET_DIMENSIONS, 'range', 'segment'] as const) expect(FILTER_DEFINITIONS[key].length).toBeGreaterThan(10);
  });
});
