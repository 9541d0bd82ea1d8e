// A notebook as it is saved, exported and carried in a recipe link: cells only, never data.

export type ChartMark = 'line' | 'bar' | 'dot' | 'area' | 'cell' | 'rule';

export interface SqlCell {
  id: string;
  kind: 'sql';
  /** The name later cells use to read this cell's result as a table. */
  name: string;
  sql: string;
}

export interface ChartCell {
  id: string;
  kind: 'chart';
  /** The name of the SQL cell whose result is drawn. */
  source: string;
  mark: ChartMark;
  x?: string;
  y?: string;
  color?: string;
  facet?: string;
}

export interface NoteCell {
  id: string;
  kind: 'note';
  markdown: string;
}

export type NotebookCell = SqlCell | ChartCell | NoteCell;

export interface NotebookDocument {
  version: 1;
  title: string;
  cells: NotebookCell[];
}
