// What "keep my data in this browser" remembers: each loaded source's file (or address), name,
// column mapping and place in the order, and the load mode; the same for the tables loaded beside
// the orders (customers, surveys, tickets, spend), with their kind. Pure: the OPFS side is opfs-store.ts.

export type StoredLoadMode = 'replace' | 'add';
/** Role → column: the orders' ColumnMapping or a CRM table's mapping. */
export type StoredMapping = Partial<Record<string, string>>;

export interface StoredSource {
  /** The stored file's name in the data folder (unique, never reused). */
  id: string;
  fileName: string;
  /** A file the user opened by URL is kept as its address only, never its contents. */
  url?: string;
  bytes: number;
  mapping: StoredMapping;
  /** A table beside the orders: its kind (customers, surveys, tickets, spend). */
  kind?: string;
}

export interface StorageManifest {
  version: 1;
  /** In the order the sources were loaded: the first replaces, the others are added. */
  sources: StoredSource[];
  /** Tables beside the orders, in load order. */
  tables: StoredSource[];
  loadMode: StoredLoadMode;
}

export const EMPTY_MANIFEST: StorageManifest = { version: 1, sources: [], tables: [], loadMode: 'replace' };

/** A manifest read back from storage, or the empty one when it is missing or not ours. */
export function parseManifest(text: string | null): StorageManifest {
  if (!text) return EMPTY_MANIFEST;
  try {
    const value = JSON.parse(text) as Partial<StorageManifest>;
    if (value?.version !== 1 || !Array.isArray(value.sources)) return EMPTY_MANIFEST;
    const valid = (s: StoredSource) => typeof s?.id === 'string' && typeof s.fileName === 'string' && typeof s.mapping === 'object' && s.mapping !== null;
    const tables = Array.isArray(value.tables) ? value.tables.filter((t) => valid(t) && typeof t.kind === 'string') : [];
    return { version: 1, sources: value.sources.filter(valid), tables, loadMode: value.loadMode === 'add' ? 'add' : 'replace' };
  } catch {
    return EMPTY_MANIFEST;
  }
}

/** A loaded source as the sync sees it: its index in the app, name and mapping. */
export interface LiveSource {
  index: number;
  fileName: string;
  mapping: StoredMapping;
  kind?: string;
}

export interface SyncPlan {
  /** Sources loaded but not yet stored: copy their files. */
  add: LiveSource[];
  /** Stored ids whose loaded source the user removed: delete their files. */
  remove: string[];
  /**
   * Stored entries no loaded source accounts for: a restore that failed (out of memory, a URL
   * server down, a table that no longer matches). They are the user's data and stay stored until
   * the user removes them; only a source the user removed is ever deleted.
   */
  kept: StoredSource[];
  /** The stored list once the copies are done, in the app's order (sources being added go in by index), then the kept entries. */
  next: (added: Map<number, StoredSource>) => StoredSource[];
}

/**
 * What to change in storage so it matches what is loaded. `stored` maps a loaded source's index
 * to its stored entry: a source is the same file as long as it keeps its index, whatever its mapping.
 */
export function planSync(live: LiveSource[], stored: Map<number, StoredSource>, known: readonly StoredSource[]): SyncPlan {
  const liveIndexes = new Set(live.map((s) => s.index));
  const add = live.filter((s) => !stored.has(s.index));
  const remove = [...stored].filter(([index]) => !liveIndexes.has(index)).map(([, s]) => s.id);
  const accounted = new Set([...stored.values()].map((s) => s.id));
  const kept = known.filter(({ id }) => !accounted.has(id));
  return {
    add,
    remove,
    kept,
    next: (added) => [
      ...live.flatMap((s) => {
        const entry = stored.get(s.index) ?? added.get(s.index);
        return entry ? [{ ...entry, fileName: s.fileName, mapping: { ...s.mapping }, ...(s.kind ? { kind: s.kind } : {}) }] : [];
      }),
      ...kept,
    ],
  };
}

export interface RoleStep {
  role: string;
  column: string | null;
}

/**
 * The role changes that turn the guessed mapping of a restored file into the stored one: roles
 * to clear first, then roles to set. Setting a role takes its column from any other role, and a
 * stored mapping never has a column in two roles, so after the last step the mapping is the stored one.
 */
export function mappingSteps(guessed: StoredMapping, stored: StoredMapping, columns: readonly string[]): RoleStep[] {
  const present = new Set(columns);
  const clear: RoleStep[] = [];
  const set: RoleStep[] = [];
  for (const role of new Set([...Object.keys(guessed), ...Object.keys(stored)])) {
    const want = stored[role];
    if (want === guessed[role]) continue;
    if (want === undefined) clear.push({ role, column: null });
    else if (present.has(want)) set.push({ role, column: want });
  }
  return [...clear, ...set];
}

/** A new stored file's id: unique within the folder, and safe as a file name. */
export function newStoredId(existing: Iterable<string>, now = Date.now()): string {
  const taken = new Set(existing);
  let n = 0;
  let id = `source-${now.toString(36)}`;
  while (taken.has(id)) id = `source-${now.toString(36)}-${++n}`;
  return id;
}
