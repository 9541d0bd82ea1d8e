// Behavioural segments from the orders: how many orders, which categories, how often.
import type { SqlQuery } from '../sql-fragment';

export const ORDER_BANDS = ['1', '2', '3–5', '6+'] as const;
export const GAP_BANDS = ['≤30', '31–90', '91–180', '181–365', '>365', 'single'] as const;
export type GapBand = (typeof GAP_BANDS)[number];

export const BEHAVIOUR_DEFINITIONS = {
  orders: 'Orders: the customer’s purchases over all history (orders that are not refund-only; free orders count), banded 1, 2, 3–5, 6 or more.',
  categories: 'Categories bought: customers who bought at least one line in the category (refund-only lines do not count), over all history; a customer counts in every category she bought.',
  gap: 'Days between orders: the median of the gaps, in days, between a customer’s consecutive purchase days, banded up to 30, 31–90, 91–180, 181–365, over 365; "single" for customers with one purchase day.',
  customers: 'Customers: customers in the orders with at least one purchase.',
  revenue: "Revenue: the group's all-time sales, before refunds.",
  ltv: 'Average LTV: all-time sales minus refunds per customer, averaged over the group.',
} as const satisfies Record<string, string>;

/** band (ORDER_BANDS), customers, revenue, ltv; bands without customers are left out. */
export const ORDER_BANDS_SQL: SqlQuery = {
  sql: `SELECT CASE WHEN lifetime_orders = 1 THEN '1' WHEN lifetime_orders = 2 THEN '2' WHEN lifetime_orders <= 5 THEN '3–5' ELSE '6+' END AS band,
      count(*)::INTEGER AS customers, sum(lifetime_revenue)::DOUBLE AS revenue, avg(ltv)::DOUBLE AS ltv
    FROM customer_base WHERE lifetime_orders > 0
    GROUP BY 1 ORDER BY min(lifetime_orders)`,
  params: [],
};

/** category, customers, revenue (their all-time sales, in any category), most customers first. */
export const CATEGORIES_SQL: SqlQuery = {
  sql: `SELECT c.value AS category, count(*)::INTEGER AS customers, sum(b.lifetime_revenue)::DOUBLE AS revenue
    FROM all_time_items i JOIN item_codes c ON c.dim = 'category' AND c.code = i.code JOIN customer_base b USING (cid)
    WHERE i.dim = 'category'
    GROUP BY c.value ORDER BY customers DESC, category`,
  params: [],
};

/** band (GAP_BANDS), customers, median_days (of the band's customers' medians, NULL for single). */
export const GAP_BANDS_SQL: SqlQuery = {
  sql: `WITH per_customer AS (
      SELECT b.cid, median(date_diff('day', d.day, d.next_day))::DOUBLE AS gap
      FROM customer_base b LEFT JOIN purchase_days d ON d.cid = b.cid AND d.next_day IS NOT NULL
      WHERE b.lifetime_orders > 0
      GROUP BY b.cid
    )
    SELECT CASE WHEN gap IS NULL THEN 'single' WHEN gap <= 30 THEN '≤30' WHEN gap <= 90 THEN '31–90' WHEN gap <= 180 THEN '91–180'
        WHEN gap <= 365 THEN '181–365' ELSE '>365' END AS band,
      count(*)::INTEGER AS customers, median(gap)::DOUBLE AS median_days
    FROM per_customer GROUP BY 1 ORDER BY min(COALESCE(gap, 1e9))`,
  params: [],
};
