import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeJson } from '../../../src/share/codec';
import type { AppState } from '../../../src/state/app.svelte';
import { ShareState } from '../../../src/state/share.svelte';
import { Formatter } from '../../../src/i18n/format';
import { PrivacyViolation } from '../../../src/share/privacy';

describe('ShareState.readRecipe', () => {
  it('a recipe with a bad notebook cell is refused in words and the user’s notebook is untouched (review 6, finding 7)', async () => {
    const open = vi.fn();
    const app = { notebook: { open, openFromRecipe: open, document: { version: 1, title: 'mine', cells: [] } } } as unknown as AppState;
    const share = new ShareState(app, 'https://example.test/');
    const bad = { version: 1, notebook: { version: 1, title: 'x', cells: [{ id: 'z', kind: 'sql' }] }, sources: [], view: { preset: 'all', custom: null, facets: {} }, savedSegments: [] };
    await share.readRecipe(`#recipe=${await encodeJson(bad)}`);
    expect(share.recipeStage).toBe('invalid');
    // Shown as share.recipeProblem.invalid, with the technical detail inside.
    expect(share.recipeProblem).toEqual({ problem: 'invalid', detail: 'notebook cell 1: a SQL cell needs a name and SQL text' });
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
        expect(share.recipeProblem!.problem).toBe(hash.includes('*') ? 'damaged' : 'invalid');
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
      expect(share.recipeStage, share.recipeProblem?.detail).toBe('waiting');
      expect(replaceState).toHaveBeenCalledWith(null, '', 'https://example.test/app/');
    });
  });
});

describe('ShareState build errors', () => {
  const appFailing = (error: Error) =>
    ({
      format: new Formatter('en-US'),
      db: { query: vi.fn(async () => Promise.reject(error)) },
      dashboard: { filter: { range: null, facets: {}, segment: null }, grain: 'month', churnWindowDays: 90, sinceGrain: 'month' },
      notebook: { document: { version: 1, title: 'mine', cells: [] }, runs: {} },
    }) as unknown as AppState;

  it('says a privacy check failure in the catalogue’s words, with what it found', async () => {
    const share = new ShareState(appFailing(new PrivacyViolation('KPI customers: 3')), 'https://example.test/');
    await share.makeReport();
    expect(share.status).toBe('error');
    expect(share.error).toBe(new Formatter('en-US').t('share.error.privacy', { detail: 'KPI customers: 3' }));
    expect(share.error).toMatch(/^The report was stopped before it was shared/);
  });

  it('keeps an engine error’s first line', async () => {
    const share = new ShareState(appFailing(new Error('Out of Memory Error: could not allocate\nmore lines')), 'https://example.test/');
    await share.makeReport();
    expect(share.error).toBe('Out of Memory Error: could not allocate');
  });
});
