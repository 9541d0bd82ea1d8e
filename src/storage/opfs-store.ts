// The stored files and their manifest in the Origin Private File System, in one folder of the
// origin's OPFS (a GitHub Pages origin is shared by every project of its owner: only this folder is ours).
import { EMPTY_MANIFEST, parseManifest, type StorageManifest } from './manifest';

const FOLDER = 'clientele';
const MANIFEST = 'manifest.json';

/** Why a file could not be stored, for the message the user reads. */
export type StoreProblem = 'quota' | 'failed' | 'aborted';

export class StoreError extends Error {
  constructor(
    readonly problem: StoreProblem,
    readonly detail = '',
  ) {
    super(`${problem}${detail ? `: ${detail}` : ''}`);
    this.name = 'StoreError';
  }
}

/**
 * OPFS with streamed writes from the page: `getDirectory` and `FileSystemFileHandle.createWritable`
 * (Safari before 26 offers OPFS writes only to workers, so it counts as unavailable here).
 */
export function opfsAvailable(scope: typeof globalThis = globalThis): boolean {
  return (
    typeof scope.navigator?.storage?.getDirectory === 'function' &&
    typeof scope.FileSystemFileHandle === 'function' &&
    'createWritable' in scope.FileSystemFileHandle.prototype
  );
}

export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const name = (error as { name?: string } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'QuotaExceededError' || /quota/i.test(message)) return new StoreError('quota', message);
  if (name === 'AbortError') return new StoreError('aborted', message);
  return new StoreError('failed', message);
}

export class OpfsStore {
  private constructor(readonly folder: FileSystemDirectoryHandle) {}

  static async open(root: Promise<FileSystemDirectoryHandle> = navigator.storage.getDirectory()): Promise<OpfsStore> {
    return new OpfsStore(await (await root).getDirectoryHandle(FOLDER, { create: true }));
  }

  async readManifest(): Promise<StorageManifest> {
    try {
      const handle = await this.folder.getFileHandle(MANIFEST);
      return parseManifest(await (await handle.getFile()).text());
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFoundError') return EMPTY_MANIFEST;
      throw toStoreError(error);
    }
  }

  /** Written whole and committed on close: a reload in the middle sees the old manifest or the new, never half of one. */
  async writeManifest(manifest: StorageManifest): Promise<void> {
    await this.#write(MANIFEST, new Blob([JSON.stringify(manifest)], { type: 'application/json' }), false);
  }

  /**
   * Copies `file` into the folder as `id`, streamed a chunk at a time so the page stays responsive
   * and memory stays flat; `onProgress` gets the bytes written. A failed or aborted copy leaves nothing.
   */
  async writeFile(id: string, file: Blob, onProgress?: (written: number) => void, signal?: AbortSignal): Promise<void> {
    await this.#write(id, file, true, onProgress, signal);
  }

  /** The stored file, read from disk when DuckDB reads it (not copied into memory). */
  async readFile(id: string): Promise<File> {
    return (await this.folder.getFileHandle(id)).getFile();
  }

  async removeFile(id: string): Promise<void> {
    await this.folder.removeEntry(id).catch((error: { name?: string }) => {
      if (error?.name !== 'NotFoundError') throw toStoreError(error);
    });
  }

  /** Deletes every stored file and the manifest; returns how many were stored: orders files and the tables beside them. */
  async clear(): Promise<number> {
    const manifest = await this.readManifest();
    const stored = manifest.sources.length + manifest.tables.length;
    const names: string[] = [];
    for await (const name of (this.folder as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    for (const name of names) await this.folder.removeEntry(name, { recursive: true });
    return stored;
  }

  async #write(name: string, file: Blob, removeOnFailure: boolean, onProgress?: (written: number) => void, signal?: AbortSignal): Promise<void> {
    let writable: FileSystemWritableFileStream | null = null;
    try {
      const handle = await this.folder.getFileHandle(name, { create: true });
      writable = await handle.createWritable();
      let written = 0;
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          written += chunk.byteLength;
          onProgress?.(written);
          controller.enqueue(chunk);
        },
      });
      // pipeTo closes the writable (committing the file) at the end and aborts it on error.
      await file.stream().pipeThrough(counter).pipeTo(writable as unknown as WritableStream<Uint8Array>, { signal });
    } catch (error) {
      // An aborted writable's data is discarded, but a new file's empty entry stays: remove it.
      if (writable && removeOnFailure) await this.folder.removeEntry(name).catch(() => undefined);
      throw signal?.aborted ? new StoreError('aborted') : toStoreError(error);
    }
  }
}
