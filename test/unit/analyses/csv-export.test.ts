import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDatabase } from '../../helpers/node-database';
import { csvCell, toCsv } from '../../../src/analyses/csv-export';
import { customerListSql } from '../../../src/analyses/customer-list';
import { scopeSql } from '../../../src/analyses/filters';
import { loadFixture, MARCH, run } from './fixture';

let db: NodeDatabase;
beforeAll(async () => {
  db = await NodeDatabase.open();
  await loadFixture(db);
});

describe('CSV export', () => {
  it('neutralises text that starts like a formula, and leaves numbers numbers', () => {
    expect(['=1+1', '+1', '-2+3+cmd|calc', '@SUM(A1)', '\tx', '\rx'].map((v) => csvCell(v))).toEqual([
      "'=1+1", "'+1", "'-2+3+cmd|calc", "'@SUM(A1)", "'\tx", '"\'\rx"', // \r also needs quoting
    ]);
    expect(csvCell(-5.2)).toBe('-5.2'); // a number: never a formula
    expect(csvCell('-5.2')).toBe("'-5.2"); // text that looks like one is still text
    expect(csvCell(12n)).toBe('12');
    expect([csvCell(null), csvCell(undefined), csvCell(Number.NaN), csvCell(true)]).toEqual(['', '', '', 'true']);
    expect(csvCell('a = b')).toBe('a = b'); // only the first character matters
  });

  it('quotes per RFC 4180: commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(toCsv({ columns: ['id', 'note', 'day'], rows: [{ id: 1, note: 'a,"b"', day: Date.UTC(2024, 2, 5) }], dateColumns: ['day'] })).toBe(
      'id,note,day\r\n1,"a,""b""",2024-03-05\r\n',
    );
  });

  it('exports the customer list from its Arrow table: dates as dates, the "=Jo" name defused', async () => {
    await run(db, scopeSql({ range: MARCH }));
    const q = customerListSql({ sort: 'customer_id', direction: 'asc', limit: null });
    const csv = toCsv(await db.query(q.sql, { params: q.params }));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('customer_id,name,email,country,city,first_order_at,last_order_at,orders,revenue,refunds,aov,ltv');
    expect(lines[1]).toBe('C01,Ann,ann@example.com,UK,London,2024-01-10 00:00:00,2024-03-05 00:00:00,1,50,0,50,150');
    expect(lines[3]).toBe('C03,Cat,cat@example.com,FR,Paris,2024-03-12 00:00:00,2024-03-12 00:00:00,1,0,0,,0'); // no AOV: empty
    expect(lines[6]).toBe("C08,Hal O'Hara,o'hara@example.com,US,O'Fallon,2024-03-28 00:00:00,2024-03-28 00:00:00,1,500,0,500,500");
    expect(lines[7]).toBe("C10,'=Jo,jo@example.com,FR,Lyon,2024-03-08 00:00:00,2024-03-08 00:00:00,1,10,0,10,10");
    expect(lines).toHaveLength(9); // header, 7 customers, and the empty string after the last CRLF
  });
});
