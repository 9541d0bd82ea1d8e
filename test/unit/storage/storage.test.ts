import { afterEach, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { AppState } from '../../../src/state/app.svelte';
import { Formatter } from '../../../src/i18n/format';
import { UrlSource } from '../../../src/ingest/load-source';
import { KEEP_KEY, StorageState, type StorageEnvironment } from '../../../src/state/storage.svelte';
import { OpfsStore } from '../../../src/storage/opfs-store';
import { EMPTY_MANIFEST, mappingSteps, parseManifest, planSync, type StoredSource } from '../../../src/storage/manifest';
import { MemoryDirectory } from './memory-opfs';
import { NotebookState } from '../../../src/state/notebook.svelte';
import { MemoryNotebookStore } from '../notebook/memory-store';

const format = new Formatter('en-US');

// 3 customers, 4 orders; "ref" is not a header the guesser knows, so the customer must be mapped by hand.
const CSV = ['order_id,ref,ordered_at,amount', 'O1,K1,2024-01-02,10', 'O2,K1,2024-02-02,5', 'O3,K2,2024-02-03,7', 'O4,K3,2024-03-01,3'].join('\n');

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
    removeItem: (k: string) => void items.delete(k),
    key: (i: number) => [...items.keys()][i] ?? null,
    get length() {
      return items.size;
    },
  };
}

/** One browser profile: its OPFS, localStorage and sessionStorage survive a "reload" (a new AppState and StorageState). */
function profile() {
  const root = new MemoryDirectory();
  const local = memoryStorage();
  const session = memoryStorage();
  let reloads = 0;
  const env: StorageEnvironment = {
    available: true,
    openStore: () => OpfsStore.open(Promise.resolve(root as unknown as FileSystemDirectoryHandle)),
    local,
    session,
    persist: async () => true,
    persisted: async () => local.getItem(KEEP_KEY) === 'on',
    estimate: async () => ({ usage: root.usedBytes(), quota: 1e9 }),
    reload: () => void reloads++,
  };
  return { root, local, env, reloads: () => reloads };
}

const open: NodeDatabase[] = [];
async function newApp() {
  const db = await NodeDatabase.open();
  open.push(db);
  return new AppState(db, format, Promise.resolve({ version: 'test', bundle: 'node' }));
}
afterEach(() => void open.splice(0));

const folder = (root: MemoryDirectory) => root.entries.get('clientele') as MemoryDirectory;

describe('keep my data in this browser', () => {
  it('stores a loaded file with its mapping, restores it on the next visit with the mapping, and follows removals', async () => {
    const browser = profile();
    const app = await newApp();
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await app.loadFile(new Blob([CSV]), 'shop.csv');
    expect(app.missing[0]).toContain('customer');
    await storage.setEnabled(true);
    expect(browser.local.getItem(KEEP_KEY)).toBe('on');
    expect(storage.persisted).toBe(true);
    expect(storage.stored).toBe(1);
    // The stored copy is the file byte for byte, under an id, beside the manifest.
    const files = [...folder(browser.root).entries].filter(([name]) => name !== 'manifest.json');
    expect(files).toHaveLength(1);
    expect(await (files[0]![1] as Blob).text()).toBe(CSV);

    // The user maps "ref" to the customer id; the sync writes it.
    await app.setRole(app.sources[0]!.loaded.index, 'customer_id', 'ref');
    await storage.sync();
    const manifest = await (await OpfsStore.open(Promise.resolve(browser.root as unknown as FileSystemDirectoryHandle))).readManifest();
    expect(manifest.sources.map((s) => [s.fileName, s.mapping.customer_id])).toEqual([['shop.csv', 'ref']]);
    expect(app.report.status).toBe('ready');

    // Reload: a new app and storage over the same profile restore the file and the mapping.
    const again = await newApp();
    const restored = new StorageState(again, browser.env);
    expect(restored.enabled).toBe(true);
    await restored.start();
    expect(again.sources.map((s) => s.loaded.fileName)).toEqual(['shop.csv']);
    expect(again.sources[0]!.mapping.customer_id).toBe('ref');
    expect(again.report.status).toBe('ready');
    // 4 orders by 3 customers, 10 + 5 + 7 + 3 = 25.
    expect(again.report.summary?.orders).toBe(4);
    expect(restored.notice).toBe('Restored 1 stored files.');
    expect(restored.stored).toBe(1);

    // A second file is added and stored after the first; removing the first deletes its copy.
    again.loadMode = 'add';
    await again.loadFile(new Blob([CSV.replace(/O(\d)/g, 'P$1')]), 'more.csv');
    await restored.sync();
    expect(restored.stored).toBe(2);
    await again.removeSource(again.sources[0]!.loaded.index);
    await restored.sync();
    const after = parseManifest(await (folder(browser.root).entries.get('manifest.json') as Blob).text());
    expect(after.sources.map((s) => s.fileName)).toEqual(['more.csv']);
    expect(after.loadMode).toBe('add');
    expect(folder(browser.root).entries.size).toBe(2); // more.csv's copy and the manifest
  });

  it('stores a customers table beside the orders with its kind and mapping, and restores both', async () => {
    const browser = profile();
    const app = await newApp();
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await storage.setEnabled(true);
    await app.loadFile(new Blob([CSV]), 'shop.csv');
    await app.setRole(app.sources[0]!.loaded.index, 'customer_id', 'ref');
    // 3 customers; "Land" (German) is guessed as the country, and the user unmaps it.
    const customers = 'customer_id,name,Land\nK1,Ann,DE\nK2,Bob,FR\nK3,Cy,NL\n';
    expect(await app.tables.load(new Blob([customers]), 'customers.csv', 'customers', 'replace')).toBe(true);
    const index = app.tables.entries[0]!.loaded.index;
    expect(app.tables.entries[0]!.mapping.country).toBe('Land');
    await app.tables.setRole(index, 'country', null);
    await storage.sync();
    expect(storage.stored).toBe(2);

    const again = await newApp();
    await new StorageState(again, browser.env).start();
    expect(again.sources.map((s) => s.loaded.fileName)).toEqual(['shop.csv']);
    expect(again.tables.entries.map((e) => [e.kind, e.loaded.fileName, e.mapping.country, e.mapping.customer_id])).toEqual([['customers', 'customers.csv', undefined, 'customer_id']]);
    expect(again.tables.present.customers).toBe(true);
  });

  it('a failed restore keeps the stored file and its manifest entry, offers try again and remove (final review #1: data loss)', async () => {
    const browser = profile();
    const first = await newApp();
    const storage = new StorageState(first, browser.env);
    await storage.start();
    await first.loadFile(new Blob([CSV]), 'shop.csv');
    await first.setRole(first.sources[0]!.loaded.index, 'customer_id', 'ref');
    await storage.setEnabled(true);
    const manifestNow = async () => parseManifest(await (folder(browser.root).entries.get('manifest.json') as Blob).text());
    const storedId = (await manifestNow()).sources[0]!.id;

    // Next visit: loading the stored file fails (out of memory in a smaller tab), as AppState reports it.
    const again = await newApp();
    const realLoad = again.loadFile.bind(again);
    let failLoads = true;
    again.loadFile = async (file, name) => {
      if (!failLoads) return realLoad(file, name);
      again.loadFailure = { fileName: name, problem: 'unreadable', detail: 'Out of memory' };
    };
    const restored = new StorageState(again, browser.env);
    await restored.start();
    expect(again.sources).toHaveLength(0);
    // The stored copy and its entry are still there, byte for byte, and the page names the file.
    expect(await (folder(browser.root).entries.get(storedId) as Blob).text()).toBe(CSV);
    expect((await manifestNow()).sources.map((s) => [s.id, s.fileName, s.mapping.customer_id])).toEqual([[storedId, 'shop.csv', 'ref']]);
    expect(restored.unrestored).toEqual([{ id: storedId, fileName: 'shop.csv' }]);
    expect(restored.stored).toBe(1);

    // Loading another file meanwhile stores it beside, and still does not delete the unrestored one.
    failLoads = false;
    await again.loadFile(new Blob([CSV.replace(/O(\d)/g, 'P$1')]), 'more.csv');
    await restored.sync();
    expect((await manifestNow()).sources.map((s) => s.fileName)).toEqual(['more.csv', 'shop.csv']);
    expect(folder(browser.root).entries.has(storedId)).toBe(true);

    // A retry that fails again says so and keeps it.
    failLoads = true;
    await restored.retry(storedId);
    expect(restored.retryFailed).toBe(storedId);
    expect(restored.unrestored.map((u) => u.fileName)).toEqual(['shop.csv']);
    expect(folder(browser.root).entries.has(storedId)).toBe(true);

    // "Try again" once memory is back: loaded with its stored mapping, kept under the same id.
    failLoads = false;
    await restored.retry(storedId);
    expect(restored.unrestored).toEqual([]);
    expect(again.sources.map((s) => s.loaded.fileName)).toEqual(['more.csv', 'shop.csv']);
    expect(again.sources[1]!.mapping.customer_id).toBe('ref');
    expect((await manifestNow()).sources.map((s) => [s.fileName, s.id === storedId])).toEqual([['more.csv', false], ['shop.csv', true]]);

    // Another visit where it fails again: "Remove it" deletes the copy and the entry, and only that one.
    const third = await newApp();
    const thirdLoad = third.loadFile.bind(third);
    third.loadFile = async (file, name) => {
      if (name !== 'shop.csv') return thirdLoad(file, name);
      third.loadFailure = { fileName: name, problem: 'unreadable', detail: 'Out of memory' };
    };
    const last = new StorageState(third, browser.env);
    await last.start();
    expect(third.sources.map((s) => s.loaded.fileName)).toEqual(['more.csv']);
    expect(last.unrestored.map((u) => u.fileName)).toEqual(['shop.csv']);
    await last.removeStored(storedId);
    expect(last.unrestored).toEqual([]);
    expect(folder(browser.root).entries.has(storedId)).toBe(false);
    expect((await manifestNow()).sources.map((s) => s.fileName)).toEqual(['more.csv']);
    expect(last.stored).toBe(1);
  });

  it('a stored file that cannot be read (missing copy) is kept in the manifest until removed (final review #1)', async () => {
    const browser = profile();
    const app = await newApp();
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await app.loadFile(new Blob([CSV]), 'shop.csv');
    await storage.setEnabled(true);
    const id = parseManifest(await (folder(browser.root).entries.get('manifest.json') as Blob).text()).sources[0]!.id;
    folder(browser.root).entries.delete(id);
    const next = new StorageState(await newApp(), browser.env);
    await next.start();
    expect(next.unrestored).toEqual([{ id, fileName: 'shop.csv' }]);
    expect(parseManifest(await (folder(browser.root).entries.get('manifest.json') as Blob).text()).sources.map((s) => s.id)).toEqual([id]);
  });

  it('keeps a file opened by URL as its address only', async () => {
    const browser = profile();
    const storage = new StorageState(
      {
        format, sources: [{ loaded: { index: 1, fileName: 'orders.csv', bytes: 1234, columns: [] }, mapping: { customer_id: 'c' }, date: null } as never],
        loading: null, loadFailure: null, loadMode: 'replace',
        fileOf: () => new UrlSource('https://data.example.com/orders.csv'),
        loadFile: async () => undefined, setRole: async () => undefined, notebook: { forget: async () => undefined },
      },
      browser.env,
    );
    await storage.start();
    await storage.setEnabled(true);
    const manifest = parseManifest(await (folder(browser.root).entries.get('manifest.json') as Blob).text());
    expect(manifest.sources).toEqual([expect.objectContaining({ fileName: 'orders.csv', url: 'https://data.example.com/orders.csv', bytes: 1234 })]);
    expect(folder(browser.root).entries.size).toBe(1); // the manifest only: no contents
  });

  it('says in words when the browser has no space, keeps the data loaded and stores the next file that fits', async () => {
    const browser = profile();
    browser.root.quotaBytes = 600;
    const app = await newApp();
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await storage.setEnabled(true);
    await app.loadFile(new Blob([CSV]), 'shop.csv'); // 115 bytes and a manifest of about 200: fits in 600
    await storage.sync();
    expect(storage.stored).toBe(1);
    app.loadMode = 'add';
    await app.loadFile(new Blob([CSV + '\n' + 'O5,K4,2024-03-02,1\n'.repeat(40)]), 'big.csv');
    await storage.sync();
    expect(storage.error).toMatch(/^Not enough space in this browser to keep big\.csv \(\d+ byte\)\. It stays loaded for now/);
    expect(app.sources).toHaveLength(2);
    expect(storage.stored).toBe(1);
    // No half-written copy is left behind.
    expect([...folder(browser.root).entries.keys()].sort()).toHaveLength(2);
  });

  it('turning the option off deletes the copies', async () => {
    const browser = profile();
    const app = await newApp();
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await app.loadFile(new Blob([CSV]), 'shop.csv');
    await storage.setEnabled(true);
    expect(folder(browser.root).entries.size).toBe(2);
    await storage.setEnabled(false);
    expect(folder(browser.root).entries.size).toBe(0);
    expect(browser.local.getItem(KEEP_KEY)).toBeNull();
  });

  it('forgets everything: stored files, notebooks, every clientele. key; then reloads and says what it forgot', async () => {
    const browser = profile();
    browser.local.setItem('clientele.segments', '[{"name":"Big"}]');
    browser.local.setItem('other-app.setting', 'kept');
    const app = await newApp();
    let notebooksForgotten = 0;
    app.notebook.forget = async () => void notebooksForgotten++;
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await app.loadFile(new Blob([CSV]), 'shop.csv');
    await storage.setEnabled(true);
    await storage.forget();
    expect(browser.reloads()).toBe(1);
    expect(notebooksForgotten).toBe(1);
    expect(folder(browser.root).entries.size).toBe(0);
    expect([...browser.local.items.keys()]).toEqual(['other-app.setting']);
    // After the reload: nothing to restore, the option is off, and the page says what was forgotten.
    const next = new StorageState(await newApp(), browser.env);
    await next.start();
    expect(next.enabled).toBe(false);
    expect(next.notice).toBe('Forgotten: 1 stored files, notebooks, segments.');
  });

  it('a failed forget leaves the option on as stored, keeps storage working and does not reload (final review #12: option half on)', async () => {
    const browser = profile();
    const app = await newApp();
    app.notebook.forget = async () => {
      throw new Error('IndexedDB is blocked');
    };
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await app.loadFile(new Blob([CSV]), 'shop.csv');
    await storage.setEnabled(true);
    expect(storage.stored).toBe(1);
    await storage.forget();
    expect(storage.error).toBe('Could not forget everything (IndexedDB is blocked). Nothing was reloaded. Try again, or clear this site’s data in the browser’s settings.');
    expect(browser.reloads()).toBe(0);
    // The option shown and the option stored agree: on.
    expect(storage.enabled).toBe(true);
    expect(browser.local.getItem(KEEP_KEY)).toBe('on');
    // The stored files were already deleted; storage copies the loaded file again, and a reload restores it.
    const manifest = parseManifest(await (folder(browser.root).entries.get('manifest.json') as Blob).text());
    expect(manifest.sources.map((s) => s.fileName)).toEqual(['shop.csv']);
    expect(await (folder(browser.root).entries.get(manifest.sources[0]!.id) as Blob).text()).toBe(CSV);
    expect(storage.stored).toBe(1);
    expect(storage.unrestored).toEqual([]);
    const again = await newApp();
    const next = new StorageState(again, browser.env);
    await next.start();
    expect(again.sources.map((s) => s.loaded.fileName)).toEqual(['shop.csv']);
  });

  it('forget everything counts every stored file: the orders and the CRM tables (review 6 #14)', async () => {
    const browser = profile();
    const app = await newApp();
    app.notebook.forget = async () => {};
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await storage.setEnabled(true);
    await app.loadFile(new Blob([CSV]), 'shop.csv');
    expect(await app.tables.load(new Blob(['customer_id,name\nK1,Ann\n']), 'customers.csv', 'customers', 'replace')).toBe(true);
    await storage.sync();
    expect(storage.stored).toBe(2);
    await storage.forget();
    expect(folder(browser.root).entries.size).toBe(0);
    const next = new StorageState(await newApp(), browser.env);
    await next.start();
    // shop.csv and customers.csv.
    expect(next.notice).toBe('Forgotten: 2 stored files, notebooks, segments.');
  });

  it('forget everything deletes the saved notebooks through the real NotebookState.forget (not a stub)', async () => {
    const browser = profile();
    const app = await newApp();
    const notebooks = new MemoryNotebookStore();
    await notebooks.save({ version: 1, title: 'Mine', cells: [{ id: 'n', kind: 'note', markdown: 'x' }] });
    const notebook = new NotebookState(app.db, notebooks);
    Object.defineProperty(app, 'notebook', { value: notebook });
    await notebook.openFromRecipe({ version: 1, title: 'Theirs', cells: [{ id: 'r', kind: 'sql', name: 'q', sql: 'SELECT 1' }] });
    expect([...notebooks.slots.keys()].sort()).toEqual(['before-recipe', 'last']);
    notebook.setTitle('Theirs, edited');
    const storage = new StorageState(app, browser.env);
    await storage.start();
    await storage.forget();
    expect(browser.reloads()).toBe(1);
    // Both slots gone, and the edit waiting for the autosave is not written afterwards.
    await notebook.flush();
    expect(notebooks.slots.size).toBe(0);
    const after = new NotebookState(app.db, notebooks);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(after.document.title).toBe('My questions');
  });

  it('says the option is unavailable without OPFS and does nothing', async () => {
    const browser = profile();
    const storage = new StorageState(await newApp(), { ...browser.env, available: false });
    await storage.start();
    await storage.setEnabled(true);
    expect(storage.enabled).toBe(false);
    expect(browser.root.entries.size).toBe(0);
  });
});

describe('storage plans', () => {
  it('maps a restored file back to the stored mapping: clears first, then sets', () => {
    // Guessed: customer_id = id, amount = total. Stored: customer_id = Kunde, no amount, email = id (a column taken from another role).
    expect(mappingSteps({ customer_id: 'id', amount: 'total' }, { customer_id: 'ref', customer_email: 'id' }, ['id', 'ref', 'total'])).toEqual([
      { role: 'amount', column: null },
      { role: 'customer_id', column: 'ref' },
      { role: 'customer_email', column: 'id' },
    ]);
    // A stored column the file no longer has is skipped, not set.
    expect(mappingSteps({}, { customer_id: 'gone' }, ['id'])).toEqual([]);
  });

  it('plans copies for new sources, deletions only for sources the user removed; keeps entries no source accounts for (a failed restore)', () => {
    const a: StoredSource = { id: 'a', fileName: 'a.csv', bytes: 1, mapping: {} };
    const orphan: StoredSource = { id: 'orphan', fileName: 'x.csv', bytes: 1, mapping: {} };
    const removed: StoredSource = { id: 'r', fileName: 'r.csv', bytes: 1, mapping: {} };
    const plan = planSync(
      [{ index: 2, fileName: 'b.csv', mapping: {} }, { index: 1, fileName: 'a.csv', mapping: { amount: 'total' } }],
      new Map([[1, a], [3, removed]]),
      [a, orphan, removed],
    );
    expect(plan.add.map((s) => s.index)).toEqual([2]);
    expect(plan.remove).toEqual(['r']);
    expect(plan.kept).toEqual([orphan]);
    const b: StoredSource = { id: 'b', fileName: 'b.csv', bytes: 2, mapping: {} };
    expect(plan.next(new Map([[2, b]]))).toEqual([b, { ...a, mapping: { amount: 'total' } }, orphan]);
  });

  it('reads a damaged or foreign manifest as empty', () => {
    expect(parseManifest('{not json')).toEqual(EMPTY_MANIFEST);
    expect(parseManifest('{"version":2,"sources":[]}')).toEqual(EMPTY_MANIFEST);
    expect(parseManifest('{"version":1,"sources":[{"id":1}],"loadMode":"add"}')).toEqual({ version: 1, sources: [], tables: [], loadMode: 'add' });
  });
});
