/**
 * The set of features seen so far, as one bitmap. Code-coverage features (counter x hit bucket)
 * and model-state features (slot x value, IJON / FuzzFactory style) live in separate halves, so a
 * new situation of the model counts even when it runs no new code.
 */

import type { StateFeatureSink } from "./target.js";

/** log2 of the bitmap size in bits. */
const MAP_BITS = 20;
const HALF = 1 << (MAP_BITS - 1);
const HALF_MASK = HALF - 1;

/** The kinds of feature, each with its own range of the bitmap. */
export type FeatureKind = "code" | "state";

/** A state feature's id before it is placed in its range: `slot * 256 + value`. */
export function stateFeatureId(slot: number, value: number): number {
  return slot * 256 + (value & 0xff);
}

/**
 * Places an id in its kind's range. Ids below the range size map to themselves (no collisions
 * for up to 65536 code counters or 2048 state slots); larger ones are hashed into the range.
 */
function place(kind: FeatureKind, id: number): number {
  const inRange = id <= HALF_MASK ? id : hashIntoRange(id);
  return kind === "code" ? inRange : HALF + inRange;
}

/** A large id hashed into one kind's range. */
function hashIntoRange(id: number): number {
  return Math.imul(id ^ (id >>> 15), 0x2c1b3c6d) >>> (32 - 19);
}

/** A 2^20-bit feature bitmap with per-kind counts, and how often each feature was hit. */
export class FeatureMap {
  readonly #words = new Uint32Array((1 << MAP_BITS) / 32);
  /** Executions that hit each feature (an id listed twice by one execution counts twice). */
  readonly #hits = new Uint32Array(1 << MAP_BITS);
  #code = 0;
  #state = 0;

  /**
   * Adds the first `count` ids of `ids` (of one kind), counting a hit of each, and returns how
   * many were not in the map before. Duplicates within `ids` count once as new.
   */
  addAndCountNew(kind: FeatureKind, ids: ArrayLike<number>, count: number = ids.length): number {
    const words = this.#words;
    const hits = this.#hits;
    const base = kind === "code" ? 0 : HALF;
    let fresh = 0;
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      const bit = base + (id <= HALF_MASK ? id : hashIntoRange(id));
      hits[bit]!++;
      const word = bit >>> 5;
      const mask = 1 << (bit & 31);
      const value = words[word]!;
      if ((value & mask) !== 0) continue;
      words[word] = value | mask;
      fresh++;
    }
    if (kind === "code") this.#code += fresh;
    else this.#state += fresh;
    return fresh;
  }

  /** Whether feature `id` of `kind` has been seen. */
  has(kind: FeatureKind, id: number): boolean {
    const bit = place(kind, id);
    return (this.#words[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** How many times feature `id` of `kind` was hit (rare features guide the corpus schedule). */
  hits(kind: FeatureKind, id: number): number {
    return this.#hits[place(kind, id)]!;
  }

  /**
   * The rarity of a feature set: the sum over its ids of 1 / (times hit), over the kinds
   * selected. An input alone in reaching a situation scores high, less as that gets common.
   */
  rarity(
    features: { code: ArrayLike<number>; state: ArrayLike<number> },
    kinds: { code: boolean; state: boolean },
  ): number {
    let sum = 0;
    for (const kind of ["code", "state"] as const) {
      if (!kinds[kind]) continue;
      const ids = features[kind];
      for (let i = 0; i < ids.length; i++) sum += 1 / Math.max(1, this.hits(kind, ids[i]!));
    }
    return sum;
  }

  /** Distinct code features seen (libFuzzer's `cov:`). */
  get codeFeatures(): number {
    return this.#code;
  }

  /** Distinct state features seen. */
  get stateFeatures(): number {
    return this.#state;
  }

  /** All distinct features seen (libFuzzer's `ft:`). */
  get allFeatures(): number {
    return this.#code + this.#state;
  }
}

/** Collects the state features of one execution into a reusable buffer (extra ones dropped). */
export class StateBuffer implements StateFeatureSink {
  readonly ids = new Uint32Array(1 << 14);
  count = 0;

  add(slot: number, value: number): void {
    if (this.count < this.ids.length) this.ids[this.count++] = stateFeatureId(slot, value);
  }
}
