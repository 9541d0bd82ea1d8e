import { describe, expect, it, vi } from 'vitest';
import { Schema, Field, Utf8, Float64, DateDay, Int32 } from 'apache-arrow';
import * as Plot from '@observablehq/plot';
import type { NotebookDocument } from '../../../src/notebook/document';
import { exportJson, exportMarkdown, importJson, importMarkdown, NotebookImportError } from '../../../src/notebook/transfer';
import { renderMarkdown } from '../../../src/notebook/markdown';
import { chartDefaults, fitChoice, plotOptions } from '../../../src/notebook/chart';
import { resultColumns } from '../../../src/notebook/result';
import { Autosave, type NotebookStore } from '../../../src/notebook/store';
import { NotebookState } from '../../../src/state/notebook.svelte';
import type { Database } from '../../../src/db/database';

const DOC: NotebookDocument = {
  version: 1,
  title: 'Q1 review',
  cells: [
    { id: 'n1', kind: 'note', markdown: '# Heading\n\nText with ```sql fences``` and\n\n```sql\nSELECT 1\n```\n' },
    { id: 's1', kind: 'sql', name: 'top', sql: "SELECT customer_id, '```' AS ticks, '<!-- note {} -->' AS tricky\nFROM orders\nLIMIT 10;" },
    { id: 'c1', kind: 'chart', source: 'top', mark: 'bar', x: 'customer id -->', y: 'revenue' },
    { id: 'n2', kind: 'note', markdown: '' },
    { id: 's2', kind: 'sql', name: 'empty', sql: '' },
  ],
};

describe('export and import', () => {
  it('round-trips JSON and Markdown to the same document', () => {
    expect(importJson(exportJson(DOC))).toEqual(DOC);
    const markdown = exportMarkdown(DOC);
    expect(markdown.startsWith('# Q1 review\n')).toBe(true);
    expect(markdown).toContain('````sql\nSELECT customer_id');
    expect(importMarkdown(markdown)).toEqual(DOC);
  });

  it('writes cells only: no result that was attached to a document gets out', () => {
    const withData = { ...DOC, cells: DOC.cells.map((c) => ({ ...c, rows: [{ secret: 'C01 ann@example.com 150' }] })) } as unknown as NotebookDocument;
    for (const text of [exportJson(withData), exportMarkdown(withData)]) {
      expect(text).not.toContain('ann@example.com');
      expect(text).not.toContain('rows');
    }
  });

  it('reads hand-written Markdown: ```sql blocks become SQL cells, the text between notes', () => {
    const doc = importMarkdown('# Mine\n\nSome words.\n\n```sql name=big\nSELECT 1\n```\n\nMore.\n');
    expect(doc.title).toBe('Mine');
    expect(doc.cells.map((c) => c.kind)).toEqual(['note', 'sql', 'note']);
    expect(doc.cells[1]).toMatchObject({ name: 'big', sql: 'SELECT 1' });
  });

  it('says what is wrong with a file that is not a notebook', () => {
    expect(() => importJson('{oops')).toThrow(NotebookImportError);
    expect(() => importJson('{"a": 1}')).toThrow(expect.objectContaining({ problem: 'not_notebook' }));
    expect(() => importJson('{"cells": [{"kind": "chart", "source": "a", "mark": "pie"}]}')).toThrow(expect.objectContaining({ problem: 'bad_cell' }));
    expect(() => importMarkdown('just words, no cells?')).not.toThrow();
    expect(() => importMarkdown('')).toThrow(expect.objectContaining({ problem: 'empty' }));
  });
});

describe('notes', () => {
  it('render <script> and javascript: links inert', () => {
    const html = renderMarkdown('Hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1)) [z](javascript&colon;alert(1)) [ok](https://example.com)');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).toContain('<a href="https://example.com" rel="noopener noreferrer" target="_blank">ok</a>');
  });

  it('never fetch an image from elsewhere', () => {
    expect(renderMarkdown('![tracker](https://evil.example/pixel.png)')).not.toMatch(/<img/);
  });
});

describe('chart defaults', () => {
  const columns = (...fields: Field[]) => resultColumns(new Schema(fields));
  it('picks the mark and fields from the column types', () => {
    const time = columns(new Field('month', new DateDay()), new Field('country', new Utf8()), new Field('revenue', new Float64()));
    expect(chartDefaults(time)).toEqual({ mark: 'line', x: 'month', y: 'revenue', color: 'country' });
    const grid = columns(new Field('country', new Utf8()), new Field('channel', new Utf8()), new Field('n', new Int32()));
    expect(chartDefaults(grid)).toEqual({ mark: 'cell', x: 'country', y: 'channel', color: 'n' });
    expect(chartDefaults(columns(new Field('country', new Utf8()), new Field('n', new Int32())))).toEqual({ mark: 'bar', x: 'country', y: 'n' });
    expect(chartDefaults(columns(new Field('a', new Float64()), new Field('b', new Float64())))).toEqual({ mark: 'dot', x: 'a', y: 'b' });
    expect(fitChoice({ mark: 'bar', x: 'gone', y: 'n' }, grid)).toEqual({ mark: 'bar', x: undefined, y: 'n', color: undefined, facet: undefined });
  });

  it('turns a choice into Plot marks: lines sorted by x, horizontal bars for categories on y, a facet', () => {
    const cols = columns(new Field('month', new DateDay()), new Field('revenue', new Float64()), new Field('country', new Utf8()));
    const rows = [{ month: new Date('2024-02-01'), revenue: 2, country: 'DE' }, { month: new Date('2024-01-01'), revenue: 1, country: 'FR' }];
    const line = plotOptions({ mark: 'line', x: 'month', y: 'revenue', facet: 'country' }, cols, rows, 500);
    expect(line.marks![0]).toBeInstanceOf(Plot.Line);
    expect((line.marks![0] as unknown as { data: typeof rows }).data.map((r) => r.revenue)).toEqual([1, 2]);
    expect(line.x).toMatchObject({ type: 'utc' });
    const bars = plotOptions({ mark: 'bar', x: 'revenue', y: 'country' }, cols, rows, 500);
    expect(bars.marks![0]).toBeInstanceOf(Plot.BarX);
    expect(plotOptions({ mark: 'cell', x: 'country', y: 'month', color: 'revenue' }, cols, rows, 500).marks![0]).toBeInstanceOf(Plot.Cell);
  });
});

describe('autosave', () => {
  it('writes the latest document once after a pause, and nothing after cancel', async () => {
    vi.useFakeTimers();
    const saved: NotebookDocument[] = [];
    const store: NotebookStore = { load: async () => null, save: async (d) => void saved.push(d), remove: async () => {}, forget: async () => void saved.splice(0) };
    const autosave = new Autosave(store, 400);
    autosave.schedule({ ...DOC, title: 'a' });
    autosave.schedule({ ...DOC, title: 'ab' });
    await vi.advanceTimersByTimeAsync(399);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved.map((d) => d.title)).toEqual(['ab']);
    autosave.schedule({ ...DOC, title: 'abc' });
    autosave.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    expect(saved.map((d) => d.title)).toEqual(['ab']);
    vi.useRealTimers();
  });

  it('restores the saved notebook, saves edits, and forget deletes them', async () => {
    let kept: NotebookDocument | null = DOC;
    const store: NotebookStore = {
      load: async (slot = 'last') => (slot === 'last' ? kept : null),
      save: async (d) => void (kept = d),
      remove: async () => {},
      forget: async () => void (kept = null),
    };
    const db = { query: async () => { throw new Error('no engine'); } } as unknown as Database;
    const notebook = new NotebookState(db, store);
    await vi.waitFor(() => expect(notebook.restore).toBe('restored'));
    expect(notebook.document).toEqual(DOC);
    notebook.setTitle('Renamed');
    await notebook.flush();
    expect(kept!.title).toBe('Renamed');
    await notebook.forget();
    expect(kept).toBeNull();
    expect(notebook.document.title).toBe('My questions');
  });
});
