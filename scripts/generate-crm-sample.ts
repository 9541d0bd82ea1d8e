// Writes the sample CRM files that go with public/sample-orders.csv (same seed, same customers):
//   npx tsx scripts/generate-crm-sample.ts
//   → public/sample-customers.csv  one profile per customer (HubSpot-like headers), a few repeated rows and leads with no order
//   → public/sample-surveys.csv    NPS and CSAT answers over the three years, some anonymous, two scores out of range
//   → public/sample-tickets.csv    support tickets (Zendesk-like): email / chat / phone, escalations, several contacts, a few still open
//   → public/sample-spend.csv      marketing spend per month for every channel in the orders' `channel` column
// Everything is drawn from a seeded generator, so the files are the same on every run.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRandom, generateOrders, type SampleOrderRow } from '../src/sample/generate-orders';

// The sample orders' own settings (scripts/generate-sample.ts): the same customers, orders and dates.
const ORDERS_SEED = 42;
const SAMPLE_ORDERS = 17_500;
const CRM_SEED = 7;
const END = Date.parse('2025-01-01T00:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;

const out = (name: string) => fileURLToPath(new URL(`../public/${name}`, import.meta.url));
const random = createRandom(CRM_SEED);
const chance = (p: number) => random() < p;
const between = (lo: number, hi: number) => lo + random() * (hi - lo);
const integer = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
function weighted<T>(items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [value, weight] of items) if ((r -= weight) < 0) return value;
  return items[items.length - 1]![0];
}
const timestamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const time = (row: SampleOrderRow) => Date.parse(`${row.ordered_at.replace(' ', 'T')}Z`);
/** RFC 4180: quoted when it holds a comma, a quote or a line break. */
const cell = (value: string | number) => (/[",\n]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value));
const csv = (header: string[], rows: (string | number)[][]) => [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';

interface Customer {
  id: string;
  name: string;
  email: string;
  country: string;
  city: string;
  channel: string;
  orders: SampleOrderRow[];
}

const customers = new Map<string, Customer>();
for (const row of generateOrders({ seed: ORDERS_SEED, orders: SAMPLE_ORDERS })) {
  const customer = customers.get(row.customer_id) ?? {
    id: row.customer_id, name: row.customer_name, email: row.customer_email, country: row.country, city: row.city, channel: row.channel, orders: [],
  };
  customer.orders.push(row);
  customers.set(row.customer_id, customer);
}
const all = [...customers.values()];

// --- Customers -----------------------------------------------------------------------------------------------
const INTERESTS = ['espresso', 'filter coffee', 'tea', 'brewing gear', 'gifts', 'decaf', 'single origin'] as const;
const INDUSTRIES = ['Hospitality', 'Retail', 'Office services', 'Education', 'Software', 'Healthcare'] as const;
const profileRows: (string | number)[][] = [];
const businesses = new Set<string>();
for (const c of all) {
  const first = time(c.orders[0]!);
  const business = chance(0.18);
  if (business) businesses.add(c.id);
  const birth = chance(0.9) ? day(Date.UTC(integer(1950, 2004), integer(0, 11), integer(1, 28))) : '';
  const gender = weighted([['female', 46], ['male', 44], ['non-binary', 2], ['', 8]] as const);
  const interests = [...new Set(Array.from({ length: integer(0, 3) }, () => pick(INTERESTS)))].join('; ');
  profileRows.push([
    c.id, c.name, c.email, day(first - Math.floor(between(0, 21)) * DAY), c.country, c.city, birth, gender,
    business ? pick(['Business', 'B2B', 'company']) : pick(['Consumer', 'B2C', 'private']), business ? pick(INDUSTRIES) : '', c.channel, interests,
  ]);
}
// A CRM holds leads who never ordered, and exports repeat a contact now and then (the later row is the newer one).
for (let i = 1; i <= 40; i++) {
  profileRows.push([`L${String(i).padStart(4, '0')}`, `Lead ${i}`, `lead${i}@example.org`, day(END - integer(5, 700) * DAY), pick(['US', 'GB', 'DE']), '', '', '', 'Consumer', '', pick(['social', 'paid_search']), 'tea']);
}
for (const c of all.slice(100, 105)) {
  profileRows.push([c.id, c.name, c.email.toUpperCase(), day(time(c.orders[0]!)), c.country, `${c.city} (moved)`, '', '', 'Consumer', '', c.channel, 'espresso']);
}
writeFileSync(out('sample-customers.csv'), csv(
  ['Customer ID', 'Full Name', 'Email', 'Signup Date', 'Country', 'City', 'Birth Date', 'Gender', 'Company Type', 'Industry', 'Acquisition Channel', 'Interests'],
  profileRows,
));

// --- Support tickets -----------------------------------------------------------------------------------------
const escalatedCustomers = new Set<string>();
const ticketRows: (string | number)[][] = [];
let ticket = 1000;
for (const c of all) {
  const first = time(c.orders[0]!);
  c.orders.forEach((order, n) => {
    if (!chance(order.status === 'refunded' ? 0.6 : 0.06)) return;
    const opened = time(order) + between(0.5, 10) * DAY;
    if (opened >= END) return;
    const channel = weighted([['email', 45], ['chat', 35], ['phone', 20]] as const);
    const contacts = weighted([[1, 62], [2, 20], [3, 10], [4, 5], [5, 2], [6, 1]] as const);
    const escalated = chance(contacts >= 3 ? 0.45 : 0.06);
    if (escalated) escalatedCustomers.add(c.id);
    const hours = (channel === 'chat' ? between(0.1, 3) : channel === 'phone' ? between(0.2, 8) : between(2, 48)) * contacts * (escalated ? 3 : 1);
    const closed = opened + hours * HOUR;
    const stage = opened - first < 30 * DAY ? 'new' : n >= 2 ? 'repeat' : 'one-time';
    ticketRows.push([
      `T${++ticket}`, c.id, timestamp(opened), closed < END - 2 * DAY || chance(0.2) ? timestamp(Math.min(closed, END - 60_000)) : '',
      pick([channel, channel, channel[0]!.toUpperCase() + channel.slice(1)]), escalated ? 'Yes' : 'No', contacts, stage, order.product,
    ]);
  });
}
ticketRows.sort((a, b) => String(a[2]).localeCompare(String(b[2])));
writeFileSync(out('sample-tickets.csv'), csv(['Ticket ID', 'Customer ID', 'Created At', 'Solved At', 'Channel', 'Escalated', 'Contacts', 'Customer Stage', 'Product'], ticketRows));

// --- Survey answers ------------------------------------------------------------------------------------------
const COMMENTS = {
  low: ['Delivery took too long.', 'The grinder broke after a week.', 'Support never answered my email', 'Too expensive for what it is', 'Beans arrived stale, "roasted" months ago'],
  mid: ['Good coffee, slow shipping.', 'Fine, nothing special', 'Packaging could be better', 'OK but pricey'],
  high: ['Love the House Blend!', 'Great service, fast delivery.', 'Best tea I have had', 'Always fresh, thank you', 'Recommended you to my office, they love it'],
} as const;
const comment = (score: number, top: number) => (chance(0.35) ? pick(score / top < 0.65 ? COMMENTS.low : score / top < 0.85 ? COMMENTS.mid : COMMENTS.high) : '');
const surveyRows: (string | number)[][] = [];
let response = 0;
const answer = (customer: string, at: number, type: 'NPS' | 'CSAT', score: number, top: number) =>
  surveyRows.push([`R${String(++response).padStart(5, '0')}`, customer, timestamp(at), type, score, comment(score, top)]);

for (const c of all) {
  const unhappy = escalatedCustomers.has(c.id);
  const loyal = Math.min(c.orders.length - 1, 4);
  // NPS: once, one to three months after the first order; loyal customers promote, escalated ones detract.
  const npsAt = time(c.orders[0]!) + between(30, 90) * DAY;
  if (npsAt < END && chance(0.35)) {
    const promoter = Math.max(0.05, 0.32 + 0.09 * loyal - (unhappy ? 0.25 : 0));
    const detractor = Math.max(0.05, 0.28 - 0.04 * loyal + (unhappy ? 0.25 : 0));
    const group = weighted([['promoter', promoter], ['passive', 1 - promoter - detractor], ['detractor', detractor]] as const);
    const score = group === 'promoter' ? integer(9, 10) : group === 'passive' ? integer(7, 8) : weighted([[0, 1], [1, 1], [2, 2], [3, 3], [4, 4], [5, 6], [6, 8]] as const);
    answer(c.id, npsAt, 'NPS', score, 10);
  }
  // CSAT: after some orders, a few days later; a refunded order is rated low.
  for (const order of c.orders) {
    const at = time(order) + between(2, 6) * DAY;
    if (at >= END || !chance(0.14)) continue;
    const score = order.status === 'refunded'
      ? weighted([[1, 5], [2, 4], [3, 2], [4, 1]] as const)
      : weighted([[1, 4], [2, 5], [3, 12], [4, 32], [5, unhappy ? 20 : 47]] as const);
    answer(c.id, at, 'CSAT', score, 5);
  }
}
// Anonymous answers (a public survey link) and two typing slips, as real exports have.
for (let i = 0; i < 60; i++) answer('', Date.parse('2022-03-01T00:00:00Z') + between(0, 1000) * DAY, i % 2 ? 'NPS' : 'CSAT', i % 2 ? integer(4, 10) : integer(2, 5), i % 2 ? 10 : 5);
surveyRows.push(['R99998', all[10]!.id, '2023-05-02 10:00:00', 'NPS', 11, 'typo'], ['R99999', all[11]!.id, '2023-06-02 10:00:00', 'CSAT', 0, '']);
surveyRows.sort((a, b) => String(a[2]).localeCompare(String(b[2])));
writeFileSync(out('sample-surveys.csv'), csv(['Response ID', 'Customer ID', 'Submitted At', 'Question Type', 'Score', 'Comment'], surveyRows));

// --- Marketing spend -----------------------------------------------------------------------------------------
// Roughly what each new customer costs per channel (USD), so LTV:CAC differs between channels.
const CAC = { organic: 6, paid_search: 38, social: 29, email: 9, referral: 16 } as Record<string, number>;
const acquired = new Map<string, number>();
for (const c of all) {
  const key = `${c.orders[0]!.ordered_at.slice(0, 7)}|${c.channel}`;
  acquired.set(key, (acquired.get(key) ?? 0) + 1);
}
const spendRows: (string | number)[][] = [];
for (let m = Date.parse('2022-01-01T00:00:00Z'); m < END; m = Date.UTC(new Date(m).getUTCFullYear(), new Date(m).getUTCMonth() + 1, 1)) {
  const month = day(m).slice(0, 7);
  for (const channel of Object.keys(CAC)) {
    const amount = (acquired.get(`${month}|${channel}`) ?? 0) * CAC[channel]! * between(0.8, 1.2) + between(50, 150);
    spendRows.push([month, channel, amount.toFixed(2)]);
  }
}
writeFileSync(out('sample-spend.csv'), csv(['Month', 'Channel', 'Spend'], spendRows));

console.log(`customers ${profileRows.length}, tickets ${ticketRows.length}, survey answers ${surveyRows.length}, spend rows ${spendRows.length}`);
