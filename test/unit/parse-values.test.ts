import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../helpers/node-database';
import { idSql } from '../../src/ingest/parse-values';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
});

describe('idSql', () => {
  it('trims text ids, drops the ".0" of float-written numbers, and keeps every other id as written', async () => {
    const ids = ['17850.0', '17850.00', ' 17850 ', ' A-1 ', 'C0000236', '1.5', '1.05', 'x.0', '12.0a', '.0', '', '   ', null];
    const values = ids.map((id, k) => `(${k}, ${id === null ? 'NULL' : `'${id}'`})`).join(', ');
    const rows = await db.rows<{ id: string | null }>(`SELECT ${idSql('v', 'VARCHAR')} AS id FROM (VALUES ${values}) t(k, v) ORDER BY k`);
    // By hand: only digits, a dot and zeros lose the dot and zeros; empty (after trimming) is no id.
    expect(rows.map((r) => r.id)).toEqual(['17850', '17850', '17850', 'A-1', 'C0000236', '1.5', '1.05', 'x.0', '12.0a', '.0', null, null, null]);
  });

  it('writes integer ids as their digits', async () => {
    const [row] = await db.rows<{ id: string }>(`SELECT ${idSql('v', 'BIGINT')} AS id FROM (VALUES (17850::BIGINT)) t(v)`);
    expect(row!.id).toBe('17850');
  });
});
