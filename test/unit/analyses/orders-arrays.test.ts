// The panels' arrays built from the orders alone (orders-arrays.ts) against the customer base's SQL
// they stand in for: every customer's attributes, figures, purchase days and lines, compared as a
// whole (customers tied on revenue may be numbered apart, so as sorted tuples, not by cid). The
// panel rows they give are compared with the SQL plan's in crossfilter.test.ts, on every fixture there.
import { describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { tableFromIPC, type Table } from 'apache-arrow';
import { ByteDictionary, LINES_READ_SQL, ONE_LINE_PER_ORDER_SQL, ORDERS_AS_LINES_READ_SQL, ORDERS_NUMBERS_SQL, ORDERS_TEXTS_SQL, buffersOf, finishOrdersPart, kindOf, numberOrders, ordersPart, rankCustomers, readArraysFromOrders, type OrdersElsewhere } from '../../../src/analyses/crossfilter/orders-arrays';
import { madeUpIpc, madeUpOrders, warmUpArrowReads, warmUpOrdersPart } from '../../../src/analyses/crossfilter/made-up-orders';
import { ITEM_DIMENSIONS, periodsOf, rangeItems, rangeScope, type DataArrays } from '../../../src/analyses/crossfilter/panels';
import { CUSTOMER_BASE_STATEMENTS, VALUE_BANDS } from '../../../src/analyses/customer-base';
import { orderKindSql, ordersSql, type OrdersSource } from '../../../src/ingest/orders-view';
import { FIXTURE_CSV, NOW } from './fixture';

const HEADER = FIXTURE_CSV.split('\n')[0]!;

/**
 * Customers whose attributes change from order to order, so that which order decides matters:
 * C01 moved from London to Paris (latest: Paris), first bought on the web (first channel: web);
 * C02 ordered twice on one day, O04 in Boston after O03 in Berlin by order id (the CSV lists O04
 * first): latest Boston, first channel store; C03 first had a refund only (R01, by e-mail) and then
 * bought without a country: latest country IE (the latest order that has one), city Dublin, channel
 * email (the first order that has one, a refund counts), first purchase O05 (60); C04's first order
 * was free and without a channel: first order revenue 0, channel web (from O07).
 * The second file repeats O01 for another customer, C99: that copy is dropped (the first file's is
 * kept), so C99 is no customer and the 'Ghost' product bought only there is in no customer's lines.
 */
const FIRST_FILE = [
  HEADER,
  'O01,C01,ann@example.com,Ann,2024-01-10,100,1,Mug,Kitchen,UK,London,web,paid',
  'O02,C01,ann@example.com,Ann,2024-03-05,50,2,Tea,Food,FR,Paris,app,paid',
  'O04,C02,bob@example.com,Bob,2024-03-10,60,1,Kettle,Kitchen,US,Boston,app,paid',
  'O03,C02,bob@example.com,Bob,2024-03-10,40,2,Mug,Kitchen,DE,Berlin,store,paid',
  'R01,C03,cat@example.com,Cat,2024-02-01,-20,-1,Mug,Kitchen,IE,Cork,email,refunded',
  'O05,C03,cat@example.com,Cat,2024-02-03,60,1,Tea,Food,,Dublin,,paid',
  'O06,C04,dan@example.com,Dan,2024-03-01,0,1,Trial box,Trial,FR,Lyon,,trial',
  'O07,C04,dan@example.com,Dan,2024-03-02,30,1,Tea,Food,FR,Lyon,web,paid',
].join('\n');
const SECOND_FILE = [
  HEADER,
  'O01,C99,zed@example.com,Zed,2024-01-11,999,1,Ghost,Spirits,NZ,Wellington,phone,paid',
  'O08,C08,eve@example.com,Eve,2024-04-01,40,1,Mug,Kitchen,ES,Madrid,web,paid',
].join('\n');

async function loadFiles(db: NodeDatabase, files: string[]): Promise<void> {
  const sources: OrdersSource[] = [];
  for (const [index, csv] of files.entries()) {
    await db.registerFile(`file-${index}.csv`, new Blob([csv]));
    await db.query(`CREATE OR REPLACE TABLE file_${index} AS SELECT * FROM read_csv('file-${index}.csv', delim = ',', quote = '"', header = true, columns = {
      'order': 'VARCHAR', 'customer': 'VARCHAR', 'email': 'VARCHAR', 'name': 'VARCHAR', 'date': 'DATE', 'amount': 'DOUBLE', 'quantity': 'DOUBLE',
      'product': 'VARCHAR', 'category': 'VARCHAR', 'country': 'VARCHAR', 'city': 'VARCHAR', 'channel': 'VARCHAR', 'status': 'VARCHAR'})`);
    const described = await db.rows<{ name: string; type: string }>(`SELECT column_name AS name, column_type AS type FROM (DESCRIBE file_${index})`);
    sources.push({
      index, table: `file_${index}`, columns: described.map((c) => ({ ...c, examples: [] })), date: { kind: 'native' },
      mapping: {
        order_id: 'order', customer_id: 'customer', customer_email: 'email', customer_name: 'name', ordered_at: 'date', amount: 'amount',
        quantity: 'quantity', product: 'product', category: 'category', country: 'country', city: 'city', channel: 'channel', status: 'status',
      },
    });
  }
  for (const statement of [...ordersSql(sources, NOW), ...CUSTOMER_BASE_STATEMENTS]) await db.query(statement);
}

/** One text per customer: attributes, all-history figures, purchase days and lines (sorted), without the cid. */
function customersOf(a: DataArrays): string[] {
  const out: string[] = [];
  const value = (d: keyof DataArrays['attributes'], cid: number) => a.attributes[d].values[a.attributes[d].codeByCid[cid]!] ?? null;
  for (let cid = 1; cid < a.customers.ltv.length; cid++) {
    const days: number[][] = [];
    for (let r = a.purchaseDays.start[cid]!; r < a.purchaseDays.start[cid + 1]!; r++) days.push([a.purchaseDays.day[r]!, a.purchaseDays.nextDay[r]!]);
    const lines: unknown[][] = [];
    for (let r = a.lines.start[cid]!; r < a.lines.start[cid + 1]!; r++) {
      lines.push([a.lines.day[r]!, a.lines.bought[r]!, ...ITEM_DIMENSIONS.map((d, i) => a.itemValues[d][a.lines.codes[i]![r]!] ?? null)]);
    }
    const orders: number[][] = [];
    for (let r = a.ordersByCid.start[cid]!; r < a.ordersByCid.start[cid + 1]!; r++) orders.push([a.ordersByCid.day[r]!, a.ordersByCid.purchase[r]!, a.ordersByCid.amount[r]!, a.ordersByCid.refund[r]!]);
    const day = a.customers.firstOrderDay[cid]!;
    out.push(JSON.stringify([
      value('country', cid), value('city', cid), value('channel', cid), value('value_band', cid), value('since_year', cid), value('since_quarter', cid), value('since_month', cid),
      a.customers.ltv[cid], a.customers.firstOrderRevenue[cid], Number.isNaN(day) ? null : day, a.customers.lifetimePaidOrders[cid],
      ...[a.customers.firstOrderUs[cid]!, a.customers.lastOrderUs[cid]!].map((us) => (Number.isNaN(us) ? null : us)),
      days, lines.map((l) => JSON.stringify(l)).sort(), orders.map((o) => JSON.stringify(o)).sort(),
    ]));
  }
  return out.sort();
}

/** The same texts from the customer base's tables (customer_base, purchase_days, customer_items, customer_orders). */
async function customersOfBase(db: NodeDatabase): Promise<string[]> {
  type Row = Record<string, unknown>;
  const byCid = async (sql: string) => {
    const groups = new Map<number, Row[]>();
    for (const row of await db.rows(sql)) groups.set(Number(row.cid), [...(groups.get(Number(row.cid)) ?? []), row]);
    return (cid: number) => groups.get(cid) ?? [];
  };
  const days = await byCid(`SELECT cid, (day - DATE '1970-01-01')::INTEGER AS day, COALESCE((next_day - DATE '1970-01-01')::INTEGER, -1) AS next FROM purchase_days ORDER BY cid, day`);
  const lines = await byCid(`SELECT i.cid, (i.ordered_at::DATE - DATE '1970-01-01')::INTEGER AS day, i.bought::INTEGER AS bought, p.value AS product, c.value AS category, s.value AS status
    FROM customer_items i LEFT JOIN item_codes p ON p.dim = 'product' AND p.code = i.product LEFT JOIN item_codes c ON c.dim = 'category' AND c.code = i.category
      LEFT JOIN item_codes s ON s.dim = 'status' AND s.code = i.status`);
  const orders = await byCid(`SELECT cid, (ordered_at::DATE - DATE '1970-01-01')::INTEGER AS day, purchase::INTEGER AS purchase, amount, refund FROM customer_orders`);
  const base = await db.rows(`SELECT cid, country, city, channel, value_band, since_year, since_quarter, since_month, ltv, first_order_revenue,
      floor(epoch_ms(first_order_at) / 86400000)::INTEGER AS first_day, lifetime_paid_orders::DOUBLE AS paid,
      epoch_us(first_order_at)::DOUBLE AS first_us, epoch_us(last_order_at)::DOUBLE AS last_us FROM customer_base`);
  return base.map((b) => {
    const cid = Number(b.cid);
    return JSON.stringify([
      b.country, b.city, b.channel, b.value_band, b.since_year, b.since_quarter, b.since_month, b.ltv, b.first_order_revenue, b.first_day, b.paid, b.first_us, b.last_us,
      days(cid).map((d) => [d.day, d.next]),
      lines(cid).map((l) => JSON.stringify([l.day, l.bought, l.product, l.category, l.status])).sort(),
      orders(cid).map((o) => JSON.stringify([o.day, o.purchase, o.amount, o.refund])).sort(),
    ]);
  }).sort();
}

/** The arrays readArraysFromOrders builds (without the customers' ids). */
const arraysFromOrders = async (...args: Parameters<typeof readArraysFromOrders>) => (await readArraysFromOrders(...args))?.arrays ?? null;

describe('the panels’ arrays from the orders alone', () => {
  it('hold every customer as the customer base does: latest and first values, ties on the same day by order id, refunds and free orders, lines of dropped copies left out', async () => {
    const db = await NodeDatabase.open();
    await loadFiles(db, [FIRST_FILE, SECOND_FILE]);
    const fromOrders = await arraysFromOrders((sql, params) => db.query(sql, { params }));
    expect(fromOrders).not.toBeNull();
    expect(customersOf(fromOrders!)).toEqual(await customersOfBase(db));
    // The cases the fixture was written for, spelled out.
    const customers = customersOf(fromOrders!).map((t) => JSON.parse(t) as unknown[]);
    expect(customers.map((c) => c.slice(0, 3)).sort()).toEqual([['ES', 'Madrid', 'web'], ['FR', 'Lyon', 'web'], ['FR', 'Paris', 'web'], ['IE', 'Dublin', 'email'], ['US', 'Boston', 'store']]);
    expect(customers.find((c) => c[0] === 'IE')![8]).toBe(60);
    expect(customers.find((c) => c[1] === 'Lyon')![8]).toBe(0);
    expect(fromOrders!.itemValues.product).toEqual([null, 'Ghost', 'Kettle', 'Mug', 'Tea', 'Trial box']);
    expect(customers.some((c) => JSON.stringify(c).includes('Ghost'))).toBe(false);
    expect(fromOrders!.bounds).toEqual({ firstDay: 19_732, endDay: 19_815 });
    // Only the values some customer has, in DuckDB's order.
    expect(fromOrders!.attributes.since_month.values).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
    expect(fromOrders!.attributes.country.values).toEqual(['ES', 'FR', 'IE', 'US']);
    // Each cid's customer id (cid 0 is no one's): every customer's, once.
    const { ids } = (await readArraysFromOrders((sql, params) => db.query(sql, { params })))!;
    expect(ids.codeByCid[0]).toBe(-1);
    const idsByCid = Array.from(ids.codeByCid.subarray(1), (code) => ids.dictionary.text(code));
    expect(idsByCid.sort()).toEqual((await db.rows<{ id: string }>('SELECT customer_id AS id FROM customer_base ORDER BY 1')).map((r) => r.id));
    // Each one's latest order's row in the orders table (C02's: O04, after O03 on the same day by order id).
    const latest = Object.fromEntries(Array.from(ids.codeByCid.subarray(1), (code, k) => [ids.dictionary.text(code), ids.latestOrderRow[k + 1]]));
    const rows = await db.rows<{ id: string; latest: number; o: string }>('SELECT customer_id AS id, arg_max(rowid, (ordered_at, order_id))::INTEGER AS latest, arg_max(order_id, (ordered_at, order_id)) AS o FROM orders GROUP BY 1');
    expect(latest).toEqual(Object.fromEntries(rows.map((r) => [r.id, r.latest])));
    expect(rows.find((r) => r.id === 'C02')!.o).toBe('O04');
  });

  it('gives the same arrays with the orders’ part built elsewhere (posted to another worker and back, its customer ids ahead of it, its texts after), and falls back when that fails', async () => {
    const db = await NodeDatabase.open();
    await loadFiles(db, [FIRST_FILE, SECOND_FILE]);
    const queried: string[] = [];
    const read = (sql: string, params?: unknown[]) => (queried.push(sql), db.query(sql, { params }));
    const here = await readArraysFromOrders(read);
    const idsOf = (r: Awaited<ReturnType<typeof readArraysFromOrders>>) => Array.from(r!.ids.codeByCid.subarray(1), (code) => r!.ids.dictionary.text(code));
    // As the page's workers do: the orders' numbers as IPC bytes, moved to the other worker, which
    // numbers the customers, copies their ids back (a message of their own), then waits for the
    // texts (moved there when read) and moves the part back.
    const elsewhere = (build: OrdersElsewhere['ordersPart'], failTexts = false): OrdersElsewhere => ({
      readBytes: async (sql) => {
        queried.push(sql);
        if (failTexts && sql === ORDERS_TEXTS_SQL) throw new Error('out of memory');
        return db.engine.query(sql);
      },
      ordersPart: build,
    });
    const moveIn = (ipc: Uint8Array[]) => {
      const bytes = structuredClone(ipc, { transfer: ipc.map((chunk) => chunk.buffer) });
      expect(ipc.every((chunk) => chunk.byteLength === 0)).toBe(true);
      return tableFromIPC(bytes);
    };
    // What is sent ahead goes by other ports than the part's: it may come after it (`late`).
    const ahead = <T,>(send: (value: T) => void, value: T, late: boolean) => {
      const copy = structuredClone(value);
      if (late) setTimeout(() => send(copy), 10);
      else send(copy);
    };
    const moved = (late: boolean, fail?: 'after ids' | 'after ranking') => elsewhere(async (numbers, texts, onIds, onRanked) => {
      const numbered = numberOrders(moveIn(numbers));
      if (!numbered) return null;
      ahead(onIds, { dictionary: numbered.ids.state(), customerOf: numbered.customerOf }, late);
      if (fail === 'after ids') throw new Error('the worker stopped');
      const part = finishOrdersPart(numbered, moveIn(await texts), (ranked) => ahead(onRanked, ranked, late));
      if (fail === 'after ranking') throw new Error('the worker stopped');
      return part && structuredClone(part, { transfer: buffersOf(part) });
    });
    for (const late of [false, true]) {
      queried.length = 0;
      const fromElsewhere = await readArraysFromOrders(read, moved(late));
      expect(customersOf(fromElsewhere!.arrays), `sent late: ${late}`).toEqual(customersOf(here!.arrays));
      expect(idsOf(fromElsewhere)).toEqual(idsOf(here));
      // The lines joined by the ranking sent ahead, and all time's item sets with them.
      const { arrays, allTime, allTimeItems } = fromElsewhere!;
      expect(allTimeItems).toEqual(rangeItems(arrays, periodsOf(null, arrays.bounds).current, allTime.rows.cid));
      expect(allTimeItems).toEqual(here!.allTimeItems);
      // The texts are asked for before the lines (the engine runs its queries in that order), while
      // the numbers are worked on. The second file's copy of O01 is a line of no order: the lines are read.
      expect(queried).toEqual([ORDERS_NUMBERS_SQL, ORDERS_TEXTS_SQL, ONE_LINE_PER_ORDER_SQL, LINES_READ_SQL]);
    }
    // A worker that fails, before or after sending the ids or the ranking: the part is built here; one that finds the data not covered: null.
    expect(customersOf((await arraysFromOrders(read, elsewhere(() => Promise.reject(new Error('no worker')))))!)).toEqual(customersOf(here!.arrays));
    for (const fail of ['after ids', 'after ranking'] as const) {
      const fromHere = await readArraysFromOrders(read, moved(false, fail));
      expect(customersOf(fromHere!.arrays), fail).toEqual(customersOf(here!.arrays));
      expect(fromHere!.allTimeItems).toEqual(here!.allTimeItems);
    }
    expect(await arraysFromOrders(read, elsewhere(async () => null))).toBeNull();
    // The texts' read failing there fails the part (built here, where reading them fails again).
    const readFailing = (sql: string, params?: unknown[]) => (sql === ORDERS_TEXTS_SQL ? Promise.reject(new Error('out of memory')) : read(sql, params));
    await expect(readArraysFromOrders(readFailing, elsewhere((numbers, texts) => texts.then(() => null), true))).rejects.toThrow('out of memory');
  });

  it('read the lines as the orders’ rows when every order has one line, the lines themselves when an order has two, and hold the same customers either way', async () => {
    // The first file alone: one line per order (refund-only R01, free O06, O03 and O04 on one day).
    const oneLine = await NodeDatabase.open();
    await loadFiles(oneLine, [FIRST_FILE]);
    const queried: string[] = [];
    const read = (db: NodeDatabase) => (sql: string, params?: unknown[]) => (queried.push(sql), db.query(sql, { params }));
    const fromOrders = await readArraysFromOrders(read(oneLine));
    expect(queried).toEqual([ONE_LINE_PER_ORDER_SQL, ORDERS_AS_LINES_READ_SQL, ORDERS_NUMBERS_SQL, ORDERS_TEXTS_SQL]);
    expect(customersOf(fromOrders!.arrays)).toEqual(await customersOfBase(oneLine));
    const { arrays, allTime, allTimeItems } = fromOrders!;
    expect(allTimeItems).toEqual(rangeItems(arrays, periodsOf(null, arrays.bounds).current, allTime.rows.cid));
    // R01 is C03's only line not bought (a refund): C03's products are Tea alone; statuses both.
    const c03 = customersOf(arrays).map((t) => JSON.parse(t) as unknown[]).find((c) => c[0] === 'IE')!;
    expect((c03[14] as string[]).map((l) => JSON.parse(l) as unknown[]).map((l) => [l[1], l[2], l[4]])).toEqual([[0, 'Mug', 'refunded'], [1, 'Tea', 'paid']]);
    // Through the other worker, as in the page: each order's code comes (a copy) with the ids.
    queried.length = 0;
    const viaWorker = await readArraysFromOrders(read(oneLine), {
      readBytes: (sql) => (queried.push(sql), oneLine.engine.query(sql)),
      ordersPart: async (numbers, texts, onIds, onRanked) => {
        const numbered = numberOrders(tableFromIPC(numbers))!;
        onIds(structuredClone({ dictionary: numbered.ids.state(), customerOf: numbered.customerOf }));
        const part = finishOrdersPart(numbered, tableFromIPC(await texts), (ranked) => onRanked(structuredClone(ranked)));
        return part && structuredClone(part);
      },
    });
    expect(queried).toEqual([ORDERS_NUMBERS_SQL, ORDERS_TEXTS_SQL, ONE_LINE_PER_ORDER_SQL, ORDERS_AS_LINES_READ_SQL]);
    expect(customersOf(viaWorker!.arrays)).toEqual(customersOf(arrays));
    expect(viaWorker!.allTimeItems).toEqual(allTimeItems);
    // O07 with a second line: the lines are read, and the second line's product is C04's too.
    const twoLines = await NodeDatabase.open();
    await loadFiles(twoLines, [[FIRST_FILE, 'O07,C04,dan@example.com,Dan,2024-03-02,12,1,Mug,Kitchen,FR,Lyon,web,paid'].join('\n')]);
    queried.length = 0;
    const fromLines = await readArraysFromOrders(read(twoLines));
    expect(queried).toEqual([ONE_LINE_PER_ORDER_SQL, LINES_READ_SQL, ORDERS_NUMBERS_SQL, ORDERS_TEXTS_SQL]);
    expect(customersOf(fromLines!.arrays)).toEqual(await customersOfBase(twoLines));
    expect(customersOf(fromLines!.arrays).find((t) => t.includes('Lyon'))).toContain('Mug');
  });

  it('make each order’s kind of its amount and refund as the orders table’s CASE does, NaN included', async () => {
    const db = await NodeDatabase.open();
    await loadFiles(db, [FIRST_FILE, SECOND_FILE]);
    const KINDS = ['sale', 'free', 'refund'];
    // The fixture's orders: sales, a refund-only order (R01) and a free one (O06).
    const orders = await db.rows<{ amount: number; refund: number; kind: string }>('SELECT amount, refund, kind FROM orders');
    expect(orders.map((o) => KINDS[kindOf(o.amount, o.refund)])).toEqual(orders.map((o) => o.kind));
    expect(new Set(orders.map((o) => o.kind))).toEqual(new Set(KINDS));
    // DuckDB orders NaN above every number: a NaN amount is a sale, a NaN refund (nothing paid) a refund.
    const pairs = [[10, 0], [0, 5], [0, 0], [NaN, 0], [0, NaN], [NaN, NaN], [-1, 0], [0, -1], [Infinity, 0], [0, -Infinity]];
    const values = pairs.map(([a, r]) => `(${[a, r].map((v) => `'${v}'::DOUBLE`).join(', ')})`).join(', ');
    const duckdb = await db.rows<{ kind: string }>(`SELECT ${orderKindSql('a', 'r')} AS kind FROM (VALUES ${values}) t(a, r)`);
    expect(pairs.map(([a, r]) => KINDS[kindOf(a!, r!)])).toEqual(duckdb.map((row) => row.kind));
    expect(duckdb.map((row) => row.kind)).toEqual(['sale', 'refund', 'free', 'sale', 'refund', 'sale', 'free', 'free', 'sale', 'free']);
  });

  it('hold all time’s rows, summed with the purchase days, as rangeScope walks them: every customer, with refunds, free and refund-only orders', async () => {
    const db = await NodeDatabase.open();
    await loadFiles(db, [FIRST_FILE, SECOND_FILE]);
    const { arrays, allTime } = (await readArraysFromOrders((sql, params) => db.query(sql, { params })))!;
    const walked = rangeScope(arrays, periodsOf(null, arrays.bounds).current);
    expect(allTime).toEqual(walked);
    // Every customer has a row; the fixture's are one-time (kind 2) and repeat (kind 3) customers,
    // refunds among them (refund-only customers, kind 0, are the next test's).
    expect(allTime.rows.n).toBe(arrays.customers.ltv.length - 1);
    expect(new Set(allTime.rows.kind).size).toBeGreaterThan(1);
    expect([...new Set(allTime.rows.kind)].sort()).toEqual([2, 3]);
    expect(allTime.rows.refunds.some((r) => r > 0)).toBe(true);
  });

  it('holds customers who never purchased (refunds only) as the customer base does, when no one did', async () => {
    const db = await NodeDatabase.open();
    await loadFiles(db, [[HEADER, 'R01,C01,a@example.com,A,2024-02-01,-20,-1,Mug,Kitchen,IE,Cork,web,refunded', 'R02,C02,b@example.com,B,2024-02-03,-5,-1,Tea,Food,FR,,app,refunded'].join('\n')]);
    const fromOrders = await readArraysFromOrders((sql, params) => db.query(sql, { params }));
    expect(customersOf(fromOrders!.arrays)).toEqual(await customersOfBase(db));
    expect(fromOrders!.arrays.attributes.since_year.values).toEqual([null]);
    expect(fromOrders!.allTime).toEqual(rangeScope(fromOrders!.arrays, periodsOf(null, fromOrders!.arrays.bounds).current));
    expect(Array.from(fromOrders!.allTime.rows.purchased)).toEqual([0, 0]);
  });

  it('hold first purchases a thousand years apart as the customer base does, and leave a year before 1000 to the SQL path', async () => {
    const db = await NodeDatabase.open();
    // Years 1000 and 2024: days ~370,000 apart, each one's month worked out once (sinceAttributes).
    await loadFiles(db, [[HEADER, 'O01,C01,a@example.com,A,1000-01-01,20,1,Mug,Kitchen,IE,Cork,web,paid', 'O02,C02,b@example.com,B,2024-02-03,5,1,Tea,Food,FR,Paris,app,paid'].join('\n')]);
    const fromOrders = await arraysFromOrders((sql, params) => db.query(sql, { params }));
    expect(customersOf(fromOrders!)).toEqual(await customersOfBase(db));
    expect(fromOrders!.attributes.since_year.values).toEqual(['1000', '2024']);
    // strftime pads a year below 1000, which the arrays do not match: they answer null, and the SQL path is taken.
    const before1000 = await NodeDatabase.open();
    await loadFiles(before1000, [[HEADER, 'O01,C01,a@example.com,A,0999-12-31,20,1,Mug,Kitchen,IE,Cork,web,paid'].join('\n')]);
    expect(await arraysFromOrders((sql, params) => before1000.query(sql, { params }))).toBeNull();
  });

  it('answers null without orders', async () => {
    const db = await NodeDatabase.open();
    await loadFiles(db, [HEADER]);
    expect(await arraysFromOrders((sql, params) => db.query(sql, { params }))).toBeNull();
  });
});

describe('the made-up orders the other worker warms up on', () => {
  it('are shaped as the orders read from DuckDB (columns, Arrow types, batches), so the warm-up runs the code the real data run', async () => {
    const db = await NodeDatabase.open();
    await loadFiles(db, [FIRST_FILE, SECOND_FILE]);
    const shape = (t: Table) => t.schema.fields.map((f) => `${f.name}: ${String(f.type)}`);
    const madeUp = madeUpOrders(2_000);
    expect(shape(madeUp.numbers)).toEqual(shape(await db.query(ORDERS_NUMBERS_SQL)));
    expect(shape(madeUp.texts)).toEqual(shape(await db.query(ORDERS_TEXTS_SQL)));
    // DuckDB's batches hold 2,048 rows.
    for (const table of [madeUp.numbers, madeUp.texts]) expect(table.batches.map((b) => b.numRows).slice(0, 2)).toEqual([2_048, 2_048]);
  });

  it('meet every branch of the orders’ part, which builds its arrays from them each round, letting other work in between', async () => {
    const { numbers, texts } = madeUpOrders(2_000);
    const column = <T,>(name: string) => numbers.getChild(name)!.toArray() as unknown as T[];
    const [customer, at, amount, refund] = [column<string>('customer_id'), column<number>('at'), column<number>('amount'), column<number>('refund')];
    const kind = amount.map((a, r) => kindOf(a, refund[r]!));
    const instants = new Set<string>();
    let sameInstant = 0;
    for (let r = 0; r < numbers.numRows; r++) {
      const key = `${customer[r]} ${at[r]}`;
      if (instants.has(key)) sameInstant++;
      instants.add(key);
    }
    expect(sameInstant).toBeGreaterThan(0);
    expect([...new Set(kind)].sort()).toEqual([0, 1, 2]);
    for (const place of ['country', 'city', 'channel']) expect(texts.getChild(place)!.nullCount).toBeGreaterThan(0);
    expect(new Set(amount).size).toBeLessThan(amount.length / 4);
    const part = ordersPart(numbers, texts, () => {});
    expect(part!.cidOf.length).toBe(2_000);
    // Work posted meanwhile (a data set's part) runs before the warm-up ends.
    const order: string[] = [];
    const warmUp = warmUpOrdersPart().then((built) => (order.push('warm-up'), built));
    setTimeout(() => order.push('other work'), 0);
    expect(await warmUp).toBe(true);
    expect(order).toEqual(['other work', 'warm-up']);
  });
});

describe('the made-up batches the workers warm Arrow’s reader on', () => {
  it('hold every Arrow type of the big reads (the orders’ two and the lines’), in batches of DuckDB’s size', async () => {
    const db = await NodeDatabase.open();
    await loadFiles(db, [FIRST_FILE, SECOND_FILE]);
    const types = (t: Table) => t.schema.fields.map((f) => String(f.type));
    const real = new Set<string>();
    for (const sql of [ORDERS_NUMBERS_SQL, ORDERS_TEXTS_SQL, LINES_READ_SQL]) for (const type of types(await db.query(sql))) real.add(type);
    const madeUp = tableFromIPC([madeUpIpc()]);
    expect(new Set(types(madeUp))).toEqual(real);
    expect(madeUp.batches.map((b) => b.numRows).slice(0, 2)).toEqual([2_048, 2_048]);
    expect(await warmUpArrowReads(3)).toBe(3 * madeUp.numRows);
  });
});

describe('ByteDictionary', () => {
  it('orders values as DuckDB orders VARCHARs (by UTF-8 bytes, not UTF-16 code units), numbered in the order first met', async () => {
    const values = ['b', 'B', 'a', '', 'ab', 'é', 'e', '\uFF5E', '\u{1F600}', 'a b', 'Z'];
    const bytes = values.map((v) => new TextEncoder().encode(v));
    const dictionary = new ByteDictionary();
    for (let round = 0; round < 2; round++) for (const [i, b] of bytes.entries()) expect(dictionary.code(b, 0, b.length, true)).toBe(i);
    expect(dictionary.code(new TextEncoder().encode('zz'), 0, 2, false)).toBe(-1);
    expect(dictionary.size).toBe(values.length);
    const rank = dictionary.ranks();
    const ours = values.slice().sort((x, y) => rank[values.indexOf(x)]! - rank[values.indexOf(y)]!);
    const db = await NodeDatabase.open();
    const duckdb = (await db.rows<{ v: string }>(`SELECT v FROM (VALUES ${values.map((_, i) => `($${i + 1})`).join(', ')}) t(v) ORDER BY v`, values)).map((r) => r.v);
    expect(ours).toEqual(duckdb);
    // UTF-16 order differs here: the emoji's surrogate comes before U+FF5E, its UTF-8 bytes after.
    expect(values.slice().sort()).not.toEqual(duckdb);
    expect(dictionary.text(values.indexOf('é'))).toBe('é');
  });

  it('keeps every value through many rehashes, and made for more or fewer values than come', () => {
    const encoder = new TextEncoder();
    // Made small (rehashed many times), for a fiftieth of them, and for twice as many (never rehashed).
    for (const expected of [undefined, 1_000, 100_000]) {
      const dictionary = new ByteDictionary(expected);
      for (let i = 0; i < 50_000; i++) {
        const b = encoder.encode(`customer-${i}`);
        expect(dictionary.code(b, 0, b.length, true)).toBe(i);
      }
      for (let i = 0; i < 50_000; i += 997) {
        expect(dictionary.text(i)).toBe(`customer-${i}`);
        const b = encoder.encode(`customer-${i}`);
        expect(dictionary.code(b, 0, b.length, false)).toBe(i);
      }
      expect(dictionary.code(encoder.encode('customer-50000'), 0, 14, false)).toBe(-1);
      expect(dictionary.size).toBe(50_000);
    }
  });
});

describe('rankCustomers', () => {
  it('ranks by revenue descending, and by customer id (bytes) within a tie that a band’s cut falls into', () => {
    // Revenues 10, 10, 10 met as b, c, a: total 30; running totals before each 0, 10, 20. top_50: before
    // < 15 (the first two), next_30: before < 24 (the third). By id, a and b are the top 50%, c the next 30%.
    const ids = new ByteDictionary();
    for (const id of ['b', 'c', 'a']) ids.code(new TextEncoder().encode(id), 0, 1, true);
    const { order, band } = rankCustomers(Float64Array.of(10, 10, 10), ids);
    expect(Array.from(order)).toEqual([2, 0, 1]);
    expect(Array.from(band, (b) => VALUE_BANDS[b])).toEqual(['top_50', 'next_30', 'top_50']);
  });

  it('cuts the bands where the running total crosses 50%, 80% and 95% of all revenue, no revenue apart', () => {
    // 50, 30, 15, 5, 0 (met in another order): before 0 → top_50; 50 → next_30; 80 → next_15; 95 → last_5; 0 → no_revenue.
    const ids = new ByteDictionary();
    for (const id of ['v', 'w', 'x', 'y', 'z']) ids.code(new TextEncoder().encode(id), 0, 1, true);
    const { order, band } = rankCustomers(Float64Array.of(15, 0, 50, 5, 30), ids);
    expect(Array.from(order)).toEqual([2, 4, 0, 3, 1]);
    expect(Array.from(band, (b) => VALUE_BANDS[b])).toEqual(['next_15', 'no_revenue', 'top_50', 'last_5', 'next_30']);
  });
});
