import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { scopeSql } from '../../../src/analyses/filters';
import { CUSTOMER_LIST_COLUMNS, CUSTOMER_LIST_DEFINITIONS, customerCountSql, customerListSql, type CustomerListOptions } from '../../../src/analyses/customer-list';
import { INJECTION, loadFixture, MARCH, ms, rowsOf, run } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
  await run(db, scopeSql({ range: MARCH }));
});

const ids = async (options: CustomerListOptions) => (await rowsOf<{ customer_id: string }>(db, customerListSql(options))).map((r) => r.customer_id);
const count = async (search?: string) => (await rowsOf<{ customers: number }>(db, customerCountSql(search)))[0]!.customers;

// March's customers: C01 Ann 50 · C02 Bob 200 · C03 Cat 0 (free) · C04 Dan 200 (refunds 30) · C07 Gus 60 · C08 Hal O'Hara 500 · C10 =Jo 10
describe('customer list', () => {
  it('has the columns of the issue, each defined, and a page reads the scope', async () => {
    const [first] = await rowsOf(db, customerListSql({ limit: 1 }));
    expect(Object.keys(first!)).toEqual([...CUSTOMER_LIST_COLUMNS]);
    expect(first).toEqual({
      customer_id: 'C08', name: "Hal O'Hara", email: "o'hara@example.com", country: 'US', city: "O'Fallon",
      first_order_at: ms('2024-03-28'), last_order_at: ms('2024-03-28'), orders: 1, revenue: 500, refunds: 0, aov: 500, ltv: 500,
    });
    for (const c of CUSTOMER_LIST_COLUMNS) expect(CUSTOMER_LIST_DEFINITIONS[c].length).toBeGreaterThan(10);
  });

  it('sorts by any listed column, either way, missing values last, ties by id', async () => {
    expect(await ids({})).toEqual(['C08', 'C02', 'C04', 'C07', 'C01', 'C10', 'C03']); // revenue desc; C02 = C04 = 200 → by id
    expect(await ids({ sort: 'revenue', direction: 'asc' })).toEqual(['C03', 'C10', 'C01', 'C07', 'C02', 'C04', 'C08']);
    // AOV: C10 10, C01 50, C07 60, C04 100 (200 / 2), C02 200, C08 500; C03 has no paid order → no AOV → last
    expect(await ids({ sort: 'aov', direction: 'asc' })).toEqual(['C10', 'C01', 'C07', 'C04', 'C02', 'C08', 'C03']);
    expect(await ids({ sort: 'aov', direction: 'desc' })).toEqual(['C08', 'C02', 'C04', 'C07', 'C01', 'C10', 'C03']);
    expect(await ids({ sort: 'name', direction: 'asc' })).toEqual(['C10', 'C01', 'C02', 'C03', 'C04', 'C07', 'C08']); // '=' sorts before 'A'
    expect(await ids({ sort: 'last_order_at', direction: 'asc' })).toEqual(['C01', 'C10', 'C02', 'C03', 'C07', 'C04', 'C08']);
    // ltv: C08 500, C02 200, C04 170, C01 150, C07 60, C10 10, C03 0
    expect(await ids({ sort: 'ltv' })).toEqual(['C08', 'C02', 'C04', 'C01', 'C07', 'C10', 'C03']);
    expect(() => customerListSql({ sort: 'revenue; DROP TABLE orders' as never })).toThrow(/Cannot sort/);
  });

  it('pages with offset and limit, and counts the whole list', async () => {
    expect(await ids({ offset: 2, limit: 2 })).toEqual(['C04', 'C07']); // 3rd and 4th by revenue
    expect(await ids({ offset: 6, limit: 5 })).toEqual(['C03']);
    expect(await ids({ limit: null })).toHaveLength(7);
    expect(await count()).toBe(7);
  });

  it('searches id, name and e-mail literally, case-insensitively, as a bound value', async () => {
    expect(await ids({ search: "o'h" })).toEqual(['C08']); // name Hal O'Hara, e-mail o'hara@…
    expect(await count("o'h")).toBe(1);
    expect(await ids({ search: 'c0', sort: 'customer_id', direction: 'asc' })).toEqual(['C01', 'C02', 'C03', 'C04', 'C07', 'C08']); // C10 is "C1…"
    expect(await count('EXAMPLE.COM')).toBe(7);
    expect(await count('_')).toBe(0); // _ is a character, not a wildcard
    expect(await count(INJECTION)).toBe(0);
    expect(await db.rows('SELECT count(*)::INTEGER AS n FROM orders')).toEqual([{ n: 15 }]);
  });

  it('adds each customer\'s RFM segment when scores exist, sortable like any column', async () => {
    await db.query(`CREATE OR REPLACE TEMP TABLE test_rfm AS SELECT * FROM (VALUES ('C08', 'Champions'), ('C02', 'Loyal Customers'), ('C01', 'At Risk')) t(customer_id, segment)`);
    const rows = await rowsOf<{ customer_id: string; rfm_segment: string | null }>(db, customerListSql({ rfmRelation: 'test_rfm', sort: 'rfm_segment', direction: 'asc' }));
    expect(Object.keys(rows[0]!)).toEqual([...CUSTOMER_LIST_COLUMNS, 'rfm_segment']);
    // At Risk < Champions < Loyal Customers; customers without a score last, by id.
    expect(rows.map((r) => [r.customer_id, r.rfm_segment])).toEqual([
      ['C01', 'At Risk'], ['C08', 'Champions'], ['C02', 'Loyal Customers'], ['C03', null], ['C04', null], ['C07', null], ['C10', null],
    ]);
    expect(() => customerListSql({ sort: 'rfm_segment' })).toThrow(/Cannot sort/);
  });

  it('with RFM segments, reads the page first and then joins its segments: the same rows as joining every customer', async () => {
    await db.query(`CREATE OR REPLACE TEMP TABLE test_rfm AS SELECT * FROM (VALUES ('C08', 'Champions'), ('C02', 'Loyal Customers'), ('C01', 'At Risk')) t(customer_id, segment)`);
    // Revenue desc, ties by id: C08 500, C02 200, C04 200, C07 60, C01 50, C10 10, C03 0; page 2 of 3 rows is C07, C01, C10.
    const page = await rowsOf<{ customer_id: string; rfm_segment: string | null }>(db, customerListSql({ rfmRelation: 'test_rfm', limit: 3, offset: 3 }));
    expect(page.map((r) => [r.customer_id, r.rfm_segment])).toEqual([['C07', null], ['C01', 'At Risk'], ['C10', null]]);
    expect(Object.keys(page[0]!)).toEqual([...CUSTOMER_LIST_COLUMNS, 'rfm_segment']);
    const segments: Record<string, string> = { C08: 'Champions', C02: 'Loyal Customers', C01: 'At Risk' };
    // Every sort but the segment, both directions, with a search: the page equals the whole joined list's slice.
    for (const sort of CUSTOMER_LIST_COLUMNS) {
      for (const direction of ['asc', 'desc'] as const) {
        for (const search of [undefined, 'o']) {
          const whole = (await rowsOf<{ customer_id: string }>(db, customerListSql({ sort, direction, search, limit: null }))).map((r) => ({ ...r, rfm_segment: segments[r.customer_id] ?? null }));
          const got = await rowsOf(db, customerListSql({ rfmRelation: 'test_rfm', sort, direction, search, limit: 2, offset: 1 }));
          expect(got, `${sort} ${direction} ${search}`).toEqual(whole.slice(1, 3));
        }
      }
    }
  });
});
