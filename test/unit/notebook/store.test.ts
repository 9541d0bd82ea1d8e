// Review 6: a failed autosave showed as saved (#8); opening a recipe link overwrote the user's
// own notebook with no way back, and a reload re-opened the recipe over later edits (#6).
import { describe, expect, it, vi } from 'vitest';
import type { Database } from '../../../src/db/database';
import type { NotebookDocument } from '../../../src/notebook/document';
import { Autosave, saveProblem } from '../../../src/notebook/store';
import { NotebookState } from '../../../src/state/notebook.svelte';
import { en } from '../../../src/i18n/messages';
import { MemoryNotebookStore } from './memory-store';

const noEngine = { query: async () => { throw new Error('no engine'); }, cancel: async () => {} } as unknown as Database;
const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

const OWN: NotebookDocument = { version: 1, title: 'My own work', cells: [{ id: 'n1', kind: 'note', markdown: 'mine' }, { id: 's1', kind: 'sql', name: 'mine', sql: 'SELECT 1' }] };
const RECIPE: NotebookDocument = { version: 1, title: 'Their recipe', cells: [{ id: 'r1', kind: 'sql', name: 'theirs', sql: 'SELECT 2' }] };

async function opened(store: MemoryNotebookStore): Promise<NotebookState> {
  const notebook = new NotebookState(noEngine, store);
  await vi.waitFor(() => expect(notebook.restore).toBe('restored'));
  return notebook;
}

describe('a failed autosave is not shown as saved (review 6 #8)', () => {
  it('Autosave reports saved = false with the error when the store throws QuotaExceededError', async () => {
    const states: [boolean, unknown][] = [];
    const store = new MemoryNotebookStore();
    store.failWith = quotaError();
    const autosave = new Autosave(store, 10, (saved, error) => states.push([saved, error]));
    autosave.schedule(OWN);
    await autosave.flush();
    await vi.waitFor(() => expect(states).toHaveLength(2));
    expect(states[0]).toEqual([false, null]);
    expect(states[1]![0]).toBe(false);
    expect(saveProblem(states[1]![1])).toBe('quota');
    // The next successful save clears it.
    store.failWith = null;
    autosave.schedule(RECIPE);
    await autosave.flush();
    await vi.waitFor(() => expect(states.at(-1)).toEqual([true, null]));
  });

  it('the notebook says in words that it could not save, until a save works', async () => {
    const store = new MemoryNotebookStore();
    const notebook = await opened(store);
    store.failWith = quotaError();
    notebook.setTitle('Unsaved');
    await notebook.flush();
    await vi.waitFor(() => expect(notebook.saveProblem).toBe('quota'));
    expect(notebook.saved).toBe(false);
    expect(en['notebook.saveFailed.quota']).toBe('Could not save the notebook in this browser: storage is full. Export it as a file to keep it.');
    store.failWith = new Error('blocked');
    notebook.setTitle('Still unsaved');
    await notebook.flush();
    await vi.waitFor(() => expect(notebook.saveProblem).toBe('failed'));
    store.failWith = null;
    notebook.setTitle('Saved');
    await notebook.flush();
    await vi.waitFor(() => expect(notebook.saved).toBe(true));
    expect(notebook.saveProblem).toBeNull();
    expect(store.slots.get('last')?.title).toBe('Saved');
  });
});

describe('opening a recipe keeps the user’s own notebook (review 6 #6)', () => {
  it('own notebook saved → recipe opened → restore brings the own notebook back', async () => {
    const store = new MemoryNotebookStore();
    await store.save(OWN);
    const notebook = await opened(store);
    expect(notebook.document.title).toBe('My own work');

    await notebook.openFromRecipe(RECIPE);
    expect(notebook.document.cells.map((c) => c.id)).toEqual(['r1']);
    expect(notebook.setAside).toEqual({ title: 'My own work' });
    expect(store.slots.get('before-recipe')?.title).toBe('My own work');
    expect(store.slots.get('last')?.title).toBe('Their recipe');

    // A second recipe does not push the user's own notebook out.
    await notebook.openFromRecipe({ ...RECIPE, title: 'Another recipe' });
    expect(store.slots.get('before-recipe')?.title).toBe('My own work');

    // After a reload the offer is still there.
    const reloaded = await opened(store);
    expect(reloaded.document.title).toBe('Another recipe');
    expect(reloaded.setAside).toEqual({ title: 'My own work' });

    await reloaded.restoreSetAside();
    expect(reloaded.document).toEqual(OWN);
    expect(reloaded.setAside).toBeNull();
    expect(store.slots.has('before-recipe')).toBe(false);
    expect((await opened(store)).document).toEqual(OWN);
  });

  it('an unsaved edit of the own notebook is what is set aside', async () => {
    const store = new MemoryNotebookStore();
    await store.save(OWN);
    const notebook = await opened(store);
    notebook.setTitle('My own work, edited a moment ago');
    await notebook.openFromRecipe(RECIPE);
    expect(store.slots.get('before-recipe')?.title).toBe('My own work, edited a moment ago');
  });

  it('edits after a recipe survive a reload (the recipe is not opened again over them)', async () => {
    const store = new MemoryNotebookStore();
    await store.save(OWN);
    const notebook = await opened(store);
    await notebook.openFromRecipe(RECIPE);
    notebook.update('r1', { sql: 'SELECT 3' });
    notebook.setTitle('Their recipe, my changes');
    await notebook.flush();
    const reloaded = await opened(store);
    expect(reloaded.document.title).toBe('Their recipe, my changes');
    expect(reloaded.document.cells).toEqual([{ id: 'r1', kind: 'sql', name: 'theirs', sql: 'SELECT 3' }]);
  });

  it('with no notebook of their own, nothing is set aside; letting it go removes it; forget deletes every slot', async () => {
    const fresh = new MemoryNotebookStore();
    const first = await opened(fresh);
    await first.openFromRecipe(RECIPE);
    expect(first.setAside).toBeNull();
    expect([...fresh.slots.keys()]).toEqual(['last']);

    const store = new MemoryNotebookStore();
    await store.save(OWN);
    const notebook = await opened(store);
    await notebook.openFromRecipe(RECIPE);
    await notebook.dropSetAside();
    expect(store.slots.has('before-recipe')).toBe(false);
    expect(notebook.document.title).toBe('Their recipe');

    await notebook.openFromRecipe(RECIPE);
    await notebook.forget();
    expect(store.slots.size).toBe(0);
    expect(notebook.setAside).toBeNull();
  });

  it('open() still replaces the notebook (an imported file) and autosaves it', async () => {
    const store = new MemoryNotebookStore();
    const notebook = await opened(store);
    notebook.open(RECIPE);
    await notebook.flush();
    expect(store.slots.get('last')?.title).toBe('Their recipe');
  });
});
