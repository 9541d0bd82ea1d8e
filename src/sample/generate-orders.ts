// A seeded, streaming generator of realistic order-level exports: the app's sample file and the benchmark data.
// Customers follow the BG/NBD story (Poisson purchases while alive, a dropout chance after each purchase) with a
// persistent spend level (Gamma-Gamma), so the analyses that assume those models have something to find.

export const SAMPLE_COLUMNS = [
  'order_id',
  'customer_id',
  'customer_name',
  'customer_email',
  'ordered_at',
  'product',
  'category',
  'quantity',
  'amount',
  'currency',
  'country',
  'city',
  'channel',
  'status',
  'refund_amount',
] as const;

export type SampleColumn = (typeof SAMPLE_COLUMNS)[number];
export type OrderStatus = 'paid' | 'trial' | 'refunded' | 'cancelled';
export type Channel = 'organic' | 'paid_search' | 'social' | 'email' | 'referral';

export interface SampleOrderRow {
  order_id: string;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC without a zone. */
  ordered_at: string;
  product: string;
  category: string;
  quantity: number;
  /** In the customer's currency, rounded to cents; 0 for trials; the original amount for refunds. */
  amount: number;
  currency: string;
  country: string;
  city: string;
  channel: Channel;
  status: OrderStatus;
  /** Equals `amount` on refunded orders, 0 otherwise. */
  refund_amount: number;
}

export interface SampleOptions {
  seed: number;
  orders: number;
  /** ISO date; default '2022-01-01'. */
  start?: string;
  /** Whole calendar years; default 3. */
  years?: number;
}

const DAY_MS = 86_400_000;

// --- Randomness ---------------------------------------------------------------------------------------------

/** sfc32 seeded through splitmix32: small, fast, and good enough for simulation; returns floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  const splitmix = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;

function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function exponential(random: Random, rate: number): number {
  return -Math.log(1 - random()) / rate;
}

/** Marsaglia–Tsang; shape < 1 through the usual u^(1/shape) boost. */
function gamma(random: Random, shape: number, scale: number): number {
  if (shape < 1) return gamma(random, shape + 1, scale) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(random);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
  }
}

function beta(random: Random, a: number, b: number): number {
  const x = gamma(random, a, 1);
  return x / (x + gamma(random, b, 1));
}

function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  // Knowingly approximate above 30: a rounded normal is indistinguishable at daily-acquisition scale.
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count += 1;
    product *= random();
  }
  return count;
}

interface Picker<T> {
  pick(random: Random): T;
}

function weighted<T>(items: readonly (readonly [T, number])[]): Picker<T> {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  const thresholds: { value: T; below: number }[] = [];
  let running = 0;
  for (const [value, weight] of items) {
    running += weight / total;
    thresholds.push({ value, below: running });
  }
  return {
    pick(random) {
      const r = random();
      for (const item of thresholds) if (r < item.below) return item.value;
      return thresholds[thresholds.length - 1]!.value;
    },
  };
}

function pickOne<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

// --- The shop -----------------------------------------------------------------------------------------------

type NamePool = 'english' | 'german' | 'french' | 'dutch' | 'spanish';

interface Country {
  code: string;
  currency: string;
  /** Rough price level relative to USD list prices, so amounts read naturally in the local currency. */
  priceFactor: number;
  names: NamePool;
  cities: Picker<string>;
}

const COUNTRIES = weighted<Country>([
  [{ code: 'US', currency: 'USD', priceFactor: 1, names: 'english', cities: weighted([['New York', 4], ['Austin', 2], ['Seattle', 2], ['Chicago', 2]]) }, 38],
  [{ code: 'GB', currency: 'GBP', priceFactor: 0.8, names: 'english', cities: weighted([['London', 5], ['Manchester', 2], ['Edinburgh', 1]]) }, 14],
  [{ code: 'DE', currency: 'EUR', priceFactor: 0.92, names: 'german', cities: weighted([['Berlin', 3], ['Munich', 2], ['Köln', 1]]) }, 12],
  [{ code: 'FR', currency: 'EUR', priceFactor: 0.92, names: 'french', cities: weighted([['Paris', 4], ['Lyon', 2]]) }, 9],
  [{ code: 'NL', currency: 'EUR', priceFactor: 0.92, names: 'dutch', cities: weighted([['Amsterdam', 3], ['Utrecht', 1]]) }, 6],
  [{ code: 'ES', currency: 'EUR', priceFactor: 0.92, names: 'spanish', cities: weighted([['Madrid', 3], ['Barcelona', 2], ['Málaga', 1]]) }, 7],
  [{ code: 'CA', currency: 'CAD', priceFactor: 1.35, names: 'english', cities: weighted([['Toronto', 3], ['Vancouver', 2], ['Montréal', 1]]) }, 8],
  [{ code: 'AU', currency: 'AUD', priceFactor: 1.5, names: 'english', cities: weighted([['Sydney', 3], ['Melbourne', 2]]) }, 6],
]);

const NAMES: Record<NamePool, { first: readonly string[]; last: readonly string[] }> = {
  english: {
    first: ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'James', 'Sophia', 'Oliver', 'Mia', 'Lucas', 'Chloé', 'Ethan', 'Grace', 'Aiden', 'Zoë', 'Seán'],
    last: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', "O'Brien", 'Clarke', 'Walker', 'Wright', 'Nguyen', 'Patel', 'Ó Súilleabháin'],
  },
  german: {
    first: ['Lukas', 'Anna', 'Jonas', 'Lea', 'Felix', 'Zoë', 'Maximilian', 'Hannah', 'Jürgen', 'Sophie', 'Paul', 'Marie'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schäfer', 'Koch', 'Groß', 'Hoffmann'],
  },
  french: {
    first: ['François', 'Camille', 'Léa', 'Louis', 'Chloé', 'Hugo', 'Manon', 'Théo', 'Inès', 'Jules', 'Élodie', 'Gabriel'],
    last: ['Dupont', 'Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Laurent', 'Girard', 'Roux', 'Fournier', 'Bonnet', 'Mercier'],
  },
  dutch: {
    first: ['Daan', 'Emma', 'Sem', 'Julia', 'Bram', 'Sanne', 'Lars', 'Femke', 'Joëlle', 'Thijs'],
    last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder'],
  },
  spanish: {
    first: ['José', 'Lucía', 'Martín', 'María', 'Hugo', 'Sofía', 'Álvaro', 'Paula', 'Iñigo', 'Carmen', 'Raúl', 'Elena'],
    last: ['Álvarez', 'García', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Muñoz', 'Ruiz', 'Núñez', 'Díaz'],
  },
};

// Real exports carry names like these; they also exercise CSV quoting (a comma, a double quote) and e-mail slugs.
const UNUSUAL_NAMES = ['William Carter, Jr.', 'Alexandra "Sasha" Petrova', 'Kate "Kit" Morgan', "Renée O'Connor", 'Smith, Anna', 'Zoë Müller-Lüdenscheidt'] as const;

const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example'] as const;

interface Product {
  name: string;
  category: string;
  /** List price in USD. */
  price: number;
  /** Relative share of orders: beans and tea are bought again and again, a grinder once. */
  popularity: number;
}

const PRODUCTS: readonly Product[] = [
  { name: 'House Blend 250g', category: 'Coffee', price: 16, popularity: 10 },
  { name: 'Single Origin Ethiopia 250g', category: 'Coffee', price: 21, popularity: 6 },
  { name: 'Espresso Roast 1kg', category: 'Coffee', price: 44, popularity: 5 },
  { name: 'Earl Grey 100g', category: 'Tea', price: 14, popularity: 5 },
  { name: 'Sencha Green 100g', category: 'Tea', price: 18, popularity: 4 },
  { name: 'Chai Masala 200g', category: 'Tea', price: 16, popularity: 3 },
  { name: 'Pour-Over Kit', category: 'Equipment', price: 49, popularity: 2 },
  { name: 'Gooseneck Kettle', category: 'Equipment', price: 79, popularity: 1 },
  { name: 'Burr Grinder', category: 'Equipment', price: 129, popularity: 1 },
  { name: 'Mug, Stoneware', category: 'Gifts', price: 22, popularity: 2 },
  { name: 'Tasting Box', category: 'Gifts', price: 35, popularity: 3 },
];

const productPicker = (products: readonly Product[]) => weighted(products.map((product) => [product, product.popularity] as const));
const ANY_PRODUCT = productPicker(PRODUCTS);
const CATEGORIES = weighted(
  [...new Set(PRODUCTS.map((product) => product.category))].map((category) => {
    const products = PRODUCTS.filter((product) => product.category === category);
    const popularity = products.reduce((sum, product) => sum + product.popularity, 0);
    return [{ category, products: productPicker(products) }, popularity] as const;
  }),
);

/** Loyalty and value differ a little by how a customer arrived, so channel comparisons show something. */
const CHANNELS = weighted<{ name: Channel; dropout: number; rate: number }>([
  [{ name: 'organic', dropout: 1, rate: 1 }, 34],
  [{ name: 'paid_search', dropout: 1.2, rate: 0.9 }, 26],
  [{ name: 'social', dropout: 1.3, rate: 0.85 }, 15],
  [{ name: 'email', dropout: 0.85, rate: 1.15 }, 10],
  [{ name: 'referral', dropout: 0.7, rate: 1.2 }, 15],
]);

// --- Customers ----------------------------------------------------------------------------------------------

interface Behaviour {
  channel: Channel;
  /** Purchases per day while alive. */
  rate: number;
  /** Chance of dropping out after each purchase. */
  dropout: number;
}

function drawBehaviour(random: Random): Behaviour {
  const channel = CHANNELS.pick(random);
  return {
    channel: channel.name,
    // Gamma(0.8) purchase rates, one purchase every ~50 days on average, and Beta(1.3, 1.9) dropout: most buy
    // once or twice, a few loyal customers buy for years.
    rate: gamma(random, 0.8, 1 / 40) * channel.rate,
    dropout: Math.min(0.98, beta(random, 1.3, 1.9) * channel.dropout),
  };
}

/**
 * Expected orders from a customer sure to buy once more before the end, `days` ahead of it. After that purchase
 * they stay with chance 1 − dropout; a purchase every 1/rate days, each ending it with chance dropout, leaves
 * them alive for an Exp(rate × dropout) time.
 */
function expectedOrders({ rate, dropout }: Behaviour, days: number): number {
  return 1 + ((1 - dropout) * -Math.expm1(-rate * dropout * days)) / dropout;
}

interface Customer extends Behaviour {
  id: string;
  name: string;
  email: string;
  country: Country;
  city: string;
  currency: string;
  /** Mean order value multiplier, Gamma-distributed. */
  spend: number;
  /** Most orders come from one category the customer favours. */
  favourite: Picker<Product>;
  orders: number;
}

function slug(text: string): string {
  return text
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

function customerFactory(idWidth: number): (random: Random) => Customer {
  let count = 0;
  // Bounded by the number of distinct name and domain pairs, so memory stays flat however many customers.
  const emailsTaken = new Map<string, number>();
  return (random) => {
    count += 1;
    const country = COUNTRIES.pick(random);
    const pool = NAMES[country.names];
    const name = random() < 0.01 ? pickOne(random, UNUSUAL_NAMES) : `${pickOne(random, pool.first)} ${pickOne(random, pool.last)}`;
    const local = slug(name);
    const domain = pickOne(random, EMAIL_DOMAINS);
    const taken = (emailsTaken.get(`${local}@${domain}`) ?? 0) + 1;
    emailsTaken.set(`${local}@${domain}`, taken);
    // Mostly the local currency; some Canadians and Australians pay in USD.
    const currency = (country.code === 'CA' || country.code === 'AU') && random() < 0.1 ? 'USD' : country.currency;
    return {
      id: `C${String(count).padStart(idWidth, '0')}`,
      name,
      email: `${local}${taken === 1 ? '' : taken}@${domain}`,
      country,
      city: country.cities.pick(random),
      currency,
      ...drawBehaviour(random),
      spend: gamma(random, 8, 1.15 / 8),
      favourite: CATEGORIES.pick(random).products,
      orders: 0,
    };
  };
}

// --- Ordered events -----------------------------------------------------------------------------------------

interface Purchase {
  time: number;
  customer: Customer;
  /** Orders this purchase and the customer's later ones are expected to add, as of scheduling it. */
  expected: number;
}

/** A binary min-heap of upcoming purchases by time. */
class PurchaseQueue {
  readonly #items: Purchase[] = [];

  peek(): Purchase | undefined {
    return this.#items[0];
  }

  push(purchase: Purchase): void {
    const items = this.#items;
    let index = items.length;
    items.push(purchase);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]!.time <= purchase.time) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = purchase;
  }

  pop(): Purchase | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (last === undefined || items.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.time < items[left]!.time ? right : left;
      if (items[child]!.time >= last.time) break;
      items[index] = items[child]!;
      index = child;
    }
    items[index] = last;
    return top;
  }
}

const SEASON = [0.85, 0.9, 1, 1, 1, 0.95, 0.9, 0.95, 1, 1.05, 1.4, 1.6] as const;

/** Relative number of new customers on a day: steady growth with a November–December peak and a January lull. */
function acquisitionShape(time: number, start: number, end: number): number {
  const progress = (time - start) / (end - start);
  return (0.5 + 1.5 * progress) * SEASON[new Date(time).getUTCMonth()]!;
}

// Pacing acquisition needs the population's expected orders; a fixed sample keeps that independent of the seed.
const BEHAVIOUR_SAMPLE = sampleBehaviours(500, createRandom(1));

function sampleBehaviours(count: number, random: Random): Behaviour[] {
  return Array.from({ length: count }, () => drawBehaviour(random));
}

function formatTimestamp(time: number): string {
  const iso = new Date(time).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Exactly `options.orders` orders in ascending `ordered_at` over [start, start + years).
 *
 * New customers arrive each day in proportion to the acquisition shape, scaled so that the orders still needed
 * (the total, less those emitted and those the active customers are expected to place) are met by the expected
 * orders of the customers still to come. Re-scaling daily keeps the total on course without a calibration pass;
 * the last few orders are trimmed or topped up with late first-time buyers. Only active customers stay in memory.
 */
export function* generateOrders(options: SampleOptions): Generator<SampleOrderRow, void, undefined> {
  const { seed, orders: total, start: startDate = '2022-01-01', years = 3 } = options;
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`orders must be a whole number ≥ 0, got ${total}`);
  const start = Date.parse(`${startDate}T00:00:00Z`);
  if (Number.isNaN(start)) throw new RangeError(`start must be an ISO date (YYYY-MM-DD), got ${startDate}`);
  if (!Number.isInteger(years) || years < 1) throw new RangeError(`years must be a whole number ≥ 1, got ${years}`);
  const startAt = new Date(start);
  const end = Date.UTC(startAt.getUTCFullYear() + years, startAt.getUTCMonth(), startAt.getUTCDate());

  const days = Math.ceil((end - start) / DAY_MS);
  const acquisition: number[] = [];
  // outlook[day]: expected orders from the acquisition shape's customers arriving on that day or later.
  const outlook: number[] = new Array<number>(days + 1).fill(0);
  for (let day = 0; day < days; day += 1) {
    acquisition.push(acquisitionShape(start + (day + 0.5) * DAY_MS, start, end));
  }
  for (let day = days - 1; day >= 0; day -= 1) {
    const remaining = (end - start) / DAY_MS - day - 0.5;
    const perCustomer = BEHAVIOUR_SAMPLE.reduce((sum, behaviour) => sum + expectedOrders(behaviour, remaining), 0) / BEHAVIOUR_SAMPLE.length;
    outlook[day] = outlook[day + 1]! + acquisition[day]! * perCustomer;
  }

  const random = createRandom(seed);
  const createCustomer = customerFactory(Math.max(5, String(total).length));
  const orderIdWidth = Math.max(6, String(total).length);
  const queue = new PurchaseQueue();
  let emitted = 0;
  let pendingExpected = 0;
  let lastTime = start;

  const schedule = (time: number, customer: Customer) => {
    const expected = expectedOrders(customer, (end - time) / DAY_MS);
    queue.push({ time, customer, expected });
    pendingExpected += expected;
  };

  const arrive = (from: number, to: number) => {
    const customer = createCustomer(random);
    schedule(Math.floor(from + random() * (to - from)), customer);
  };

  const makeRow = (time: number, customer: Customer): SampleOrderRow => {
    const first = customer.orders === 0;
    customer.orders += 1;
    emitted += 1;
    const product = (random() < 0.7 ? customer.favourite : ANY_PRODUCT).pick(random);
    // Several bags of beans or tea per order are common; a second kettle is not.
    const quantity = product.price > 40 || random() < 0.5 ? 1 : random() < 0.65 ? 2 : 3 + Math.floor(random() * 3);
    const value = product.price * quantity * customer.spend * Math.exp(0.15 * normal(random)) * customer.country.priceFactor;
    const fx = customer.currency === customer.country.currency ? 1 : 1 / customer.country.priceFactor;
    let amount = Math.max(1, round2(value * fx));
    let status: OrderStatus = 'paid';
    const roll = random();
    // Trials are free first orders; refunds and cancellations can happen to any paid order.
    if (first && roll < 0.075) {
      status = 'trial';
      amount = 0;
    } else if (roll >= 0.98) status = 'refunded';
    else if (roll >= 0.973) status = 'cancelled';
    // A free trial or a refund makes leaving more likely.
    if (status === 'refunded' || status === 'trial') customer.dropout = Math.max(customer.dropout, 0.5);
    return {
      order_id: `O${String(emitted).padStart(orderIdWidth, '0')}`,
      customer_id: customer.id,
      customer_name: customer.name,
      customer_email: customer.email,
      ordered_at: formatTimestamp(time),
      product: product.name,
      category: product.category,
      quantity,
      amount,
      currency: customer.currency,
      country: customer.country.code,
      city: customer.city,
      channel: customer.channel,
      status,
      refund_amount: status === 'refunded' ? amount : 0,
    };
  };

  function* emitDue(until: number): Generator<SampleOrderRow, void, undefined> {
    for (let due = queue.peek(); due !== undefined && due.time < until && emitted < total; due = queue.peek()) {
      queue.pop();
      pendingExpected -= due.expected;
      lastTime = due.time;
      yield makeRow(due.time, due.customer);
      if (random() < due.customer.dropout) continue;
      const next = Math.floor(due.time + exponential(random, due.customer.rate) * DAY_MS);
      if (next < end) schedule(next, due.customer);
    }
  }

  for (let day = 0; day < days && emitted < total; day += 1) {
    const dayStart = start + day * DAY_MS;
    const needed = total - emitted - pendingExpected;
    const arrivals = poisson(random, Math.max(0, (needed * acquisition[day]!) / outlook[day]!));
    for (let i = 0; i < arrivals; i += 1) arrive(dayStart, Math.min(end, dayStart + DAY_MS));
    yield* emitDue(Math.min(end, dayStart + DAY_MS));
  }
  while (emitted < total) {
    arrive(lastTime, end);
    yield* emitDue(end);
  }
}

// --- CSV ----------------------------------------------------------------------------------------------------

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV record (no line terminator), fields in SAMPLE_COLUMNS order, quoted per RFC 4180. */
export function toCsvLine(row: SampleOrderRow): string {
  return [
    csvField(row.order_id),
    csvField(row.customer_id),
    csvField(row.customer_name),
    csvField(row.customer_email),
    row.ordered_at,
    csvField(row.product),
    csvField(row.category),
    String(row.quantity),
    row.amount.toFixed(2),
    row.currency,
    row.country,
    csvField(row.city),
    row.channel,
    row.status,
    row.refund_amount.toFixed(2),
  ].join(',');
}
