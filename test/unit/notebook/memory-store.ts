// A NotebookStore in memory with the IndexedDB store's behaviour: slots, a copy per save (as
// structured clone would), forget deletes every slot; `failWith` makes saves throw.
import type { NotebookDocument } from '../../../src/notebook/document';
import type { NotebookSlot, NotebookStore } from '../../../src/notebook/store';

export class MemoryNotebookStore implements NotebookStore {
  readonly slots = new Map<NotebookSlot, NotebookDocument>();
  failWith: unknown = null;

  async load(slot: NotebookSlot = 'last') {
    const document = this.slots.get(slot);
    return document ? structuredClone(document) : null;
  }

  async save(document: NotebookDocument, slot: NotebookSlot = 'last') {
    if (this.failWith) throw this.failWith;
    this.slots.set(slot, structuredClone(document));
  }

  async remove(slot: NotebookSlot) {
    this.slots.delete(slot);
  }

  async forget() {
    this.slots.clear();
  }
}
