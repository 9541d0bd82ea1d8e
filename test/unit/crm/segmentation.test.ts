import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { FIXTURE_CSV, rowsOf } from '../analyses/fixture';
import { countriesSql, mapCountries } from '../../../src/analyses/crm/geography';
import { demographicsSql } from '../../../src/analyses/crm/demographics';
import { CATEGORIES_SQL, GAP_BANDS_SQL, ORDER_BANDS_SQL } from '../../../src/analyses/crm/behaviour';
import { INTERESTS_SQL, neverBoughtSql } from '../../../src/analyses/crm/interests';
import { countryKey } from '../../../src/geo/countries';
import { loadCrmFixture } from './crm-fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadCrmFixture(db);
});

describe('geography', () => {
  it('counts customers and revenue per country, from the customer file else the orders', async () => {
    const rows = await rowsOf(db, countriesSql({ profiles: true }));
    // File: C01 GB, C04 France, C10 Narnia (X99 DE is not in the orders). Orders: C02 UK, C09 UK, C03 FR, C05 DE, C06 DE, C07 US, C08 US.
    // Sales: C01 150, C02 200, C03 0, C04 200, C05 300, C06 60, C07 100, C08 500, C09 55, C10 10.
    const byValue = Object.fromEntries(rows.map((r) => [r.country, [r.customers, r.revenue]]));
    expect(byValue).toEqual({ DE: [2, 360], UK: [2, 255], US: [2, 600], FR: [1, 0], France: [1, 200], GB: [1, 150], Narnia: [1, 10] });
    const mapped = mapCountries(rows as never, countryKey);
    // GB + UK → 826 (3 customers, 405); France + FR → 250 (2, 200); Narnia not on the map. Most customers first, then revenue.
    expect(mapped.countries.map((c) => [c.key, c.customers, c.revenue])).toEqual([['826', 3, 405], ['840', 2, 600], ['276', 2, 360], ['250', 2, 200]]);
    expect(mapped.unmatched.map((r) => [r.country, r.customers])).toEqual([['Narnia', 1]]);
  });
});

describe('demographics', () => {
  it('bands ages, with customers, revenue, LTV and NPS per band; no profile is unknown', async () => {
    const rows = await rowsOf(db, demographicsSql({ by: 'age_band', profiles: true, surveys: true }));
    // C10 19 → <25 (sales 10, ltv 10, no NPS answer); C01 30 → 25–34 (150, 150, NPS 10: P → 100); C04 52 → 45–54 (200, 170, NPS 6: D → −100).
    // Unknown: the 7 others: sales 200 + 0 + 300 + 60 + 100 + 500 + 55 = 1215, ltv (200 + 0 + 300 + 60 + 60 + 500 + 55) ÷ 7 = 167.86;
    // NPS C02 P, C05 passive, C08 P → (2 − 0) ÷ 3 = 66.7 (X99 and the anonymous answer are not customers in the orders).
    expect(rows.map((r) => [r.grp, r.customers, r.revenue, r.ltv, r.nps_answers, r.nps])).toEqual([
      ['<25', 1, 10, 10, 0, null],
      ['25–34', 1, 150, 150, 1, 100],
      ['45–54', 1, 200, 170, 1, -100],
      [null, 7, 1215, 1175 / 7, 3, 200 / 3],
    ]);
    const company = await rowsOf(db, demographicsSql({ by: 'company_type', profiles: true, surveys: false }));
    // B2C: C01, C10; B2B: C04; unknown 7. Without surveys there is no NPS.
    expect(company.map((r) => [r.grp, r.customers, r.nps])).toEqual([['B2C', 2, null], ['B2B', 1, null], [null, 7, null]]);
    const gender = await rowsOf(db, demographicsSql({ by: 'gender', profiles: true, surveys: true }));
    expect(gender.map((r) => [r.grp, r.customers])).toEqual([['F', 1], ['M', 1], [null, 8]]);
  });
});

describe('behaviour', () => {
  it('bands customers by orders, counts them per category and by their median days between purchases', async () => {
    // Purchases (not refund-only): C01 2, C04 2 (R01 is refund-only), C07 2, C09 2; the other 6 one each.
    expect((await rowsOf(db, ORDER_BANDS_SQL)).map((r) => [r.band, r.customers])).toEqual([['1', 6], ['2', 4]]);
    // Kitchen: C01 C02 C04 C05 C06 C07 C08; Food: C01 C04 C07 (the refunded O09 was still bought) C09 C10; Trial: C03.
    expect((await rowsOf(db, CATEGORIES_SQL)).map((r) => [r.category, r.customers])).toEqual([['Kitchen', 7], ['Food', 5], ['Trial', 1]]);
    // Gaps: C01 01-10 → 03-05 = 55; C04 03-03 → 03-20 = 17; C07 02-15 → 03-15 = 29; C09 02-20 → 04-10 = 50.
    expect((await rowsOf(db, GAP_BANDS_SQL)).map((r) => [r.band, r.customers, r.median_days])).toEqual([['≤30', 2, 23], ['31–90', 2, 52.5], ['single', 6, null]]);
  });
});

describe('interests vs purchases', () => {
  let other: NodeDatabase;
  beforeAll(async () => {
    // One more customer, C11, who bought in "Fast food": "food" matches it by containment.
    other = await NodeDatabase.open();
    await loadCrmFixture(other, `${FIXTURE_CSV}\nO15,C11,kim@example.com,Kim,2024-03-30,20,1,Crisps,Fast food,UK,London,web,paid`);
    await other.query(`INSERT INTO customer_profiles (customer_id, customer_name, interests) VALUES ('C11', 'Kim', ['food']), ('C02', 'Bob', ['Food ', 'garden'])`);
  });

  it('counts, per interest, the interested customers who never bought in a matching category', async () => {
    const rows = await rowsOf(other, INTERESTS_SQL);
    // food → Fast food (the word "food" is one of its words), Food: interested C01 (bought Food), C02 (Kitchen only: never), C04 (Food), C11 (Fast food) → 4, never 1.
    // kitchen → Kitchen: C04 (bought), X99 (not in the orders: never) → 2, never 1.
    // garden → no category: C01, C02 → interested 2, no never-bought count; listed after the matched interests.
    expect(rows.map((r) => [r.interest, [...(r.categories as Iterable<string>)], r.interested, r.matched, r.bought, r.never_bought, r.not_in_orders])).toEqual([
      ['food', ['Fast food', 'Food'], 4, true, 3, 1, 0],
      ['kitchen', ['Kitchen'], 2, true, 1, 1, 1],
      ['garden', [], 2, false, null, null, null],
    ]);
    const list = await rowsOf(other, neverBoughtSql(null));
    // Only interests that match a category: food → C02 (Bob), kitchen → X99.
    expect(list.map((r) => [r.customer_id, r.interest, r.name, r.in_orders])).toEqual([['C02', 'food', 'Bob', true], ['X99', 'kitchen', 'Xia', false]]);
    expect((await rowsOf(other, neverBoughtSql('kitchen'))).map((r) => r.customer_id)).toEqual(['X99']);
    // A value with SQL in it is data.
    expect(await rowsOf(other, neverBoughtSql("'; DROP TABLE orders; --"))).toEqual([]);
  });
});

describe('interests matched to categories on whole words, both ways', () => {
  let shop: NodeDatabase;
  beforeAll(async () => {
    // Categories bought: Coffee (C12), Steak (C13), Teapots (C14), Green tea (C15), besides the fixture's Kitchen, Food, Trial.
    shop = await NodeDatabase.open();
    await loadCrmFixture(shop, [
      FIXTURE_CSV,
      'O16,C12,c12@example.com,Cal,2024-03-30,20,1,Beans,Coffee,UK,London,web,paid',
      'O17,C13,c13@example.com,Cat,2024-03-30,30,1,Ribeye,Steak,UK,London,web,paid',
      'O18,C14,c14@example.com,Cid,2024-03-30,25,1,Pot,Teapots,UK,London,web,paid',
      'O19,C15,c15@example.com,Cy,2024-03-30,12,1,Sencha,Green tea,UK,London,web,paid',
    ].join('\n'));
    await shop.query('DELETE FROM customer_profiles');
    await shop.query(`INSERT INTO customer_profiles (customer_id, customer_name, interests) VALUES
      ('C12', 'Cal', ['filter coffee']), ('C13', 'Cat', ['tea']), ('C14', 'Cid', ['teas', 'filter coffee']),
      ('C15', 'Cy', ['green tea', 'garden']), ('C16', 'Nia', ['coffees'])`);
  });

  it('matches "filter coffee" to Coffee and "tea" to Green tea but not to Steak or Teapots, and the export lists what the screen counts', async () => {
    const rows = await rowsOf(shop, INTERESTS_SQL);
    // filter coffee: words {filter, coffee} ⊇ Coffee's {coffee} → Coffee; interested C12 (bought Coffee), C14 (never) → 2, never 1.
    // coffees → {coffee} = Coffee's → Coffee; C16 is not in the orders → never 1, of whom not in the orders 1.
    // tea: {tea} ⊆ Green tea's {green, tea}; "steak" and "teapot" are other words → Green tea only; C13 bought only Steak → never 1.
    // teas → {tea} → Green tea; C14 bought only Teapots → never 1. green tea = Green tea; C15 bought it → never 0.
    // garden: no category → no count.
    // Order: matched first, most never-bought, then most interested, then by name.
    expect(rows.map((r) => [r.interest, [...(r.categories as Iterable<string>)], r.interested, r.bought, r.never_bought, r.not_in_orders])).toEqual([
      ['filter coffee', ['Coffee'], 2, 1, 1, 0],
      ['coffees', ['Coffee'], 1, 0, 1, 1],
      ['tea', ['Green tea'], 1, 0, 1, 0],
      ['teas', ['Green tea'], 1, 0, 1, 0],
      ['green tea', ['Green tea'], 1, 1, 0, 0],
      ['garden', [], 1, null, null, null],
    ]);
    const list = await rowsOf(shop, neverBoughtSql(null));
    expect(list.map((r) => [r.interest, r.customer_id, r.in_orders])).toEqual([
      ['coffees', 'C16', false], ['filter coffee', 'C14', true], ['tea', 'C13', true], ['teas', 'C14', true],
    ]);
    // The screen's never-bought counts add up to the export's rows: 1 + 1 + 1 + 1 + 0 = 4.
    expect(rows.reduce((sum, r) => sum + Number(r.never_bought ?? 0), 0)).toBe(list.length);
    expect(await rowsOf(shop, neverBoughtSql('garden'))).toEqual([]);
  });
});

describe('age bands at their boundaries', () => {
  it('puts 24 in <25, 25 and 34 in 25–34, 35 and 44 in 35–44, 45 and 54 in 45–54, 55 and 64 in 55–64, 65 in 65+', async () => {
    const ages = await NodeDatabase.open();
    await loadCrmFixture(ages);
    await ages.query('DELETE FROM customer_profiles');
    await ages.query(`INSERT INTO customer_profiles (customer_id, age) VALUES
      ('C01', 24), ('C02', 25), ('C03', 34), ('C04', 35), ('C07', 44), ('C08', 45), ('C09', 54), ('C10', 55), ('C05', 64), ('C06', 65)`);
    const rows = await rowsOf(ages, demographicsSql({ by: 'age_band', profiles: true, surveys: false }));
    // <25: C01 (24). 25–34: C02 (25), C03 (34). 35–44: C04 (35), C07 (44). 45–54: C08 (45), C09 (54). 55–64: C10 (55), C05 (64). 65+: C06 (65).
    expect(rows.map((r) => [r.grp, r.customers])).toEqual([['<25', 1], ['25–34', 2], ['35–44', 2], ['45–54', 2], ['55–64', 2], ['65+', 1]]);
    const band = async (age: number) => {
      await ages.query(`UPDATE customer_profiles SET age = ${age} WHERE customer_id = 'C01'`);
      return (await rowsOf(ages, demographicsSql({ by: 'age_band', profiles: true, surveys: false }))).filter((r) => Number(r.customers) > 0).map((r) => [r.grp, r.customers]);
    };
    // C01 moved from 24 to 25: <25 is empty, 25–34 has 3.
    expect((await band(25))[0]).toEqual(['25–34', 3]);
    // C01 at 65: 65+ has 2.
    expect((await band(65)).at(-1)).toEqual(['65+', 2]);
  });
});
