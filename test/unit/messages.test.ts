import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/messages';
import { Formatter } from '../../src/i18n/format';
import { COLUMN_ROLES } from '../../src/ingest/types';
import { QUALITY_ACTIONS } from '../../src/ingest/quality';
import type { LoadProblem } from '../../src/ingest/load-source';

// Every problem, role and check the code can produce must have words in the catalogue.
const LOAD_PROBLEMS: Record<LoadProblem, true> = {
  empty: true, binary: true, spreadsheet: true, archive: true, not_parquet: true, corrupt_parquet: true,
  header_only: true, one_column: true, out_of_memory: true, too_large_to_analyse: true, unreadable: true, cancelled: true,
  url_invalid: true, url_status: true, url_no_cors: true, url_unreachable: true, url_no_range: true, url_read_failed: true,
};

describe('message catalogue', () => {
  it('has text for every load problem, column role, quality check and action', () => {
    const keys = [
      ...Object.keys(LOAD_PROBLEMS).map((p) => `problem.${p}`),
      ...COLUMN_ROLES.map((r) => `role.${r}`),
      ...Object.keys(QUALITY_ACTIONS).map((c) => `quality.check.${c}`),
      ...Object.entries(QUALITY_ACTIONS).map(([id, a]) => (a === 'warning' ? `quality.action.warning.${id}` : `quality.action.${a}`)),
    ];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('tells the user what to do, not only what went wrong', () => {
    const problems = Object.keys(LOAD_PROBLEMS).filter((p) => p !== 'cancelled').map((p) => en[`problem.${p}` as keyof typeof en]);
    for (const text of problems) expect(text).toMatch(/\b(Export|Open|Unzip|Check|Download|Load)\b/);
  });
});

describe('formatting', () => {
  it('fills placeholders and formats for the locale', () => {
    const de = new Formatter('de-DE');
    expect(de.t('load.loading', { name: 'a.csv' })).toBe('Loading a.csv…');
    expect(de.integer(1234567)).toBe('1.234.567');
    expect(new Formatter('en-US').bytes(1_500_000)).toBe('1.5 MB');
    expect(new Formatter('en-US').date(Date.UTC(2024, 0, 2, 23, 30))).toBe('Jan 2, 2024');
  });

  it('formats money, shares and durations by their own options each time, though the formats are made once', () => {
    const en = new Formatter('en-US');
    // Interleaved, so that a format kept for one set of options would show in another's text.
    expect(en.money(1234.5, 'EUR')).toBe('€1,235');
    expect(en.money(12.345, 'EUR')).toBe('€12.35');
    expect(en.money(12.345, 'USD')).toBe('$12.35');
    expect(en.money(1234.5, 'EUR')).toBe('€1,235');
    expect(en.money(12.3, null)).toBe('12.30');
    expect(en.percent(0.1234)).toBe('12.3%');
    expect(en.percent(0.1234, 0)).toBe('12%');
    expect(en.change(0.05)).toBe('+5%');
    expect(en.change(-0.125)).toBe('-12.5%');
    expect(en.duration(90 * 60_000)).toBe('1.5 hours');
    expect(en.duration(2 * 86_400_000)).toBe('2 days');
    expect(en.bytes(999)).toBe('999 byte');
    expect(new Formatter('de-DE').money(1234.5, 'EUR')).toBe('1.235\u00a0€');
  });
});
