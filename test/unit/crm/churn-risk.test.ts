import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { loadFixture, ms, rowsOf } from '../analyses/fixture';
import { churnRiskSql, churnRiskSummarySql, OVERDUE_FACTOR } from '../../../src/analyses/crm/churn-risk';
import { pAlive } from '../../../src/analyses/clv/bgnbd';
import { toCsv } from '../../../src/analyses/csv-export';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

// Paid purchase days (fixture.ts): C01 01-10, 03-05 (gap 55); C04 03-03, 03-20 (17); C07 02-15, 03-15 (29); C09 02-20, 04-10 (50).
// Everyone else has one. The data's last day is 2024-04-10.
describe('churn risk', () => {
  it('scores each customer with a rhythm against the last day of the data', async () => {
    expect(OVERDUE_FACTOR).toBe(2);
    const rows = await rowsOf(db, churnRiskSql());
    // days since: C01 36 (÷ 55 = 0.65), C04 21 (÷ 17 = 1.24), C07 26 (÷ 29 = 0.90), C09 0. Nobody is over 2 rhythms.
    expect(rows.map((r) => [r.customer_id, r.purchase_days, r.rhythm_days, r.days_since, r.overdue, r.p_alive])).toEqual([
      ['C04', 2, 17, 21, false, null],
      ['C07', 2, 29, 26, false, null],
      ['C01', 2, 55, 36, false, null],
      ['C09', 2, 50, 0, false, null],
    ]);
    expect(rows[0]!.risk).toBeCloseTo(21 / 17, 12);
    expect(rows[0]!.last_day).toBe(ms('2024-03-20'));
    expect(await rowsOf(db, churnRiskSummarySql())).toEqual([{ with_rhythm: 4, overdue: 0, overdue_low_p_alive: null }]);
  });

  it('flags as overdue who waited more than twice her rhythm, and exports them', async () => {
    // As of 2024-05-01: C04 42 days > 2 × 17 = 34 → overdue (risk 42 ÷ 17 = 2.47); C07 47 ≤ 58; C01 57 ≤ 110; C09 21 ≤ 100.
    const rows = await rowsOf(db, churnRiskSql({ asOf: '2024-05-01', onlyOverdue: true }));
    expect(rows.map((r) => [r.customer_id, r.name, r.days_since, r.ltv])).toEqual([['C04', 'Dan', 42, 170]]);
    expect(rows[0]!.risk).toBeCloseTo(42 / 17, 12);
    const q = churnRiskSql({ asOf: '2024-05-01', onlyOverdue: true });
    const csv = toCsv(await db.query(q.sql, { params: q.params }));
    expect(csv.split('\r\n')[1]).toMatch(/^C04,Dan,dan@example\.com,2,2024-03-03,2024-03-20,17,42,/);
  });

  it('adds P(alive) from the fitted BG/NBD parameters, the same as the model computes it', async () => {
    const bgnbd = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const rows = await rowsOf(db, churnRiskSql({ bgnbd }));
    // C04 in weeks: x = 1, t_x = 17 ÷ 7, T = (04-10 − 03-03 = 38) ÷ 7.
    const c04 = rows.find((r) => r.customer_id === 'C04')!;
    expect(c04.p_alive).toBeCloseTo(pAlive(bgnbd, 1, 17 / 7, 38 / 7), 12);
    // C09 bought on the last day: t_x = T = 50 ÷ 7 → 1 ÷ (1 + 0.8 ÷ 2.5) = 0.7576.
    expect(rows.find((r) => r.customer_id === 'C09')!.p_alive).toBeCloseTo(1 / (1 + 0.8 / 2.5), 12);
    const low = await rowsOf(db, churnRiskSql({ bgnbd, requireLowPAlive: true }));
    expect(low.every((r) => (r.p_alive as number) < 0.5)).toBe(true);
    expect(low.map((r) => r.customer_id)).toEqual(rows.filter((r) => (r.p_alive as number) < 0.5).map((r) => r.customer_id));
    const [summary] = await rowsOf(db, churnRiskSummarySql({ bgnbd, asOf: '2024-05-01' }));
    expect(summary).toMatchObject({ with_rhythm: 4, overdue: 1 });
    expect(summary!.overdue_low_p_alive).not.toBeNull();
  });
});
