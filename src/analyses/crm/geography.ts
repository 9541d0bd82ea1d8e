// Customers and revenue by country, and the mapping of the countries as written to the world map's shapes.
import type { SqlQuery } from '../sql-fragment';
import { profilesRelation } from './crm-tables';

export const GEOGRAPHY_DEFINITIONS = {
  country: "Country: the customer's country in the customer file; else the country of the customer's latest order that has one. Values are matched to the map by ISO code (GB, GBR, 826), by name in English, German, French, Spanish, Portuguese, Italian or Dutch (United Kingdom, Deutschland, Royaume-Uni, España…; ignoring case, accents and punctuation) or by a common alias (UK, USA, EIRE, RSA, Great Britain, Holland…).",
  customers: 'Customers: customers in the orders with at least one purchase (an order that is not refund-only).',
  revenue: "Revenue: the customers' all-time sales, before refunds.",
  net: "Net revenue: the customers' all-time sales minus refunds.",
  unmatched: 'Not on the map: country values that match no country code or name the map knows; their customers are listed with the value as written.',
  tooSmall: 'Too small for this map: countries recognised but without a shape on the world map (drawn at 1:110 million, which leaves out Singapore, Malta, Bahrain, Hong Kong, Macao…), and "Channel Islands" (Jersey and Guernsey together, which have no single country code); their customers and revenue are listed here instead.',
} as const satisfies Record<string, string>;

/** One row per country value as written (NULL: none): country, customers, revenue, net. */
export function countriesSql(options: { profiles: boolean }): SqlQuery {
  return {
    sql: `SELECT NULLIF(trim(COALESCE(NULLIF(trim(p.country), ''), b.country)), '') AS country,
        count(*)::INTEGER AS customers, sum(b.lifetime_revenue)::DOUBLE AS revenue, sum(b.ltv)::DOUBLE AS net
      FROM customer_base b LEFT JOIN ${profilesRelation(options.profiles)} p ON p.customer_id = b.customer_id
      WHERE b.lifetime_orders > 0
      GROUP BY 1
      ORDER BY customers DESC, country NULLS LAST`,
    params: [],
  };
}

export interface CountryRow {
  country: string | null;
  customers: number;
  revenue: number;
  net: number;
}
export interface MappedCountry {
  key: string;
  /** The values as written that mapped to this key. */
  values: string[];
  customers: number;
  revenue: number;
  net: number;
}
export interface CountryMapping {
  /** Recognised countries with a shape on the map. */
  countries: MappedCountry[];
  /** Recognised countries without a shape on the map (too small at 1:110m). */
  tooSmall: MappedCountry[];
  /** Values no code or name matches (and NULL: no country), with their customers. */
  unmatched: CountryRow[];
}

/**
 * Sums the rows of countriesSql per map key (`keyOf`: countryKey of src/geo/countries.ts); the rest is
 * unmatched. Keys `drawable` refuses (not in ATLAS_KEYS of src/geo/atlas-keys.ts) are too small for the map.
 */
export function mapCountries(rows: readonly CountryRow[], keyOf: (value: string) => string | null, drawable: (key: string) => boolean = () => true): CountryMapping {
  const byKey = new Map<string, MappedCountry>();
  const unmatched: CountryRow[] = [];
  for (const row of rows) {
    const key = row.country === null ? null : keyOf(row.country);
    if (key === null) {
      unmatched.push(row);
      continue;
    }
    const entry = byKey.get(key) ?? { key, values: [], customers: 0, revenue: 0, net: 0 };
    entry.values.push(row.country!);
    entry.customers += row.customers;
    entry.revenue += row.revenue;
    entry.net += row.net;
    byKey.set(key, entry);
  }
  const all = [...byKey.values()].sort((a, b) => b.customers - a.customers || b.revenue - a.revenue);
  return { countries: all.filter((c) => drawable(c.key)), tooSmall: all.filter((c) => !drawable(c.key)), unmatched };
}
