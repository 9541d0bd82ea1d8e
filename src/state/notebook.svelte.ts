// The notebook's state: its cells, their results, autosave. (Being built for issue 6.)
import type { Database } from '../db/database';
import type { NotebookDocument } from '../notebook/document';

export class NotebookState {
  document = $state.raw<NotebookDocument>({ version: 1, title: 'Notebook', cells: [] });

  constructor(readonly db: Database) {}

  /** Replaces the notebook (from a recipe link or an imported file). */
  open(document: NotebookDocument): void {
    this.document = document;
  }

  /** Deletes every saved notebook from this browser. */
  async forget(): Promise<void> {
    this.document = { version: 1, title: 'Notebook', cells: [] };
  }
}
