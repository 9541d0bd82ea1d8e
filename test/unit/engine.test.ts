import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { NodeDatabase } from '../helpers/node-database';
import { QueryError } from '../../src/db/query-error';
import { STORAGE_SQL } from '../../src/ingest/orders-view';
import { concatChunks, registeredFileName, type EngineProgress } from '../../workers/engine';
import type { DuckDBBindings } from '#duckdb-browser-blocking';

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

  it('hands the stream out in pieces that own their buffers (so they move between workers), read whole as they are or joined', async () => {
    const sql = "SELECT range::INTEGER AS i, 'id-' || range AS id FROM range(5000)";
    const pieces = await db.engine.query(sql);
    // The schema, then record batches of 2,048 rows at most.
    expect(pieces.length).toBe(4);
    for (const piece of pieces) expect([piece.byteOffset, piece.byteLength]).toEqual([0, piece.buffer.byteLength]);
    const [asPieces, joined] = [tableFromIPC(pieces), tableFromIPC(concatChunks(pieces))];
    expect(asPieces.numRows).toBe(5000);
    expect(asPieces.getChild('id')!.get(4999)).toBe('id-4999');
    expect(asPieces.toArray().map((r) => r.toJSON())).toEqual(joined.toArray().map((r) => r.toJSON()));
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

  it('tells progress from inside a blocking engine step, as a file read by range requests does', async () => {
    // In the page the runtime calls reportProgress() from each file read. A CSV on a server can
    // arrive within the engine's first step (one synchronous call), where the polling loop never
    // runs: the load showed no progress for its whole download (CI, load-url e2e).
    let reading: NodeDatabase | undefined;
    const readingDuringStart = (bindings: DuckDBBindings) =>
      new Proxy(bindings, {
        get(target, key) {
          const value: unknown = Reflect.get(target, key);
          if (key === 'startPendingQuery') return (...args: Parameters<DuckDBBindings['startPendingQuery']>) => (reading!.engine.reportProgress(), target.startPendingQuery(...args));
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    reading = await NodeDatabase.open(readingDuringStart);
    const told: EngineProgress[] = [];
    await reading.engine.query('SELECT 1', [], (p) => told.push(p), () => ({ bytesRead: 5, bytesTotal: 10 }));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ bytesRead: 5, bytesTotal: 10 });
    reading.engine.reportProgress(); // no query running: nobody to tell
    expect(told).toHaveLength(1);
  });

  it('reports a failing statement with its SQL', async () => {
    const error = (await db.query('SELECT * FROM no_such_table').catch((e: unknown) => e)) as QueryError;
    expect(error.message).toMatch(/no_such_table/);
    expect(error.sql).toBe('SELECT * FROM no_such_table');
  });

  describe('reads only the files the app registered (ENGINE_SETTINGS_SQL, behind the notebook\'s text check)', () => {
    const permission = /Permission Error: Cannot access file/;

    it('reads a file registered under the registered-files folder', async () => {
      const name = registeredFileName('guard-0.csv');
      await db.registerFile(name, new Blob(['id,amount\na,1.5\nb,2\n']));
      expect(await db.rows(`SELECT count(*)::INTEGER AS n, sum(amount)::DOUBLE AS total FROM read_csv('${name}')`)).toEqual([{ n: 2, total: 3.5 }]);
      await db.dropFile(name);
    });

    it.each([
      ['an address', "SELECT * FROM read_csv('http://127.0.0.1:1/x.csv')"],
      ['a file on this device', "SELECT * FROM read_text('/etc/passwd')"],
      ['a file name in table position', "SELECT * FROM 'other.csv'"],
      ['SQL text run by query()', "SELECT * FROM query('SELECT * FROM read_csv(''/etc/hostname'')')"],
      ['a way out of the folder', `SELECT * FROM read_text('${registeredFileName('../etc/hostname')}')`],
      ['a registered file under a name outside the folder', "SELECT * FROM read_csv('upload_0')"],
    ])('refuses %s with a permission error', async (_, sql) => {
      await db.registerFile(registeredFileName('upload_0'), new Blob(['a,b\n1,2\n']));
      try {
        await expect(db.query(sql)).rejects.toThrow(permission);
      } finally {
        await db.dropFile(registeredFileName('upload_0'));
      }
    });

    it('cannot be turned back off by SQL', async () => {
      await expect(db.query('SET enable_external_access = true')).rejects.toThrow(/Cannot change enable_external_access/);
      await expect(db.query("SET allowed_directories = ['/']")).rejects.toThrow(/Cannot change allowed_directories/);
      await expect(db.query('RESET enable_external_access')).rejects.toThrow(/Cannot change/);
      await expect(db.query("SELECT * FROM read_text('/etc/passwd')")).rejects.toThrow(permission);
      expect(await db.rows("SELECT current_setting('enable_external_access') AS external")).toEqual([{ external: false }]);
    });

    it('still attaches the compact in-memory database used above 2M rows', async () => {
      for (const sql of STORAGE_SQL) await db.query(sql);
      await db.query('CREATE OR REPLACE TABLE compact.main.guard_check AS SELECT range::INTEGER AS x FROM range(3)');
      expect(await db.rows('SELECT sum(x)::INTEGER AS total FROM guard_check')).toEqual([{ total: 3 }]);
      await db.query('DROP TABLE compact.main.guard_check');
    });
  });
});
