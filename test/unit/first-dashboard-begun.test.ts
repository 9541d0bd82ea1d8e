// The first dashboard begins as soon as the canonical orders exist (DashboardState.begin, called
// from buildOrders between the orders' statements and the quality report's): in the page the orders
// are read first and their part built on the other core while the report's statements run.
import { describe, expect, it } from 'vitest';
import type { DuckDBBindings } from '#duckdb-browser-blocking';
import { NodeDatabase } from '../helpers/node-database';
import { FIXTURE_CSV } from './analyses/fixture';
import { AppState } from '../../src/state/app.svelte';
import { Formatter } from '../../src/i18n/format';
import { LINES_READ_SQL, ORDERS_READ_SQL } from '../../src/analyses/crossfilter/orders-arrays';
import { CURRENCIES_SQL, QUALITY_SUMMARY_SQL, qualityChecksSql } from '../../src/ingest/quality';

globalThis.requestAnimationFrame ??= ((f: FrameRequestCallback) => (f(0), 0)) as typeof requestAnimationFrame;

/** A database whose engine logs every statement it starts, in the order it runs them. */
async function loggedDatabase(ordersElsewhere: boolean) {
  const statements: string[] = [];
  const log = (bindings: DuckDBBindings) => {
    const start = bindings.startPendingQuery.bind(bindings);
    bindings.startPendingQuery = (conn, sql, stream) => (statements.push(sql), start(conn, sql, stream));
    const prepared = bindings.createPrepared.bind(bindings);
    bindings.createPrepared = (conn, sql) => (statements.push(sql), prepared(conn, sql));
    return bindings;
  };
  return { db: await NodeDatabase.open(log, { ordersElsewhere }), statements };
}

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 20_000) throw new Error('the dashboard never finished');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Loads the analyses fixture as a dropped file and waits for the whole dashboard (panels and list). */
async function loaded(ordersElsewhere: boolean) {
  const { db, statements } = await loggedDatabase(ordersElsewhere);
  const app = new AppState(db, new Formatter('en-US'), Promise.resolve({ version: 'test', bundle: 'node' }));
  await app.loadFile(new Blob([FIXTURE_CSV]), 'shop.csv');
  expect(app.report.status).toBe('ready');
  await until(() => app.dashboard.status === 'ready' && app.dashboard.panels !== null && app.dashboard.list !== null);
  // Let the reset run to its end (the customer base's arrays prepared, the ranges asked ahead).
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { app, statements };
}

describe('the first dashboard begun before the quality report', () => {
  it('reads the orders right after they are built, before the report’s statements, and the lines after them', async () => {
    const { app, statements } = await loaded(true);
    const ordersBuilt = statements.map((sql) => /^CREATE OR REPLACE TABLE ([\w.]+\.)?orders AS/.test(sql)).lastIndexOf(true);
    const ordersRead = statements.indexOf(ORDERS_READ_SQL);
    const report = [qualityChecksSql(1), CURRENCIES_SQL, QUALITY_SUMMARY_SQL].map((sql) => statements.indexOf(sql));
    expect(ordersBuilt).toBeGreaterThan(-1);
    expect(report.every((i) => i > -1)).toBe(true);
    // The canonical orders, their count (too many orders are not begun), the read; then the report.
    expect(statements.slice(ordersBuilt + 1, ordersRead + 1)).toEqual(['SELECT count(*)::DOUBLE AS orders FROM orders', ORDERS_READ_SQL]);
    expect(Math.min(...report)).toBe(ordersRead + 1);
    // The lines are read once the report is read; the orders once only: reset() went on from what begin() started.
    expect(statements.indexOf(LINES_READ_SQL)).toBeGreaterThan(Math.max(...report));
    expect(statements.filter((sql) => sql === ORDERS_READ_SQL)).toHaveLength(1);
    expect(statements.filter((sql) => sql === LINES_READ_SQL)).toHaveLength(1);
    expect(app.dashboard.error).toBe('');
  });

  it('paints the same panels and list as the dashboard built after the report', async () => {
    const begun = await loaded(true);
    const after = await loaded(false);
    // Without another worker nothing is begun: the orders are read after the report, as before.
    expect(after.statements.indexOf(ORDERS_READ_SQL)).toBeGreaterThan(after.statements.indexOf(QUALITY_SUMMARY_SQL));
    expect(begun.app.dashboard.panels).not.toBeNull();
    // Every panel but the time it took.
    const panels = (app: AppState) => JSON.stringify({ ...app.dashboard.panels, ms: 0 });
    expect(panels(begun.app)).toBe(panels(after.app));
    expect(JSON.stringify(begun.app.dashboard.list)).toBe(JSON.stringify(after.app.dashboard.list));
    expect(begun.app.dashboard.bounds).toEqual(after.app.dashboard.bounds);
  });
});
