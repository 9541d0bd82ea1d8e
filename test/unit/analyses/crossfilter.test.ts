// The panels from arrays (src/analyses/crossfilter) against the SQL plan they stand in for: for
// every filter state below, PanelIndex.panelsWithoutFlags (before any scope statement) and
// PanelIndex.panels (after them, reading the flag tables) give the rows of
// dashboardPanelsStatementSql (numbers equal up to the order of a floating-point sum), or null
// where they do not answer. The SQL plan's own figures are checked by hand in dashboard.test.ts,
// kpis.test.ts, activity-series.test.ts and facets.test.ts.
import { openAsBlob } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import type { Grain } from '../../../src/analyses/activity-series';
import { dashboardFilterSql, dashboardPanelsStatementSql, dashboardRangeSql, type DashboardPlanOptions } from '../../../src/analyses/dashboard';
import type { SinceGrain } from '../../../src/analyses/facets';
import type { DashboardFilter } from '../../../src/analyses/filters';
import type { Segment, SegmentRule } from '../../../src/analyses/segments';
import { PanelIndex, scopeStampSql } from '../../../src/analyses/crossfilter/panel-index';
import { periodsOf, rangeScope, sortAscending } from '../../../src/analyses/crossfilter/panels';
import { PANEL_SCRATCH, Scratch } from '../../../src/analyses/crossfilter/scratch';
import { readArraysFromOrders } from '../../../src/analyses/crossfilter/orders-arrays';
import { CUSTOMER_BASE_STATEMENTS } from '../../../src/analyses/customer-base';
import { buildOrders, prepareSource } from '../../../src/ingest/build-orders';
import { loadSource } from '../../../src/ingest/load-source';
import { presetRange } from '../../../src/state/date-presets';
import { FIXTURE_CSV, loadFixture, MARCH, rowsOf, run } from './fixture';

type Row = Record<string, unknown>;

const PART_COLUMNS: Record<string, string[]> = {
  period: ['start_ms', 'end_ms', 'days', 'grain', 'acquisition_grain'],
  kpis: ['period', 'customers', 'new_customers', 'returning_customers', 'revenue', 'refunds', 'net_revenue', 'orders', 'revenue_per_customer', 'average_order_value',
    'purchase_frequency', 'average_ltv', 'top20_revenue_share', 'new_customers_per_day', 'acquired_revenue_per_day', 'new_customer_interval_ms',
    'free_trial_customers', 'one_time_customers', 'repeat_customers', 'free_trial_share', 'one_time_share', 'repeat_share'],
  acquisition: ['period_start', 'customers', 'first_order_revenue'],
  pareto: ['customer_share', 'revenue_share'],
  activity: ['period_start', 'new_customers', 'returning_customers', 'lost_customers', 'orders', 'revenue', 'refunds', 'net_revenue'],
  facets: ['dimension', 'value', 'customers', 'revenue', 'values_total'],
};

/** The rows as the app reads them (each part's own columns), numbers rounded past a sum's last bits. */
function comparable(rows: Row[]): Row[] {
  const round = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? v : Number(v.toPrecision(12))) : v);
  return rows.map((r) => Object.fromEntries([['part', r.part], ...PART_COLUMNS[String(r.part)]!.map((c) => [c, round(r[c] ?? null)])]));
}

class Versions {
  data = 0;
  range = '';
  stamp = 0;
  /** The same data set's index built from the orders alone (prepareFromOrders): both() checks its rows too. */
  fromOrders: PanelIndex | null = null;
}

/**
 * The index's rows before any scope statement (withoutFlags), then `plan`'s scope statements run as
 * the dashboard runs them (the range's stamped), then the SQL plan's rows and the index's from the flags.
 */
async function both(db: NodeDatabase, index: PanelIndex, versions: Versions, plan: DashboardPlanOptions) {
  const withoutFlags = index.panelsWithoutFlags(plan, versions.data);
  const fromOrders = versions.fromOrders?.panelsWithoutFlags(plan, versions.data);
  versions.range = JSON.stringify(plan.filter.range);
  versions.stamp++;
  await db.query(scopeStampSql(0));
  await run(db, dashboardRangeSql(plan));
  await db.query(scopeStampSql(versions.stamp));
  await run(db, dashboardFilterSql(plan));
  const sql = await rowsOf(db, dashboardPanelsStatementSql(plan));
  const fromArrays = await index.panels(plan, versions);
  // The arrays from the orders answer every state without a segment or a facet search, as the customer base's do.
  const covered = !plan.filter.segment && !Object.values(plan.facetSearch ?? {}).some(Boolean);
  if (versions.fromOrders) expect(fromOrders && comparable(fromOrders), `from the orders: ${JSON.stringify(plan)}`).toEqual(covered ? comparable(sql) : null);
  return { sql: comparable(sql), fromArrays: fromArrays && comparable(fromArrays), withoutFlags: withoutFlags && comparable(withoutFlags) };
}

const plan = (filter: DashboardFilter, more: Partial<DashboardPlanOptions> = {}): DashboardPlanOptions => ({
  filter, grain: 'auto', churnWindowDays: 90, facetLimit: 12, list: { limit: 25 }, ...more,
});
const SPENDERS: Segment = { name: 'spent 100+', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'total_revenue', op: '>=', value: 100 }] }] };
const MUG_OR_UK: Segment = {
  name: 'mug or UK', combine: 'or',
  groups: [{ combine: 'and', rules: [{ kind: 'product', product: 'Mug', when: 'in_range' }] }, { combine: 'and', rules: [{ kind: 'text', field: 'country', op: 'is', value: 'UK' }] }],
};

/** One segment per rule kind the arrays match (segment-arrays.ts), with boundaries the fixture's customers sit on, and groups combined both ways. */
const ARRAY_SEGMENTS: Segment[] = [
  { name: 'two orders or more', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'order_count', op: '>=', value: 2 }] }] },
  { name: 'AOV under 60', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'aov', op: '<', value: 60 }] }] },
  { name: 'AOV 60', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'aov', op: '=', value: 60 }] }] },
  { name: 'revenue at most 60', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'total_revenue', op: '<=', value: 60 }] }] },
  { name: 'revenue over 200', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'total_revenue', op: '>', value: 200 }] }] },
  { name: 'first before March', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'date', field: 'first_purchase', op: 'before', value: '2024-03-01' }] }] },
  { name: 'last from 03-28', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'date', field: 'last_purchase', op: 'on_or_after', value: '2024-03-28' }] }] },
  { name: "O'Fallon", combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'text', field: 'city', op: 'is', value: "O'Fallon" }] }] },
  { name: 'not UK', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'text', field: 'country', op: 'is_not', value: 'UK' }] }] },
  { name: 'not a channel nobody has', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'text', field: 'channel', op: 'is_not', value: 'fax' }] }] },
  { name: 'Tea ever', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'product', product: 'Tea', when: 'ever' }] }] },
  { name: 'Mug in range', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'product', product: 'Mug', when: 'in_range' }] }] },
  { name: 'no such product', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'product', product: 'Teapot', when: 'ever' }] }] },
  {
    name: '(2+ orders and UK) or in O\'Fallon', combine: 'or',
    groups: [
      { combine: 'and', rules: [{ kind: 'number', field: 'order_count', op: '>=', value: 2 }, { kind: 'text', field: 'country', op: 'is', value: 'UK' }] },
      { combine: 'and', rules: [{ kind: 'text', field: 'city', op: 'is', value: "O'Fallon" }] },
    ],
  },
  {
    name: '(Kettle in range or web) and revenue 100+', combine: 'and',
    groups: [
      { combine: 'or', rules: [{ kind: 'product', product: 'Kettle', when: 'in_range' }, { kind: 'text', field: 'channel', op: 'is', value: 'web' }] },
      { combine: 'and', rules: [{ kind: 'number', field: 'total_revenue', op: '>=', value: 100 }] },
    ],
  },
  { name: 'no rules', combine: 'and', groups: [{ combine: 'or', rules: [] }] },
];
/** Segments with a rule only SQL matches: the arrays answer none of their states before the flag tables. */
const SQL_SEGMENTS: Segment[] = [
  { name: 'champions', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'rfm', segment: 'Champions' }] }] },
  { name: 'overdue or UK', combine: 'or', groups: [{ combine: 'or', rules: [{ kind: 'text', field: 'country', op: 'is', value: 'UK' }, { kind: 'churn', risk: 'overdue' }] }] },
  { name: 'a date DuckDB refuses', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'date', field: 'first_purchase', op: 'before', value: '2024-02-30' }] }] },
];

describe('the dashboard panels from arrays', () => {
  let db: NodeDatabase;
  let index: PanelIndex;
  const versions = new Versions();
  beforeAll(async () => {
    db = await NodeDatabase.open();
    await loadFixture(db);
    index = new PanelIndex((sql, params) => db.query(sql, { params }));
    versions.data++;
    expect(await index.prepare(versions.data)).toBe(true);
    versions.fromOrders = new PanelIndex((sql, params) => db.query(sql, { params }));
    expect(await versions.fromOrders.prepareFromOrders(versions.data)).toEqual({ firstDay: Date.parse('2023-11-01'), lastDay: Date.parse('2024-04-10') });
  });

  const ALL_TIME_FILTERS: DashboardFilter[] = [
    { range: null },
    { range: null, facets: { country: ['FR'] } },
    { range: null, facets: { country: ['UK', 'US'], channel: ['web'] } },
    { range: null, facets: { city: ["O'Fallon"] } },
    { range: null, facets: { channel: ['web', null] } },
    { range: null, facets: { value_band: ['next_30'] } },
    { range: null, facets: { customer_since: ['2024', '2023-12'] } },
    { range: null, facets: { product: ['Mug'] } },
    { range: null, facets: { category: ['Food'], status: ['paid'] } },
    { range: null, facets: { country: ['XX'] } },
    { range: null, segment: SPENDERS },
    { range: null, segment: MUG_OR_UK, facets: { channel: ['app'] } },
  ];

  it('gives the SQL plan’s rows for every all-time filter state (each facet dimension, segments, no match)', async () => {
    for (const filter of ALL_TIME_FILTERS) {
      const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(filter));
      expect(fromArrays, JSON.stringify(filter)).toEqual(sql);
      // A segment of these rules is matched on the arrays too: its state needs no flag table.
      expect(withoutFlags, JSON.stringify(filter)).toEqual(sql);
    }
  });

  it('gives the SQL plan’s rows for each grain, churn window (below and above a month), customer-since grain and facet limit', async () => {
    const grains: (Grain | 'auto')[] = ['auto', 'day', 'week', 'month'];
    const sinceGrains: SinceGrain[] = ['year', 'quarter', 'month'];
    for (const [i, grain] of grains.entries()) {
      for (const churnWindowDays of [7, 30, 31, 90]) {
        const options = { grain, churnWindowDays, sinceGrain: sinceGrains[i % 3]!, facetLimit: i === 1 ? 2 : 12 };
        for (const filter of [{ range: null }, { range: null, facets: { country: ['UK'] } }, { range: MARCH }, { range: MARCH, facets: { product: ['Mug'] } }] as DashboardFilter[]) {
          const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(filter, options));
          expect(fromArrays, JSON.stringify({ filter, options })).toEqual(sql);
          expect(withoutFlags, JSON.stringify({ filter, options })).toEqual(sql);
        }
      }
    }
  });

  it('gives the SQL plan’s rows for dated ranges, with facets too (lost customers matched outside the range); leaves facet searches to SQL', async () => {
    const ranges = [MARCH, { start: '2024-01-30', end: '2024-03-01' }, { start: '2023-11-01', end: '2024-04-11' }, { start: '2024-04-10', end: '2024-04-11' }];
    for (const range of ranges) {
      const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan({ range }));
      expect(fromArrays, JSON.stringify(range)).toEqual(sql);
      expect(withoutFlags, JSON.stringify(range)).toEqual(sql);
    }
    const facets: DashboardFilter['facets'][] = [
      { country: ['FR'] }, { country: ['UK', 'US'], channel: ['web'] }, { channel: ['web', null] }, { value_band: ['next_30'] },
      { customer_since: ['2024', '2023-12'] }, { customer_since: ['2024-Q1', null] }, { product: ['Mug'] }, { category: ['Food'], status: ['paid'] }, { country: ['XX'] },
    ];
    for (const range of ranges) {
      for (const selection of facets) {
        const filter = { range, facets: selection };
        const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(filter, { churnWindowDays: 7 }));
        expect(fromArrays, JSON.stringify(filter)).toEqual(sql);
        expect(withoutFlags, JSON.stringify(filter)).toEqual(sql);
      }
    }
    const searched = await both(db, index, versions, plan({ range: null }, { facetSearch: { city: 'lon' } }));
    expect([searched.fromArrays, searched.withoutFlags]).toEqual([null, null]);
  });

  it('gives the SQL plan’s rows for segments on dated ranges: whom the segment fails is matched on every customer (its lost ones too), before the flag tables and after them', async () => {
    const ranges = [MARCH, { start: '2024-01-30', end: '2024-03-01' }, { start: '2023-11-01', end: '2024-04-11' }, { start: '2024-04-10', end: '2024-04-11' }];
    const filters: Omit<DashboardFilter, 'range'>[] = [
      { segment: SPENDERS }, { segment: MUG_OR_UK }, { segment: MUG_OR_UK, facets: { channel: ['app'] } }, { segment: SPENDERS, facets: { product: ['Mug'], country: ['FR', null] } },
    ];
    for (const range of ranges) {
      for (const filter of filters) {
        for (const churnWindowDays of [7, 90]) {
          const state = { range, ...filter };
          const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(state, { churnWindowDays }));
          // Lost customers are in these rows: the segment is matched on every customer, outside the range's flag tables.
          expect(withoutFlags, JSON.stringify(state)).toEqual(sql);
          expect(fromArrays, JSON.stringify({ state, churnWindowDays })).toEqual(sql);
        }
      }
    }
  });

  it('matches every rule kind on the arrays: the SQL plan’s rows before any scope statement, on every range, with facets too', async () => {
    const ranges = [null, MARCH, { start: '2024-01-30', end: '2024-03-01' }, { start: '2023-11-01', end: '2024-04-11' }, { start: '2024-04-10', end: '2024-04-11' }];
    for (const range of ranges) {
      for (const segment of ARRAY_SEGMENTS) {
        for (const facets of [{}, { product: ['Mug'], country: ['UK', 'US', null] }]) {
          const state = { range, segment, facets };
          const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(state, { churnWindowDays: 30 }));
          expect(withoutFlags, JSON.stringify(state)).toEqual(sql);
          expect(fromArrays, JSON.stringify(state)).toEqual(sql);
        }
      }
    }
  });

  it('answers nothing for another data set, before prepare, or for scope tables of another build; and keeps a range’s rows', async () => {
    const filter = plan({ range: null, facets: { country: ['FR'] } });
    const { sql } = await both(db, index, versions, filter);
    expect(await index.panels(filter, { ...versions, data: versions.data + 1 })).toBeNull();
    expect(await new PanelIndex((q, params) => db.query(q, { params })).panels(filter, versions)).toBeNull();
    // Tables rebuilt for another range since (the stamp moved on): a segment's flags read now are not that range's.
    expect(await index.panels(plan({ range: null, segment: SPENDERS }), { ...versions, stamp: versions.stamp - 1 })).toBeNull();
    // Flag tables of another range than the plan's.
    expect(await index.panels(plan({ range: MARCH }), versions)).toBeNull();
    // All time's rows are kept: with its tables rebuilt under a new stamp, only the flags are read.
    const reads: string[] = [];
    const counting = new PanelIndex((q, params) => (reads.push(q), db.query(q, { params })));
    await counting.prepare(versions.data);
    reads.length = 0;
    // Without a segment nothing is read, before the flag tables or after them.
    expect(comparable(counting.panelsWithoutFlags(filter, versions.data)!)).toEqual(sql);
    expect(reads).toEqual([]);
    expect(comparable((await counting.panels(filter, versions))!)).toEqual(sql);
    expect(reads).toEqual([]);
    // A segment's state reads the customers failing it from both flag tables, in one statement.
    const segmented = plan({ range: null, segment: SPENDERS, facets: { country: ['FR', 'UK'] } });
    const expected = (await both(db, index, versions, segmented)).sql;
    reads.length = 0;
    expect(comparable((await counting.panels(segmented, versions))!)).toEqual(expected);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/FROM scope_flags[\s\S]*FROM prev_scope_flags/);
  });
  it('builds a range’s rows itself, before its scope tables exist: the SQL plan’s rows for every range, grain and window', async () => {
    const ranges = [null, MARCH, { start: '2024-01-30', end: '2024-03-01' }, { start: '2023-11-01', end: '2024-04-11' }, { start: '2024-04-10', end: '2024-04-11' },
      { start: '2024-05-01', end: '2024-06-01' }, { start: '2022-01-01', end: '2023-01-01' }, { start: '2023-12-05', end: '2024-03-04' }];
    const options: Partial<DashboardPlanOptions>[] = [{}, { grain: 'week', churnWindowDays: 7, sinceGrain: 'quarter' }, { grain: 'month', churnWindowDays: 31, sinceGrain: 'month', facetLimit: 2 }, { grain: 'day', churnWindowDays: 30 }];
    for (const range of ranges) {
      for (const more of options) {
        const p = plan({ range }, more);
        const { sql, withoutFlags } = await both(db, index, versions, p);
        expect(withoutFlags, JSON.stringify({ range, more })).toEqual(sql);
      }
    }
    // Rules only SQL can match (RFM scores, churn risk) wait for the flag tables.
    for (const segment of SQL_SEGMENTS) expect(index.panelsWithoutFlags(plan({ range: MARCH, segment }), versions.data), segment.name).toBeNull();
    expect(index.panelsWithoutFlags(plan({ range: null }), versions.data + 1)).toBeNull();
  });

  it('answers a state alike before and after others (its working arrays are reused, not kept), with no new working memory the second time', async () => {
    const states: DashboardFilter[] = [
      { range: MARCH, facets: { product: ['Mug'], country: ['UK', 'US'] } },
      { range: null, facets: { category: ['Food'], customer_since: ['2024'] } },
      { range: { start: '2023-11-01', end: '2024-04-11' }, facets: { status: ['paid'] } },
      { range: null },
    ];
    const first = states.map((filter) => index.panelsWithoutFlags(plan(filter), versions.data));
    const bytes = PANEL_SCRATCH.bytes;
    const second = [...states].reverse().map((filter) => index.panelsWithoutFlags(plan(filter), versions.data)).reverse();
    expect(second).toEqual(first);
    expect(first.every((rows) => rows !== null && rows.length > 0)).toBe(true);
    expect(PANEL_SCRATCH.bytes).toBe(bytes);
  });

  it('builds a period’s rows alike walking its orders by day or customer by customer (orders before, in and after it)', async () => {
    const data = (await readArraysFromOrders((sql, params) => db.query(sql, { params })))!.arrays;
    const ranges = [null, MARCH, { start: '2024-01-30', end: '2024-03-01' }, { start: '2023-11-01', end: '2024-04-11' }, { start: '2024-04-10', end: '2024-04-11' }, { start: '2024-02-15', end: '2024-05-01' }];
    let kinds = 0;
    for (const range of ranges) {
      const { current, previous } = periodsOf(range, data.bounds);
      for (const period of [current, previous]) {
        const byCustomer = rangeScope(data, period, 'customer');
        expect(byCustomer, JSON.stringify(range)).toEqual(rangeScope(data, period, 'day'));
        kinds += new Set(byCustomer.rows.kind).size;
      }
    }
    // The periods hold one-time, repeat and no-purchase rows: kind counts paid orders before the period too.
    expect(kinds).toBeGreaterThan(ranges.length * 2);
  });

  it('keeps the newer data set’s arrays when a prepare for an earlier one ends after it', async () => {
    let gate: (() => void) | null = null;
    let hold = false;
    const index = new PanelIndex(async (q, params) => {
      if (hold) await new Promise<void>((release) => (gate = release));
      return db.query(q, { params });
    });
    const filter = plan({ range: null, facets: { country: ['FR'] } });
    const { sql } = await both(db, new PanelIndex((q, params) => db.query(q, { params })), versions, filter);
    hold = true;
    const earlier = index.prepare(900);
    await new Promise((resolve) => setTimeout(resolve, 10));
    hold = false;
    expect(await index.prepare(901)).toBe(true);
    (gate as (() => void) | null)?.();
    expect(await earlier).toBe(false);
    expect(comparable((await index.panels(filter, { ...versions, data: 901 }))!)).toEqual(sql);
    expect(await index.panels(filter, { ...versions, data: 900 })).toBeNull();
    expect(comparable(index.panelsWithoutFlags(filter, 901)!)).toEqual(sql);
    expect(index.panelsWithoutFlags(filter, 900)).toBeNull();
  });
});

describe('the dashboard panels from arrays, with values missing', () => {
  it('lists no value last among equal counts, as DuckDB orders NULLS LAST, in customer and item facets; matches segments at those customers’ edges', async () => {
    // Three more customers, each alone with their values: C11 has no product, country, city or channel;
    // C12 bought a product of its own; C13 bought a mug and only returned a card (a product and
    // category never bought: in no product or category list); C14 only returned one (a customer
    // with no purchase: "no value" for customer since). Their values tie at one customer.
    const csv = [
      FIXTURE_CSV, 'O15,C11,k@example.com,Kim,2024-03-09,15,1,,,,,,paid', 'O16,C12,l@example.com,Lu,2024-03-09,15,1,Zebra,Zoo,ZZ,Zig,zine,paid',
      'O17,C13,m@example.com,Mo,2024-03-11,40,1,Mug,Kitchen,IE,Cork,web,paid', 'R02,C13,m@example.com,Mo,2024-03-12,-20,-1,Card,Gifts,IE,Cork,web,refunded',
      'R03,C14,n@example.com,Ny,2024-03-13,-10,-1,Card,Gifts,IE,Cork,web,refunded',
    ].join('\n');
    const db = await NodeDatabase.open();
    await loadFixture(db, csv);
    const index = new PanelIndex((sql, params) => db.query(sql, { params }));
    const versions = new Versions();
    versions.data++;
    expect(await index.prepare(versions.data)).toBe(true);
    versions.fromOrders = new PanelIndex((sql, params) => db.query(sql, { params }));
    expect(await versions.fromOrders.prepareFromOrders(versions.data)).not.toBeNull();
    for (const range of [null, MARCH]) {
      const { sql, withoutFlags } = await both(db, index, versions, plan({ range }));
      expect(withoutFlags, JSON.stringify(range)).toEqual(sql);
    }
    for (const filter of [{ range: null }, { range: null, facets: { product: [null] } }, { range: null, facets: { country: [null, 'ZZ'] } }, { range: MARCH, facets: { product: [null], city: [null, 'Zoo'] } },
      { range: null, facets: { customer_since: [null] } }, { range: MARCH, facets: { customer_since: ['2024', null] } }] as DashboardFilter[]) {
      const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(filter));
      if (!filter.range && !filter.facets?.customer_since) {
        expect(sql.some((r) => r.part === 'facets' && r.dimension === 'product' && r.value === null), 'a product facet lists "no value"').toBe(true);
        expect(sql.some((r) => r.part === 'facets' && r.value === 'Gifts'), 'a category only refunded is listed').toBe(false);
      }
      expect(fromArrays, JSON.stringify(filter)).toEqual(sql);
      expect(withoutFlags, JSON.stringify(filter)).toEqual(sql);
    }
    // Segments matched on the arrays at these customers' edges: the card was only returned (C13, C14),
    // so nobody bought it, ever or in a range; C14, without a purchase, has no first purchase and no
    // AOV; C11 has no country (not "is" anything, always "is not").
    const rule = (r: SegmentRule): Segment => ({ name: JSON.stringify(r), combine: 'and', groups: [{ combine: 'and', rules: [r] }] });
    const edges = [
      rule({ kind: 'product', product: 'Card', when: 'ever' }), rule({ kind: 'product', product: 'Card', when: 'in_range' }), rule({ kind: 'product', product: 'Zebra', when: 'ever' }),
      rule({ kind: 'date', field: 'first_purchase', op: 'before', value: '2030-01-01' }), rule({ kind: 'number', field: 'aov', op: '<=', value: 1e9 }),
      rule({ kind: 'text', field: 'country', op: 'is_not', value: 'IE' }), rule({ kind: 'text', field: 'country', op: 'is', value: 'ZZ' }),
    ];
    for (const range of [null, MARCH]) {
      for (const segment of edges) {
        const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan({ range, segment }));
        if (segment.groups[0]!.rules[0]!.kind === 'product' && segment.name.includes('Card')) {
          expect(sql.find((r) => r.part === 'kpis' && r.period === 'current')!.customers, `nobody bought the card: ${segment.name}`).toBe(0);
        }
        expect(withoutFlags, `${segment.name} ${JSON.stringify(range)}`).toEqual(sql);
        expect(fromArrays, `${segment.name} ${JSON.stringify(range)}`).toEqual(sql);
      }
    }
  });
});

/** The sample's orders (public/sample-orders.csv) and customer base, with an index prepared on them. */
async function sampleIndex() {
  const db = await NodeDatabase.open();
  const loaded = await loadSource(db, await openAsBlob('public/sample-orders.csv'), 'sample-orders.csv', 1);
  await buildOrders(db, [await prepareSource(db, loaded)], new Date('2025-01-01T00:00:00Z'));
  for (const statement of CUSTOMER_BASE_STATEMENTS) await db.query(statement);
  const index = new PanelIndex((sql, params) => db.query(sql, { params }));
  const versions = new Versions();
  versions.data++;
  expect(await index.prepare(versions.data)).toBe(true);
  return { db, index, versions };
}

describe('the dashboard panels from arrays, on the sample data (17,500 order lines)', () => {
  it('gives the SQL plan’s rows for facet clicks and segments across the sample’s values', async () => {
    const { db, index, versions } = await sampleIndex();
    versions.fromOrders = new PanelIndex((sql, params) => db.query(sql, { params }));
    expect(await versions.fromOrders.prepareFromOrders(versions.data)).not.toBeNull();
    const top = async (column: string, n: number) =>
      (await db.rows<{ v: string }>(`SELECT ${column}::VARCHAR AS v FROM customer_base WHERE ${column} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${n}`)).map((r) => r.v);
    const [countries, channels, years] = [await top('country', 3), await top('channel', 2), await top('since_year', 2)];
    const [product] = (await db.rows<{ v: string }>(`SELECT value AS v FROM item_codes WHERE dim = 'product' AND value IS NOT NULL ORDER BY code LIMIT 1`)).map((r) => r.v);
    const filters: DashboardFilter[] = [
      { range: null },
      ...countries.map((c) => ({ range: null, facets: { country: [c] } })),
      { range: null, facets: { country: countries.slice(0, 2), channel: channels } },
      { range: null, facets: { customer_since: years, product: [product!] } },
      { range: null, segment: SPENDERS, facets: { country: [countries[0]!] } },
    ];
    const lastDay = (await db.rows<{ d: string }>(`SELECT strftime(end_day - 1, '%Y-%m-%d') AS d FROM data_bounds`))[0]!.d;
    for (const preset of ['last_30', 'last_90', 'this_quarter', 'last_year', 'all'] as const) {
      const range = presetRange(preset, Date.parse(`${lastDay}T00:00:00Z`));
      const p = plan({ range });
      const { sql, withoutFlags } = await both(db, index, versions, p);
      expect(withoutFlags, preset).toEqual(sql);
      // The same range with facets (lost customers matched on customers without orders in it).
      const faceted = plan({ range, facets: { country: [countries[0]!], channel: channels } }, { churnWindowDays: 30 });
      const again = await both(db, index, versions, faceted);
      expect(again.withoutFlags, `${preset} with facets`).toEqual(again.sql);
    }
    for (const filter of filters) {
      for (const options of [{}, { grain: 'week' as const, churnWindowDays: 14, sinceGrain: 'quarter' as const }]) {
        const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(filter, options));
        expect(fromArrays, JSON.stringify({ filter, options })).toEqual(sql);
        expect(withoutFlags, JSON.stringify({ filter, options })).toEqual(sql);
      }
    }
  });
});

describe('sortAscending (the ranking’s sort)', () => {
  it('orders as Float64Array.prototype.sort does: negatives, −0 before +0, ties, fractions, large and tiny values', () => {
    // A seeded generator, so a failure can be replayed.
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 1, 5, 20_000, 100_003]) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const kind = i % 7;
        values[i] = kind === 0 ? -0 : kind === 1 ? 0 : kind === 2 ? Math.round(random() * 100) : kind === 3 ? -random() * 1e6 : kind === 4 ? random() * 1e-300 : kind === 5 ? 49.99 : random() * 1e12;
      }
      const expected = Float64Array.from(values).sort();
      // In no order, already ascending, descending (all time's revenues come so), and descending but for two zeros.
      const descending = Float64Array.from(expected).reverse();
      // Descending, the +0s come before the −0s: the two at the boundary swapped.
      const negativeZero = descending.findIndex((v) => Object.is(v, -0));
      const almost = Float64Array.from(descending);
      if (negativeZero > 0 && descending[negativeZero - 1] === 0) [almost[negativeZero - 1], almost[negativeZero]] = [-0, 0];
      // With scratch buffers (the panels' way) too, shared by every sort of the loop.
      const scratch = new Scratch();
      for (const [order, input] of Object.entries({ none: values, ascending: expected, descending, almost })) {
        for (const buffers of [undefined, scratch]) {
          const sorted = sortAscending(Float64Array.from(input), buffers);
          expect(sorted.length).toBe(n);
          // Object.is tells −0 from +0.
          const firstDifference = expected.findIndex((v, i) => !Object.is(v, sorted[i]));
          expect(firstDifference, `n = ${n}, ${order}${buffers ? ', scratch' : ''}`).toBe(-1);
        }
      }
    }
  });
});

describe('ranges built ahead of their first visit', () => {
  // The fixture's orders (customer_orders: the refund-only R01 is one) in each range's two periods,
  // counted from the table in fixture.ts:
  //   2023-11-01…2024-04-11 (every day): 15, and none in the 162 days before → 15
  //   March: O02 O03 O04 O05 O06 R01 O10 O11 O14 = 9; Jan 30–Feb 29: O09 O12 = 2 → 11
  //   Jan 30–Feb 29: 2; Dec 30–Jan 29: O01 = 1 → 3
  //   Apr 10: O13 = 1; Apr 9: none → 1
  const SPAN = { start: '2023-11-01', end: '2024-04-11' };
  const FEBRUARY = { start: '2024-01-30', end: '2024-03-01' };
  const LAST_DAY = { start: '2024-04-10', end: '2024-04-11' };
  const RANGES = [LAST_DAY, MARCH, null, FEBRUARY, SPAN, { ...MARCH }];
  let db: NodeDatabase;
  const versions = new Versions();
  const newIndex = () => new PanelIndex((sql, params) => db.query(sql, { params }));
  beforeAll(async () => {
    db = await NodeDatabase.open();
    await loadFixture(db);
    versions.data = 1;
  });

  it('counts the orders as the hand count above', async () => {
    const counted = await rowsOf(db, { sql: `SELECT count(*) FILTER (WHERE ordered_at >= DATE '2024-03-01' AND ordered_at < DATE '2024-04-01')::DOUBLE AS march,
      count(*) FILTER (WHERE ordered_at >= DATE '2024-01-30' AND ordered_at < DATE '2024-03-01')::DOUBLE AS february, count(*)::DOUBLE AS every_day FROM customer_orders`, params: [] });
    expect(counted).toEqual([{ march: 9, february: 2, every_day: 15 }]);
  });

  it('chooses the ranges with the most orders in their two periods, from a number of orders, while they fit in a number together; not all time, once each', async () => {
    const index = newIndex();
    expect(await index.prepare(versions.data)).toBe(true);
    // SPAN 15, MARCH 11, FEBRUARY 3, LAST_DAY 1 (above).
    expect(await index.buildAhead(versions.data, RANGES, 3, 100)).toEqual([JSON.stringify(SPAN), JSON.stringify(MARCH), JSON.stringify(FEBRUARY)]);
    // 15 + 11 fit in 26; FEBRUARY's 3 would not.
    expect(await index.buildAhead(versions.data, RANGES, 3, 26)).toEqual([JSON.stringify(SPAN), JSON.stringify(MARCH)]);
    // MARCH would not fit beside SPAN (26 > 20): skipped, FEBRUARY taken (18).
    expect(await index.buildAhead(versions.data, RANGES, 3, 20)).toEqual([JSON.stringify(SPAN), JSON.stringify(FEBRUARY)]);
    expect(index.isBuilt(MARCH)).toBe(false);
    // SPAN does not fit at all: MARCH and FEBRUARY (14).
    expect(await index.buildAhead(versions.data, RANGES, 3, 14)).toEqual([JSON.stringify(MARCH), JSON.stringify(FEBRUARY)]);
    expect(await index.buildAhead(versions.data, RANGES, 12, 100)).toEqual([JSON.stringify(SPAN)]);
    expect(index.isBuilt(MARCH)).toBe(false);
    expect(await index.buildAhead(versions.data, RANGES, 16, 100)).toEqual([]);
    // With the default (hundreds of thousands of orders) a shop this size builds nothing ahead.
    expect(await index.buildAhead(versions.data, RANGES)).toEqual([]);
    // Another data set's, or the arrays from the orders (replaced once the customer base is built): nothing.
    expect(await index.buildAhead(versions.data + 1, RANGES, 1)).toEqual([]);
    const fromOrders = newIndex();
    await fromOrders.prepareFromOrders(versions.data);
    expect(await fromOrders.buildAhead(versions.data, RANGES, 1)).toEqual([]);
  });

  it('first runs a facet’s state, its list’s first page and a segment’s state once on the data, building and keeping no range for them', async () => {
    const reads: string[] = [];
    const index = new PanelIndex((sql, params) => (reads.push(sql), db.query(sql, { params })));
    expect(await index.prepare(versions.data)).toBe(true);
    const builds = index.rangeBuilds;
    reads.length = 0;
    expect(await index.buildAhead(versions.data, RANGES)).toEqual([]);
    // The list page's customers, read from the customer base: the one statement (the panels need none).
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatch(/FROM customer_base\s+WHERE cid BETWEEN \d+ AND \d+ AND cid IN \(/);
    expect(index.rangeBuilds).toBe(builds);
  });

  it('answers a range built ahead with the SQL plan’s rows, facets and segments too, and keeps it past the last ranges used', async () => {
    const index = newIndex();
    expect(await index.prepare(versions.data)).toBe(true);
    const builds = index.rangeBuilds;
    expect(await index.buildAhead(versions.data, RANGES, 3, 26)).toHaveLength(2);
    expect(index.rangeBuilds).toBe(builds + 2);
    for (const filter of [{ range: MARCH }, { range: MARCH, facets: { product: ['Mug'], country: ['UK', 'US'] } }, { range: SPAN, facets: { status: ['paid'] } },
      { range: MARCH, segment: SPENDERS }, { range: SPAN, segment: MUG_OR_UK, facets: { channel: ['app'] } }] as DashboardFilter[]) {
      const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(filter));
      expect(fromArrays, JSON.stringify(filter)).toEqual(sql);
      expect(withoutFlags, JSON.stringify(filter)).toEqual(sql);
    }
    // Every state above read the rows built ahead.
    expect(index.rangeBuilds).toBe(builds + 2);
    // Four other ranges visited: the last ranges used no longer hold the first of them, but MARCH and SPAN are still built.
    const others = [FEBRUARY, LAST_DAY, { start: '2024-02-01', end: '2024-03-01' }, { start: '2024-01-01', end: '2024-02-01' }];
    for (const range of others) expect(index.panelsWithoutFlags(plan({ range }), versions.data)).not.toBeNull();
    expect(index.isBuilt(FEBRUARY)).toBe(false);
    expect(index.isBuilt({ ...others[3]! })).toBe(true);
    expect([index.isBuilt(MARCH), index.isBuilt(SPAN)]).toEqual([true, true]);
    // A new data set drops them.
    index.forget();
    expect(index.isBuilt(MARCH)).toBe(false);
  });

  it('builds one piece a task, so that what is queued meanwhile runs before it ends; and keeps nothing when the data changed meanwhile', async () => {
    const index = newIndex();
    expect(await index.prepare(versions.data)).toBe(true);
    let queuedRan = false;
    const building = index.buildAhead(versions.data, RANGES, 3, 26).then((keys) => ({ keys, queuedRan }));
    setTimeout(() => (queuedRan = true), 0);
    expect(await building).toEqual({ keys: [JSON.stringify(SPAN), JSON.stringify(MARCH)], queuedRan: true });
    // A range built ahead already, or visited while it is built, is taken as it is.
    const again = index.buildAhead(versions.data, [MARCH], 3);
    const builds = index.rangeBuilds;
    expect(index.panelsWithoutFlags(plan({ range: FEBRUARY }), versions.data)).not.toBeNull();
    expect(await again).toEqual([JSON.stringify(MARCH)]);
    // MARCH was built ahead already: kept, not built again (FEBRUARY, visited, was).
    expect(index.rangeBuilds).toBe(builds + 1);
    const visited = index.buildAhead(versions.data, [FEBRUARY], 3);
    expect(index.panelsWithoutFlags(plan({ range: FEBRUARY }), versions.data)).not.toBeNull();
    expect(await visited).toEqual([JSON.stringify(FEBRUARY)]);
    expect(index.rangeBuilds).toBe(builds + 1);
    // The data changed during the build: nothing kept.
    const stale = index.buildAhead(versions.data, RANGES, 3);
    index.forget();
    expect(await stale).toEqual([]);
    expect(index.isBuilt(SPAN)).toBe(false);
  });
});

describe('cubes: a facet click on one customer attribute from per-value cells', () => {
  // PanelIndex.buildAhead ends by building all time's cubes of each customer attribute a facet
  // filters on (panels.ts activityCube, facetCube); a state whose only filter is a selection in one of
  // them then sums the selected values' cells. Each state's rows must still be the SQL plan's.
  it('gives the SQL plan’s rows for every value of each attribute and for several at once, at the grain and window built for; other states as before', async () => {
    const { db, index, versions } = await sampleIndex();
    const DIMENSIONS = ['country', 'city', 'channel', 'value_band'] as const;
    const valuesOf = async (column: string) =>
      (await db.rows<{ v: string | null }>(`SELECT ${column}::VARCHAR AS v FROM customer_base GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 6`)).map((r) => r.v);
    const check = async (options: Partial<DashboardPlanOptions>) => {
      for (const dimension of DIMENSIONS) {
        const values = await valuesOf(dimension);
        // Each value alone (a missing value among them where customers lack one), two at once, and a value nobody has.
        for (const selected of [...values.map((v) => [v]), values.slice(0, 2), ['no such value']]) {
          const filter: DashboardFilter = { range: null, facets: { [dimension]: selected } };
          const { sql, fromArrays, withoutFlags } = await both(db, index, versions, plan(filter, options));
          expect(withoutFlags, JSON.stringify({ filter, options })).toEqual(sql);
          expect(fromArrays, JSON.stringify({ filter, options })).toEqual(sql);
        }
      }
    };
    // Built for the default grain and window (no all-time state asked for yet).
    expect(await index.buildAhead(versions.data, [])).toEqual([]);
    for (const dimension of DIMENSIONS) expect(index.hasCubes(null, { grain: 'auto', churnWindowDays: 90 }, dimension), dimension).toEqual({ activity: true, facets: true });
    expect(index.hasCubes(null, { grain: 'month', churnWindowDays: 14 }, 'country')).toEqual({ activity: false, facets: true });
    await check({});
    // Another grain and a window shorter than its periods (a customer lapsing twice in a month counted
    // once): the facets' cubes serve them, the activity's only once all time was asked for with them
    // and buildAhead ran again; the same rows either way.
    const monthly = { grain: 'month' as const, churnWindowDays: 14 };
    await check(monthly);
    expect(index.panelsWithoutFlags(plan({ range: null }, monthly), versions.data)).not.toBeNull();
    await index.buildAhead(versions.data, []);
    expect(index.hasCubes(null, monthly, 'channel')).toEqual({ activity: true, facets: true });
    await check(monthly);
    // Not for a second filter, a segment, a dated range or customer since: as before.
    const lastDay = (await db.rows<{ d: string }>(`SELECT strftime(end_day - 1, '%Y-%m-%d') AS d FROM data_bounds`))[0]!.d;
    const [country] = await valuesOf('country');
    for (const filter of [
      { range: null, facets: { country: [country!], channel: ['web'] } },
      { range: null, facets: { country: [country!] }, segment: SPENDERS },
      { range: presetRange('last_90', Date.parse(`${lastDay}T00:00:00Z`)), facets: { country: [country!] } },
      { range: null, facets: { customer_since: ['2024'] } },
    ] as DashboardFilter[]) {
      const { sql, withoutFlags } = await both(db, index, versions, plan(filter, monthly));
      expect(withoutFlags, JSON.stringify(filter)).toEqual(sql);
    }
    // A new data set drops them.
    index.forget();
    expect(index.hasCubes(null, monthly, 'channel')).toEqual({ activity: false, facets: false });
  });
});
