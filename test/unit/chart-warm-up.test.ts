import { describe, expect, it } from 'vitest';
import { ACTIVITY_COLUMNS } from '../../src/analyses/activity-series';
import { madeUpRows } from '../../src/components/dashboard/chart-warm-up';

describe('the charts’ warm-up rows', () => {
  it('carry every column the activity and acquisition charts read, as numbers, one bucket per grain step', () => {
    const steps = { day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };
    for (const grain of ['day', 'week', 'month'] as const) {
      const rows = madeUpRows(grain);
      expect(rows.length).toBeGreaterThan(30);
      for (const row of rows) {
        for (const column of [...ACTIVITY_COLUMNS, 'customers', 'first_order_revenue']) expect(typeof row[column], column).toBe('number');
      }
      const starts = rows.map((r) => Number(r.period_start));
      expect(starts.slice(1).every((start, i) => start - starts[i]! === steps[grain])).toBe(true);
    }
  });
});
