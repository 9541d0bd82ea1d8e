// Facet lists: for one dimension, its values with customers and revenue, cross-filtered by every
// other selection (a dimension's own selection does not narrow its own list, so more values can
// be added to it). Reads scope_all and scope_items (filters.ts), item_codes (customer-base.ts).
import { FACET_DIMENSIONS, flagColumn, isItemDimension, type FacetDimension } from './filters';
import { containsText, joinSql, raw, sql, type Fragment, type SqlQuery } from './sql-fragment';

export { VALUE_BANDS, VALUE_BAND_DEFINITIONS, type ValueBand } from './customer-base';

export const FACET_VALUE_DEFINITIONS = {
  customers: 'Customers with a purchase in range who have this value, given every other filter.',
  revenue: 'Revenue in range of those customers (all their orders, not only those with this value): what the dashboard shows when this value alone is selected.',
} as const;

export type SinceGrain = 'year' | 'quarter' | 'month';

export interface FacetOptions {
  dimension: FacetDimension;
  /** Matched literally, case-insensitively, anywhere in the value. */
  search?: string;
  /** Default 50. */
  limit?: number;
  /** For customer_since: values like 2024, 2024-Q1 or 2024-01. Default 'year'. */
  sinceGrain?: SinceGrain;
}

const CUSTOMER_VALUE: Record<Exclude<FacetDimension, 'product' | 'category' | 'status' | 'customer_since'>, string> = {
  country: 's.country',
  city: 's.city',
  channel: 's.channel',
  value_band: 's.value_band',
};
const SINCE_VALUE: Record<SinceGrain, string> = { year: 's.since_year', quarter: 's.since_quarter', month: 's.since_month' };

/** One facet's list, reading `source` (scope_all or a relation with its columns). */
function listSql(options: FacetOptions, source: string): Fragment {
  const { dimension } = options;
  if (!(FACET_DIMENSIONS as readonly string[]).includes(dimension)) throw new Error(`Unknown facet ${JSON.stringify(dimension)}.`);
  const limit = Math.max(1, Math.floor(options.limit ?? 50));
  const sinceGrain = options.sinceGrain ?? 'year';
  if (!Object.hasOwn(SINCE_VALUE, sinceGrain)) throw new Error(`Unknown customer-since grain ${JSON.stringify(sinceGrain)}.`);
  const others = joinSql(
    [...FACET_DIMENSIONS.filter((d) => d !== dimension), 'segment' as const].map((d) => raw(`s.${flagColumn(d)}`)),
    ' AND ',
  );
  const grouped = isItemDimension(dimension)
    ? sql`SELECT c.value, g.customers, g.revenue
        FROM (
          SELECT i.dim, i.code, count(*) AS customers, sum(s.revenue) AS revenue
          FROM scope_items i JOIN ${raw(source)} s ON s.cid = i.cid AND i.dim = ${dimension}
          WHERE s.purchased AND ${others}
          GROUP BY i.dim, i.code
        ) g JOIN item_codes c ON c.dim = g.dim AND c.code IS NOT DISTINCT FROM g.code`
    : sql`SELECT ${raw(dimension === 'customer_since' ? SINCE_VALUE[sinceGrain] : CUSTOMER_VALUE[dimension])} AS value,
          count(*) AS customers, sum(s.revenue) AS revenue
        FROM ${raw(source)} s
        WHERE s.purchased AND ${others}
        GROUP BY 1`;
  const search = options.search ? containsText('value', options.search) : raw('TRUE');
  return sql`SELECT value, customers::INTEGER AS customers, revenue::DOUBLE AS revenue, (count(*) OVER ())::INTEGER AS values_total
    FROM (${grouped}) g
    WHERE ${search}
    ORDER BY customers DESC, value ASC NULLS LAST
    LIMIT ${limit}`;
}

/**
 * Rows (value, customers, revenue, values_total) ordered by customers, most first, then value;
 * values_total counts every value matching the search, before the limit.
 */
export function facetSql(options: FacetOptions): SqlQuery {
  return listSql(options, 'scope_all');
}

/**
 * Several facets' lists in one query (one round trip): rows (dimension,
 * value, customers, revenue, values_total), each list as facetSql returns it, lists in the given order.
 */
export function facetsSql(facets: readonly FacetOptions[]): SqlQuery {
  const lists = facets.map((f, i) => sql`SELECT ${i}::INTEGER AS position, ${f.dimension}::VARCHAR AS dimension, * FROM (${listSql(f, 'scope_all')})`);
  return sql`SELECT dimension, value, customers, revenue, values_total
    FROM (${joinSql(lists, '\n    UNION ALL ')})
    ORDER BY position, customers DESC, value ASC NULLS LAST`;
}
