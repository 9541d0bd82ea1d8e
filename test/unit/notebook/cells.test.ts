import { beforeAll, describe, expect, it, vi } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { loadFixture } from '../analyses/fixture';
import { cellError, cellStatement, freeName, nameProblem, runPlan, type CellStatement } from '../../../src/notebook/cells';
import type { NotebookCell, SqlCell } from '../../../src/notebook/document';
import { inlineParams, splitStatements } from '../../../src/notebook/sql-text';
import { NotebookState } from '../../../src/state/notebook.svelte';
import { QueryError } from '../../../src/db/query-error';
import { groupForList } from '../../../src/notebook/views';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

const sql = (name: string, text: string): SqlCell => ({ id: name, kind: 'sql', name, sql: text });

describe('cell names', () => {
  it('takes letters, digits and _ only, refuses keywords, the app’s tables and duplicates', () => {
    expect(nameProblem('top_10', [])).toBeNull();
    expect(nameProblem('', [])).toBe('empty');
    expect(nameProblem('10top', [])).toBe('pattern');
    expect(nameProblem('my table', [])).toBe('pattern');
    expect(nameProblem('x"; DROP TABLE orders; --', [])).toBe('pattern');
    expect(nameProblem('select', [])).toBe('keyword');
    expect(nameProblem('Orders', [])).toBe('reserved');
    expect(nameProblem('customers', [])).toBe('reserved');
    expect(nameProblem('scope_customers', [])).toBe('reserved');
    expect(nameProblem('Top', ['top'])).toBe('duplicate');
    expect(freeName('Customers over time!', ['customers_over_time'])).toBe('Customers_over_time_2');
    expect(freeName('orders', [])).toBe('orders_2');
  });

  it('refuses the names of the app’s working tables: loading_N, report_rfm, crm_staged_* (final review #2: cell names collide with working tables)', () => {
    // load-source.ts drops "loading_N" after each load; share/report.ts replaces report_rfm;
    // build-tables.ts reads crm_staged_<kind> unqualified, so a cell's temp table would shadow it.
    for (const name of ['loading_3', 'LOADING_0', 'report_rfm', 'crm_staged_surveys', 'crm_staged_customers', 'value_rfm_input', 'scope_flags', 'source_1']) {
      expect(nameProblem(name, []), name).toBe('reserved');
    }
    expect(nameProblem('loadings', [])).toBeNull();
    expect(nameProblem('my_report', [])).toBeNull();
    // A suggested name never lands on a reserved prefix (and never loops looking for one).
    expect(freeName('report rfm', [])).toBe('my_report_rfm');
    expect(freeName('loading_1', [])).toBe('my_loading_1');
    expect(freeName('scope customers', [])).toBe('my_scope_customers');
  });
});

describe('cell statements', () => {
  it('keeps one query as the cell’s table, wraps DESCRIBE, refuses several statements and changes', () => {
    expect(cellStatement(sql('a', 'SELECT 1;'))).toMatchObject({ sql: 'CREATE OR REPLACE TEMP TABLE "a" AS\nSELECT 1' });
    expect(cellStatement(sql('a', '  DESCRIBE orders'))).toMatchObject({ sql: 'CREATE OR REPLACE TEMP TABLE "a" AS SELECT * FROM (\nDESCRIBE orders\n)' });
    expect(cellStatement(sql('a', 'SELECT 1; SELECT 2'))).toBe('several');
    expect(cellStatement(sql('a', "SELECT ';' AS semicolon -- ; in a comment"))).not.toBeTypeOf('string');
    expect(cellStatement(sql('a', 'DROP TABLE orders'))).toBe('not_query');
    expect(cellStatement(sql('a', '-- nothing'))).toBe('empty');
    expect(splitStatements("SELECT 'a;b'; /* ; */ SELECT $$;$$").map((s) => s.text)).toEqual(["SELECT 'a;b'", '/* ; */ SELECT $$;$$']);
  });

  it('inlines bound values as literals, a quote in a value staying data', async () => {
    const text = inlineParams("SELECT ? AS a, ?::INTEGER AS b, ? AS c, '?' AS d, $1 AS e", ["'; DROP TABLE orders; --", 3, null]);
    expect(text).toBe("SELECT '''; DROP TABLE orders; --' AS a, 3::INTEGER AS b, NULL AS c, '?' AS d, '''; DROP TABLE orders; --' AS e");
    expect(await db.rows(text)).toEqual([{ a: "'; DROP TABLE orders; --", b: 3, c: null, d: '?', e: "'; DROP TABLE orders; --" }]);
  });
});

describe('error positions', () => {
  async function errorOf(cellSql: string) {
    const statement = cellStatement(sql('e', cellSql)) as CellStatement;
    const error = await db.query(statement.sql).then(() => null, (e: unknown) => QueryError.from(e));
    return cellError(error!.message, statement, cellSql);
  }

  it('maps a parser error’s position back into the cell', async () => {
    // "SELECT customer_id FORM orders": the parser stops at "orders", offset 24 (line 1, column 25).
    const error = await errorOf('SELECT customer_id FORM orders');
    expect(error.message).toMatch(/^Parser Error: syntax error at or near "orders"$/);
    expect(error).toMatchObject({ position: 24, line: 1, column: 25 });
  });

  it('maps a binder error’s LINE/caret back into the cell, on a later line', async () => {
    // Line 2 "FROM orders WHERE amont > 10": "amont" starts at column 19.
    const error = await errorOf('SELECT *\nFROM orders WHERE amont > 10');
    expect(error.message).toMatch(/Referenced column "amont" not found/);
    expect(error.message).not.toMatch(/LINE/);
    expect(error).toMatchObject({ line: 2, column: 19, position: 9 + 18 });
  });

  it('finds the spot on a long line the engine cut short', async () => {
    const long = `SELECT ${Array.from({ length: 30 }, (_, i) => `amount AS a${i}`).join(', ')}, nope FROM orders`;
    const error = await errorOf(long);
    expect(error.position).toBe(long.indexOf('nope'));
  });
});

describe('run order', () => {
  const cells: NotebookCell[] = [sql('a', 'SELECT 1 AS x'), { id: 'n', kind: 'note', markdown: 'a' }, sql('b', 'SELECT x FROM a'), sql('c', 'SELECT * FROM b, "A"')];
  it('runs the earlier cells a cell reads (directly or not) first, in document order', () => {
    expect(runPlan(cells, 3, () => false).map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(runPlan(cells, 3, (c) => c.name === 'b').map((c) => c.name)).toEqual(['a', 'c']);
    expect(runPlan(cells, 0, () => false).map((c) => c.name)).toEqual(['a']);
  });
});

describe('NotebookState on the real engine', () => {
  const open = (cells: NotebookCell[]) => {
    const notebook = new NotebookState(db, null);
    notebook.open({ version: 1, title: 't', cells });
    return notebook;
  };

  it('lets cell B read cell A’s result by name, and pages the result', async () => {
    // A: paid orders (amount > 0) per customer: C01 2 (O01, O02), C04 2 (O05, O06), … ; B: customers with 2 → C01, C04, C07, C09.
    const notebook = open([
      sql('per_customer', "SELECT customer_id, count(*)::INTEGER AS n FROM orders WHERE kind = 'sale' GROUP BY 1"),
      sql('repeaters', 'SELECT customer_id FROM per_customer WHERE n >= 2 ORDER BY 1'),
    ]);
    expect(await notebook.runCell('repeaters')).toBe(true);
    expect(notebook.runOf('per_customer').status).toBe('ready');
    const b = notebook.runOf('repeaters');
    expect(b.total).toBe(4);
    expect(b.rows.map((r) => r.customer_id)).toEqual(['C01', 'C04', 'C07', 'C09']);
    await notebook.page('repeaters', 2);
    expect(notebook.runOf('repeaters').rows.map((r) => r.customer_id)).toEqual(['C07', 'C09']);
  });

  it('runs all in order and stops at the first error, saying which', async () => {
    const notebook = open([sql('one', 'SELECT 1 AS x'), sql('two', 'SELECT y FROM one'), sql('three', 'SELECT 3')]);
    expect(await notebook.runAll()).toBe(false);
    expect(notebook.stoppedAt).toBe('two');
    expect(notebook.runOf('one').status).toBe('ready');
    expect(notebook.runOf('two')).toMatchObject({ status: 'error', problem: { kind: 'engine' } });
    expect(notebook.runOf('three').status).toBe('idle');
  });

  it('refuses a name that would hide a loaded table, and a reference to a later cell', async () => {
    await db.query('CREATE OR REPLACE TABLE my_upload AS SELECT 1 AS x');
    const notebook = open([sql('my_upload', 'SELECT 2'), sql('early', 'SELECT * FROM late'), sql('late', 'SELECT 1')]);
    expect(await notebook.runCell('my_upload')).toBe(false);
    expect(notebook.runOf('my_upload').problem).toEqual({ kind: 'taken' });
    expect((await db.rows('SELECT x FROM my_upload'))[0]).toEqual({ x: 1 });
    expect(await notebook.runCell('early')).toBe(false);
    expect(notebook.runOf('early').problem).toEqual({ kind: 'later', name: 'late' });
  });

  it('cancels a long query: the cell says so, its old table stays out of the way, and the next run works', async () => {
    // 10^10 pairs: far longer than the test waits before cancelling.
    const notebook = open([sql('long', 'SELECT sum(a.range * b.range) AS s FROM range(100000) a, range(100000) b'), sql('after', 'SELECT 42 AS x')]);
    const running = notebook.runCell('long');
    await vi.waitFor(() => expect(notebook.runOf('long').status).toBe('running'));
    notebook.cancel('long');
    expect(await running).toBe(false);
    expect(notebook.runOf('long').status).toBe('cancelled');
    expect(await notebook.runCell('after')).toBe(true);
    expect(notebook.runOf('after').rows).toEqual([{ x: 42 }]);
  });

  it('keeps a renamed cell’s new table, and never drops a table another cell has taken over', async () => {
    const notebook = open([sql('x', 'SELECT 1 AS v'), sql('y', 'SELECT 2 AS v'), sql('z', 'SELECT v FROM renamed_a')]);
    notebook.update('x', { name: 'renamed_a' });
    expect(await notebook.runCell('x')).toBe(true);
    notebook.update('x', { name: 'renamed_b' });
    notebook.update('y', { name: 'renamed_a' });
    expect(await notebook.runCell('y')).toBe(true);
    expect(await notebook.runCell('x')).toBe(true);
    // z reads renamed_a, which is y's now: 2.
    expect(await notebook.runCell('z')).toBe(true);
    expect(notebook.runOf('z').rows).toEqual([{ v: 2 }]);
    expect(await db.rows('SELECT v FROM renamed_b')).toEqual([{ v: 1 }]);
  });

  it('reads the customers view with the fixture’s hand-computed values', async () => {
    // fixture.ts: C01 revenue 150, refunds 0, ltv 150, 2 purchases, aov 75; C04 revenue 200, refunds 30, ltv 170, aov 100.
    const notebook = open([sql('two', "SELECT customer_id, revenue, refunds, ltv, purchases, aov FROM customers WHERE customer_id IN ('C01', 'C04') ORDER BY 1")]);
    expect(await notebook.runCell('two'), JSON.stringify(notebook.runOf('two').problem)).toBe(true);
    expect(notebook.runOf('two').rows).toEqual([
      { customer_id: 'C01', revenue: 150, refunds: 0, ltv: 150, purchases: 2, aov: 75 },
      { customer_id: 'C04', revenue: 200, refunds: 30, ltv: 170, purchases: 2, aov: 100 },
    ]);
    await notebook.loadRelations();
    const names = notebook.relations.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['orders', 'customers', 'two']));
    expect(notebook.relations.find((r) => r.name === 'customers')!.columns[0]).toEqual({ name: 'customer_id', type: 'VARCHAR' });
    const groups = groupForList(notebook.relations, ['two']);
    expect(groups.main.slice(0, 3).map((r) => r.name)).toEqual(['orders', 'order_lines', 'customers']);
    expect(groups.cells.map((r) => r.name)).toEqual(['two']);
    expect(groups.working.map((r) => r.name)).toEqual(expect.arrayContaining(['customer_base', 'staged_lines']));
  });
});
