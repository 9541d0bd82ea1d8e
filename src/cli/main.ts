// `clientele report FILE…`: the page's analytics on native DuckDB for files too big for a browser
// tab. The same modules load the files (src/ingest), build the report (src/share/report.ts) and
// write the report file and link (src/share): nothing is copied.
import { existsSync, openAsBlob, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATA_FACTS_SQL } from '../analyses/dashboard';
import type { DateRange } from '../analyses/filters';
import type { Database } from '../db/database';
import { QueryError } from '../db/query-error';
import { Formatter } from '../i18n/format';
import { buildReport, type ReportPayload } from '../share/report';
import { reportHtml } from '../share/report-html';
import { MAX_LINK_CHARS, shareLink } from '../share/links';
import { NativeDatabase, blobPaths } from '../../scripts/native-database';
import { CliError, USAGE, parseCliArgs, type ReportArgs } from './args';
import { loadOrders, type InputFile, type Log } from './pipeline';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Where relative paths start; the native database moves the process elsewhere while it runs. */
  cwd: string;
  now?: Date;
  /** The report's number and date formats; default the system's locale. */
  locale?: string;
}

const processIo = (): CliIo => ({ stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() });
const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Runs the command line; returns the exit code (0 done, 1 the data could not be analysed, 2 a typing mistake). */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const { out, link } = await report(args, io);
    io.stdout(`${out}\n`);
    if (link) io.stdout(`${link}\n`);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`clientele: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof QueryError ? error.message.split('\n')[0] : error instanceof Error ? error.message : String(error);
    io.stderr(`clientele: the analysis failed: ${message}\n`);
    return 1;
  }
}

/** The period the report covers: --from/--to, each defaulting to the data's first or last day. */
export async function reportRange(db: Database, from: string | null, to: string | null): Promise<DateRange | null> {
  if (!from && !to) return null;
  const bounds = (await db.query(DATA_FACTS_SQL.bounds)).get(0);
  const first = day(Number(bounds?.first_day));
  const last = day(Number(bounds?.last_day));
  const start = from ?? first;
  const end = to ?? last;
  if (start > last || end < first) throw new CliError(`No orders between ${start} and ${end}: the data runs from ${first} to ${last}. Choose days in that span.`);
  if (start > end) throw new CliError(`--from ${start} is after the last day of the period (${end}). Give an earlier --from or a later --to.`, 2);
  return { start, end: day(Date.parse(end) + DAY_MS) };
}

async function report(args: ReportArgs, io: CliIo): Promise<{ out: string; link: string | null }> {
  const log: Log = (line) => io.stderr(`${line}\n`);
  const started = performance.now();
  const paths = args.files.map((file) => resolve(io.cwd, file));
  for (const [i, path] of paths.entries()) {
    if (!existsSync(path)) throw new CliError(`${args.files[i]}: no such file. Check the path (it is read from ${io.cwd}).`);
    if (!statSync(path).isFile()) throw new CliError(`${args.files[i]}: is a folder, not a file. Name the export file itself.`);
  }
  const out = resolve(io.cwd, args.out);
  const files: InputFile[] = [];
  for (const [i, path] of paths.entries()) {
    const blob = await openAsBlob(path);
    blobPaths.set(blob, path);
    files.push({ name: args.files[i]!, blob });
  }

  const db = await NativeDatabase.open();
  let payload: ReportPayload;
  try {
    await loadOrders(db, files, args.map, log, io.now);
    const range = await reportRange(db, args.from, args.to);
    const t0 = performance.now();
    log(`Building the report (k = ${args.k}${range ? `, ${range.start} to ${args.to ?? day(Date.parse(range.end) - DAY_MS)}` : ', all time'})…`);
    payload = await buildReport(db, { filter: { range }, k: args.k, title: args.title ?? undefined, today: io.now ? day(io.now.getTime()) : undefined });
    log(`  in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    db.close();
  }
  writeFileSync(out, reportHtml(payload, new Formatter(io.locale ?? Intl.DateTimeFormat().resolvedOptions().locale)));
  log(`Wrote ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s in all.`);
  let link: string | null = null;
  if (args.link) {
    link = await shareLink(args.base ?? '', 'report', payload);
    if (!args.base) log('The report link is the part after #: add it to the address of your Clientele page (or give --base URL).');
    if (link.length > MAX_LINK_CHARS) log(`The link is ${link.length} characters, longer than ${MAX_LINK_CHARS}: some mail and chat tools cut such links. Send the report file instead.`);
  }
  return { out, link };
}
