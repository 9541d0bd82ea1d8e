// "Keep my data in this browser": each loaded file copied to the Origin Private File System with
// its name, mapping and order, restored on the next visit; and "forget everything".
// Files rather than DuckDB's tables are kept: rebuilding from the file takes about 1.6 s per million
// rows, and the file is the user's own, smaller, and readable by any later engine version.
import type { Formatter } from '../i18n/format';
import type { ColumnRole } from '../ingest/types';
import { UrlSource } from '../ingest/load-source';
import type { SourceEntry } from '../ingest/build-orders';
import { mappingSteps, newStoredId, planSync, type LiveSource, type StorageManifest, type StoredMapping, type StoredSource } from '../storage/manifest';
import { OpfsStore, StoreError, opfsAvailable, toStoreError } from '../storage/opfs-store';

/** What the storage needs from the app (AppState has it all; tests pass a stand-in). */
export interface StorageHost {
  readonly format: Formatter;
  readonly sources: SourceEntry[];
  readonly loading: unknown;
  readonly loadFailure: { fileName: string } | null;
  loadMode: 'replace' | 'add';
  fileOf(sourceIndex: number): Blob | UrlSource | undefined;
  loadFile(file: Blob | UrlSource, fileName: string): Promise<void>;
  setRole(sourceIndex: number, role: ColumnRole, column: string | null): Promise<void>;
  readonly notebook: { forget(): Promise<void> };
  /** The customers, surveys, tickets and spend tables loaded beside the orders (CrmTables). */
  readonly tables?: TablesHost;
}

/** What the storage needs from the tables beside the orders (kinds and roles are CrmTables' own). */
export interface TablesHost {
  readonly entries: readonly { loaded: { index: number; fileName: string; bytes: number; columns: { name: string }[] }; kind: string; mapping: StoredMapping }[];
  readonly loading: unknown;
  fileOf(index: number): Blob | UrlSource | undefined;
  load(file: Blob | UrlSource, fileName: string, kind: string, mode: 'replace' | 'add'): Promise<boolean>;
  setRole(index: number, role: string, column: string | null): Promise<void>;
}

/** The browser around the storage: injected so the tests can run it in Node. */
export interface StorageEnvironment {
  available: boolean;
  openStore(): Promise<OpfsStore>;
  local: Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'> | null;
  session: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  persist(): Promise<boolean | null>;
  persisted(): Promise<boolean | null>;
  estimate(): Promise<{ usage: number; quota: number } | null>;
  reload(): void;
}

export const KEEP_KEY = 'clientele.storage.keep';
const FORGOTTEN_KEY = 'clientele.forgotten';
/** Every key this app writes in localStorage starts with this; "forget everything" removes them all. */
export const LOCAL_PREFIX = 'clientele.';

export function browserEnvironment(): StorageEnvironment {
  const storage = globalThis.navigator?.storage;
  return {
    available: opfsAvailable(),
    openStore: () => OpfsStore.open(),
    local: globalThis.localStorage ?? null,
    session: globalThis.sessionStorage ?? null,
    persist: async () => (storage?.persist ? storage.persist() : null),
    persisted: async () => (storage?.persisted ? storage.persisted() : null),
    estimate: async () => {
      if (!storage?.estimate) return null;
      const { usage = 0, quota = 0 } = await storage.estimate();
      return { usage, quota };
    },
    reload: () => location.reload(),
  };
}

export interface CopyProgress {
  fileName: string;
  written: number;
  total: number;
}

export class StorageState {
  readonly available: boolean;
  enabled = $state(false);
  /** Whether the browser promised not to clear the data under storage pressure (null: not asked or unknown). */
  persisted = $state<boolean | null>(null);
  estimate = $state.raw<{ usage: number; quota: number } | null>(null);
  copying = $state.raw<CopyProgress | null>(null);
  restoring = $state.raw<{ total: number; done: number } | null>(null);
  /** How many sources are stored now. */
  stored = $state(0);
  /** How many times the manifest was written this session: a signal that a change is saved. */
  saves = $state(0);
  /** What went wrong, in words; empty when nothing did. */
  error = $state('');
  /** What was done: restored files, or forgotten data after the reload. */
  notice = $state('');
  /** Stored files that could not be restored on this visit: still stored, until the user tries again or removes them. */
  unrestored = $state.raw<{ id: string; fileName: string }[]>([]);
  /** The stored file being tried again, if any; the last one that failed again. */
  retrying = $state<string | null>(null);
  retryFailed = $state<string | null>(null);

  readonly #host: StorageHost;
  readonly #env: StorageEnvironment;
  #store: OpfsStore | null = null;
  #manifest: StorageManifest | null = null;
  /** Loaded source index → its stored entry; the same for the tables beside the orders. */
  readonly #entries = new Map<number, StoredSource>();
  readonly #tableEntries = new Map<number, StoredSource>();
  /** Sources that could not be stored (no space): not tried again until they are loaded again. */
  readonly #refused = new Set<number>();
  #started = false;
  #ready = false;
  #chain: Promise<void> = Promise.resolve();
  #pending = false;
  #abort: AbortController | null = null;

  constructor(host: StorageHost, env: StorageEnvironment = browserEnvironment()) {
    this.#host = host;
    this.#env = env;
    this.available = env.available;
    this.enabled = this.available && env.local?.getItem(KEEP_KEY) === 'on';
    const forgotten = env.session?.getItem(FORGOTTEN_KEY);
    if (forgotten !== null && forgotten !== undefined) {
      env.session?.removeItem(FORGOTTEN_KEY);
      this.notice = host.format.t('storage.forgotten', { count: host.format.integer(Number(forgotten) || 0) });
    }
  }

  /** Once the engine is ready: restores what was stored. Later calls do nothing. */
  async start(): Promise<void> {
    if (this.#started || !this.available) return;
    this.#started = true;
    await this.#refreshFacts();
    if (this.enabled) {
      try {
        const store = await this.#openStore();
        const manifest = await store.readManifest();
        this.#manifest = manifest;
        if (manifest.sources.length + manifest.tables.length > 0) await this.#restore(store, manifest);
      } catch (error) {
        this.error = this.#storeErrorText(toStoreError(error), '');
      }
    }
    this.#ready = true;
    await this.sync();
    this.#refreshUnrestored();
  }

  /** Brings storage in step with what is loaded; calls while one runs coalesce into one more run. */
  sync(): Promise<void> {
    if (this.#pending) return this.#chain;
    this.#pending = true;
    this.#chain = this.#chain.then(async () => {
      this.#pending = false;
      await this.#syncNow();
    });
    return this.#chain;
  }

  async setEnabled(on: boolean): Promise<void> {
    if (!this.available || on === this.enabled) return;
    this.error = '';
    this.notice = '';
    if (on) {
      this.enabled = true;
      this.#env.local?.setItem(KEEP_KEY, 'on');
      this.persisted = await this.#env.persist().catch(() => null);
      this.#ready = true;
      await this.sync();
      return;
    }
    this.enabled = false;
    this.#env.local?.removeItem(KEEP_KEY);
    this.#abort?.abort();
    await this.#chain;
    try {
      await (await this.#openStore()).clear();
    } catch (error) {
      this.error = this.#storeErrorText(toStoreError(error), '');
    }
    this.#entries.clear();
    this.#tableEntries.clear();
    this.#refused.clear();
    this.#manifest = null;
    this.#refreshUnrestored();
    this.stored = 0;
    await this.#refreshFacts();
  }

  /**
   * Deletes the stored files, every saved notebook and every `clientele.` key in localStorage
   * (segments, settings, this very option), then reloads so nothing stays in memory.
   */
  async forget(): Promise<void> {
    // Off while the data goes, so no sync copies it back; on again if forgetting fails, as the
    // stored option (KEEP_KEY, removed only once everything is forgotten) still says.
    const was = this.enabled;
    this.enabled = false;
    this.#abort?.abort();
    await this.#chain;
    let count = 0;
    try {
      if (this.available) count = await (await this.#openStore()).clear();
      await this.#host.notebook.forget();
    } catch (error) {
      if (was) await this.#resumeAfterFailedForget();
      this.error = this.#host.format.t('storage.forgetFailed', { detail: error instanceof Error ? error.message : String(error) });
      return;
    }
    const local = this.#env.local;
    if (local) {
      const keys: string[] = [];
      for (let i = 0; i < local.length; i++) keys.push(local.key(i) ?? '');
      for (const key of keys) if (key.startsWith(LOCAL_PREFIX)) local.removeItem(key);
    }
    this.#env.session?.setItem(FORGOTTEN_KEY, String(count));
    this.#env.reload();
  }

  /**
   * Forgetting failed part way: the option is on again, and what the store still holds is read
   * back, so a copy that was deleted is made again on the next sync and nothing kept is lost.
   */
  async #resumeAfterFailedForget(): Promise<void> {
    this.enabled = true;
    try {
      const manifest = await (await this.#openStore()).readManifest();
      this.#manifest = manifest;
      const ids = new Set([...manifest.sources, ...manifest.tables].map((e) => e.id));
      for (const entries of [this.#entries, this.#tableEntries]) for (const [index, entry] of [...entries]) if (!ids.has(entry.id)) entries.delete(index);
    } catch {
      this.#manifest = null;
      this.#entries.clear();
      this.#tableEntries.clear();
    }
    await this.sync();
  }

  /** Stops a copy in progress (the component is going away). */
  dispose(): void {
    this.#abort?.abort();
  }

  async #openStore(): Promise<OpfsStore> {
    this.#store ??= await this.#env.openStore();
    return this.#store;
  }

  async #restore(store: OpfsStore, manifest: StorageManifest): Promise<void> {
    const host = this.#host;
    const entries = [...manifest.sources.map((entry) => ({ entry, table: false })), ...(host.tables ? manifest.tables.map((entry) => ({ entry, table: true })) : [])];
    const total = entries.length;
    let restored = 0;
    this.restoring = { total, done: 0 };
    for (const { entry, table } of entries) {
      if (await this.#restoreOne(store, entry, table)) restored++;
      this.restoring = { total, done: (this.restoring?.done ?? 0) + 1 };
    }
    host.loadMode = manifest.loadMode;
    this.restoring = null;
    this.notice = host.format.t('storage.restored', { count: host.format.integer(restored) });
  }

  /** Loads one stored file into the app with its stored mapping; false when it could not be read or loaded (it stays stored). */
  async #restoreOne(store: OpfsStore, entry: StoredSource, table: boolean): Promise<boolean> {
    const host = this.#host;
    let file: Blob | UrlSource;
    try {
      file = entry.url ? new UrlSource(entry.url) : await store.readFile(entry.id);
    } catch {
      return false;
    }
    try {
      if (table) {
        const tables = host.tables;
        if (!tables) return false;
        const before = new Set(tables.entries.map((e) => e.loaded.index));
        const loaded = (await tables.load(file, entry.fileName, entry.kind!, 'add')) ? tables.entries.find((e) => !before.has(e.loaded.index)) : undefined;
        if (!loaded) return false;
        this.#tableEntries.set(loaded.loaded.index, entry);
        const columns = loaded.loaded.columns.map((c) => c.name);
        for (const { role, column } of mappingSteps(loaded.mapping, entry.mapping, columns)) await tables.setRole(loaded.loaded.index, role, column);
        return true;
      }
      host.loadMode = host.sources.length === 0 ? 'replace' : 'add';
      const before = new Set(host.sources.map((s) => s.loaded.index));
      await host.loadFile(file, entry.fileName);
      const loaded = host.loadFailure ? undefined : host.sources.find((s) => !before.has(s.loaded.index));
      if (!loaded) return false;
      this.#entries.set(loaded.loaded.index, entry);
      const columns = loaded.loaded.columns.map((c) => c.name);
      for (const { role, column } of mappingSteps(loaded.mapping, entry.mapping, columns)) await host.setRole(loaded.loaded.index, role as ColumnRole, column);
      return true;
    } catch {
      return false;
    }
  }

  /** The stored entries no loaded source accounts for: their restore failed; they stay stored until the user removes them. */
  #refreshUnrestored(): void {
    const manifest = this.#manifest;
    if (!manifest || !this.enabled) {
      this.unrestored = [];
      return;
    }
    const accounted = new Set([...this.#entries.values(), ...this.#tableEntries.values()].map((e) => e.id));
    const lists = this.#host.tables ? [...manifest.sources, ...manifest.tables] : manifest.sources;
    this.unrestored = lists.filter((e) => !accounted.has(e.id)).map((e) => ({ id: e.id, fileName: e.fileName }));
  }

  /** Runs `work` after whatever storage work is under way, one at a time. */
  #queue(work: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(work, work);
    return this.#chain;
  }

  /** "Try again" on a stored file that could not be restored: loads it (added to what is loaded), then saves. */
  async retry(id: string): Promise<void> {
    const host = this.#host;
    await this.#queue(async () => {
      const manifest = this.#manifest;
      const table = manifest?.tables.find((e) => e.id === id);
      const entry = manifest?.sources.find((e) => e.id === id) ?? table;
      if (!entry || !this.unrestored.some((u) => u.id === id)) return;
      this.error = '';
      this.notice = '';
      this.retrying = id;
      const mode = host.loadMode;
      let ok = false;
      try {
        ok = await this.#restoreOne(await this.#openStore(), entry, entry === table);
      } catch {
        ok = false;
      } finally {
        host.loadMode = mode;
        this.retrying = null;
      }
      this.retryFailed = ok ? null : id;
      if (ok) this.notice = host.format.t('storage.restored', { count: host.format.integer(1) });
      this.#refreshUnrestored();
    });
    await this.sync();
  }

  /** "Remove it" on a stored file that could not be restored: deletes the stored copy and its entry. */
  async removeStored(id: string): Promise<void> {
    await this.#queue(async () => {
      const manifest = this.#manifest;
      if (!manifest || !this.unrestored.some((u) => u.id === id)) return;
      try {
        const store = await this.#openStore();
        await store.removeFile(id);
        this.#manifest = { ...manifest, sources: manifest.sources.filter((e) => e.id !== id), tables: manifest.tables.filter((e) => e.id !== id) };
        await store.writeManifest(this.#manifest);
        this.saves++;
        this.stored = this.#manifest.sources.length + this.#manifest.tables.length;
        this.error = '';
      } catch (error) {
        this.error = this.#storeErrorText(toStoreError(error), '');
      }
      this.#refreshUnrestored();
    });
    await this.#refreshFacts();
  }

  async #syncNow(): Promise<void> {
    const host = this.#host;
    if (!this.enabled || !this.#ready || host.loading || host.tables?.loading) return;
    let store: OpfsStore;
    let manifest: StorageManifest;
    try {
      store = await this.#openStore();
      manifest = this.#manifest ??= await store.readManifest();
    } catch (error) {
      this.error = this.#storeErrorText(toStoreError(error), '');
      return;
    }
    const orders = host.sources.map((s) => ({ live: { index: s.loaded.index, fileName: s.loaded.fileName, mapping: s.mapping }, bytes: s.loaded.bytes }));
    const tables = (host.tables?.entries ?? []).map((e) => ({ live: { index: e.loaded.index, fileName: e.loaded.fileName, mapping: e.mapping, kind: e.kind }, bytes: e.loaded.bytes }));
    for (const index of this.#refused) if (![...orders, ...tables].some((s) => s.live.index === index)) this.#refused.delete(index);
    const ids = new Set([...manifest.sources, ...manifest.tables].map((s) => s.id));
    try {
      const sources = await this.#syncList(store, orders, this.#entries, manifest.sources, ids, (i) => host.fileOf(i));
      const stored = host.tables ? await this.#syncList(store, tables, this.#tableEntries, manifest.tables, ids, (i) => host.tables!.fileOf(i)) : manifest.tables;
      this.#manifest = { version: 1, sources, tables: stored, loadMode: host.loadMode };
      await store.writeManifest(this.#manifest);
      this.saves++;
      this.stored = sources.length + stored.length;
      if (this.#refused.size === 0) this.error = '';
    } catch (error) {
      this.error = this.#storeErrorText(toStoreError(error), '');
    }
    this.#refreshUnrestored();
    await this.#refreshFacts();
  }

  /** One list (orders or tables): deletes removed copies, copies new files, returns the list to store. */
  async #syncList(
    store: OpfsStore,
    live: { live: LiveSource; bytes: number }[],
    entries: Map<number, StoredSource>,
    known: readonly StoredSource[],
    ids: Set<string>,
    fileOf: (index: number) => Blob | UrlSource | undefined,
  ): Promise<StoredSource[]> {
    const plan = planSync(live.map((s) => s.live).filter((s) => !this.#refused.has(s.index)), entries, known);
    for (const id of plan.remove) await store.removeFile(id);
    for (const [index, entry] of [...entries]) if (plan.remove.includes(entry.id)) entries.delete(index);
    const added = new Map<number, StoredSource>();
    for (const source of plan.add) {
      const file = fileOf(source.index);
      if (!file) continue;
      const id = newStoredId(ids);
      ids.add(id);
      const stored: StoredSource = { id, fileName: source.fileName, bytes: live.find((s) => s.live.index === source.index)?.bytes ?? 0, mapping: source.mapping };
      if (file instanceof UrlSource) stored.url = file.text;
      else if (!(await this.#copy(store, id, file, source))) continue;
      added.set(source.index, stored);
    }
    const next = plan.next(added);
    for (const [index, entry] of added) entries.set(index, entry);
    for (const entry of next) {
      const index = [...entries].find(([, e]) => e.id === entry.id)?.[0];
      if (index !== undefined) entries.set(index, entry);
    }
    return next;
  }

  /** Streams one file into storage with progress; false (and the reason shown) when it could not be stored. */
  async #copy(store: OpfsStore, id: string, file: Blob, source: { index: number; fileName: string }): Promise<boolean> {
    this.#abort = new AbortController();
    this.copying = { fileName: source.fileName, written: 0, total: file.size };
    try {
      await store.writeFile(id, file, (written) => (this.copying = { fileName: source.fileName, written, total: file.size }), this.#abort.signal);
      return true;
    } catch (error) {
      const failure = toStoreError(error);
      if (failure.problem !== 'aborted') {
        this.#refused.add(source.index);
        this.error = this.#storeErrorText(failure, source.fileName, file.size);
      }
      return false;
    } finally {
      this.copying = null;
      this.#abort = null;
    }
  }

  #storeErrorText(error: StoreError, name: string, bytes = 0): string {
    const format = this.#host.format;
    if (error.problem === 'quota') return format.t('storage.quota', { name, size: format.bytes(bytes) });
    return format.t('storage.failed', { detail: error.detail || error.message });
  }

  async #refreshFacts(): Promise<void> {
    const [estimate, persisted] = await Promise.all([this.#env.estimate().catch(() => null), this.#env.persisted().catch(() => null)]);
    this.estimate = estimate;
    this.persisted = persisted;
  }
}
