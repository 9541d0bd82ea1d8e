// The Database seam over native DuckDB (@duckdb/node-api), so the benchmark runs the app's own
// SQL modules on the native engine. Files are "registered" as symlinks in a scratch folder that
// is the process's working directory, where DuckDB resolves the registered names.
// The browser's engine reads files only under REGISTERED_FILES_DIR ('/clientele/', see
// ENGINE_SETTINGS_SQL), so loadSource registers '/clientele/upload_N'. Native DuckDB reads the real
// disk, where that folder does not exist: such a name is kept in the scratch folder without its
// prefix, and its quoted literal in SQL is mapped there. The file guard itself is not applied
// here: the command line runs only the app's own SQL (no notebook, no recipe), and it reads the
// user's Parquet files from disk by path (ingestParquet), which the guard would refuse.
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Bool, Field, Float64, List, Table, Utf8, vectorFromArray, type DataType } from 'apache-arrow';
import { toCsv } from '../src/analyses/csv-export';
import type { Database, QueryOptions } from '../src/db/database';
import { quoteIdentifier, quoteLiteral } from '../src/db/sql';
import { QueryError } from '../src/db/query-error';
import { REGISTERED_FILES_DIR } from '../workers/engine';

/** Where each Blob handed to the app's code lives on disk (Blobs from fs.openAsBlob). */
export const blobPaths = new WeakMap<Blob, string>();

export class NativeDatabase implements Database {
  readonly #scratch = mkdtempSync(join(tmpdir(), 'clientele-native-'));
  readonly #previousDirectory = process.cwd();
  /** Registered names under REGISTERED_FILES_DIR, as quoted in SQL, and their files' quoted paths in the scratch folder. */
  readonly #registeredLiterals = new Map<string, string>();
  private constructor(readonly connection: DuckDBConnection) {}

  static async open(): Promise<NativeDatabase> {
    const instance = await DuckDBInstance.create(':memory:');
    const db = new NativeDatabase(await instance.connect());
    process.chdir(db.#scratch);
    return db;
  }

  async query(sql: string, options: QueryOptions = {}): Promise<Table> {
    try {
      const reader = await this.connection.runAndReadAll(this.#local(sql), (options.params ?? []) as never);
      const names = reader.columnNames();
      const columns = reader.getColumnsJS();
      return new Table(Object.fromEntries(names.map((name, i) => {
        const values = (columns[i] ?? []).map(plain);
        return [name, vectorFromArray(values, arrowType(values))];
      })));
    } catch (error) {
      throw QueryError.from({ kind: 'query', message: error instanceof Error ? error.message : String(error), sql });
    }
  }

  async registerFile(name: string, file: Blob) {
    const local = this.#scratchPath(name);
    symlinkSync(this.#path(file), local);
    if (name.startsWith(REGISTERED_FILES_DIR)) this.#registeredLiterals.set(quoteLiteral(name), quoteLiteral(local));
  }

  async dropFile(name: string) {
    unlinkSync(this.#scratchPath(name));
    this.#registeredLiterals.delete(quoteLiteral(name));
  }

  async ingestParquet(table: string, file: Blob) {
    await this.query(`CREATE TABLE ${quoteIdentifier(table)} AS SELECT * FROM read_parquet(${quoteLiteral(this.#path(file))})`);
  }

  async queryParquet(): Promise<Uint8Array> {
    throw new Error('NativeDatabase: the benchmark exports nothing.');
  }

  async queryCsv(sql: string, options: QueryOptions = {}): Promise<Uint8Array> {
    return new TextEncoder().encode(toCsv(await this.query(sql, options)));
  }

  async registerUrl(): Promise<void> {
    throw new Error('NativeDatabase reads local files only: the benchmark does not open files by URL.');
  }

  async ingestParquetUrl(): Promise<void> {
    throw new Error('NativeDatabase reads local files only: the benchmark does not open files by URL.');
  }

  async cancel() {
    this.connection.interrupt();
  }

  close() {
    this.connection.closeSync();
    process.chdir(this.#previousDirectory);
    rmSync(this.#scratch, { recursive: true, force: true });
  }

  /** Where a registered name lives: a name under REGISTERED_FILES_DIR loses that prefix. */
  #scratchPath(name: string): string {
    return join(this.#scratch, name.startsWith(REGISTERED_FILES_DIR) ? name.slice(REGISTERED_FILES_DIR.length) : name);
  }

  /** The SQL with each registered '/clientele/…' literal pointing at its file in the scratch folder. */
  #local(sql: string): string {
    let local = sql;
    for (const [literal, path] of this.#registeredLiterals) local = local.replaceAll(literal, path);
    return local;
  }

  #path(file: Blob): string {
    const path = blobPaths.get(file);
    if (!path) throw new Error('NativeDatabase reads files from disk: pass a Blob from fs.openAsBlob registered in blobPaths.');
    return path;
  }
}

/** The Arrow type for a column of plain values; the app only reads numbers, text, flags and lists of text. */
function arrowType(values: unknown[]): DataType {
  const sample = values.find((v) => v !== null && v !== undefined);
  if (typeof sample === 'number') return new Float64();
  if (typeof sample === 'boolean') return new Bool();
  if (Array.isArray(sample)) return new List(new Field('item', new Utf8(), true));
  return new Utf8();
}

/** Arrow-friendly JS values: bigint → number, lists stay arrays, everything else as is. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((v) => (v === null ? null : String(plain(v))));
  if (value instanceof Date) return value.getTime();
  return value;
}
