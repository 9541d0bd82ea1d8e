// What "keep my data in this browser" remembers: each loaded source's file (or address), name,
// column mapping and place in the order, and the load mode. Pure: the OPFS side is opfs-store.ts.
import { COLUMN_ROLES, type ColumnMapping, type ColumnRole } from '../ingest/types';

export type StoredLoadMode = 'replace' | 'add';

export interface StoredSource {
  /** The stored file's name in the data folder (unique, never reused). */
  id: string;
  fileName: string;
  /** A file the user opened by URL is kept as its address only, never its contents. */
  url?: string;
  bytes: number;
  mapping: ColumnMapping;
}

export interface StorageManifest {
  version: 1;
  /** In the order the sources were loaded: the first replaces, the others are added. */
  sources: StoredSource[];
  loadMode: StoredLoadMode;
}

export const EMPTY_MANIFEST: StorageManifest = { version: 1, sources: [], loadMode: 'replace' };

/** A manifest read back from storage, or the empty one when it is missing or not ours. */
export function parseManifest(text: string | null): StorageManifest {
  if (!text) return EMPTY_MANIFEST;
  try {
    const value = JSON.parse(text) as Partial<StorageManifest>;
    if (value?.version !== 1 || !Array.isArray(value.sources)) return EMPTY_MANIFEST;
    const sources = value.sources.filter(
      (s): s is StoredSource => typeof s?.id === 'string' && typeof s.fileName === 'string' && typeof s.mapping === 'object' && s.mapping !== null,
    );
    return { version: 1, sources, loadMode: value.loadMode === 'add' ? 'add' : 'replace' };
  } catch {
    return EMPTY_MANIFEST;
  }
}

/** A loaded source as the sync sees it: its index in the app, name and mapping. */
export interface LiveSource {
  index: number;
  fileName: string;
  mapping: ColumnMapping;
}

export interface SyncPlan {
  /** Sources loaded but not yet stored: copy their files. */
  add: LiveSource[];
  /** Stored ids whose source was removed: delete their files. */
  remove: string[];
  /** The manifest once the copies are done, in the app's order (sources being added go in by index). */
  next: (added: Map<number, StoredSource>) => StorageManifest;
}

/**
 * What to change in storage so it matches what is loaded. `stored` maps a loaded source's index
 * to its stored entry: a source is the same file as long as it keeps its index, whatever its mapping.
 */
export function planSync(live: LiveSource[], stored: Map<number, StoredSource>, manifest: StorageManifest, loadMode: StoredLoadMode): SyncPlan {
  const liveIndexes = new Set(live.map((s) => s.index));
  const add = live.filter((s) => !stored.has(s.index));
  const remove = [...stored].filter(([index]) => !liveIndexes.has(index)).map(([, s]) => s.id);
  const known = new Set(manifest.sources.map((s) => s.id));
  // Entries in the manifest that no loaded source accounts for (a restore that failed) go too.
  const accounted = new Set([...stored.values()].map((s) => s.id));
  for (const id of known) if (!accounted.has(id) && !remove.includes(id)) remove.push(id);
  return {
    add,
    remove,
    next: (added) => ({
      version: 1,
      loadMode,
      sources: live.flatMap((s) => {
        const entry = stored.get(s.index) ?? added.get(s.index);
        return entry ? [{ ...entry, fileName: s.fileName, mapping: { ...s.mapping } }] : [];
      }),
    }),
  };
}

export interface RoleStep {
  role: ColumnRole;
  column: string | null;
}

/**
 * The role changes that turn the guessed mapping of a restored file into the stored one: roles
 * to clear first, then roles to set. Setting a role takes its column from any other role, and a
 * stored mapping never has a column in two roles, so after the last step the mapping is the stored one.
 */
export function mappingSteps(guessed: ColumnMapping, stored: ColumnMapping, columns: readonly string[]): RoleStep[] {
  const present = new Set(columns);
  const clear: RoleStep[] = [];
  const set: RoleStep[] = [];
  for (const role of COLUMN_ROLES) {
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
