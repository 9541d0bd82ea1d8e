// CSV text from a query result (an Arrow table or plain rows): RFC 4180, CRLF line ends.
//
// Spreadsheet formulas: a text cell that begins with =, +, -, @, tab or carriage return is written
// with a leading single quote, so Excel, LibreOffice and Google Sheets show it as text and never run
// it (OWASP's "CSV injection" advice). Numbers are not touched: a value that is a number in the
// result (a DOUBLE or INTEGER column, say -5.2) is written as a number, because a number cannot
// carry a formula and the user wants to sum it. Text that merely looks like a number ("-5.2" in a
// VARCHAR column) is text and is neutralised like any other: we cannot tell it from "-2+3+cmd|…".

/** What the export needs of an Arrow table (apache-arrow's Table satisfies it). */
export interface ArrowLikeTable {
  schema: { fields: readonly { name: string; type?: unknown }[] };
  toArray(): readonly unknown[];
}

export interface PlainRows {
  columns: readonly string[];
  rows: Iterable<Readonly<Record<string, unknown>>>;
  /** Columns holding epoch-ms timestamps, written as 'YYYY-MM-DD HH:MM:SS'. */
  timestampColumns?: readonly string[];
  /** Columns holding epoch-ms dates, written as 'YYYY-MM-DD'. */
  dateColumns?: readonly string[];
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

type Kind = 'value' | 'date' | 'timestamp';

function isoDate(ms: number, kind: 'date' | 'timestamp'): string {
  const iso = new Date(ms).toISOString(); // DuckDB TIMESTAMPs are naive; Arrow hands them over as UTC epoch ms
  if (kind === 'date') return iso.slice(0, 10);
  const text = iso.slice(0, 10) + ' ' + iso.slice(11, 23);
  return text.endsWith('.000') ? text.slice(0, -4) : text;
}

/** One cell as CSV text: neutralised if it is text starting like a formula, quoted if it needs it. */
export function csvCell(value: unknown, kind: Kind = 'value'): string {
  if (value === null || value === undefined) return '';
  if (kind !== 'value' && (typeof value === 'number' || typeof value === 'bigint')) return isoDate(Number(value), kind);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function isArrow(input: ArrowLikeTable | PlainRows): input is ArrowLikeTable {
  return 'schema' in input;
}

/** The whole result as CSV text: a header row, then one line per row, each ended by CRLF. */
export function toCsv(input: ArrowLikeTable | PlainRows): string {
  let columns: { name: string; kind: Kind }[];
  let rows: Iterable<unknown>;
  if (isArrow(input)) {
    columns = input.schema.fields.map((f) => {
      const type = String(f.type ?? '');
      return { name: f.name, kind: type.startsWith('Timestamp') ? 'timestamp' : type.startsWith('Date') ? 'date' : 'value' };
    });
    rows = input.toArray();
  } else {
    columns = input.columns.map((name) => ({
      name,
      kind: input.dateColumns?.includes(name) ? 'date' : input.timestampColumns?.includes(name) ? 'timestamp' : 'value',
    }));
    rows = input.rows;
  }
  const lines = [columns.map((c) => csvCell(c.name)).join(',')];
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    lines.push(columns.map((c) => csvCell(record[c.name], c.kind)).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
