// Where notebooks are kept in this browser: IndexedDB, database `clientele-notebooks`. Only the
// cells are stored (cleanDocument), never a result.
import type { NotebookDocument } from './document';
import { checkDocument, cleanDocument } from './transfer';

export const NOTEBOOK_DATABASE = 'clientele-notebooks';
const STORE = 'notebooks';
/** The notebook open when the page was last used: what a reload brings back. */
const LAST = 'last';

export interface NotebookStore {
  load(): Promise<NotebookDocument | null>;
  save(document: NotebookDocument): Promise<void>;
  /** Deletes every saved notebook. */
  forget(): Promise<void>;
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
    async load() {
      const record = (await done((await store('readonly')).get(LAST))) as { document?: unknown } | undefined;
      if (!record?.document) return null;
      try {
        return checkDocument(record.document);
      } catch {
        return null;
      }
    },
    async save(document) {
      await done((await store('readwrite')).put({ key: LAST, document: cleanDocument(document), savedAt: Date.now() }));
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
    /** Told when every scheduled document is written (true) or one is waiting (false). */
    readonly onstate: (saved: boolean) => void = () => {},
  ) {}

  schedule(document: NotebookDocument): void {
    this.#pending = document;
    this.onstate(false);
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
        if (writing === this.#writing && this.#pending === null) this.onstate(true);
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
