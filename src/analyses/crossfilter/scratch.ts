// Typed arrays that live for one computation, reused from one computation to the next.
//
// Each filter state's panels used to allocate 12–30 MB of such arrays at 1M orders (rankings, sort
// keys, per-customer marks and fails), garbage as soon as the panels were posted. In the worker,
// those allocations are what starts V8's full collections ("external memory pressure" in a trace):
// the collection began inside the next click's panels, and its marking took the other core while
// the page painted them. Reused, a state allocates only what a range keeps (panel-index.ts).

type TypedArrayOf =
  | { readonly BYTES_PER_ELEMENT: number; new (buffer: ArrayBuffer, byteOffset: number, length: number): Int32Array }
  | { readonly BYTES_PER_ELEMENT: number; new (buffer: ArrayBuffer, byteOffset: number, length: number): Uint32Array }
  | { readonly BYTES_PER_ELEMENT: number; new (buffer: ArrayBuffer, byteOffset: number, length: number): Uint8Array }
  | { readonly BYTES_PER_ELEMENT: number; new (buffer: ArrayBuffer, byteOffset: number, length: number): Float64Array };

/**
 * Buffers by slot name. An array taken from a slot is valid until the same slot is taken again:
 * each caller names its own slot, and two arrays alive at once never share one. Single-threaded
 * use only (one per worker); nothing taken may be kept past the computation that took it.
 */
export class Scratch {
  readonly #buffers = new Map<string, ArrayBuffer>();

  /** `n` elements from `slot`'s buffer (grown when too small), each set to `fill`; `fill` null: left as they are, for arrays written whole before they are read. */
  int32(slot: string, n: number, fill: number | null): Int32Array {
    return this.#take(slot, Int32Array, n, fill) as Int32Array;
  }

  uint32(slot: string, n: number, fill: number | null): Uint32Array {
    return this.#take(slot, Uint32Array, n, fill) as Uint32Array;
  }

  uint8(slot: string, n: number, fill: number | null): Uint8Array {
    return this.#take(slot, Uint8Array, n, fill) as Uint8Array;
  }

  float64(slot: string, n: number, fill: number | null): Float64Array {
    return this.#take(slot, Float64Array, n, fill) as Float64Array;
  }

  /** Bytes held, for tests and probes. */
  get bytes(): number {
    let total = 0;
    for (const buffer of this.#buffers.values()) total += buffer.byteLength;
    return total;
  }

  #take(slot: string, kind: TypedArrayOf, n: number, fill: number | null): Int32Array | Uint32Array | Uint8Array | Float64Array {
    const bytes = n * kind.BYTES_PER_ELEMENT;
    let buffer = this.#buffers.get(slot);
    if (!buffer || buffer.byteLength < bytes) {
      // Grown to what is asked: the sizes asked for are the data set's (customers, a range's rows), a few at most.
      buffer = new ArrayBuffer(bytes);
      this.#buffers.set(slot, buffer);
    }
    const array = new kind(buffer, 0, n);
    if (fill !== null) array.fill(fill);
    return array;
  }
}

/** The panels' scratch: one per thread that computes them (a module is evaluated once per worker). */
export const PANEL_SCRATCH = new Scratch();
