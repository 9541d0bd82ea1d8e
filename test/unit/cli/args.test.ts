import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../src/cli/args';

const fails = (argv: string[]) => {
  try {
    parseCliArgs(argv);
  } catch (error) {
    return { message: (error as Error).message, code: (error as { exitCode: number }).exitCode };
  }
  throw new Error('expected a CliError');
};

describe('command-line arguments', () => {
  it('reads a report command with every option', () => {
    expect(parseCliArgs(['report', 'a.csv', 'b.parquet', '--out', 'r.html', '--k', '7', '--from', '2024-01-01', '--to', '2024-12-31', '--link', '--base', 'https://x.test/c/', '--map', 'customer_id=Kunden-Nr.', '--map', 'amount=Brutto=Netto'])).toEqual({
      command: 'report', files: ['a.csv', 'b.parquet'], out: 'r.html', k: 7, from: '2024-01-01', to: '2024-12-31', link: true, base: 'https://x.test/c/',
      map: { customer_id: 'Kunden-Nr.', amount: 'Brutto=Netto' }, title: null,
    });
    expect(parseCliArgs(['report', 'a.csv'])).toMatchObject({ out: 'report.html', k: 5, from: null, to: null, link: false, map: {} });
    expect(parseCliArgs([])).toEqual({ command: 'help' });
    expect(parseCliArgs(['report', 'a.csv', '--help'])).toEqual({ command: 'help' });
  });

  it('says what is wrong and what to type instead', () => {
    expect(fails(['report', 'a.csv', '--from', '2024-02-30'])).toEqual({ message: '--from "2024-02-30" is not a date. Write it as YYYY-MM-DD, for example --from 2024-01-31.', code: 2 });
    expect(fails(['report', 'a.csv', '--to', '31/12/2024']).message).toMatch(/^--to "31\/12\/2024" is not a date/);
    expect(fails(['report', 'a.csv', '--from', '2024-05-01', '--to', '2024-04-01']).message).toBe('--from 2024-05-01 is after --to 2024-04-01. Give the earlier day first.');
    expect(fails(['report', 'a.csv', '--k', '1']).message).toMatch(/^--k "1" is not a whole number of at least 5/);
    expect(fails(['report', 'a.csv', '--map', 'buyer=x']).message).toMatch(/^--map: "buyer" is not a role\. Roles: customer_id, /);
    expect(fails(['report', 'a.csv', '--map', 'customer_id']).message).toMatch(/is not ROLE=COLUMN/);
    expect(fails(['report']).message).toBe('No file given. Name one or more order exports: clientele report orders.csv');
    expect(fails(['reprot', 'a.csv']).message).toMatch(/^Unknown command "reprot"/);
    expect(fails(['report', 'a.csv', '--colour']).message).toMatch(/Unknown option '--colour'.*Run clientele --help/);
    expect(fails(['report', 'a.csv', '--base', 'ftp://x']).message).toMatch(/is not a web address/);
  });

  it('k below the default is refused, as in the page (review 6, finding 4: --k 2 was accepted)', () => {
    for (const k of ['2', '3', '4']) expect(fails(['report', 'a.csv', '--k', k]).message).toMatch(/at least 5.*can only be raised/);
    expect(parseCliArgs(['report', 'a.csv', '--k', '5'])).toMatchObject({ k: 5 });
  });
});
