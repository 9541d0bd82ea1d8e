// Support tickets: volume, escalation rate, first-contact resolution, time to resolution, and when in
// the customer's life problems happen; overall, per month, by channel, by product and by life stage.
import { raw, sql, type SqlQuery } from '../sql-fragment';

export const SUPPORT_BREAKDOWNS = ['month', 'channel', 'product', 'life_stage'] as const;
export type SupportBreakdown = (typeof SUPPORT_BREAKDOWNS)[number];

/** Days from the customer's first purchase to the ticket, banded; 'unknown' when the customer is not in the orders. */
export const LIFE_BANDS = ['before', 'd0_7', 'd8_30', 'd31_90', 'd91_365', 'over_365', 'unknown'] as const;
export type LifeBand = (typeof LIFE_BANDS)[number];

export const SUPPORT_DEFINITIONS = {
  tickets: 'Tickets: every ticket in the file, open or closed (a ticket closed before it was opened was left out when the file was read).',
  escalationRate: 'Escalation rate: escalated tickets ÷ tickets whose escalation flag is known (empty flags are left out of both).',
  fcr: 'First-contact resolution (FCR): closed tickets resolved in one contact (contacts = 1) without escalation ÷ closed tickets whose number of contacts is known. An escalated ticket was handed on, so it is not resolved at first contact even when the file counts one contact; a ticket whose escalation flag is empty counts as not escalated.',
  medianHours: 'Median time to resolution: the median of (closed − opened), in hours, over closed tickets (the middle value; the mean of the two middle ones for an even count).',
  p90Hours: '90th percentile time to resolution: the time (closed − opened, hours) within which 90% of closed tickets were resolved, interpolated between neighbouring tickets.',
  open: 'Open tickets: tickets without a closing time.',
  lifeBand: "When in the customer's life: whole days from the customer's first purchase (in the orders) to the day the ticket was opened, banded: before the first purchase, 0–7, 8–30, 31–90, 91–365, over 365 days. Tickets of customers not in the orders (and without a customer) are \"unknown\".",
  lifeStage: 'Life stage: as written in the tickets file (the customer’s stage when the ticket was opened); empty is "unknown".',
  month: 'Month: the calendar month the ticket was opened.',
  notInOrders: 'Tickets whose customer id matches no customer in the orders: counted in every figure, "unknown" in the life bands.',
  anonymous: 'Tickets without a customer id.',
} as const satisfies Record<string, string>;

const GROUPS: Record<SupportBreakdown, string> = {
  month: `strftime(t.opened_at, '%Y-%m')`,
  channel: 't.channel',
  product: 't.product',
  life_stage: 't.life_stage',
};

/**
 * One row per group (by: none → one row, grp NULL): grp, tickets, open, escalation_known, escalated,
 * escalation_rate, closed, contacts_known, first_contact, fcr, median_hours, p90_hours. Rates are
 * shares (0–1), NULL when their denominator is 0. grp NULL in a breakdown is "unknown".
 */
export function supportSummarySql(by?: SupportBreakdown): SqlQuery {
  const hours = `date_diff('second', t.opened_at, t.closed_at) / 3600.0`;
  const closedKnown = 't.closed_at IS NOT NULL AND t.contacts IS NOT NULL';
  const firstContact = `${closedKnown} AND t.contacts = 1 AND t.escalated IS NOT TRUE`;
  return sql`SELECT ${raw(by ? GROUPS[by] : 'NULL')}::VARCHAR AS grp,
      count(*)::INTEGER AS tickets,
      count(*) FILTER (WHERE t.closed_at IS NULL)::INTEGER AS open,
      count(t.escalated)::INTEGER AS escalation_known,
      count(*) FILTER (WHERE t.escalated)::INTEGER AS escalated,
      (count(*) FILTER (WHERE t.escalated) / NULLIF(count(t.escalated), 0))::DOUBLE AS escalation_rate,
      count(t.closed_at)::INTEGER AS closed,
      count(*) FILTER (WHERE ${raw(closedKnown)})::INTEGER AS contacts_known,
      count(*) FILTER (WHERE ${raw(firstContact)})::INTEGER AS first_contact,
      (count(*) FILTER (WHERE ${raw(firstContact)}) / NULLIF(count(*) FILTER (WHERE ${raw(closedKnown)}), 0))::DOUBLE AS fcr,
      quantile_cont(${raw(hours)}, 0.5) FILTER (WHERE t.closed_at IS NOT NULL)::DOUBLE AS median_hours,
      quantile_cont(${raw(hours)}, 0.9) FILTER (WHERE t.closed_at IS NOT NULL)::DOUBLE AS p90_hours
    FROM support_tickets t
    GROUP BY 1
    ORDER BY ${raw(by === 'month' ? 'grp NULLS LAST' : 'grp IS NULL, tickets DESC, grp')}`;
}

const BAND_SQL = `CASE
    WHEN b.first_order_at IS NULL THEN 'unknown'
    WHEN t.opened_at::DATE < b.first_order_at::DATE THEN 'before'
    WHEN date_diff('day', b.first_order_at::DATE, t.opened_at::DATE) <= 7 THEN 'd0_7'
    WHEN date_diff('day', b.first_order_at::DATE, t.opened_at::DATE) <= 30 THEN 'd8_30'
    WHEN date_diff('day', b.first_order_at::DATE, t.opened_at::DATE) <= 90 THEN 'd31_90'
    WHEN date_diff('day', b.first_order_at::DATE, t.opened_at::DATE) <= 365 THEN 'd91_365'
    ELSE 'over_365' END`;

/**
 * Tickets per life band (LIFE_BANDS), per group when `by` is channel or product: grp, band, tickets,
 * share (of the group's tickets). Only bands with tickets are returned.
 */
export function supportLifeSql(by?: 'channel' | 'product'): SqlQuery {
  return sql`SELECT grp, band, tickets, (tickets / sum(tickets) OVER (PARTITION BY grp))::DOUBLE AS share
    FROM (
      SELECT ${raw(by ? GROUPS[by] : 'NULL')}::VARCHAR AS grp, ${raw(BAND_SQL)} AS band, count(*)::INTEGER AS tickets
      FROM support_tickets t LEFT JOIN customer_base b ON b.customer_id = t.customer_id
      GROUP BY 1, 2
    )
    ORDER BY grp NULLS LAST, band`;
}

/** One row: tickets, anonymous, not_in_orders. */
export const SUPPORT_COVERAGE_SQL: SqlQuery = {
  sql: `SELECT count(*)::INTEGER AS tickets,
      count(*) FILTER (WHERE t.customer_id IS NULL)::INTEGER AS anonymous,
      count(*) FILTER (WHERE t.customer_id IS NOT NULL AND b.customer_id IS NULL)::INTEGER AS not_in_orders
    FROM support_tickets t LEFT JOIN customer_base b ON b.customer_id = t.customer_id`,
  params: [],
};
