import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm/node';
import { NodeDatabase } from '../helpers/node-database';
import { LoadError, detectDateParsing, loadSource } from '../../src/ingest/load-source';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
});

const ORDERS_CSV = 'order_id,customer_id,ordered_at,amount\nO1,C1,2024-01-02 10:00:00,10.5\nO2,C2,2024-01-03 11:00:00,3\n';

async function problemOf(bytes: Uint8Array<ArrayBuffer> | string, name: string, index = 90): Promise<string> {
  const error = await loadSource(db, new Blob([bytes]), name, index).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LoadError);
  return (error as LoadError).problem;
}

function parquetBytes(): Uint8Array<ArrayBuffer> {
  const arrow = tableFromArrays({ order_id: ['O1', 'O2', 'O3'], customer_id: ['C1', 'C1', 'C2'], amount: Float64Array.from([1, 2, 3.5]) });
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(arrow, 'stream'))) as Uint8Array<ArrayBuffer>;
}

describe('loading a file', () => {
  it('reads a CSV: rows, typed columns, examples and the first rows', async () => {
    const source = await loadSource(db, new Blob([ORDERS_CSV]), 'orders.csv', 1);
    expect(source.rows).toBe(2);
    expect(source.columns.map((c) => [c.name, c.type])).toEqual([
      ['order_id', 'VARCHAR'],
      ['customer_id', 'VARCHAR'],
      ['ordered_at', 'TIMESTAMP'],
      ['amount', 'DOUBLE'],
    ]);
    expect(source.columns[0]!.examples).toEqual(['O1', 'O2']);
    expect(source.preview[0]).toEqual(['O1', 'C1', '2024-01-02 10:00:00', '10.5']);
    expect(await db.rows('SELECT count(*)::INTEGER AS n FROM source_1')).toEqual([{ n: 2 }]);
  });

  it('reads a gzip CSV and a Parquet file', async () => {
    const gz = await loadSource(db, new Blob([gzipSync(ORDERS_CSV)]), 'orders.csv.gz', 2);
    expect([gz.rows, gz.sniffed.gzip]).toEqual([2, true]);
    const parquet = await loadSource(db, new Blob([parquetBytes()]), 'orders.parquet', 3);
    expect([parquet.rows, parquet.sniffed.format, parquet.columns.map((c) => c.type)]).toEqual([3, 'parquet', ['VARCHAR', 'VARCHAR', 'DOUBLE']]);
  });

  it('reads tab-separated values', async () => {
    const source = await loadSource(db, new Blob([ORDERS_CSV.replaceAll(',', '\t')]), 'orders.tsv', 9);
    expect([source.rows, source.columns.length]).toEqual([2, 4]);
  });

  it('reads Latin-1 text with accented names intact', async () => {
    const latin1 = Buffer.from('kunde;datum;betrag\nJosé Álvarez;01.02.2024;10,50\nZoë Müller;03.02.2024;3,00\n', 'latin1');
    const source = await loadSource(db, new Blob([latin1]), 'kunden.csv', 4);
    expect(source.sniffed.encoding).toBe('latin-1');
    expect(source.columns[0]!.examples).toEqual(['José Álvarez', 'Zoë Müller']);
  });

  it('says precisely what is wrong with a bad file', async () => {
    expect(await problemOf('', 'empty.csv')).toBe('empty');
    expect(await problemOf(new Uint8Array([0x00, 0x01, 0x02, 0xff, 0x00, 0x10]), 'binary.csv')).toBe('binary');
    expect(await problemOf('customer,date,amount\n', 'header.csv')).toBe('header_only');
    expect(await problemOf(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'orders.xlsx')).toBe('spreadsheet');
    expect(await problemOf(parquetBytes().slice(0, 200), 'cut.parquet')).toBe('corrupt_parquet');
    expect(await problemOf('just some text\n', 'orders.parquet')).toBe('not_parquet');
  });

  it('leaves what was loaded before untouched when a load fails', async () => {
    await loadSource(db, new Blob([ORDERS_CSV]), 'orders.csv', 5);
    expect(await problemOf(parquetBytes().slice(0, 200), 'again.parquet', 5)).toBe('corrupt_parquet');
    expect(await db.rows('SELECT count(*)::INTEGER AS n FROM source_5')).toEqual([{ n: 2 }]);
    expect(await db.rows("SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name LIKE 'loading_%'")).toEqual([{ n: 0 }]);
  });
});

describe('detecting how dates are written', () => {
  it('finds every format used in one column and settles day/month order from the data', async () => {
    const source = await loadSource(db, new Blob(['c,d\nA,2024-01-02\nB,13/04/2024\nC,05/04/2024\nD,Jan 5 2024\n']), 'dates.csv', 6);
    const parsing = await detectDateParsing(db, source.table, source.columns[1]!);
    expect(parsing).toEqual({ kind: 'text', formats: ['%Y-%m-%d', '%d/%m/%Y', '%b %d %Y'], ambiguousDayMonth: false });
  });

  it('reads 8-digit integers as YYYYMMDD (the BTYD format)', async () => {
    const source = await loadSource(db, new Blob(['id,date,cds,sales\n1,19970101,2,29.33\n2,19970118,1,11.77\n']), 'cdnow.csv', 7);
    expect(await detectDateParsing(db, source.table, source.columns[1]!)).toEqual({ kind: 'yyyymmdd' });
  });

  it('returns null when no format fits', async () => {
    const source = await loadSource(db, new Blob(['c,d\nA,soon\nB,later\n']), 'nodates.csv', 8);
    expect(await detectDateParsing(db, source.table, source.columns[1]!)).toBeNull();
  });
});

describe('running out of memory', () => {
  it('says the file is too large for memory, and the engine stays usable', async () => {
    const own = await NodeDatabase.open();
    await own.query("SET memory_limit = '20MB'");
    const rows = Array.from({ length: 400_000 }, (_, i) => `O${i},C${i % 1000},2024-01-01,${i % 97},note ${i * 7919}`);
    const error = await loadSource(own, new Blob(['order_id,customer_id,ordered_at,amount,note\n' + rows.join('\n')]), 'big.csv', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as LoadError).problem).toBe('out_of_memory');
    expect((error as LoadError).detail).toMatch(/^Out of Memory Error/);
    expect(await own.rows('SELECT 1::INTEGER AS ok')).toEqual([{ ok: 1 }]);
  });
});
