import { afterEach, describe, expect, it, vi } from 'vitest';
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

  describe('the #recipe= fragment in the address', () => {
    afterEach(() => vi.unstubAllGlobals());
    /** A page at `hash`, recording history.replaceState. */
    const page = (hash: string) => {
      const replaceState = vi.fn();
      vi.stubGlobal('location', { hash, href: `https://example.test/app/${hash}` });
      vi.stubGlobal('history', { state: null, replaceState });
      return replaceState;
    };
    const app = () => ({ notebook: { openFromRecipe: vi.fn(async () => {}), document: { version: 1, title: 'mine', cells: [] } } }) as unknown as AppState;

    it('stays while the recipe cannot be read (damaged or invalid), and goes when the banner is dismissed', async () => {
      for (const hash of ['#recipe=not*base64', `#recipe=${await encodeJson({ version: 1, sources: 'x' })}`]) {
        const replaceState = page(hash);
        const share = new ShareState(app(), 'https://example.test/app/');
        await share.readRecipe(hash);
        expect(share.recipeStage).toBe('invalid');
        expect(replaceState).not.toHaveBeenCalled();
        share.dismissRecipe();
        expect(replaceState).toHaveBeenCalledWith(null, '', 'https://example.test/app/');
      }
    });

    it('goes once the recipe is decoded and valid', async () => {
      const recipe = { version: 1, sources: [], view: { preset: 'all', custom: null, facets: {} }, savedSegments: [] };
      const hash = `#recipe=${await encodeJson(recipe)}`;
      const replaceState = page(hash);
      const share = new ShareState(app(), 'https://example.test/app/');
      await share.readRecipe(hash);
      expect(share.recipeStage, share.recipeError).toBe('waiting');
      expect(replaceState).toHaveBeenCalledWith(null, '', 'https://example.test/app/');
    });
  });
});
