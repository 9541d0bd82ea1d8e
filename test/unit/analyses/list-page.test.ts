// The customer list's first page from the panels' arrays (PanelIndex.listWithoutFlags, with
// src/analyses/crossfilter/list-page.ts) against the SQL list it stands in for (customerListSql over
// the scope tables, its RFM column from rfm_customers scored by rfm.ts): the same rows in the same
// order, for both kinds of arrays (read from the customer base, and built from the orders alone).
import { openAsBlob } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { dashboardFilterSql, dashboardRangeSql, type DashboardPlanOptions } from '../../../src/analyses/dashboard';
import { customerCountSql, customerListSql, type CustomerListColumn, type CustomerListOptions } from '../../../src/analyses/customer-list';
import type { DashboardFilter, DateRange, FacetSelections } from '../../../src/analyses/filters';
import type { Segment, SegmentRule } from '../../../src/analyses/segments';
import { PanelIndex, type ListRfm } from '../../../src/analyses/crossfilter/panel-index';
import { ARRAY_LIST_SORTS, MAX_LIST_CANDIDATES, RfmRanks, listCandidates, pageOrder, roundMicros } from '../../../src/analyses/crossfilter/list-page';
import type { ScopeRows } from '../../../src/analyses/crossfilter/panels';
import { rfmCustomersSql, rfmInputSql } from '../../../src/analyses/rfm';
import { PUTLER_GRID, RF_TUTORIAL_GRID, type SegmentGrid } from '../../../src/analyses/rfm-grid';
import { CUSTOMER_BASE_STATEMENTS } from '../../../src/analyses/customer-base';
import { buildOrders, prepareSource } from '../../../src/ingest/build-orders';
import { loadSource } from '../../../src/ingest/load-source';
import { presetRange } from '../../../src/state/date-presets';
import { FIXTURE_CSV, loadFixture, MARCH, run } from './fixture';

type Row = Record<string, unknown>;

const M_GRID: SegmentGrid = { ...PUTLER_GRID, id: 'putler-m', axis: 'M' };
const RFM_CHOICES: ListRfm[] = [
  { grid: PUTLER_GRID, allHistory: false },
  { grid: PUTLER_GRID, allHistory: true },
  { grid: RF_TUTORIAL_GRID, allHistory: false },
  { grid: M_GRID, allHistory: false },
];

const planOf = (filter: DashboardFilter, list: CustomerListOptions): DashboardPlanOptions => ({
  filter, grain: 'auto', churnWindowDays: 90, facetLimit: 12, rfmRelation: 'rfm_customers', list: { ...list, rfmRelation: 'rfm_customers' },
});

/** Numbers rounded past a sum's last bits (the arrays add a customer's orders in time order, SQL in scan order). */
const comparable = (page: { rows: Row[]; total: number } | null) =>
  page && { total: page.total, rows: page.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v]))) };

/** The scope tables of `plan`'s range (run once per range). */
const buildRange = (db: NodeDatabase, plan: DashboardPlanOptions) => run(db, dashboardRangeSql(plan));

/** rfm_customers scored as the value section scores it (value.svelte.ts scoreRfm), on the built range. */
async function score(db: NodeDatabase, rfm: ListRfm): Promise<void> {
  const [asOf] = await db.rows<{ d: string }>(`SELECT strftime(end_day - 1, '%Y-%m-%d') AS d FROM ${rfm.allHistory ? 'data_bounds' : 'scope_period'}`);
  await db.query(rfmInputSql(rfm.allHistory));
  const q = rfmCustomersSql(asOf!.d, rfm.grid);
  await db.query(q.sql, { params: q.params });
}

/** The SQL list's first page and count, after `plan`'s filter statements. */
async function sqlPage(db: NodeDatabase, plan: DashboardPlanOptions) {
  await run(db, dashboardFilterSql(plan));
  const q = customerListSql(plan.list);
  const rows = await db.rows(q.sql, q.params);
  const c = customerCountSql(plan.list.search);
  const [count] = await db.rows<{ customers: number }>(c.sql, c.params);
  return { rows, total: Number(count!.customers) };
}

interface Indexes {
  base: PanelIndex;
  fromOrders: PanelIndex;
}

async function indexesOf(db: NodeDatabase): Promise<Indexes> {
  const base = new PanelIndex((sql, params) => db.query(sql, { params }));
  expect(await base.prepare(1)).toBe(true);
  const fromOrders = new PanelIndex((sql, params) => db.query(sql, { params }));
  expect(await fromOrders.prepareFromOrders(1)).not.toBeNull();
  return { base, fromOrders };
}

/**
 * For each range, RFM choice and facet selection, every sort of the arrays' in both directions:
 * both indexes' page equals the SQL's. Returns how many pages were compared.
 */
async function compareAll(db: NodeDatabase, indexes: Indexes, ranges: (DateRange | null)[], facetChoices: FacetSelections[], limit: number, rfms = RFM_CHOICES): Promise<number> {
  let compared = 0;
  for (const range of ranges) {
    await buildRange(db, planOf({ range }, {}));
    for (const [k, rfm] of rfms.entries()) {
      await score(db, rfm);
      // Every sort with the first RFM choice; the others on the default sort.
      const sorts: CustomerListColumn[] = k === 0 ? [...ARRAY_LIST_SORTS] : ['revenue'];
      for (const facets of facetChoices) {
        for (const sort of sorts) {
          for (const direction of ['desc', 'asc'] as const) {
            const plan = planOf({ range, facets }, { sort, direction, limit });
            const sql = comparable(await sqlPage(db, plan));
            const label = JSON.stringify({ range, facets, sort, direction, rfm: [rfm.grid.id, rfm.allHistory] });
            const base = comparable(await indexes.base.listWithoutFlags(plan, 1, rfm));
            expect(comparable(await indexes.fromOrders.listWithoutFlags(plan, 1, rfm)), `from the orders: ${label}`).toEqual(base);
            // No page only where too many customers tie with the page's last one (SQL's count).
            if (base === null) {
              const last = sql!.rows.at(-1)![sort];
              const [tied] = await db.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM scope_customers WHERE ${sort} IS NOT DISTINCT FROM $1`, [last]);
              expect(tied!.n, label).toBeGreaterThan(MAX_LIST_CANDIDATES);
              continue;
            }
            expect(base, `customer base: ${label}`).toEqual(sql);
            compared++;
          }
        }
      }
    }
  }
  return compared;
}

describe('the customer list’s first page from arrays', () => {
  let db: NodeDatabase;
  let indexes: Indexes;
  beforeAll(async () => {
    db = await NodeDatabase.open();
    await loadFixture(db);
    indexes = await indexesOf(db);
  });

  it('gives March’s top 3 by revenue with their RFM segments, worked out by hand', async () => {
    // March's customers (an order in 2024-03): C01 50, C02 200, C03 0 (trial), C04 80 + 120 (and a
    // refund of 30 on the 25th), C07 60, C08 500, C10 10: seven. By revenue: C08 500, then C02 and C04
    // tied at 200 in id order. RFM on those seven as of 03-31 (n = 7, score = min(5, 1 + ⌊5(rank − 1)/6⌋)):
    //   recency (days since the last purchase): C01 26, C10 23, C02 21, C03 19, C07 16, C04 11 (the
    //   refund is no purchase), C08 3 → ranks 1…7, most days first → R = 1, 1, 2, 3, 4, 5, 5;
    //   frequency: C04 2, the others 1 (ranks 1, score 1) → C04 rank 7, F 5;
    //   monetary (net): C03 0, C10 10, C01 50, C07 60, C04 170, C02 200, C08 500 → M = 1, 1, 2, 3, 4, 5, 5.
    //   C08: R 5, F 1, M 5 → FM ⌈6/2⌉ = 3 → Potential Loyalists (R 4–5, FM 2–3).
    //   C02: R 2, F 1, M 5 → FM 3 → At Risk (R 1–2, FM 3–4).
    //   C04: R 5, F 5, M 4 → FM ⌈9/2⌉ = 5 → Champions (R 5, FM 5).
    const plan = planOf({ range: MARCH }, { sort: 'revenue', direction: 'desc', limit: 3 });
    for (const index of [indexes.base, indexes.fromOrders]) {
      const page = await index.listWithoutFlags(plan, 1, { grid: PUTLER_GRID, allHistory: false });
      expect(page!.total).toBe(7);
      expect(page!.rows.map((r) => [r.customer_id, r.name, r.revenue, r.refunds, r.orders, r.rfm_segment])).toEqual([
        ['C08', "Hal O'Hara", 500, 0, 1, 'Potential Loyalists'],
        ['C02', 'Bob', 200, 0, 1, 'At Risk'],
        ['C04', 'Dan', 200, 30, 2, 'Champions'],
      ]);
    }
  });

  it('gives the SQL list’s page for every range, facet, sort (both ways) and RFM grid, from both kinds of arrays', async () => {
    const ranges = [null, MARCH, { start: '2024-02-01', end: '2024-04-11' }, { start: '2023-12-01', end: '2024-01-01' }, { start: '2022-01-01', end: '2022-02-01' }];
    const facets: FacetSelections[] = [{}, { country: ['FR'] }, { product: ['Mug'] }, { channel: ['web', 'app'], customer_since: ['2024'] }, { country: ['XX'] }];
    expect(await compareAll(db, indexes, ranges, facets, 3)).toBe(5 * (5 * 14 + 3 * 5 * 2));
  });

  it('gives the SQL list’s page for segments the arrays match, whose customers are worked out by hand', async () => {
    const rfm = { grid: PUTLER_GRID, allHistory: false };
    const one = (name: string, rules: SegmentRule[], combine: 'and' | 'or' = 'and'): Segment => ({ name, combine, groups: [{ combine, rules }] });
    // From the fixture's table (fixture.ts): orders (purchases) 2 for C01, C04, C07, C09; AOV under 60:
    // C07 50, C09 27.5, C10 10 (C03 has none); first purchase before March: C01, C05, C06, C07, C09;
    // last on or after 03-28: C08 (that day), C09; not in the UK: all but C01, C02, C09; bought tea:
    // C01, C04 (O06; R01 only returned one), C07 (O09, refunded later), C09; a mug in March: C02, C07.
    const cases: [DateRange | null, Segment, string[]][] = [
      [null, one('2+', [{ kind: 'number', field: 'order_count', op: '>=', value: 2 }]), ['C01', 'C04', 'C07', 'C09']],
      [null, one('aov', [{ kind: 'number', field: 'aov', op: '<', value: 60 }]), ['C07', 'C09', 'C10']],
      [null, one('first', [{ kind: 'date', field: 'first_purchase', op: 'before', value: '2024-03-01' }]), ['C01', 'C05', 'C06', 'C07', 'C09']],
      [null, one('last', [{ kind: 'date', field: 'last_purchase', op: 'on_or_after', value: '2024-03-28' }]), ['C08', 'C09']],
      [null, one('not UK', [{ kind: 'text', field: 'country', op: 'is_not', value: 'UK' }]), ['C03', 'C04', 'C05', 'C06', 'C07', 'C08', 'C10']],
      [null, one('tea', [{ kind: 'product', product: 'Tea', when: 'ever' }]), ['C01', 'C04', 'C07', 'C09']],
      [MARCH, one('mug', [{ kind: 'product', product: 'Mug', when: 'in_range' }]), ['C02', 'C07']],
      // (2+ orders and UK) or in O'Fallon: C01, C09, then C08.
      [null, {
        name: 'or', combine: 'or',
        groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'order_count', op: '>=', value: 2 }, { kind: 'text', field: 'country', op: 'is', value: 'UK' }] },
          { combine: 'and', rules: [{ kind: 'text', field: 'city', op: 'is', value: "O'Fallon" }] }],
      }, ['C01', 'C08', 'C09']],
    ];
    for (const [range, segment, ids] of cases) {
      await buildRange(db, planOf({ range }, {}));
      await score(db, rfm);
      const plan = planOf({ range, segment }, { sort: 'revenue', direction: 'desc', limit: 25 });
      const page = comparable(await indexes.base.listWithoutFlags(plan, 1, rfm));
      expect(page!.rows.map((r) => r.customer_id).sort(), segment.name).toEqual(ids);
      expect(page!.total, segment.name).toBe(ids.length);
      expect(page, segment.name).toEqual(comparable(await sqlPage(db, plan)));
      // The arrays built from the orders leave a segment to the customer base's.
      expect(await indexes.fromOrders.listWithoutFlags(plan, 1, rfm), segment.name).toBeNull();
    }
  });

  it('answers nothing where SQL must: an RFM or churn segment, a search, a later page, a sort on text, dates or segments, another data set', async () => {
    const rfm = { grid: PUTLER_GRID, allHistory: false };
    const champions: Segment = { name: 'c', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'rfm', segment: 'Champions' }] }] };
    const overdue: Segment = { name: 'o', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'churn', risk: 'overdue' }] }] };
    expect(await indexes.base.listWithoutFlags(planOf({ range: null, segment: champions }, {}), 1, rfm)).toBeNull();
    expect(await indexes.base.listWithoutFlags(planOf({ range: null, segment: overdue }, {}), 1, rfm)).toBeNull();
    expect(await indexes.base.listWithoutFlags(planOf({ range: null }, { search: 'ann' }), 1, rfm)).toBeNull();
    expect(await indexes.base.listWithoutFlags(planOf({ range: null }, { offset: 25 }), 1, rfm)).toBeNull();
    for (const sort of ['name', 'customer_id', 'email', 'rfm_segment'] as const) expect(await indexes.base.listWithoutFlags(planOf({ range: null }, { sort }), 1, rfm)).toBeNull();
    expect(await indexes.base.listWithoutFlags(planOf({ range: null }, {}), 2, rfm)).toBeNull();
    expect(await indexes.base.listWithoutFlags(planOf({ range: null }, { limit: null }), 1, rfm)).toBeNull();
    expect(await indexes.fromOrders.listWithoutFlags(planOf({ range: null }, {}), 1, rfm)).not.toBeNull();
  });
});

describe('the customer list’s names and e-mails, before the customer base', () => {
  // Each customer's latest order's row is read (its rowid, from the orders' part); only a customer
  // whose latest order has no name or no e-mail is read from all their orders, as customerContactsSql reads everyone.
  const recorded = (db: NodeDatabase, reads: string[]) => new PanelIndex((sql, params) => (reads.push(sql), db.query(sql, { params })));
  const plan = planOf({ range: null }, { sort: 'revenue', direction: 'desc', limit: 10 });
  const rfm = { grid: PUTLER_GRID, allHistory: false };
  const namesOf = (page: { rows: Row[] } | null) => Object.fromEntries(page!.rows.map((r) => [r.customer_id, [r.name, r.email]]));

  it('takes them from the latest order that has them, ties on the instant broken by order id, as SQL does', async () => {
    const lines = FIXTURE_CSV.split('\n');
    // C01's latest order (O02) has no name; C09's (O13) no e-mail; C05 has a second order on the
    // day of O07 under a new name: the later order id (O07b) is the latest.
    const csv = [
      ...lines.map((line) => line.replace('O02,C01,ann@example.com,Ann,', 'O02,C01,ann@example.com,,').replace('O13,C09,ivy@example.com,', 'O13,C09,,')),
      'O07b,C05,eve@b.example.com,Eve B.,2023-11-01,5,1,Mug,Kitchen,DE,Berlin,web,paid',
    ].join('\n');
    const db = await NodeDatabase.open();
    await loadFixture(db, csv);
    const reads: string[] = [];
    const fromOrders = recorded(db, reads);
    expect(await fromOrders.prepareFromOrders(1)).not.toBeNull();
    reads.length = 0;
    const page = await fromOrders.listWithoutFlags(plan, 1, rfm);
    expect(namesOf(page)).toMatchObject({ C01: ['Ann', 'ann@example.com'], C09: ['Ivy', 'ivy@example.com'], C05: ['Eve B.', 'eve@b.example.com'], C08: ["Hal O'Hara", "o'hara@example.com"] });
    // The latest orders' rows, whether any order has a name and an e-mail, then C01's and C09's orders.
    expect(reads).toHaveLength(3);
    expect(reads[2]).toContain("'C01'");
    expect(reads[2]).toContain("'C09'");
    expect(reads[2]).not.toContain("'C05'");
    await buildRange(db, plan);
    await score(db, rfm);
    expect(comparable(page)).toEqual(comparable(await sqlPage(db, plan)));
  });

  it('reads no more than the latest orders when no order has an e-mail, and asks that once per data set', async () => {
    const csv = FIXTURE_CSV.split('\n').map((line, i) => (i === 0 ? line : line.replace(/^([^,]*,[^,]*,)("[^"]*"|[^,]*),/, '$1,'))).join('\n');
    const db = await NodeDatabase.open();
    await loadFixture(db, csv);
    const reads: string[] = [];
    const fromOrders = recorded(db, reads);
    expect(await fromOrders.prepareFromOrders(1)).not.toBeNull();
    for (const direction of ['desc', 'asc'] as const) {
      reads.length = 0;
      const sorted = { ...plan, list: { ...plan.list, direction } };
      const page = await fromOrders.listWithoutFlags(sorted, 1, rfm);
      expect(page!.rows.map((r) => r.email)).toEqual(page!.rows.map(() => null));
      // Every one of the ten customers is on the page, C08 among them, named from the row read.
      expect(page!.rows).toHaveLength(10);
      expect(page!.rows.find((r) => r.customer_id === 'C08')!.name).toBe("Hal O'Hara");
      expect(reads).toHaveLength(direction === 'desc' ? 2 : 1);
      await buildRange(db, sorted);
      await score(db, rfm);
      expect(comparable(page)).toEqual(comparable(await sqlPage(db, sorted)));
    }
  });
});

describe('the customer list’s first page from arrays, on the sample data (17,500 order lines)', () => {
  it('gives the SQL list’s page for its ranges, countries and sorts (many customers tied on a figure), or none where too many tie', async () => {
    const db = await NodeDatabase.open();
    const loaded = await loadSource(db, await openAsBlob('public/sample-orders.csv'), 'sample-orders.csv', 1);
    await buildOrders(db, [await prepareSource(db, loaded)], new Date('2025-01-01T00:00:00Z'));
    for (const statement of CUSTOMER_BASE_STATEMENTS) await db.query(statement);
    const indexes = await indexesOf(db);
    const [lastDay] = await db.rows<{ d: string }>(`SELECT strftime(end_day - 1, '%Y-%m-%d') AS d FROM data_bounds`);
    const ranges = [null, ...(['last_30', 'last_90', 'last_year'] as const).map((p) => presetRange(p, Date.parse(`${lastDay!.d}T00:00:00Z`)))];
    const countries = (await db.rows<{ v: string }>(`SELECT country AS v FROM customer_base WHERE country IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2`)).map((r) => r.v);
    // Ties: most of the sample's customers share an order count, and many a revenue.
    const [ties] = await db.rows<{ n: number }>(`SELECT max(n)::INTEGER AS n FROM (SELECT count(*) AS n FROM customer_base GROUP BY lifetime_revenue)`);
    expect(ties!.n).toBeGreaterThan(1);
    // Some sorts at all time tie more customers than MAX_LIST_CANDIDATES on the page's last value (no refunds, one order): left to SQL.
    // Of 4 ranges × 3 selections × (14 sorts + 1 more grid × 2 directions) = 192 pages, 4 are left
    // to SQL: more customers than MAX_LIST_CANDIDATES tie on their last value (compareAll checks it).
    expect(await compareAll(db, indexes, ranges, [{}, ...countries.map((c) => ({ country: [c] }))], 25, RFM_CHOICES.slice(0, 2))).toBe(188);
  });
});

describe('list-page.ts’s pieces', () => {
  const rowsOf = (revenue: number[], paidOrders = revenue.map(() => 1)): ScopeRows => {
    const n = revenue.length;
    const f = (values: number[]) => Float64Array.from(values);
    return {
      n, cid: Int32Array.from(revenue, (_, i) => i + 1), purchased: new Uint8Array(n).fill(1), isNew: new Uint8Array(n), isReturning: new Uint8Array(n), kind: new Uint8Array(n),
      revenue: f(revenue), refunds: new Float64Array(n), net: f(revenue), orders: f(paidOrders), paidOrders: f(paidOrders), ltv: f(revenue), firstOrderRevenue: new Float64Array(n), firstOrderDay: new Float64Array(n),
    };
  };

  /** Customers 1…n: first purchases at 1, 2, … µs, last purchases as given (NaN: none). */
  const customersOf = (rows: ScopeRows, last: number[] = []) => {
    const size = rows.n + 1;
    return {
      ltv: new Float64Array(size), firstOrderRevenue: new Float64Array(size), firstOrderDay: new Float64Array(size), lifetimePaidOrders: new Float64Array(size),
      firstOrderUs: Float64Array.from({ length: size }, (_, cid) => cid), lastOrderUs: Float64Array.from({ length: size }, (_, cid) => last[cid - 1] ?? cid),
    };
  };

  it('sorts by the customers’ last purchase, none last', () => {
    const rows = rowsOf([1, 1, 1, 1]);
    const customers = customersOf(rows, [30, NaN, 50, 40]);
    expect(Array.from(listCandidates(rows, customers, null, 'last_order_at', true, 2)!.rows)).toEqual([2, 3]);
    const all = listCandidates(rows, customers, null, 'last_order_at', false, 4)!;
    expect(pageOrder(all.values, false, 4, (a, b) => a - b).map((k) => all.rows[k])).toEqual([0, 3, 2, 1]);
  });

  it('takes the rows before the page’s last value and every row tied with it; NULL last both ways; the failing rows left out', () => {
    const rows = rowsOf([5, 9, 7, 7, 1, 7, 9]);
    // Top 3 by revenue: 9, 9, then 7 shared by rows 2, 3 and 5: all five can be on the page.
    expect(Array.from(listCandidates(rows, customersOf(rows), null, 'revenue', true, 3)!.rows)).toEqual([1, 2, 3, 5, 6]);
    expect(Array.from(listCandidates(rows, customersOf(rows), null, 'revenue', false, 2)!.rows)).toEqual([0, 4]);
    // Row 1 fails a filter: 9 (row 6), then the three 7s.
    const fails = Uint32Array.from([0, 1, 0, 0, 0, 0, 0]);
    const some = listCandidates(rows, customersOf(rows), fails, 'revenue', true, 2)!;
    expect([Array.from(some.rows), some.passing]).toEqual([[2, 3, 5, 6], 6]);
    // AOV without a paid order is NULL: last, ascending and descending.
    const aov = rowsOf([10, 0, 30], [1, 0, 2]);
    expect(Array.from(listCandidates(aov, customersOf(aov), null, 'aov', false, 2)!.rows)).toEqual([0, 2]);
    expect(Array.from(listCandidates(aov, customersOf(aov), null, 'aov', true, 3)!.rows)).toEqual([0, 1, 2]);
    expect(pageOrder(listCandidates(aov, customersOf(aov), null, 'aov', true, 3)!.values, true, 3, (a, b) => a - b)).toEqual([2, 0, 1]);
    // Fewer rows than the page: all of them.
    expect(listCandidates(rows, customersOf(rows), null, 'revenue', true, 50)!.rows.length).toBe(7);
  });

  it('leaves a page to SQL when more than MAX_LIST_CANDIDATES customers tie on its last value', () => {
    const rows = rowsOf([10, ...new Array<number>(MAX_LIST_CANDIDATES + 1).fill(1)]);
    expect(listCandidates(rows, customersOf(rows), null, 'revenue', true, 2)).toBeNull();
    expect(listCandidates(rows, customersOf(rows), null, 'revenue', true, 1)!.rows.length).toBe(1);
  });

  it('orders ties by the ids’ comparison, cut to the page', () => {
    expect(pageOrder(Float64Array.from([7, 9, 7, 7]), true, 3, (a, b) => [3, 0, 1, 2][a]! - [3, 0, 1, 2][b]!)).toEqual([1, 2, 3]);
  });

  it('scores ranks as rfm.ts does: ties share the lowest rank; recency ranks most days first', () => {
    // Recency 10, 5, 5, 0; frequency 1, 1, 1, 3; monetary 20, 10, 30, 30. n = 4: score = min(5, 1 + ⌊5(rank − 1)/3⌋).
    const ranks = new RfmRanks({ recency: Float64Array.from([10, 5, 5, 0]), frequency: Float64Array.from([1, 1, 1, 3]), monetary: Float64Array.from([20, 10, 30, 30]) });
    // Recency 5: rank 2 (one customer has more days) → 1 + ⌊5/3⌋ = 2. Frequency 1: rank 1 → 1. Monetary 30: rank 3 → 1 + ⌊10/3⌋ = 4.
    // Recency 0: rank 4 → 1 + 5 = 6 → 5. Frequency 3: rank 4 → 5. Monetary 10: rank 1 → 1. Monetary 20: rank 2 → 1 + ⌊5/3⌋ = 2.
    expect(ranks.scores([{ recency: 5, frequency: 1, monetary: 30 }, { recency: 0, frequency: 3, monetary: 10 }, { recency: 10, frequency: 1, monetary: 20 }])).toEqual([
      { r: 2, f: 1, m: 4 }, { r: 5, f: 5, m: 1 }, { r: 1, f: 1, m: 2 },
    ]);
  });

  it('ranks monetary values alike with them sorted ahead (binary searches) or not (one pass): negatives, zeros of both signs, ties, NaN', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (const n of [1, 7, 1_000, 20_000]) {
      const monetary = Float64Array.from({ length: n }, (_, i) => (i % 11 === 0 ? (i % 22 === 0 ? -0 : 0) : Math.round((random() - 0.2) * 500) / 4));
      const input = { recency: new Float64Array(n), frequency: new Float64Array(n).fill(1), monetary };
      const plain = new RfmRanks(input), sorted = new RfmRanks(input);
      sorted.sortMonetary();
      const asked = [...Array.from({ length: 30 }, (_, k) => ({ recency: 0, frequency: 1, monetary: monetary[(k * 7919) % n]! })), { recency: 0, frequency: 1, monetary: -0 }, { recency: 0, frequency: 1, monetary: 1e9 }];
      expect(sorted.scores(asked), String(n)).toEqual(plain.scores(asked));
      // By hand for the first case: a single customer ranks 1 → M 1.
      if (n === 1) expect(sorted.scores(asked.slice(0, 1))).toEqual([{ r: 1, f: 1, m: 1 }]);
    }
    // With a NaN among them the values are not sorted: the pass still answers.
    const withNaN = new RfmRanks({ recency: Float64Array.from([0, 0]), frequency: Float64Array.from([1, 1]), monetary: Float64Array.from([NaN, 5]) });
    const before = withNaN.scores([{ recency: 0, frequency: 1, monetary: 5 }]);
    withNaN.sortMonetary();
    expect(withNaN.scores([{ recency: 0, frequency: 1, monetary: 5 }])).toEqual(before);
  });

  it('rounds monetary values to 6 decimals as DuckDB’s round(x, 6) does', async () => {
    const db = await NodeDatabase.open();
    const values = [0.1 + 0.2, 0.3, -0.0000005, 0.0000005, 2.5e-7, 1234567.8912345, -1234567.8912345, 1e15 + 0.3, 0, 1 / 3, -2 / 3, 99.9999995, 10.1 + 20.2 + 30.3];
    for (let i = 0; i < 200; i++) values.push(((i * 7919) % 100_003) / 7 - 5000, Math.round(i * 1.37 * 100) / 100 + 0.01 + 0.02);
    const sql = await db.rows<{ r: number }>(`SELECT round(v, 6) AS r FROM unnest([${values.map((v) => v.toPrecision(17)).join(', ')}]::DOUBLE[]) WITH ORDINALITY t(v, k) ORDER BY k`);
    expect(values.map(roundMicros)).toEqual(sql.map((r) => r.r));
    expect(roundMicros(0.1 + 0.2)).toBe(roundMicros(0.3));
  });
});
