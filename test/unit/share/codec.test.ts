import { describe, expect, it } from 'vitest';
import { ShareError, decodeJson, decryptJson, encodeJson, encryptJson, fromBase64Url, toBase64Url } from '../../../src/share/codec';
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
    expect(sealed).not.toContain('Gr');
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
