// Tells from a file's first bytes what it is, before DuckDB sees it, so that an empty, binary,
// spreadsheet or mis-encoded file gets a precise message instead of a parser error.

export type FileFormat = 'csv' | 'parquet';
export type TextEncoding = 'utf-8' | 'utf-16' | 'latin-1';

export interface SniffedFile {
  format: FileFormat;
  gzip: boolean;
  encoding: TextEncoding;
}

export type SniffProblem = 'empty' | 'binary' | 'spreadsheet' | 'archive' | 'not_parquet';

export class SniffError extends Error {
  constructor(readonly problem: SniffProblem) {
    super(problem);
    this.name = 'SniffError';
  }
}

/** How many leading bytes `sniffFile` wants: enough to judge encoding and binary content. */
export const SNIFF_BYTES = 64 * 1024;

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);
const PARQUET = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
const GZIP = [0x1f, 0x8b];
const ZIP = [0x50, 0x4b, 0x03, 0x04]; // .xlsx, .ods and .zip
const OLE = [0xd0, 0xcf, 0x11, 0xe0]; // legacy .xls

/**
 * @param head the file's first bytes (decompressed already when the file is gzip: see `gzip`)
 * @param size the whole file's size in bytes
 */
export function sniffFile(name: string, size: number, head: Uint8Array, gunzippedHead?: Uint8Array): SniffedFile {
  if (size === 0 || head.length === 0) throw new SniffError('empty');
  if (startsWith(head, PARQUET)) return { format: 'parquet', gzip: false, encoding: 'utf-8' };
  if (/\.parquet$/i.test(name)) throw new SniffError('not_parquet');
  if (startsWith(head, ZIP) || startsWith(head, OLE)) throw new SniffError(/\.(xlsx?|ods)$/i.test(name) || startsWith(head, OLE) ? 'spreadsheet' : 'archive');
  const gzip = startsWith(head, GZIP);
  const text = gzip ? gunzippedHead : head;
  if (!text || text.length === 0) throw new SniffError(gzip ? 'binary' : 'empty');
  return { format: 'csv', gzip, encoding: textEncoding(text) };
}

function textEncoding(bytes: Uint8Array): TextEncoding {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return 'utf-16';
  let control = 0;
  for (const byte of bytes) {
    if (byte === 0) throw new SniffError('binary');
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  }
  if (control > bytes.length * 0.01) throw new SniffError('binary');
  if (isUtf8(bytes)) return 'utf-8';
  // Bytes 0x80–0x9F are C1 controls in Latin-1 but printable in Windows-1252; either way DuckDB's
  // latin-1 reader keeps every byte, so accented names survive.
  return 'latin-1';
}

function isUtf8(bytes: Uint8Array): boolean {
  // The head may end inside a multi-byte character: drop up to 3 trailing bytes before judging.
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((byte & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}
