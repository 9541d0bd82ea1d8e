// The fragment codec: JSON → deflate-raw → base64url, and the passphrase variant (AES-GCM 256 with
// a key derived by PBKDF2-SHA-256). CompressionStream and WebCrypto exist in browsers and in Node 20,
// so the page, the CLI and the tests share this one implementation.

/** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA-256 (Password Storage Cheat Sheet): about 0.3 s per guess here. */
export const PBKDF2_ITERATIONS = 600_000;
const SALT_BYTES = 16;
const IV_BYTES = 12;
/** First byte of an encrypted payload: the format, so a later one can change the parameters. */
const ENCRYPTED_FORMAT = 1;

export type ShareProblem = 'damaged' | 'wrong_passphrase' | 'unknown_version' | 'invalid';

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

export async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  try {
    return await pipe(bytes, new DecompressionStream('deflate-raw'));
  } catch {
    throw new ShareError('damaged', 'The data does not decompress.');
  }
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

/** [format 1][salt 16][iv 12][AES-GCM ciphertext and tag] of the compressed JSON, as base64url. */
export async function encryptJson(value: unknown, passphrase: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await deriveKey(passphrase, salt, 'encrypt');
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, (await packJson(value)) as Uint8Array<ArrayBuffer>));
  const out = new Uint8Array(1 + SALT_BYTES + IV_BYTES + sealed.length);
  out.set([ENCRYPTED_FORMAT], 0);
  out.set(salt, 1);
  out.set(iv, 1 + SALT_BYTES);
  out.set(sealed, 1 + SALT_BYTES + IV_BYTES);
  return toBase64Url(out);
}

/** Throws ShareError('wrong_passphrase') when the passphrase does not open it (AES-GCM's tag fails). */
export async function decryptJson(text: string, passphrase: string): Promise<unknown> {
  const bytes = fromBase64Url(text);
  if (bytes.length < 1 + SALT_BYTES + IV_BYTES + 16) throw new ShareError('damaged', 'The encrypted data is cut short.');
  if (bytes[0] !== ENCRYPTED_FORMAT) throw new ShareError('unknown_version', `Encryption format ${bytes[0]}.`);
  const salt = bytes.subarray(1, 1 + SALT_BYTES);
  const iv = bytes.subarray(1 + SALT_BYTES, 1 + SALT_BYTES + IV_BYTES);
  const key = await deriveKey(passphrase, salt, 'decrypt');
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: iv as Uint8Array<ArrayBuffer> }, key, bytes.subarray(1 + SALT_BYTES + IV_BYTES) as Uint8Array<ArrayBuffer>);
  } catch {
    // GCM cannot tell a wrong key from altered data; a cut or altered link is caught above or by inflate.
    throw new ShareError('wrong_passphrase');
  }
  return unpackJson(new Uint8Array(plain));
}
