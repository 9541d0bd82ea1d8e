import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { ms, rowsOf } from '../analyses/fixture';
import { acquisitionByChannelSql, acquisitionByMonthSql, acquisitionCoverageSql } from '../../../src/analyses/crm/acquisition';
import { loadCrmFixture } from './crm-fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadCrmFixture(db);
});

// Channels: the customer file's (C01 web, C04 " Web " → web; C10 none), else the first order's:
//   web: C01 (2024-01, ltv 150, sales 150), C03 (03, 0, 0), C04 (03, 170, 200), C05 (2023-11, 300, 300), C08 (03, 500, 500), C10 (03, 10, 10)
//   store: C02 (03, 200, 200), C06 (2023-12, 60, 60) · app: C07 (02, 60, 100), C09 (02, 55, 55)
// Spend: web 2024-03 300 + 100 = 400; app 2024-03 150, 2024-02 50; tv 2024-03 1000 (no customer came through tv).
describe('acquisition by channel', () => {
  it('counts customers, revenue and LTV per channel, with CAC and LTV:CAC from the spend', async () => {
    const rows = await rowsOf(db, acquisitionByChannelSql({ profiles: true, spend: true }));
    expect(rows).toEqual([
      // web: 6 customers, sales 1160, ltv (150 + 0 + 170 + 300 + 500 + 10) ÷ 6 = 188.33; new in the spend month 2024-03: C03 C04 C08 C10 = 4
      // → CAC 400 ÷ 4 = 100, LTV:CAC 1.8833. The label is a spelling as written ("Web" sorts before "web").
      { channel: 'Web', customers: 6, revenue: 1160, ltv: 1130 / 6, spend: 400, new_customers: 4, cac: 100, ltv_to_cac: 1130 / 6 / 100 },
      // app: 2 customers, sales 155, ltv (60 + 55) ÷ 2 = 57.5; spend 200 over Feb and Mar; new in those months: C07, C09 (Feb) → CAC 100.
      { channel: 'app', customers: 2, revenue: 155, ltv: 57.5, spend: 200, new_customers: 2, cac: 100, ltv_to_cac: 0.575 },
      // store: no spend → no CAC.
      { channel: 'store', customers: 2, revenue: 260, ltv: 130, spend: null, new_customers: null, cac: null, ltv_to_cac: null },
      // tv: spend without customers → no CAC.
      { channel: 'tv', customers: 0, revenue: 0, ltv: null, spend: 1000, new_customers: 0, cac: null, ltv_to_cac: null },
    ]);
  });

  it("divides the LTV of the month's own new customers by the month's CAC, not the channel's all-history LTV", async () => {
    const rows = await rowsOf(db, acquisitionByMonthSql({ profiles: true, spend: true }));
    expect(rows).toEqual([
      // app 2024-02: 50 ÷ 2 new (C07, C09) = 25; their LTV to date (60 + 55) ÷ 2 = 57.5; LTV:CAC 57.5 ÷ 25 = 2.3
      { channel: 'app', month: ms('2024-02-01'), spend: 50, new_customers: 2, cac: 25, ltv: 57.5, ltv_to_cac: 2.3 },
      // app 2024-03: nobody new → no CAC and no cohort LTV
      { channel: 'app', month: ms('2024-03-01'), spend: 150, new_customers: 0, cac: null, ltv: null, ltv_to_cac: null },
      { channel: 'tv', month: ms('2024-03-01'), spend: 1000, new_customers: 0, cac: null, ltv: null, ltv_to_cac: null },
      // web 2024-03: 400 ÷ 4 new (C03, C04, C08, C10) = 100; their LTV (0 + 170 + 500 + 10) ÷ 4 = 170 → LTV:CAC 1.7.
      // (The channel's all-history LTV, 1130 ÷ 6 = 188.33, with C01 of January and C05 of 2023, would have said 1.88.)
      { channel: 'web', month: ms('2024-03-01'), spend: 400, new_customers: 4, cac: 100, ltv: 170, ltv_to_cac: 1.7 },
    ]);
  });

  it('takes the channel from the orders without a customer file, and says where each channel came from', async () => {
    const rows = await rowsOf(db, acquisitionByChannelSql({ profiles: false, spend: false }));
    // First-order channels: web C01 C03 C05 C08 C10 (5), app C04 C07 C09 (3), store C02 C06 (2).
    expect(rows.map((r) => [r.channel, r.customers, r.spend])).toEqual([['web', 5, null], ['app', 3, null], ['store', 2, null]]);
    const [coverage] = await rowsOf(db, acquisitionCoverageSql({ profiles: true }));
    // From the file: C01, C04 (C10's is empty); from the orders: the 8 others; X99 is only in the customer file.
    expect(coverage).toEqual({ customers: 10, from_profile: 2, from_orders: 8, unknown_channel: 0, profiles_not_in_orders: 1 });
  });
});
