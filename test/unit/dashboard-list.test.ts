// DashboardState's customer list: the first page from the worker's arrays, asked for with the panels
// (before the customer base's and the scope tables' SQL is queued behind them), then the SQL list.
import { describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { loadFixture, MARCH } from './analyses/fixture';
import { CUSTOMER_BASE_SQL } from '../../src/analyses/customer-base';
import { DashboardState } from '../../src/state/dashboard.svelte';

type Page = { rows: Record<string, unknown>[]; total: number } | null;

// The state marks paints on the next frame; Node has no frames.
globalThis.requestAnimationFrame ??= ((f: FrameRequestCallback) => (f(0), 0)) as typeof requestAnimationFrame;

/** A Node database that logs, in order, the statements run and the list pages asked of the arrays (with what they answered). */
async function loggedDatabase() {
  const db = await NodeDatabase.open();
  await loadFixture(db);
  const log: string[] = [];
  const pages: Page[] = [];
  const query = db.query.bind(db);
  db.query = (sql, options) => {
    log.push(sql === CUSTOMER_BASE_SQL ? 'customer base' : sql.trim().slice(0, 40));
    return query(sql, options);
  };
  const list = db.dashboardListWithoutFlags.bind(db);
  db.dashboardListWithoutFlags = async (...args) => {
    log.push('list from arrays');
    const page = await list(...args);
    pages.push(page);
    return page;
  };
  return { db, log, pages };
}

const idsAndSegments = (page: Page) => page?.rows.map((r) => [r.customer_id, r.revenue, r.rfm_segment]);

describe('DashboardState’s customer list', () => {
  it('asks the arrays for the first page before the customer base is built, and the SQL list that follows has the same rows', async () => {
    const { db, log, pages } = await loggedDatabase();
    const dashboard = new DashboardState(db);
    await dashboard.reset();
    // The first dashboard's page was asked for before the customer base's first statement, and answered.
    expect(log.indexOf('list from arrays')).toBeGreaterThanOrEqual(0);
    expect(log.indexOf('list from arrays')).toBeLessThan(log.indexOf('customer base'));
    expect(pages[0]).not.toBeNull();
    // All time, by revenue: C08 500, C05 300, C02 200, C04 200 (ties by id), … ten customers.
    expect(pages[0]!.total).toBe(10);
    expect(idsAndSegments(pages[0]!)!.slice(0, 4)).toEqual([
      ['C08', 500, 'Potential Loyalists'], ['C05', 300, 'At Risk'], ['C02', 200, 'Need Attention'], ['C04', 200, 'Loyal Customers'],
    ]);
    // The SQL list replaced it with the same rows.
    expect(dashboard.listStatus).toBe('ready');
    expect(dashboard.list).toEqual(pages[0]);
  });

  it('shows a new range’s page from the arrays, a segment’s too, and leaves a search or an RFM segment to SQL', async () => {
    const { db, log, pages } = await loggedDatabase();
    const dashboard = new DashboardState(db);
    await dashboard.reset();
    dashboard.custom = MARCH;
    dashboard.preset = 'custom';
    await dashboard.refresh();
    const march = pages.at(-1)!;
    expect(march!.total).toBe(7);
    expect(idsAndSegments(march)!.slice(0, 3)).toEqual([['C08', 500, 'Potential Loyalists'], ['C02', 200, 'At Risk'], ['C04', 200, 'Champions']]);
    expect(dashboard.list).toEqual(march);
    // A search is SQL's: the arrays answer nothing, the SQL list has it.
    dashboard.listSearch = 'dan';
    const asked = pages.length;
    await dashboard.refresh();
    expect(pages.slice(asked)).toEqual([null]);
    expect(dashboard.list!.rows.map((r) => r.customer_id)).toEqual(['C04']);
    // A segment of a number rule is matched on the arrays: March's customers with 200+ of sales to
    // date, C08 (500), then C02 and C04 (200 each, in id order), from the arrays, then the same from SQL.
    dashboard.listSearch = '';
    const before = pages.length;
    dashboard.segment = { name: '200+', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'total_revenue', op: '>=', value: 200 }] }] };
    await dashboard.refresh();
    expect(pages.slice(before).map((page) => page?.rows.map((r) => r.customer_id))).toEqual([['C08', 'C02', 'C04']]);
    expect(dashboard.list).toEqual(pages.at(-1));
    // An RFM rule is SQL's to decide: the arrays answer nothing; SQL's list has March's one Champion, C04.
    dashboard.segment = { name: 'champions', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'rfm', segment: 'Champions' }] }] };
    await dashboard.refresh();
    expect(pages.at(-1)).toBeNull();
    expect(dashboard.list!.rows.map((r) => r.customer_id)).toEqual(['C04']);
  });
});
