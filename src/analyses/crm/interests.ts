// Interests vs purchases: customers who said they are interested in something the shop sells (a
// product category) and never bought in it.
import { raw, sql, type SqlQuery } from '../sql-fragment';

export const INTERESTS_DEFINITIONS = {
  match: 'An interest (lower-cased, from the customer file) matches a product category when the lower-cased category equals it or contains it as text: "tea" matches "Tea" and "Green tea" (and "Teapots"). The other way round is not a match: "green tea" does not match "Tea". An interest no category contains is shown with no category.',
  interested: 'Interested: customers in the customer file who list the interest.',
  neverBought: 'Never bought: interested customers with no purchase (a line that is not refund-only) in any category the interest matches, over all history; customers not in the orders at all count here too.',
  notInOrders: 'Of whom not in the orders: interested customers with no order at all.',
} as const satisfies Record<string, string>;

const CTES = `interests AS (
    SELECT DISTINCT p.customer_id, lower(trim(i.interest)) AS interest
    FROM customer_profiles p, unnest(p.interests) AS i(interest)
    WHERE NULLIF(trim(i.interest), '') IS NOT NULL
  ),
  categories AS (SELECT value AS category, code FROM item_codes WHERE dim = 'category' AND value IS NOT NULL),
  matches AS (
    SELECT DISTINCT n.interest, c.category, c.code FROM (SELECT DISTINCT interest FROM interests) n
    JOIN categories c ON contains(lower(c.category), n.interest)
  ),
  bought AS (
    SELECT DISTINCT n.customer_id, n.interest
    FROM interests n JOIN customer_base b USING (customer_id)
    JOIN all_time_items i ON i.cid = b.cid AND i.dim = 'category'
    JOIN matches m ON m.interest = n.interest AND m.code = i.code
  )`;

/** Per interest: interest, categories (matched, sorted), interested, bought, never_bought, not_in_orders. Most never-bought first. */
export const INTERESTS_SQL: SqlQuery = {
  sql: `WITH ${CTES}
    SELECT n.interest,
      COALESCE((SELECT list(category ORDER BY category) FROM matches m WHERE m.interest = n.interest), []) AS categories,
      count(*)::INTEGER AS interested,
      count(k.customer_id)::INTEGER AS bought,
      (count(*) - count(k.customer_id))::INTEGER AS never_bought,
      count(*) FILTER (WHERE b.customer_id IS NULL)::INTEGER AS not_in_orders
    FROM interests n
    LEFT JOIN bought k ON k.customer_id = n.customer_id AND k.interest = n.interest
    LEFT JOIN customer_base b ON b.customer_id = n.customer_id
    GROUP BY n.interest
    ORDER BY never_bought DESC, interested DESC, n.interest`,
  params: [],
};

/**
 * The customers interested in `interest` (lower-cased, as INTERESTS_SQL returns it; null: every interest
 * that matches a category) who never bought in a matching category: customer_id, interest, name, email, in_orders.
 */
export function neverBoughtSql(interest: string | null): SqlQuery {
  return sql`WITH ${raw(CTES)}
    SELECT n.customer_id, n.interest, p.customer_name AS name, COALESCE(p.customer_email, b.email) AS email, b.customer_id IS NOT NULL AS in_orders
    FROM interests n
    JOIN customer_profiles p USING (customer_id)
    LEFT JOIN customer_base b USING (customer_id)
    WHERE n.interest IN (SELECT interest FROM matches) AND (${interest}::VARCHAR IS NULL OR n.interest = ${interest}::VARCHAR)
      AND NOT EXISTS (SELECT 1 FROM bought k WHERE k.customer_id = n.customer_id AND k.interest = n.interest)
    ORDER BY n.interest, n.customer_id`;
}
