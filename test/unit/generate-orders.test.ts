import { describe, expect, it } from 'vitest';
import { SAMPLE_COLUMNS, generateOrders, toCsvLine, type SampleColumn, type SampleOrderRow } from '../../src/sample/generate-orders';

const ORDERS = 20_000;
const rows = [...generateOrders({ seed: 42, orders: ORDERS })];

interface CustomerSummary {
  orders: number;
  first: string;
  last: string;
  identities: Set<string>;
}

const customers = new Map<string, CustomerSummary>();
for (const row of rows) {
  const summary = customers.get(row.customer_id) ?? { orders: 0, first: row.ordered_at, last: row.ordered_at, identities: new Set() };
  summary.orders += 1;
  summary.last = row.ordered_at;
  summary.identities.add([row.customer_name, row.customer_email, row.country, row.city, row.currency, row.channel].join('|'));
  customers.set(row.customer_id, summary);
}

const share = (predicate: (row: SampleOrderRow) => boolean) => rows.filter(predicate).length / rows.length;

describe('generateOrders', () => {
  it('has the header the app and the docs name', () => {
    expect(SAMPLE_COLUMNS.join(',')).toBe(
      'order_id,customer_id,customer_name,customer_email,ordered_at,product,category,quantity,amount,currency,country,city,channel,status,refund_amount',
    );
    expect(Object.keys(rows[0]!)).toEqual([...SAMPLE_COLUMNS]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const csv = (seed: number) => Array.from(generateOrders({ seed, orders: 2_000 }), toCsvLine).join('\n');
    expect(csv(7)).toBe(csv(7));
    expect(csv(8)).not.toBe(csv(7));
    // The first 2,000 of a 20,000 run are not the same stream as a 2,000 run (pacing depends on the total), so
    // only whole runs are compared.
    expect(rows.map(toCsvLine).join('\n')).toBe(Array.from(generateOrders({ seed: 42, orders: ORDERS }), toCsvLine).join('\n'));
  });

  it('emits exactly the requested number of orders, including tiny ones', () => {
    expect(rows).toHaveLength(ORDERS);
    for (const orders of [0, 1, 7, 333]) expect([...generateOrders({ seed: 1, orders })]).toHaveLength(orders);
  });

  it('numbers orders sequentially and customers with fixed-width ids', () => {
    expect(rows.slice(0, 3).map((row) => row.order_id)).toEqual(['O000001', 'O000002', 'O000003']);
    expect(rows.at(-1)!.order_id).toBe('O020000');
    expect(customers.has('C00001')).toBe(true);
    expect([...customers.keys()].filter((id) => !/^C\d{5}$/.test(id))).toEqual([]);
  });

  it('orders ordered_at ascending inside [start, start + years)', () => {
    expect(rows.filter((row) => !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(row.ordered_at))).toEqual([]);
    expect(rows.filter((row, i) => i > 0 && rows[i - 1]!.ordered_at > row.ordered_at)).toEqual([]);
    expect(rows[0]!.ordered_at >= '2022-01-01 00:00:00').toBe(true);
    expect(rows.at(-1)!.ordered_at < '2025-01-01 00:00:00').toBe(true);
    // The data should fill the period, not stop early: the last order is in the final week.
    expect(rows.at(-1)!.ordered_at >= '2024-12-25').toBe(true);

    const custom = [...generateOrders({ seed: 3, orders: 1_000, start: '2023-06-15', years: 1 })];
    expect(custom[0]!.ordered_at >= '2023-06-15 00:00:00').toBe(true);
    expect(custom.at(-1)!.ordered_at < '2024-06-15 00:00:00').toBe(true);
  });

  it('has mostly one-time buyers and a heavy tail of repeat buyers', () => {
    const counts = [...customers.values()].map((customer) => customer.orders);
    const oneTime = counts.filter((count) => count === 1).length / counts.length;
    expect(oneTime).toBeGreaterThanOrEqual(0.5);
    expect(oneTime).toBeLessThanOrEqual(0.7);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(10);
  });

  it('lets repeat buyers drop out: most early repeat buyers have not ordered in the last six months', () => {
    const early = [...customers.values()].filter((customer) => customer.orders > 1 && customer.first < '2023-01-01');
    const lapsed = early.filter((customer) => customer.last < '2024-07-01');
    expect(early.length).toBeGreaterThan(500);
    expect(lapsed.length / early.length).toBeGreaterThan(0.7);
  });

  it('acquires customers throughout, growing, with a year-end peak', () => {
    const newByMonth = new Map<string, number>();
    for (const customer of customers.values()) {
      const month = customer.first.slice(0, 7);
      newByMonth.set(month, (newByMonth.get(month) ?? 0) + 1);
    }
    expect(newByMonth.size).toBe(36);
    const year = (y: string) => [...newByMonth].filter(([month]) => month.startsWith(y)).reduce((sum, [, n]) => sum + n, 0);
    expect(year('2024')).toBeGreaterThan(1.5 * year('2022'));
    // December 2023 against that year's monthly average.
    expect(newByMonth.get('2023-12')!).toBeGreaterThan(1.2 * (year('2023') / 12));
  });

  it('mixes statuses: a few free trials, refunds and cancellations, the rest paid', () => {
    const trial = share((row) => row.status === 'trial');
    const refunded = share((row) => row.status === 'refunded');
    expect(trial).toBeGreaterThanOrEqual(0.01);
    expect(trial).toBeLessThanOrEqual(0.06);
    expect(refunded).toBeGreaterThanOrEqual(0.01);
    expect(refunded).toBeLessThanOrEqual(0.04);
    expect(share((row) => row.status === 'cancelled')).toBeGreaterThan(0);
    expect(share((row) => row.status === 'paid')).toBeGreaterThan(0.85);
    expect(rows.filter((row) => row.status === 'trial' && row.amount !== 0)).toEqual([]);
  });

  it('refunds the whole amount on refunded orders and nothing elsewhere', () => {
    const refunded = rows.filter((row) => row.status === 'refunded');
    expect(refunded.length).toBeGreaterThan(0);
    expect(refunded.filter((row) => !(row.amount > 0 && row.refund_amount === row.amount))).toEqual([]);
    expect(rows.filter((row) => row.status !== 'refunded' && row.refund_amount !== 0)).toEqual([]);
  });

  it('keeps amounts to cents, mostly between 10 and 150', () => {
    const paid = rows.filter((row) => row.status !== 'trial').map((row) => row.amount);
    expect(paid.filter((amount) => Math.round(amount * 100) / 100 !== amount)).toEqual([]);
    const sorted = [...paid].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(median).toBeGreaterThan(20);
    expect(median).toBeLessThan(80);
    expect(paid.filter((amount) => amount >= 10 && amount <= 150).length / paid.length).toBeGreaterThan(0.8);
  });

  it("keeps each customer's name, e-mail, country, city, currency and channel fixed", () => {
    expect([...customers].filter(([, customer]) => customer.identities.size !== 1)).toEqual([]);
  });

  it('gives every customer a unique lowercase ASCII e-mail derived from the name', () => {
    const emails = new Map<string, string>();
    for (const row of rows) emails.set(row.customer_id, row.customer_email);
    expect(new Set(emails.values()).size).toBe(emails.size);
    expect([...emails.values()].filter((email) => !/^[a-z0-9.]+@[a-z.]+$/.test(email))).toEqual([]);
    const jose = rows.find((row) => row.customer_name === 'José Álvarez');
    expect(jose?.customer_email).toMatch(/^jose\.alvarez\d*@/);
  });

  it('uses several countries, currencies, categories and every channel', () => {
    const distinct = (column: keyof SampleOrderRow) => new Set(rows.map((row) => row[column])).size;
    expect(distinct('country')).toBeGreaterThanOrEqual(6);
    expect(distinct('currency')).toBe(5);
    expect(distinct('product')).toBeGreaterThanOrEqual(10);
    expect(distinct('category')).toBeGreaterThanOrEqual(3);
    expect(new Set(rows.map((row) => row.channel))).toEqual(new Set(['organic', 'paid_search', 'social', 'email', 'referral']));
    expect(rows.some((row) => /[À-ÿ]/.test(row.customer_name))).toBe(true);
  });

  it('rejects options it cannot honour', () => {
    expect(() => [...generateOrders({ seed: 1, orders: -1 })]).toThrow(RangeError);
    expect(() => [...generateOrders({ seed: 1, orders: 1.5 })]).toThrow(RangeError);
    expect(() => [...generateOrders({ seed: 1, orders: 10, start: 'soon' })]).toThrow(RangeError);
    expect(() => [...generateOrders({ seed: 1, orders: 10, years: 0 })]).toThrow(RangeError);
  });
});

describe('toCsvLine', () => {
  const row: SampleOrderRow = {
    order_id: 'O000001',
    customer_id: 'C00001',
    customer_name: 'Carter, "Bill" Jr.',
    customer_email: 'carter.bill.jr@example.com',
    ordered_at: '2022-01-02 03:04:05',
    product: 'Mug, Stoneware',
    category: 'Gifts',
    quantity: 2,
    amount: 44.5,
    currency: 'USD',
    country: 'US',
    city: 'New York',
    channel: 'email',
    status: 'refunded',
    refund_amount: 44.5,
  };

  it('quotes fields with a comma or a quote and doubles the quotes (RFC 4180)', () => {
    expect(toCsvLine(row)).toBe(
      'O000001,C00001,"Carter, ""Bill"" Jr.",carter.bill.jr@example.com,2022-01-02 03:04:05,"Mug, Stoneware",Gifts,2,44.50,USD,US,New York,email,refunded,44.50',
    );
  });

  it('quotes a field with a line break', () => {
    expect(toCsvLine({ ...row, customer_name: 'Line\nBreak', product: 'Plain' })).toContain(',"Line\nBreak",');
  });

  it('writes money with two decimals', () => {
    expect(toCsvLine({ ...row, amount: 0, refund_amount: 0, status: 'trial' })).toMatch(/,0\.00,USD,.*,trial,0\.00$/);
  });

  it('quotes the generated names that need it, so every line has exactly 15 fields', () => {
    const needsQuotes = rows.filter((r) => /[",]/.test(r.customer_name));
    expect(needsQuotes.length).toBeGreaterThan(0);
    expect(needsQuotes.some((r) => r.customer_name.includes('"'))).toBe(true);
    expect(needsQuotes.some((r) => r.customer_name.includes(','))).toBe(true);
    const expected = (r: SampleOrderRow) => SAMPLE_COLUMNS.map((column) => csvValue(r, column)).join('\u0000');
    expect(rows.filter((r) => parseCsvLine(toCsvLine(r)).join('\u0000') !== expected(r))).toEqual([]);
  });
});

function csvValue(row: SampleOrderRow, column: SampleColumn): string {
  const value = row[column];
  return column === 'amount' || column === 'refund_amount' ? (value as number).toFixed(2) : String(value);
}

/** A minimal RFC 4180 reader for one record, to check the writer round-trips. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}
