// Share links: everything after '#', which browsers never send to the server.
//   #recipe=<data>         an analysis to redo on one's own file (recipe.ts)
//   #report=<data>         an aggregate-only report (report.ts)
//   #report-locked=<data>  the same, encrypted with a passphrase
// <data> is codec.ts' base64url of deflated JSON (or of the encrypted bytes).
import { decodeJson, decryptJson, encodeJson, encryptJson } from './codec';

/**
 * The longest link we hand out, in characters. Browsers take far longer URLs (Chromium 2 MB), and a
 * fragment never reaches a server, so the limit is the tools a link travels through: mail and chat
 * clients, forms, notes. RFC 9110 §4.1's 8,000-octet floor is what all of them should keep whole,
 * but a daily series over 90 days of the sample data already needs 8,645 characters; 16,000 keeps
 * such ordinary reports as links. Above it (or where a tool cuts a link) the report file is the way.
 */
export const MAX_LINK_CHARS = 16_000;

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
