import { describe, expect, it } from 'vitest';
import { choicePatch, shownChoice } from '../../../src/notebook/chart';
import type { ChartCell } from '../../../src/notebook/document';
import type { ResultColumn } from '../../../src/notebook/result';

const columns: ResultColumn[] = [
  { name: 'country', kind: 'text', type: 'Utf8' },
  { name: 'revenue', kind: 'number', type: 'Float64' },
];
const fresh: ChartCell = { id: 'c', kind: 'chart', source: 'by_country', mark: 'bar' };

describe('chart cell choices (final review #10: viewing a chart edited the notebook)', () => {
  it('shows defaults from the column types without writing them: the cell is left as it is', () => {
    const cell = structuredClone(fresh);
    const shown = shownChoice(cell, columns);
    // A text and a number column: bars of revenue by country.
    expect(shown).toEqual({ auto: true, choice: { mark: 'bar', x: 'country', y: 'revenue' } });
    expect(cell).toEqual(fresh);
    // Before the data is there nothing is guessed.
    expect(shownChoice(cell, [])).toEqual({ auto: false, choice: { mark: 'bar', x: undefined, y: undefined, color: undefined, facet: undefined } });
  });

  it('keeps a choice the user made, and saves what is shown with the user’s first change', () => {
    expect(shownChoice({ ...fresh, mark: 'dot', x: 'revenue' }, columns)).toEqual({ auto: false, choice: { mark: 'dot', x: 'revenue', y: undefined, color: undefined, facet: undefined } });
    const shown = shownChoice(fresh, columns);
    expect(choicePatch(shown, { mark: 'dot' })).toEqual({ mark: 'dot', x: 'country', y: 'revenue' });
    // A new source starts from nothing: its columns differ.
    const reset = { source: 'other', x: undefined, y: undefined, color: undefined, facet: undefined };
    expect(choicePatch(shown, reset)).toBe(reset);
    // Once chosen, a change is only that change.
    expect(choicePatch(shownChoice({ ...fresh, x: 'country', y: 'revenue' }, columns), { mark: 'line' })).toEqual({ mark: 'line' });
  });
});
