import { describe, expect, it, vi } from 'vitest';
import { encodeJson } from '../../../src/share/codec';
import type { AppState } from '../../../src/state/app.svelte';
import { ShareState } from '../../../src/state/share.svelte';

describe('ShareState.readRecipe', () => {
  it('a recipe with a bad notebook cell is refused in words and the user’s notebook is untouched (review 6, finding 7)', async () => {
    const open = vi.fn();
    const app = { notebook: { open, openFromRecipe: open, document: { version: 1, title: 'mine', cells: [] } } } as unknown as AppState;
    const share = new ShareState(app, 'https://example.test/');
    const bad = { version: 1, notebook: { version: 1, title: 'x', cells: [{ id: 'z', kind: 'sql' }] }, sources: [], view: { preset: 'all', custom: null, facets: {} }, savedSegments: [] };
    await share.readRecipe(`#recipe=${await encodeJson(bad)}`);
    expect(share.recipeStage).toBe('invalid');
    expect(share.recipeError).toBe('notebook cell 1: a SQL cell needs a name and SQL text');
    expect(open).not.toHaveBeenCalled();
  });
});
