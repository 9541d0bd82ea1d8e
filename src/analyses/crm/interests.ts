// Interests vs purchases: customers who said they are interested in something the shop sells (a
// product category) and never bought in it.
import { raw, sql, type SqlQuery } from '../sql-fragment';

export const INTERESTS_DEFINITIONS = {
  match: 'An interest (from the customer file) matches a product category when every word of the one with fewer words is a word of the other, after lower-casing and dropping a simple plural ending (-ies → -y; -es after s, x, z, ch, sh; else -s, not -ss): "tea" matches "Tea", "Teas" and "Green tea", and "filter coffee" matches "Coffee", but "tea" does not match "Steak" or "Teapots". Words are runs of letters and digits.',
  interested: 'Interested: customers in the customer file who list the interest.',
  neverBought: 'Never bought: interested customers with no purchase (a line that is not refund-only) in any category the interest matches, over all history; customers not in the orders at all count here too. An interest that matches no category has no never-bought count ("no matching category") and is left out of the export.',
  notInOrders: 'Of whom not in the orders: never-bought customers with no order at all.',
} as const satisfies Record<string, string>;

/** The words of a lower-cased text (runs of letters and digits), each without a simple plural ending. */
function wordsSql(text: string): string {
  return `list_distinct(list_filter(list_transform(regexp_split_to_array(lower(${text}), '[^\\p{L}\\p{N}]+'), w -> CASE
      WHEN length(w) > 4 AND suffix(w, 'ies') THEN substr(w, 1, length(w) - 3) || 'y'
      WHEN length(w) > 3 AND regexp_matches(w, '(s|x|z|ch|sh)es$') THEN substr(w, 1, length(w) - 2)
      WHEN length(w) > 3 AND suffix(w, 's') AND NOT suffix(w, 'ss') THEN substr(w, 1, length(w) - 1)
      ELSE w END), w -> w <> ''))`;
}

const CTES = `interests AS (
    SELECT DISTINCT p.customer_id, lower(trim(i.interest)) AS interest
    FROM customer_profiles p, unnest(p.interests) AS i(interest)
    WHERE NULLIF(trim(i.interest), '') IS NOT NULL
  ),
  interest_words AS (SELECT interest, ${wordsSql('interest')} AS words FROM (SELECT DISTINCT interest FROM interests)),
  categories AS (SELECT value AS category, code, ${wordsSql('value')} AS words FROM item_codes WHERE dim = 'category' AND value IS NOT NULL),
  matches AS (
    SELECT DISTINCT n.interest, c.category, c.code FROM interest_words n
    JOIN categories c ON len(n.words) > 0 AND len(c.words) > 0
      AND (CASE WHEN len(n.words) <= len(c.words) THEN list_has_all(c.words, n.words) ELSE list_has_all(n.words, c.words) END)
  ),
  bought AS (
    SELECT DISTINCT n.customer_id, n.interest
    FROM interests n JOIN customer_base b USING (customer_id)
    JOIN all_time_items i ON i.cid = b.cid AND i.dim = 'category'
    JOIN matches m ON m.interest = n.interest AND m.code = i.code
  ),
  never_bought AS (
    SELECT n.customer_id, n.interest FROM interests n
    WHERE n.interest IN (SELECT interest FROM matches)
      AND NOT EXISTS (SELECT 1 FROM bought k WHERE k.customer_id = n.customer_id AND k.interest = n.interest)
  )`;

/**
 * Per interest: interest, categories (matched, sorted), interested, matched (a category matches),
 * bought, never_bought, not_in_orders (of the never-bought). bought, never_bought and not_in_orders are
 * NULL for an interest that matches no category. Interests with a category first, most never-bought
 * first. The never-bought counts add up to the rows of neverBoughtSql(null): both read `never_bought`.
 */
export const INTERESTS_SQL: SqlQuery = {
  sql: `WITH ${CTES}
    SELECT n.interest, COALESCE(c.categories, []) AS categories,
      count(*)::INTEGER AS interested,
      c.interest IS NOT NULL AS matched,
      CASE WHEN c.interest IS NOT NULL THEN (count(*) - count(v.customer_id))::INTEGER END AS bought,
      CASE WHEN c.interest IS NOT NULL THEN count(v.customer_id)::INTEGER END AS never_bought,
      CASE WHEN c.interest IS NOT NULL THEN count(v.customer_id) FILTER (WHERE b.customer_id IS NULL)::INTEGER END AS not_in_orders
    FROM interests n
    LEFT JOIN (SELECT interest, list(category ORDER BY category) AS categories FROM matches GROUP BY interest) c ON c.interest = n.interest
    LEFT JOIN never_bought v ON v.customer_id = n.customer_id AND v.interest = n.interest
    LEFT JOIN customer_base b ON b.customer_id = n.customer_id
    GROUP BY n.interest, c.interest, c.categories
    ORDER BY matched DESC, never_bought DESC, interested DESC, n.interest`,
  params: [],
};

/**
 * The customers interested in `interest` (lower-cased, as INTERESTS_SQL returns it; null: every interest
 * that matches a category) who never bought in a matching category: customer_id, interest, name, email, in_orders.
 */
export function neverBoughtSql(interest: string | null): SqlQuery {
  return sql`WITH ${raw(CTES)}
    SELECT n.customer_id, n.interest, p.customer_name AS name, COALESCE(p.customer_email, b.email) AS email, b.customer_id IS NOT NULL AS in_orders
    FROM never_bought n
    JOIN customer_profiles p USING (customer_id)
    LEFT JOIN customer_base b USING (customer_id)
    WHERE ${interest}::VARCHAR IS NULL OR n.interest = ${interest}::VARCHAR
    ORDER BY n.interest, n.customer_id`;
}
