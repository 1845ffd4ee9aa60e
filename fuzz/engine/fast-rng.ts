/**
 * The engine's hot-loop random source: xoshiro128** on four 32-bit words, seeded from a
 * {@link Rng} stream. The mutator draws several numbers per execution; going through pure-rand's
 * generic distributions (argument checks, rejection loops, generator objects) cost more than the
 * model run itself. Draws here are plain integer arithmetic, deterministic per seed.
 */
import type { Rng } from "../../src/sim/rng.js";

const TWO_POW_32 = 4294967296;

/** A fast seeded stream of random integers for mutation and scheduling. */
export class FastRng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** A stream whose state is four draws of `seed` (never all zero). */
  constructor(seed: Rng) {
    this.#a = seed.u32() | 0;
    this.#b = seed.u32() | 0;
    this.#c = seed.u32() | 0;
    this.#d = seed.u32() | 1;
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const b = this.#b;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    this.#c ^= this.#a;
    this.#d ^= b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return r >>> 0;
  }

  /**
   * Integer in [0, n) for n >= 1, by multiply-and-shift (Lemire without the rejection step: the
   * bias is below n / 2^32, irrelevant for choosing mutations). Exact arithmetic up to n = 2^21;
   * beyond, the product may round up, hence the clamp.
   */
  below(n: number): number {
    return Math.min(n - 1, Math.floor((this.u32() * n) / TWO_POW_32));
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** true or false with equal probability. */
  bool(): boolean {
    return (this.u32() & 1) === 1;
  }

  /** Uniform float in [0, 1) with 32 bits. */
  float(): number {
    return this.u32() / TWO_POW_32;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
