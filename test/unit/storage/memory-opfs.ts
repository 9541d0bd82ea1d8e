// An in-memory stand-in for an OPFS directory: enough of FileSystemDirectoryHandle /
// FileSystemFileHandle / FileSystemWritableFileStream for OpfsStore, committing a write on close
// as the browser does. `quotaBytes` makes writes fail with the browser's QuotaExceededError.
export class MemoryDirectory {
  readonly entries = new Map<string, MemoryDirectory | Blob>();
  quotaBytes = Infinity;

  usedBytes(): number {
    let n = 0;
    for (const entry of this.entries.values()) n += entry instanceof MemoryDirectory ? entry.usedBytes() : entry.size;
    return n;
  }

  async getDirectoryHandle(name: string, options: { create?: boolean } = {}) {
    let entry = this.entries.get(name);
    if (!entry && options.create) this.entries.set(name, (entry = new MemoryDirectory()));
    if (!(entry instanceof MemoryDirectory)) throw notFound(name);
    entry.quotaBytes = this.quotaBytes;
    return entry;
  }

  async getFileHandle(name: string, options: { create?: boolean } = {}) {
    if (!this.entries.has(name) && options.create) this.entries.set(name, new Blob([]));
    const entry = this.entries.get(name);
    if (!(entry instanceof Blob)) throw notFound(name);
    const directory = this;
    return {
      getFile: async () => new File([directory.entries.get(name) as Blob], name),
      createWritable: async () => {
        const chunks: Uint8Array[] = [];
        return new WritableStream<Uint8Array>({
          write(chunk) {
            const pending = chunks.reduce((n, c) => n + c.byteLength, 0) + chunk.byteLength;
            if (directory.usedBytes() + pending > directory.quotaBytes) throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
            chunks.push(chunk);
          },
          close() {
            directory.entries.set(name, new Blob(chunks as BlobPart[]));
          },
        });
      },
    };
  }

  async removeEntry(name: string) {
    if (!this.entries.delete(name)) throw notFound(name);
  }

  async *keys() {
    yield* [...this.entries.keys()];
  }
}

function notFound(name: string) {
  return Object.assign(new Error(`${name} not found`), { name: 'NotFoundError' });
}
