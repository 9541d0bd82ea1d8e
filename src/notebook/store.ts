// Where notebooks are kept in this browser: IndexedDB, database `clientele-notebooks`. Only the
// cells are stored (cleanDocument), never a result.
import type { NotebookDocument } from './document';
import { checkDocument, cleanDocument } from './transfer';

export const NOTEBOOK_DATABASE = 'clientele-notebooks';
const STORE = 'notebooks';
/**
 * Where a notebook is kept: `last`, the notebook open when the page was last used (what a reload
 * brings back); `before-recipe`, the user's own notebook put aside when a recipe link opened
 * another, until they restore it or let it go.
 */
export type NotebookSlot = 'last' | 'before-recipe';

export interface NotebookStore {
  load(slot?: NotebookSlot): Promise<NotebookDocument | null>;
  save(document: NotebookDocument, slot?: NotebookSlot): Promise<void>;
  /** Deletes the notebook in one slot. */
  remove(slot: NotebookSlot): Promise<void>;
  /** Deletes every saved notebook. */
  forget(): Promise<void>;
}

/** Why a notebook could not be saved, for the words the notebook shows. */
export type SaveProblem = 'quota' | 'failed';

export function saveProblem(error: unknown): SaveProblem {
  const name = (error as { name?: string } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  return name === 'QuotaExceededError' || /quota/i.test(message) ? 'quota' : 'failed';
}

const done = <T>(request: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

export function indexedDbStore(factory: IDBFactory): NotebookStore {
  let opening: Promise<IDBDatabase> | null = null;
  const open = () => {
    opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(NOTEBOOK_DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
      request.onsuccess = () => {
        const db = request.result;
        // Another tab forgetting everything deletes the database: let it.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
    });
    // A failed open is tried again next time.
    opening.catch(() => (opening = null));
    return opening;
  };
  const store = async (mode: IDBTransactionMode) => (await open()).transaction(STORE, mode).objectStore(STORE);

  return {
    async load(slot = 'last') {
      const record = (await done((await store('readonly')).get(slot))) as { document?: unknown } | undefined;
      if (!record?.document) return null;
      try {
        return checkDocument(record.document);
      } catch {
        return null;
      }
    },
    async save(document, slot = 'last') {
      await done((await store('readwrite')).put({ key: slot, document: cleanDocument(document), savedAt: Date.now() }));
    },
    async remove(slot) {
      await done((await store('readwrite')).delete(slot));
    },
    async forget() {
      if (opening) (await opening.catch(() => null))?.close();
      opening = null;
      await new Promise<void>((resolve, reject) => {
        const request = factory.deleteDatabase(NOTEBOOK_DATABASE);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
        // Another tab still has it open: the browser deletes it as soon as that tab lets go.
        request.onblocked = () => resolve();
      });
    },
  };
}

/**
 * Saves the notebook a moment after the last change (typing fires many), never a document older
 * than one already saved; `flush` saves at once, `cancel` drops what is pending.
 */
export class Autosave {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pending: NotebookDocument | null = null;
  #writing: Promise<void> = Promise.resolve();
  /** The last save's error, if it failed (the notebook stays in the page). */
  error: unknown = null;

  constructor(
    readonly store: NotebookStore,
    readonly delayMs = 400,
    /**
     * Told when every scheduled document is written (true), or one is waiting or the last write
     * failed (false, with the error).
     */
    readonly onstate: (saved: boolean, error: unknown) => void = () => {},
  ) {}

  schedule(document: NotebookDocument): void {
    this.#pending = document;
    this.onstate(false, null);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  flush(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const document = this.#pending;
    this.#pending = null;
    if (document) {
      this.#writing = this.#writing.then(() =>
        this.store.save(document).then(
          () => void (this.error = null),
          (error: unknown) => void (this.error = error),
        ),
      );
      const writing = this.#writing;
      void writing.then(() => {
        // A failed write is not "saved": the page says so (review 6 #8).
        if (writing === this.#writing && this.#pending === null) this.onstate(this.error === null, this.error);
      });
    }
    return this.#writing;
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = null;
  }

  get pending(): boolean {
    return this.#pending !== null;
  }
}
