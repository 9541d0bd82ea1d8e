import { describe, expect, it } from 'vitest';
import { ShareError, decodeJson, encodeJson } from '../../../src/share/codec';
import { mappingPlan, validateRecipe, type Recipe } from '../../../src/share/recipe';

const recipe: Recipe = {
  version: 1,
  notebook: { version: 1, title: 'Q1', cells: [{ id: 'a', kind: 'sql', name: 'by_country', sql: 'SELECT 1' }] },
  sources: [{ file: 'shop.csv', mapping: { customer_id: 'Customer', ordered_at: 'Date', amount: 'Total', customer_email: 'Mail' } }],
  view: {
    preset: 'custom', custom: { start: '2024-03-01', end: '2024-04-01' }, facets: { country: ['DE', null] }, sinceGrain: 'month',
    segment: { name: 'Big', combine: 'and', groups: [{ combine: 'and', rules: [{ kind: 'number', field: 'total_revenue', op: '>=', value: 100 }] }] },
    grain: 'week', churnWindowDays: 60,
  },
  savedSegments: [],
};

describe('recipe', () => {
  it('round-trips through the link codec and validation unchanged', async () => {
    expect(validateRecipe(await decodeJson(await encodeJson(recipe)))).toEqual(recipe);
  });

  it('refuses what it cannot trust, in words', () => {
    expect(() => validateRecipe({ ...recipe, view: { ...recipe.view, preset: 'yesterday' } })).toThrow(/date range/);
    expect(() => validateRecipe({ ...recipe, sources: [{ file: 'x', mapping: { drop_table: 'x' } }] })).toThrow(/role drop_table/);
    expect(() => validateRecipe({ ...recipe, view: { ...recipe.view, segment: { name: 'S', combine: 'xor', groups: [] } } })).toThrow(/and.*or/);
  });

  it('maps columns that exist and lists those that do not', () => {
    const plan = mappingPlan(recipe, [{ index: 3, fileName: 'shop.csv', columns: ['Customer', 'Date', 'Total', 'Country'], mapping: { customer_id: 'Customer', ordered_at: 'Country' } }]);
    expect(plan.changes).toEqual([{ index: 3, role: 'ordered_at', column: 'Date' }, { index: 3, role: 'amount', column: 'Total' }]);
    expect(plan.missing).toEqual([{ file: 'shop.csv', role: 'customer_email', column: 'Mail' }]);
  });

  it('checks notebook cells deeply (review 6, finding 7: a SQL cell without SQL was accepted and crashed the page)', () => {
    const bad = { ...recipe, notebook: { version: 1, title: 'x', cells: [{ id: 'a', kind: 'note', markdown: 'hi' }, { id: 'z', kind: 'sql' }] } };
    expect(() => validateRecipe(bad)).toThrow(ShareError);
    expect(() => validateRecipe(bad)).toThrow('notebook cell 2: a SQL cell needs a name and SQL text');
    expect(() => validateRecipe({ ...recipe, notebook: { version: 1, title: 'x', cells: [{ id: 'c', kind: 'chart', source: 's', mark: 'pie' }] } })).toThrow(/notebook cell 1: a chart needs a source cell and a mark/);
    expect(() => validateRecipe({ ...recipe, notebook: 'SELECT 1' })).toThrow(/the notebook/);
  });
});
