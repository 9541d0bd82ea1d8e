// Share links: everything after '#', which browsers never send to the server.
//   #recipe=<data>         an analysis to redo on one's own file (recipe.ts)
//   #report=<data>         an aggregate-only report (report.ts)
//   #report-locked=<data>  the same, encrypted with a passphrase
// <data> is codec.ts' base64url of deflated JSON (or of the encrypted bytes).
import { decodeJson, decryptJson, encodeJson, encryptJson } from './codec';

/**
 * The longest link we hand out, in characters. RFC 9110 §4.1 asks every sender and recipient to
 * handle URIs of at least 8,000 octets: mail and chat tools that go by it keep such a link whole,
 * while longer ones get cut or refused somewhere. Above it the page offers the report file instead.
 */
export const MAX_LINK_CHARS = 8_000;

export type FragmentKind = 'recipe' | 'report' | 'report-locked';
export interface ShareFragment {
  kind: FragmentKind;
  data: string;
}

/** The share fragment of a location hash, or null when the hash is something else (or empty). */
export function readFragment(hash: string): ShareFragment | null {
  const match = /^#?(recipe|report|report-locked)=(.*)$/s.exec(hash);
  return match ? { kind: match[1] as FragmentKind, data: match[2]!.trim() } : null;
}

/** A link to `base` (the page's address, any fragment dropped) carrying `value`. */
export async function shareLink(base: string, kind: 'recipe' | 'report', value: unknown, passphrase = ''): Promise<string> {
  const page = base.split('#')[0]!;
  if (kind === 'report' && passphrase) return `${page}#report-locked=${await encryptJson(value, passphrase)}`;
  return `${page}#${kind}=${await encodeJson(value)}`;
}

/** The JSON a fragment carries; a locked one needs the passphrase (ShareError 'wrong_passphrase' otherwise). */
export function openFragment(fragment: ShareFragment, passphrase = ''): Promise<unknown> {
  return fragment.kind === 'report-locked' ? decryptJson(fragment.data, passphrase) : decodeJson(fragment.data);
}
