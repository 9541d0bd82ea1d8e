import { describe, expect, it } from 'vitest';
import { checkedRange, presetRange } from '../../src/state/date-presets';

// The data's last day: Wednesday 2024-05-15.
const LAST = Date.UTC(2024, 4, 15);

describe('date-range presets, anchored on the last day in the data', () => {
  it('counts "last N days" back from the last day, inclusive, end exclusive', () => {
    // 7 days ending 2024-05-15: 05-09 … 05-15; end is the next day.
    expect(presetRange('last_7', LAST)).toEqual({ start: '2024-05-09', end: '2024-05-16' });
    // 30 days: 05-15 − 29 days = 04-16.
    expect(presetRange('last_30', LAST)).toEqual({ start: '2024-04-16', end: '2024-05-16' });
    // 90 days: 05-15 − 89 days = 02-16 (2024 is a leap year: Feb has 29 days).
    expect(presetRange('last_90', LAST)).toEqual({ start: '2024-02-16', end: '2024-05-16' });
  });

  it('takes calendar periods whole, and the one before', () => {
    expect(presetRange('this_month', LAST)).toEqual({ start: '2024-05-01', end: '2024-06-01' });
    expect(presetRange('last_month', LAST)).toEqual({ start: '2024-04-01', end: '2024-05-01' });
    expect(presetRange('this_quarter', LAST)).toEqual({ start: '2024-04-01', end: '2024-07-01' });
    expect(presetRange('last_quarter', LAST)).toEqual({ start: '2024-01-01', end: '2024-04-01' });
    expect(presetRange('this_year', LAST)).toEqual({ start: '2024-01-01', end: '2025-01-01' });
    expect(presetRange('last_year', LAST)).toEqual({ start: '2023-01-01', end: '2024-01-01' });
    // January: last month and last quarter cross the year.
    expect(presetRange('last_month', Date.UTC(2024, 0, 10))).toEqual({ start: '2023-12-01', end: '2024-01-01' });
    expect(presetRange('last_quarter', Date.UTC(2024, 0, 10))).toEqual({ start: '2023-10-01', end: '2024-01-01' });
  });

  it('is all time for "all", and the checked custom range for "custom"', () => {
    expect(presetRange('all', LAST)).toBeNull();
    expect(presetRange('custom', LAST, { start: '2024-01-01', end: '2024-02-01' })).toEqual({ start: '2024-01-01', end: '2024-02-01' });
    expect(checkedRange('2024-01-01', '2024-02-01')).toEqual({ start: '2024-01-01', end: '2024-02-01' });
    expect(checkedRange('2024-02-01', '2024-01-01')).toBeNull();
    expect(checkedRange('2024-13-45', '2025-01-01')).toBeNull();
    expect(checkedRange("2024-01-01'; DROP TABLE orders", '2025-01-01')).toBeNull();
  });
});
