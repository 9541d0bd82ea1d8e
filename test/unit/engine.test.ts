import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { QueryError } from '../../src/db/query-error';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
});

describe('engine', () => {
  it('turns extension autoload and autoinstall off, so nothing is fetched from another host', async () => {
    const [row] = await db.rows("SELECT current_setting('autoload_known_extensions') AS autoload, current_setting('autoinstall_known_extensions') AS autoinstall");
    expect(row).toEqual({ autoload: false, autoinstall: false });
    await expect(db.query("SELECT * FROM read_parquet('x.parquet')")).rejects.toThrow(/parquet extension/);
  });

  it('returns results that span several result chunks whole', async () => {
    const table = await db.query('SELECT range::DOUBLE AS x FROM range(10000)');
    expect(table.numRows).toBe(10000);
    expect(table.getChild('x')!.get(9999)).toBe(9999);
  });

  it('binds parameters as data: a quote or SQL in a value is never code', async () => {
    const [row] = await db.rows('SELECT ?::VARCHAR AS v', ["x'; DROP TABLE t; --"]);
    expect(row).toEqual({ v: "x'; DROP TABLE t; --" });
  });

  it('cancels a long query and stays usable', async () => {
    const long = db.query('SELECT count(*) FROM range(4000000000) a WHERE a.range % 7 = 3');
    setTimeout(() => db.cancel(), 50);
    const error = await long.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).cancelled).toBe(true);
    expect(await db.rows('SELECT 42::INTEGER AS ok')).toEqual([{ ok: 42 }]);
  });

  it('cancels a job, running or queued, and leaves other work queued around it alone', async () => {
    // A load (job "load-1") is running; a dashboard query waits behind it, then the load's next query.
    const loadRunning = db.query('SELECT count(*) FROM range(4000000000) a WHERE a.range % 7 = 3', { job: 'load-1' });
    const dashboard = db.rows('SELECT 7::INTEGER AS panel');
    const loadQueued = db.query('SELECT 1', { job: 'load-1' });
    setTimeout(() => db.cancel('load-1'), 50);
    expect(((await loadRunning.catch((e: unknown) => e)) as QueryError).cancelled).toBe(true);
    expect(await dashboard).toEqual([{ panel: 7 }]);
    expect(((await loadQueued.catch((e: unknown) => e)) as QueryError).cancelled).toBe(true);
    // Another job runs as usual.
    expect(await db.rows('SELECT 42::INTEGER AS ok')).toEqual([{ ok: 42 }]);
    expect((await db.query('SELECT 1 AS one', { job: 'load-2' })).numRows).toBe(1);
  });

  it('reports a failing statement with its SQL', async () => {
    const error = (await db.query('SELECT * FROM no_such_table').catch((e: unknown) => e)) as QueryError;
    expect(error.message).toMatch(/no_such_table/);
    expect(error.sql).toBe('SELECT * FROM no_such_table');
  });
});
