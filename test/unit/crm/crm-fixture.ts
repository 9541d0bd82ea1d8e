// CRM tables beside the analyses' 10-customer orders fixture (test/unit/analyses/fixture.ts), built
// directly in the canonical shapes of the ingest contract (src/state/tables.svelte.ts). X99 is in the
// CRM files but not in the orders; NULL customer ids are anonymous.
//
// Orders side (from fixture.ts): first purchase, country, first-order channel, since_month, ltv
//   C01 01-10 UK web 2024-01 150 · C02 03-10 UK store 2024-03 200 · C03 03-12 FR web 2024-03 0 · C04 03-03 FR app 2024-03 170
//   C05 2023-11-01 DE web 2023-11 300 · C06 2023-12-05 DE store 2023-12 60 · C07 02-15 US app 2024-02 60 · C08 03-28 US web 2024-03 500
//   C09 02-20 UK app 2024-02 55 · C10 03-08 FR web 2024-03 10
import type { NodeDatabase } from '../../helpers/node-database';
import { loadFixture } from '../analyses/fixture';

export const PROFILES_SQL = `CREATE OR REPLACE TABLE customer_profiles AS SELECT * FROM (VALUES
    ('C01', 'ann@example.com', 'Ann', 'GB', 30, 'F', 'B2C', 'web', ['food', 'garden']),
    ('C04', 'dan@example.com', 'Dan', 'France', 52, 'M', 'B2B', ' Web ', ['kitchen', 'food']),
    ('C10', 'jo@example.com', '=Jo', 'Narnia', 19, NULL, 'B2C', NULL, []::VARCHAR[]),
    ('X99', 'xia@example.com', 'Xia', 'DE', 70, 'F', 'B2B', 'tv', ['kitchen'])
  ) AS t(customer_id, customer_email, customer_name, country, age, gender, company_type, channel, interests)`;

export const PROFILES_TABLE_SQL = `CREATE OR REPLACE TABLE customer_profiles AS SELECT
    customer_id::VARCHAR AS customer_id, customer_email::VARCHAR AS customer_email, customer_name::VARCHAR AS customer_name,
    NULL::TIMESTAMP AS signup_at, country::VARCHAR AS country, NULL::VARCHAR AS city, NULL::DATE AS birth_date, age::INTEGER AS age,
    gender::VARCHAR AS gender, company_type::VARCHAR AS company_type, NULL::VARCHAR AS industry, channel::VARCHAR AS channel,
    interests::VARCHAR[] AS interests
  FROM customer_profiles`;

export const SURVEYS_SQL = `CREATE OR REPLACE TABLE survey_answers AS SELECT customer_id::VARCHAR AS customer_id, answered_at::TIMESTAMP AS answered_at,
    kind::VARCHAR AS kind, score::DOUBLE AS score, NULL::VARCHAR AS comment FROM (VALUES
    ('C01', '2024-03-01', 'nps', 10), ('C02', '2024-03-15', 'nps', 9), ('C04', '2024-03-20', 'nps', 6),
    ('C05', '2024-04-02', 'nps', 7), ('X99', '2024-04-05', 'nps', 0), (NULL, '2024-04-06', 'nps', 8), ('C08', '2024-04-10', 'nps', 10),
    ('C01', '2024-03-02', 'csat', 5), ('C03', '2024-03-12', 'csat', 4), ('C04', '2024-03-21', 'csat', 2),
    ('C09', '2024-04-01', 'csat', 3), (NULL, '2024-04-03', 'csat', 5)
  ) AS t(customer_id, answered_at, kind, score)`;

export const TICKETS_SQL = `CREATE OR REPLACE TABLE support_tickets AS SELECT ticket_id::VARCHAR AS ticket_id, customer_id::VARCHAR AS customer_id,
    opened_at::TIMESTAMP AS opened_at, closed_at::TIMESTAMP AS closed_at, channel::VARCHAR AS channel, escalated::BOOLEAN AS escalated,
    contacts::INTEGER AS contacts, life_stage::VARCHAR AS life_stage, product::VARCHAR AS product FROM (VALUES
    ('T1', 'C01', '2024-01-12 10:00', '2024-01-12 12:00', 'email', false, 1, 'new', 'Mug'),
    ('T2', 'C01', '2024-03-06 09:00', '2024-03-07 09:00', 'chat', true, 3, 'active', 'Tea'),
    ('T3', 'C02', '2024-03-01 08:00', '2024-03-01 09:00', 'phone', NULL, 1, NULL, 'Kettle'),
    ('T4', 'C04', '2024-03-25 10:00', NULL, 'email', false, NULL, 'active', 'Tea'),
    ('T5', 'C05', '2024-12-01 00:00', '2024-12-03 00:00', 'email', false, 2, 'lapsed', 'Kettle'),
    ('T6', 'X99', '2024-02-01 00:00', '2024-02-01 05:00', 'chat', true, NULL, NULL, NULL),
    ('T7', NULL, '2024-02-02 00:00', '2024-02-02 10:00', 'email', false, 1, NULL, 'Mug')
  ) AS t(ticket_id, customer_id, opened_at, closed_at, channel, escalated, contacts, life_stage, product)`;

export const SPEND_SQL = `CREATE OR REPLACE TABLE marketing_spend AS SELECT channel::VARCHAR AS channel, month::DATE AS month, amount::DOUBLE AS amount FROM (VALUES
    ('web', '2024-03-01', 300), ('web', '2024-03-01', 100), ('app', '2024-03-01', 150), ('app', '2024-02-01', 50), ('tv', '2024-03-01', 1000)
  ) AS t(channel, month, amount)`;

/** The orders fixture, the customer base, and the four CRM tables. */
export async function loadCrmFixture(db: NodeDatabase, ordersCsv?: string): Promise<void> {
  await loadFixture(db, ordersCsv);
  for (const statement of [PROFILES_SQL, PROFILES_TABLE_SQL, SURVEYS_SQL, TICKETS_SQL, SPEND_SQL]) await db.query(statement);
}
