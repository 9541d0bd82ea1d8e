// Words for the notebook's values and problems, through the catalogue and the Formatter.
import type { Formatter } from '../../i18n/format';
import type { MessageKey } from '../../i18n/messages';
import type { ResultColumn } from '../../notebook/result';
import type { CellError } from '../../notebook/cells';
import type { CellProblem } from '../../state/notebook.svelte';

/** A result value as the table shows it: numbers and dates for the reader's locale, NULL marked. */
export function valueText(value: unknown, column: ResultColumn, format: Formatter): string {
  if (value === null || value === undefined) return format.t('notebook.null');
  if (value instanceof Date) {
    const midnight = value.getUTCHours() === 0 && value.getUTCMinutes() === 0 && value.getUTCSeconds() === 0 && value.getUTCMilliseconds() === 0;
    // A time of day matters in a timestamp: shown in full (ISO, zone-less as stored) when it has one.
    return midnight ? format.date(value.getTime()) : value.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  }
  if (typeof value === 'number') return Number.isInteger(value) ? format.integer(value) : format.number(value);
  if (column.kind === 'other' && typeof value === 'object') return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  return String(value);
}

/** What went wrong with a cell, in words. */
export function problemText(problem: CellProblem, name: string, format: Formatter): string {
  switch (problem.kind) {
    case 'name':
      return format.t(`notebook.problem.name.${problem.problem}` as MessageKey, { name });
    case 'taken':
      return format.t('notebook.problem.taken', { name });
    case 'later':
      return format.t('notebook.problem.later', { name: problem.name });
    case 'sql':
      return format.t(`notebook.problem.sql.${problem.problem}` as MessageKey);
    case 'input':
      return format.t('notebook.problem.input', { name: problem.name });
    case 'access':
      return problem.access.kind === 'function'
        ? format.t('notebook.problem.access.function', { name: problem.access.name })
        : problem.access.kind === 'path'
          ? format.t('notebook.problem.access.path', { text: problem.access.text })
          : format.t('notebook.problem.access.statement', { keyword: problem.access.keyword });
    case 'engine':
      return problem.error.message;
  }
}

/** A place in a cell's SQL (a character offset) as the line and column the cell marks. */
export function spotAt(sql: string, position: number): CellError {
  const before = sql.slice(0, position).split('\n');
  return { message: '', position, line: before.length, column: before[before.length - 1]!.length + 1 };
}
