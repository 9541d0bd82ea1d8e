// The fragment codec: JSON → deflate-raw → base64url, and the passphrase variant (AES-GCM 256 with
// a key derived by PBKDF2-SHA-256). CompressionStream and WebCrypto exist in browsers and in Node 20,
// so the page, the CLI and the tests share this one implementation.

/** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA-256 (Password Storage Cheat Sheet): about 0.3 s per guess here. */
export const PBKDF2_ITERATIONS = 600_000;
const SALT_BYTES = 16;
const IV_BYTES = 12;
/**
 * First byte of an encrypted payload: the format, so a later one can change the parameters. Format 2
 * carries the ciphertext's length and a plain SHA-256 of it, so a cut or altered link is told apart
 * from a wrong passphrase (AES-GCM alone fails the same way for both). Format 1 (no check) is still read.
 */
const ENCRYPTED_FORMAT = 2;
const LENGTH_BYTES = 4;
const HASH_BYTES = 32;
/** The most JSON a link may unpack to: a report or recipe is tens of kilobytes; a bomb is stopped here. */
export const MAX_INFLATED_BYTES = 4 * 1024 * 1024;

export type ShareProblem = 'damaged' | 'wrong_passphrase' | 'unknown_version' | 'invalid' | 'too_large';

/** Why a link could not be read, as a key the UI turns into words. */
export class ShareError extends Error {
  constructor(
    readonly problem: ShareProblem,
    detail = '',
  ) {
    super(detail || problem);
  }
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const output = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(output).arrayBuffer());
}

export const deflate = (bytes: Uint8Array) => pipe(bytes, new CompressionStream('deflate-raw'));

/**
 * Decompresses, reading the output as a stream and stopping at `maxBytes` (ShareError 'too_large'),
 * so a small link that unpacks to a gigabyte costs a few megabytes and never stalls the page.
 */
export async function inflate(bytes: Uint8Array, maxBytes = MAX_INFLATED_BYTES): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new ShareError('too_large', `more than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ShareError) throw error;
    throw new ShareError('damaged', 'The data does not decompress.');
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareError('damaged', 'The link contains characters base64url does not use.');
  const padded = text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  } catch {
    throw new ShareError('damaged', 'The link is not valid base64url.');
  }
}

/** A JSON value as compressed bytes. */
export const packJson = (value: unknown) => deflate(new TextEncoder().encode(JSON.stringify(value)));

export async function unpackJson(bytes: Uint8Array): Promise<unknown> {
  const text = new TextDecoder().decode(await inflate(bytes));
  try {
    return JSON.parse(text);
  } catch {
    throw new ShareError('damaged', 'The data is not JSON.');
  }
}

export const encodeJson = async (value: unknown) => toBase64Url(await packJson(value));
export const decodeJson = async (text: string) => unpackJson(fromBase64Url(text));

async function deriveKey(passphrase: string, salt: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as Uint8Array<ArrayBuffer>, iterations: PBKDF2_ITERATIONS },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}

const sha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** [format 2][salt 16][iv 12][ciphertext length, 4 bytes big-endian][SHA-256 of the ciphertext 32][AES-GCM ciphertext and tag] of the compressed JSON, as base64url. */
export async function encryptJson(value: unknown, passphrase: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await deriveKey(passphrase, salt, 'encrypt');
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, (await packJson(value)) as Uint8Array<ArrayBuffer>));
  const head = 1 + SALT_BYTES + IV_BYTES;
  const out = new Uint8Array(head + LENGTH_BYTES + HASH_BYTES + sealed.length);
  out.set([ENCRYPTED_FORMAT], 0);
  out.set(salt, 1);
  out.set(iv, 1 + SALT_BYTES);
  new DataView(out.buffer).setUint32(head, sealed.length);
  out.set(await sha256(sealed), head + LENGTH_BYTES);
  out.set(sealed, head + LENGTH_BYTES + HASH_BYTES);
  return toBase64Url(out);
}

/**
 * Throws ShareError('damaged') when the link was cut or altered (its length or SHA-256 does not match,
 * checked before any key is derived) and ShareError('wrong_passphrase') when the passphrase does not open it.
 */
export async function decryptJson(text: string, passphrase: string): Promise<unknown> {
  const bytes = fromBase64Url(text);
  const head = 1 + SALT_BYTES + IV_BYTES;
  if (bytes.length < 1) throw new ShareError('damaged', 'The encrypted data is empty.');
  if (bytes[0] !== ENCRYPTED_FORMAT && bytes[0] !== 1) throw new ShareError('unknown_version', `Encryption format ${bytes[0]}.`);
  let sealed: Uint8Array;
  if (bytes[0] === ENCRYPTED_FORMAT) {
    if (bytes.length < head + LENGTH_BYTES + HASH_BYTES + 16) throw new ShareError('damaged', 'The encrypted data is cut short.');
    sealed = bytes.subarray(head + LENGTH_BYTES + HASH_BYTES);
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(head);
    if (length !== sealed.length) throw new ShareError('damaged', `The encrypted data is ${sealed.length} bytes, not ${length}: the link was cut.`);
    if (!sameBytes(await sha256(sealed), bytes.subarray(head + LENGTH_BYTES, head + LENGTH_BYTES + HASH_BYTES))) throw new ShareError('damaged', 'The encrypted data was altered.');
  } else {
    if (bytes.length < head + 16) throw new ShareError('damaged', 'The encrypted data is cut short.');
    sealed = bytes.subarray(head);
  }
  const salt = bytes.subarray(1, 1 + SALT_BYTES);
  const iv = bytes.subarray(1 + SALT_BYTES, head);
  const key = await deriveKey(passphrase, salt, 'decrypt');
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: iv as Uint8Array<ArrayBuffer> }, key, sealed as Uint8Array<ArrayBuffer>);
  } catch {
    // The data is whole (length and hash match): only the key can be wrong. (Format 1 cannot tell.)
    throw new ShareError('wrong_passphrase');
  }
  return unpackJson(new Uint8Array(plain));
}
