/**
 * The seeded, splittable random number generator passed to models, workloads and fuzz targets.
 * It wraps pure-rand's xoroshiro128plus (the generator family fast-check uses); nothing here
 * reads an ambient random source, so a seed fixes every draw.
 */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { requireInt } from "./require-int.js";

const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_32 = 2 ** 32;

/** murmur3's fmix32 finalizer: a bijection on 32-bit values with full avalanche. */
function fmix32(h: number): number {
  let x = h | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Folds a safe integer to 32 bits: values already in int32 or uint32 range keep their low word. */
export function foldSeed(seed: number): number {
  requireInt("seed", seed, Number.MIN_SAFE_INTEGER);
  if (seed >= -0x8000_0000 && seed < TWO_POW_32) return seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32);
  return ((seed >>> 0) ^ fmix32(high ^ GOLDEN_GAMMA)) >>> 0;
}

/** One murmur3 block step: mixes a 32-bit word into the running hash. */
function mixWord(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  const h = hash ^ k;
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}

/**
 * The seed of the child stream `label` of a stream seeded with `seed`: murmur3 over a type tag and
 * the label's UTF-16 code units (or the two words of a numeric label), so that `split(1)` and
 * `split("1")` differ.
 */
export function splitSeed(seed: number, label: string | number): number {
  let h = mixWord(seed, typeof label === "string" ? 0x73 : 0x6e);
  let length: number;
  if (typeof label === "string") {
    for (let i = 0; i < label.length; i++) h = mixWord(h, label.charCodeAt(i));
    length = label.length;
  } else {
    requireInt("label", label, Number.MIN_SAFE_INTEGER);
    h = mixWord(h, label >>> 0);
    h = mixWord(h, Math.floor(label / TWO_POW_32));
    length = 2;
  }
  return fmix32(h ^ length);
}

/** A seeded, splittable stream of random values. Draws advance the stream; split() does not. */
export class Rng {
  /** The 32-bit unsigned seed this stream started from. */
  readonly seed: number;
  readonly #generator: RandomGenerator;

  private constructor(seed: number) {
    this.seed = seed;
    // pure-rand's xoroshiro128plus(seed) makes ~seed the first output; expanding the seed into the
    // full 128-bit state through a bijective mixer makes the first draws as good as the rest.
    // Mixing the seed first keeps seeds that differ by the gamma from sharing state words. The four
    // words are distinct (fmix32 is a bijection), so the state is never all zero.
    const base = fmix32(seed);
    const state = [1, 2, 3, 4].map((i) => fmix32(base + Math.imul(i, GOLDEN_GAMMA)) | 0);
    this.#generator = xoroshiro128plusFromState(state);
  }

  /** A generator for a 32-bit integer seed (any safe integer is folded to 32 bits deterministically). */
  static seeded(seed: number): Rng {
    return new Rng(foldSeed(seed));
  }

  /**
   * An independent child stream, deterministic in (this stream's seed, label); does NOT advance
   * this stream. Different labels give unrelated streams. Numeric labels must be safe integers.
   */
  split(label: string | number): Rng {
    return new Rng(splitSeed(this.seed, label));
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    return this.#generator.next() >>> 0;
  }

  /** Uniform integer in [min, max] inclusive; min/max safe integers, max - min < 2^53. Unbiased. */
  int(min: number, max: number): number {
    requireInt("min", min, Number.MIN_SAFE_INTEGER);
    requireInt("max", max, min);
    // A true difference >= 2^53 rounds to >= 2^53, so this test is exact.
    if (max - min > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`int(${min}, ${max}): the range must be narrower than 2^53`);
    }
    // pure-rand rejects and redraws out-of-range values, so there is no modulo bias.
    return uniformInt(this.#generator, min, max);
  }

  /** Uniform float in [0, 1) with 53 bits. */
  float(): number {
    return uniformFloat64(this.#generator);
  }

  /** true with probability p (default 0.5); p must be in [0, 1]. */
  bool(p = 0.5): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`bool(p): p must be in [0, 1], got ${p}`);
    return this.float() < p;
  }

  /** A uniformly chosen element (throws RangeError on an empty array). */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() from an empty array");
    return items[this.int(0, items.length - 1)] as T;
  }
}
