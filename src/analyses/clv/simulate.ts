// Seeded simulation from the BG/NBD and Gamma-Gamma models, for parameter-recovery tests and demos.
import type { BgNbdParams } from './bgnbd';
import type { GammaGammaParams } from './gamma-gamma';

/** mulberry32: a small, fast, seeded PRNG giving uniforms in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the u^(1/shape) boost for shape < 1. */
export function gammaVariate(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return gammaVariate(random, shape + 1, rate) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let z: number;
    let v: number;
    do {
      z = normal(random);
      v = 1 + c * z;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

export interface SimulateOptions {
  /** Each customer's age T at the calibration end, in time units. */
  ages: ArrayLike<number>;
  /** Purchase times are rounded down to multiples of this (e.g. 1/7 week = a day) and merged when equal, as the summary SQL does. */
  resolution?: number;
  seed: number;
}

/** Simulates (x, t_x, T) for customers with the given ages under BG/NBD with `params`. */
export function simulateBgNbd({ r, alpha, a, b }: BgNbdParams, { ages, resolution = 0, seed }: SimulateOptions) {
  const random = mulberry32(seed);
  const n = ages.length;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = Float64Array.from(ages);
  for (let i = 0; i < n; i++) {
    const lambda = gammaVariate(random, r, alpha);
    const g1 = gammaVariate(random, a, 1);
    const p = g1 / (g1 + gammaVariate(random, b, 1));
    let time = 0;
    let last = 0;
    let count = 0;
    for (;;) {
      time += -Math.log(1 - random()) / lambda;
      if (time > T[i]!) break;
      const slot = resolution > 0 ? Math.floor(time / resolution) * resolution : time;
      if (slot > last) {
        count++;
        last = slot;
      }
      if (random() < p) break;
    }
    x[i] = count;
    tx[i] = last;
  }
  return { x, tx, T };
}

/** Mean spend of each customer's x repeat purchases, each Gamma(p, ν) with ν ~ Gamma(q, γ); 0 where x = 0. */
export function simulateSpend({ p, q, gamma }: GammaGammaParams, x: ArrayLike<number>, seed: number): Float64Array {
  const random = mulberry32(seed);
  return Float64Array.from(x, (count) => {
    if (count === 0) return 0;
    const nu = gammaVariate(random, q, gamma);
    let total = 0;
    for (let k = 0; k < count; k++) total += gammaVariate(random, p, nu);
    return total / count;
  });
}
