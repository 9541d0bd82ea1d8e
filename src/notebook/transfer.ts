// A notebook as a file: JSON, or Markdown that reads well anywhere (notes as they are, SQL in
// fenced ```sql blocks) and comes back the same. Only the cells travel, never a result.
import { CHART_MARKS } from './chart';
import type { ChartCell, NotebookCell, NotebookDocument } from './document';

export type ImportProblem = 'not_json' | 'not_notebook' | 'bad_cell' | 'empty';

export class NotebookImportError extends Error {
  constructor(
    readonly problem: ImportProblem,
    readonly detail = '',
  ) {
    super(`${problem}${detail ? `: ${detail}` : ''}`);
    this.name = 'NotebookImportError';
  }
}

let counter = 0;
/** A cell id unique in this page (ids only tell cells apart; they need not be unique elsewhere). */
export function newCellId(): string {
  counter += 1;
  return `c${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Only the fields a cell is saved with, in a fixed order: nothing else (no result) is ever written. */
export function cleanCell(cell: NotebookCell): NotebookCell {
  switch (cell.kind) {
    case 'sql':
      return { id: cell.id, kind: 'sql', name: cell.name, sql: cell.sql };
    case 'note':
      return { id: cell.id, kind: 'note', markdown: cell.markdown };
    case 'chart': {
      const chart: ChartCell = { id: cell.id, kind: 'chart', source: cell.source, mark: cell.mark };
      for (const key of ['x', 'y', 'color', 'facet'] as const) if (cell[key] !== undefined) chart[key] = cell[key];
      return chart;
    }
  }
}

export function cleanDocument(document: NotebookDocument): NotebookDocument {
  return { version: 1, title: document.title, cells: document.cells.map(cleanCell) };
}

export function exportJson(document: NotebookDocument): string {
  return JSON.stringify({ format: 'clientele-notebook', ...cleanDocument(document) }, null, 2) + '\n';
}

/** Reads what exportJson wrote (or a bare NotebookDocument), checking every cell. */
export function importJson(text: string): NotebookDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new NotebookImportError('not_json', error instanceof Error ? error.message : String(error));
  }
  return checkDocument(data);
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

export function checkDocument(data: unknown): NotebookDocument {
  if (!isRecord(data) || !Array.isArray(data.cells) || (data.version !== undefined && data.version !== 1)) throw new NotebookImportError('not_notebook');
  const seen = new Set<string>();
  const cells = data.cells.map((cell, i) => {
    const checked = checkCell(cell, i);
    if (seen.has(checked.id)) checked.id = newCellId();
    seen.add(checked.id);
    return checked;
  });
  return { version: 1, title: typeof data.title === 'string' ? data.title : '', cells };
}

function checkCell(cell: unknown, index: number): NotebookCell {
  const bad = (why: string) => new NotebookImportError('bad_cell', `${index + 1}: ${why}`);
  if (!isRecord(cell)) throw bad('not an object');
  const id = typeof cell.id === 'string' && cell.id !== '' ? cell.id : newCellId();
  if (cell.kind === 'sql') {
    if (typeof cell.name !== 'string' || typeof cell.sql !== 'string') throw bad('a SQL cell needs a name and SQL text');
    return { id, kind: 'sql', name: cell.name, sql: cell.sql };
  }
  if (cell.kind === 'note') {
    if (typeof cell.markdown !== 'string') throw bad('a note needs its text');
    return { id, kind: 'note', markdown: cell.markdown };
  }
  if (cell.kind === 'chart') {
    if (typeof cell.source !== 'string' || !CHART_MARKS.includes(cell.mark as ChartCell['mark'])) throw bad(`a chart needs a source cell and a mark (${CHART_MARKS.join(', ')})`);
    if (![cell.x, cell.y, cell.color, cell.facet].every(optionalString)) throw bad('chart fields must be column names');
    return cleanCell({ id, kind: 'chart', source: cell.source, mark: cell.mark as ChartCell['mark'], x: cell.x as string | undefined, y: cell.y as string | undefined, color: cell.color as string | undefined, facet: cell.facet as string | undefined });
  }
  throw bad(`unknown kind ${JSON.stringify(cell.kind)}`);
}

const HEADER = '<!-- clientele-notebook version 1 -->';
const MARKER = /^<!-- (note|sql|chart) (\{.*\}) -->$/;
// `<` and `>` escaped so no value can close the comment early.
const attrs = (value: object) => JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e');

/**
 * Markdown: the title as a heading, then each cell after a one-line HTML comment naming its kind
 * (invisible where the Markdown is rendered): a note's text as it is, a SQL cell's query in a
 * fenced ```sql block, a chart's choices in the comment.
 */
export function exportMarkdown(document: NotebookDocument): string {
  const blocks = cleanDocument(document).cells.map((cell) => {
    switch (cell.kind) {
      case 'note':
        return `<!-- note ${attrs({ id: cell.id })} -->\n${cell.markdown}\n`;
      case 'sql': {
        const longest = Math.max(2, ...[...cell.sql.matchAll(/`+/g)].map((m) => m[0].length));
        const fence = '`'.repeat(longest + 1);
        return `<!-- sql ${attrs({ id: cell.id, name: cell.name })} -->\n${fence}sql\n${cell.sql}\n${fence}\n`;
      }
      case 'chart': {
        const { id, kind: _kind, ...choice } = cell;
        return `<!-- chart ${attrs({ id, ...choice })} -->\n`;
      }
    }
  });
  return [`# ${document.title.replace(/\s+/g, ' ').trim()}\n\n${HEADER}\n`, ...blocks].join('\n');
}

/** Reads what exportMarkdown wrote; other Markdown becomes notes and a SQL cell per ```sql block. */
export function importMarkdown(text: string): NotebookDocument {
  const lines = text.replaceAll('\r\n', '\n').split('\n');
  const title = /^#\s+(.*)$/.exec(lines[0] ?? '')?.[1]?.trim() ?? '';
  const starts = lines.flatMap((line, i) => (MARKER.test(line) ? [i] : []));
  if (starts.length === 0) return plainMarkdown(lines, title);
  const cells = starts.map((start, n) => {
    const [, kind, json] = MARKER.exec(lines[start]!)!;
    let props: Record<string, unknown>;
    try {
      props = JSON.parse(json!) as Record<string, unknown>;
    } catch {
      throw new NotebookImportError('bad_cell', `${n + 1}: unreadable attributes`);
    }
    const last = n === starts.length - 1;
    let body = lines.slice(start + 1, last ? lines.length : starts[n + 1]).join('\n');
    // Each block ends with a newline before the blank line that separates it from the next.
    if (body.endsWith('\n')) body = body.slice(0, -1);
    if (kind === 'note') return { ...props, kind, markdown: body };
    if (kind === 'sql') return { ...props, kind, sql: fencedSql(body, n) };
    return { ...props, kind };
  });
  return checkDocument({ version: 1, title, cells });
}

function fencedSql(body: string, index: number): string {
  const lines = body.split('\n');
  const fence = /^(`{3,})sql\s*$/.exec(lines[0] ?? '')?.[1];
  const end = fence ? lines.lastIndexOf(fence) : -1;
  if (!fence || end < 1) throw new NotebookImportError('bad_cell', `${index + 1}: a SQL cell needs a \`\`\`sql block`);
  return lines.slice(1, end).join('\n');
}

/** Markdown written by hand: ```sql blocks (```sql name=top names the cell) become SQL cells, the text between them notes. */
function plainMarkdown(lines: string[], title: string): NotebookDocument {
  const cells: unknown[] = [];
  let note: string[] = [];
  const flushNote = () => {
    const markdown = note.join('\n').trim();
    if (markdown) cells.push({ kind: 'note', markdown });
    note = [];
  };
  for (let i = title ? 1 : 0; i < lines.length; i++) {
    const open = /^(`{3,})sql\b(.*)$/.exec(lines[i]!);
    const end = open ? lines.indexOf(open[1]!, i + 1) : -1;
    if (!open || end < 0) {
      note.push(lines[i]!);
      continue;
    }
    flushNote();
    const name = /name=(\w+)/.exec(open[2] ?? '')?.[1] ?? `query_${cells.length + 1}`;
    cells.push({ kind: 'sql', name, sql: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  flushNote();
  if (cells.length === 0) throw new NotebookImportError('empty');
  return checkDocument({ version: 1, title, cells });
}
