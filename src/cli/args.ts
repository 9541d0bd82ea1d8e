// The command line's arguments, checked and turned into typed options; every mistake is a
// CliError saying what is wrong and what to type instead.
import { parseArgs } from 'node:util';
import { COLUMN_ROLES, type ColumnMapping, type ColumnRole } from '../ingest/types';
import { DEFAULT_K } from '../share/privacy';

export class CliError extends Error {
  /** 2: the command was typed wrong; 1: the data could not be analysed. */
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ReportArgs {
  command: 'report';
  files: string[];
  out: string;
  /** Groups of fewer than k customers are withheld from the report. */
  k: number;
  /** Inclusive days, YYYY-MM-DD; null for the data's first or last day. */
  from: string | null;
  to: string | null;
  link: boolean;
  /** The Clientele page's address, for a whole link; without it the link is its #report=… part. */
  base: string | null;
  /** Roles mapped by hand (`--map role=column`), over the guess, in every file that has the column. */
  map: ColumnMapping;
  title: string | null;
}

export type CliArgs = ReportArgs | { command: 'help' };

export const USAGE = `Usage: clientele report FILE… [options]

Reads order exports (CSV, TSV, CSV.GZ or Parquet) with native DuckDB and writes the aggregate-only
report the Clientele page opens: no customer id, e-mail or name is written, and groups of fewer
than k customers are withheld. The files are read on this machine; nothing is sent anywhere.

Options:
  --out FILE          the report file to write (default: report.html)
  --k N               withhold groups of fewer than N customers (default and least: 5)
  --from YYYY-MM-DD   first day of the period (default: the first day in the data)
  --to YYYY-MM-DD     last day of the period, included (default: the last day in the data)
  --link              also print a report link (the whole report in the address, nothing uploaded)
  --base URL          the address of your Clientele page, to make --link a whole link
  --map ROLE=COLUMN   use COLUMN for ROLE where the guess is wrong or missing; repeatable.
                      Roles: ${COLUMN_ROLES.join(', ')}
  --title TEXT        the report's title
  -h, --help          this text

Progress and timings go to stderr; the path of the written file (and the link) to stdout.
Example: npm run clientele -- report orders-2024.csv.gz --from 2024-01-01 --to 2024-12-31 --out 2024.html`;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written YYYY-MM-DD, or a CliError naming the option. */
export function checkDay(text: string, option: string): string {
  const match = DATE.exec(text);
  const day = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!day || day.toISOString().slice(0, 10) !== text) {
    throw new CliError(`${option} "${text}" is not a date. Write it as YYYY-MM-DD, for example ${option} 2024-01-31.`, 2);
  }
  return text;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        k: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        link: { type: 'boolean' },
        base: { type: 'string' },
        map: { type: 'string', multiple: true },
        title: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new CliError(`${message}. Run clientele --help for the options.`, 2);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help' };
  const [command, ...files] = positionals;
  if (command !== 'report') throw new CliError(`Unknown command "${command}". The command is "report": clientele report FILE…`, 2);
  if (files.length === 0) throw new CliError('No file given. Name one or more order exports: clientele report orders.csv', 2);

  const k = values.k === undefined ? DEFAULT_K : Number(values.k);
  // As in the page: k can only be raised from the default.
  if (!Number.isInteger(k) || k < DEFAULT_K) throw new CliError(`--k "${values.k}" is not a whole number of at least ${DEFAULT_K}. Groups smaller than k customers are withheld, and k can only be raised from ${DEFAULT_K}; try --k ${DEFAULT_K}.`, 2);
  const from = values.from === undefined ? null : checkDay(values.from, '--from');
  const to = values.to === undefined ? null : checkDay(values.to, '--to');
  if (from && to && from > to) throw new CliError(`--from ${from} is after --to ${to}. Give the earlier day first.`, 2);

  const map: ColumnMapping = {};
  for (const pair of values.map ?? []) {
    const at = pair.indexOf('=');
    const role = pair.slice(0, at) as ColumnRole;
    if (at < 1 || at === pair.length - 1) throw new CliError(`--map "${pair}" is not ROLE=COLUMN. For example: --map customer_id="Kunden-Nr."`, 2);
    if (!COLUMN_ROLES.includes(role)) throw new CliError(`--map: "${role}" is not a role. Roles: ${COLUMN_ROLES.join(', ')}.`, 2);
    map[role] = pair.slice(at + 1);
  }
  if (values.base !== undefined && !/^https?:\/\/[^\s#]+$/.test(values.base)) throw new CliError(`--base "${values.base}" is not a web address. Give the address of your Clientele page, for example --base https://example.com/clientele/`, 2);
  return { command: 'report', files, out: values.out ?? 'report.html', k, from, to, link: values.link ?? false, base: values.base ?? null, map, title: values.title ?? null };
}
