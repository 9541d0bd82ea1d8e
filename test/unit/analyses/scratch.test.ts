// The panels' scratch arrays (src/analyses/crossfilter/scratch.ts): a slot's buffer is reused,
// grown when asked for more, and never shared with another slot.
import { describe, expect, it } from 'vitest';
import { Scratch } from '../../../src/analyses/crossfilter/scratch';

describe('Scratch', () => {
  it('hands a slot its own buffer, reused while big enough and grown when not', () => {
    const scratch = new Scratch();
    const a = scratch.int32('a', 4, 7);
    const b = scratch.int32('b', 4, 0);
    expect([...a]).toEqual([7, 7, 7, 7]);
    b.fill(9);
    // Another slot: a is untouched.
    expect([...a]).toEqual([7, 7, 7, 7]);
    expect(scratch.bytes).toBe(32);
    // The same slot again, smaller: the same memory, no new buffer; null leaves the values as they are.
    const again = scratch.int32('a', 2, null);
    expect(again.buffer).toBe(a.buffer);
    expect([...again]).toEqual([7, 7]);
    expect(scratch.bytes).toBe(32);
    // Bigger: a buffer of the size asked, filled.
    const bigger = scratch.int32('a', 6, -1);
    expect(bigger.buffer).not.toBe(a.buffer);
    expect([...bigger]).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(scratch.bytes).toBe(16 + 24);
  });

  it('sizes each kind by its element’s bytes', () => {
    const scratch = new Scratch();
    expect(scratch.uint8('u8', 5, 1)).toEqual(new Uint8Array([1, 1, 1, 1, 1]));
    expect(scratch.uint32('u32', 2, 0xffffffff)).toEqual(new Uint32Array([0xffffffff, 0xffffffff]));
    expect(scratch.float64('f64', 3, 0.5)).toEqual(new Float64Array([0.5, 0.5, 0.5]));
    expect(scratch.bytes).toBe(5 + 8 + 24);
  });
});
