import { describe, expect, it } from 'vitest';
import { MAX_INFLATED_BYTES, ShareError, decodeJson, decryptJson, deflate, encodeJson, encryptJson, fromBase64Url, toBase64Url } from '../../../src/share/codec';
import { openFragment, readFragment, shareLink } from '../../../src/share/links';

const value = { version: 1, title: 'Größe & “quotes” 🙂', numbers: [1, 2.5, null, '<k'], nested: { a: 'x'.repeat(5000) } };

describe('share codec', () => {
  it('round-trips JSON through deflate-raw and base64url, and compresses', async () => {
    const text = await encodeJson(value);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text.length).toBeLessThan(JSON.stringify(value).length / 10); // 5,000 x's deflate to a few bytes
    expect(await decodeJson(text)).toEqual(value);
  });

  it('base64url round-trips every byte value', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
  });

  it('says a damaged link is damaged', async () => {
    const text = await encodeJson(value);
    await expect(decodeJson(text.slice(0, text.length / 2))).rejects.toMatchObject({ problem: 'damaged' });
    await expect(decodeJson('not base64!')).rejects.toBeInstanceOf(ShareError);
  });

  it('encrypts with a passphrase and opens only with the same one', async () => {
    const sealed = await encryptJson(value, 'correct horse');
    // The unencrypted link's text is nowhere in the sealed one (a 2-letter probe matched random base64 by chance).
    expect(sealed).not.toContain((await encodeJson(value)).slice(8, 40));
    expect(await decryptJson(sealed, 'correct horse')).toEqual(value);
    await expect(decryptJson(sealed, 'wrong horse')).rejects.toMatchObject({ problem: 'wrong_passphrase' });
    await expect(decryptJson(sealed, '')).rejects.toMatchObject({ problem: 'wrong_passphrase' });
    // Random salt and IV: the same report sealed twice differs.
    expect(await encryptJson(value, 'correct horse')).not.toBe(sealed);
  });

  it('builds and reads #recipe=, #report= and #report-locked= links', async () => {
    const recipe = await shareLink('https://x.test/clientele/#old', 'recipe', { a: 1 });
    expect(recipe).toMatch(/^https:\/\/x\.test\/clientele\/#recipe=[A-Za-z0-9_-]+$/);
    const locked = await shareLink('https://x.test/clientele/', 'report', { b: 2 }, 'pw');
    const fragment = readFragment(new URL(locked).hash)!;
    expect(fragment.kind).toBe('report-locked');
    expect(await openFragment(fragment, 'pw')).toEqual({ b: 2 });
    await expect(openFragment(fragment, 'nope')).rejects.toMatchObject({ problem: 'wrong_passphrase' });
    expect(await openFragment(readFragment(new URL(recipe).hash)!)).toEqual({ a: 1 });
    expect(readFragment('#section-2')).toBeNull();
    expect(readFragment('')).toBeNull();
  });
});

describe('damaged and oversized links (review 6, findings 9 and 10)', () => {
  it('a cut or altered encrypted link says "damaged", not "wrong passphrase"', async () => {
    const sealed = await encryptJson({ title: 'x', rows: Array.from({ length: 300 }, (_, i) => [i, i * 1.5]) }, 'right');
    for (const cut of [1, 10, 100]) await expect(decryptJson(sealed.slice(0, -cut), 'right')).rejects.toMatchObject({ problem: 'damaged' });
    const mid = Math.floor(sealed.length / 2);
    const altered = sealed.slice(0, mid) + (sealed[mid] === 'A' ? 'B' : 'A') + sealed.slice(mid + 1);
    await expect(decryptJson(altered, 'right')).rejects.toMatchObject({ problem: 'damaged' });
    // Whole, with the wrong passphrase: still "wrong passphrase"; with the right one it opens.
    await expect(decryptJson(sealed, 'wrong')).rejects.toMatchObject({ problem: 'wrong_passphrase' });
    expect(await decryptJson(sealed, 'right')).toMatchObject({ title: 'x' });
  });

  it('a link that inflates beyond the cap stops with "too_large", quickly and without inflating it all', async () => {
    const bomb = toBase64Url(await deflate(new Uint8Array(200_000_000).fill(32))); // 200 MB of spaces in ~200 kB
    const started = performance.now();
    const error = await decodeJson(bomb).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShareError);
    expect((error as ShareError).problem).toBe('too_large');
    expect(performance.now() - started).toBeLessThan(5000);
    // Just under the cap still opens.
    const big = { text: 'y'.repeat(MAX_INFLATED_BYTES - 20) };
    expect(await decodeJson(await encodeJson(big))).toEqual(big);
  });
});
