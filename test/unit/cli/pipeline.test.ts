// "One set of SQL modules": the command line's loading on native DuckDB and the page's on
// DuckDB-WASM (Node build) give the same canonical orders and the same dashboard figures.
import { openAsBlob, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardPanelsSql, dashboardScopeSql, SCOPE_PERIOD_MS_SQL, type DashboardPlanOptions } from '../../../src/analyses/dashboard';
import type { Grain } from '../../../src/analyses/activity-series';
import type { Database } from '../../../src/db/database';
import { loadOrders } from '../../../src/cli/pipeline';
import { NativeDatabase, blobPaths } from '../../../scripts/native-database';
import { NodeDatabase } from '../../helpers/node-database';
import { writeShop } from './fixture';

let files: ReturnType<typeof writeShop>;
beforeAll(() => void (files = writeShop()));
afterAll(() => rmSync(files.dir, { recursive: true, force: true }));

const PLAN: DashboardPlanOptions = { filter: { range: null }, grain: 'auto', churnWindowDays: 90, facetLimit: 12, list: { sort: 'revenue', direction: 'desc', limit: 25 } };

async function kpisOn(db: Database, plan = PLAN): Promise<Record<string, unknown>[]> {
  for (const q of dashboardScopeSql(plan)) await db.query(q.sql, { params: q.params });
  const grain = String((await db.query(SCOPE_PERIOD_MS_SQL)).get(0)?.grain) as Grain;
  const kpis = dashboardPanelsSql(plan, grain).kpis;
  return (await db.query(kpis.sql, { params: kpis.params })).toArray().map((r) => ({ ...r.toJSON() }));
}

async function run(db: Database, plan?: DashboardPlanOptions) {
  const blob = await openAsBlob(files.shop);
  blobPaths.set(blob, files.shop);
  const lines: string[] = [];
  const loaded = await loadOrders(db, [{ name: 'shop.csv', blob }], {}, (l) => lines.push(l), new Date('2024-06-01T00:00:00Z'));
  return { loaded, kpis: await kpisOn(db, plan), lines };
}

describe('the command line loads with the app’s own modules', () => {
  it('gives the same orders and KPIs on native DuckDB as on DuckDB-WASM, equal to the hand figures', async () => {
    const native = await NativeDatabase.open();
    let nativeRun;
    try {
      nativeRun = await run(native);
    } finally {
      native.close();
    }
    const wasmRun = await run(await NodeDatabase.open());
    expect(nativeRun.loaded.report.summary).toEqual(wasmRun.loaded.report.summary);
    expect(nativeRun.loaded.sources[0]!.mapping).toEqual(wasmRun.loaded.sources[0]!.mapping);
    expect(nativeRun.kpis).toEqual(wasmRun.kpis);
    const all = nativeRun.kpis.find((r) => r.period === 'current')!;
    // 6 customers, 8 orders, revenue 400, AOV 400 / 8 = 50; repeat: CU-1001 and CU-1004.
    expect(all.customers).toBe(6);
    expect(all.orders).toBe(8);
    expect(all.revenue).toBe(400);
    expect(all.average_order_value).toBe(50);
    expect(all.repeat_customers).toBe(2);
    // The mapping report goes to the log: what each role was read from.
    expect(nativeRun.lines).toContain('  customer_id    ← customer_id');
    expect(nativeRun.lines.some((l) => /8 orders by 6 customers from 8 of 8 rows/.test(l))).toBe(true);
  });

  it('says which roles are missing, lists the columns, and how to map them', async () => {
    const db = await NodeDatabase.open();
    const blob = await openAsBlob(files.noCustomer);
    await expect(loadOrders(db, [{ name: 'products.csv', blob }], {}, () => undefined)).rejects.toThrow(
      'products.csv: no column was found for a customer (id or e-mail), an order date, and an amount (or unit price). Its columns are: sku, colour, weight. Say which one with --map customer_id=COLUMN --map ordered_at=COLUMN --map amount=COLUMN.',
    );
    // --map fills a role the guess missed: sku as the customer is accepted (dates and amounts are still missing).
    await expect(loadOrders(db, [{ name: 'products.csv', blob }], { customer_id: 'sku' }, () => undefined)).rejects.toThrow(/no column was found for an order date and an amount/);
  });
});
