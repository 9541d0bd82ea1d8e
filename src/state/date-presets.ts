// The date-range picker's presets, turned into ISO date ranges (start inclusive, end exclusive).
// Presets are anchored on the last day in the data, not on today: an export is a snapshot, and
// "last 30 days" of a file exported in March should not be empty in June.
import type { DateRange } from '../analyses/filters';

export const RANGE_PRESETS = ['all', 'last_7', 'last_30', 'last_90', 'this_month', 'last_month', 'this_quarter', 'last_quarter', 'this_year', 'last_year', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utc = (y: number, m: number, d = 1) => Date.UTC(y, m, d);

/**
 * The range a preset selects, given the last day in the data (epoch ms of that day, UTC).
 * 'all' is null (from the first to the last day); 'custom' returns `custom` unchanged.
 * Calendar presets ("this month") run to the end of the calendar period.
 */
export function presetRange(preset: RangePreset, lastDayMs: number, custom: DateRange | null = null): DateRange | null {
  const last = new Date(lastDayMs);
  const y = last.getUTCFullYear();
  const m = last.getUTCMonth();
  const q = Math.floor(m / 3) * 3;
  const lastDays = (n: number) => ({ start: iso(lastDayMs - (n - 1) * DAY_MS), end: iso(lastDayMs + DAY_MS) });
  switch (preset) {
    case 'all':
      return null;
    case 'custom':
      return custom;
    case 'last_7':
      return lastDays(7);
    case 'last_30':
      return lastDays(30);
    case 'last_90':
      return lastDays(90);
    case 'this_month':
      return { start: iso(utc(y, m)), end: iso(utc(y, m + 1)) };
    case 'last_month':
      return { start: iso(utc(y, m - 1)), end: iso(utc(y, m)) };
    case 'this_quarter':
      return { start: iso(utc(y, q)), end: iso(utc(y, q + 3)) };
    case 'last_quarter':
      return { start: iso(utc(y, q - 3)), end: iso(utc(y, q)) };
    case 'this_year':
      return { start: iso(utc(y, 0)), end: iso(utc(y + 1, 0)) };
    case 'last_year':
      return { start: iso(utc(y - 1, 0)), end: iso(utc(y, 0)) };
  }
}

/** A custom range typed by the user, checked: both ISO dates, start before end. */
export function checkedRange(start: string, end: string): DateRange | null {
  const valid = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));
  return valid(start) && valid(end) && start < end ? { start, end } : null;
}
