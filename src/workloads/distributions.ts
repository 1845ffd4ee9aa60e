/** Size and lifetime distributions for workloads, drawn from the project's seeded Rng. */
import type { Rng } from "../sim/rng.js";

/** A draw of a positive integer. */
export type Draw = (rng: Rng) => number;

/** An exponential lifetime with the given mean, rounded to an integer >= 1. */
export function exponential(mean: number): Draw {
  return (rng) => Math.max(1, Math.round(-mean * Math.log(1 - rng.float())));
}

/** 2^k with k uniform in [kMin, kMax]. */
export function powerOfTwo(kMin: number, kMax: number): Draw {
  return (rng) => 2 ** rng.int(kMin, kMax);
}

/** Uniform in [lo, hi]. */
export function uniform(lo: number, hi: number): Draw {
  return (rng) => rng.int(lo, hi);
}

/** One of `items`, picked with probability proportional to its weight (items not empty). */
export function pickWeighted<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  let x = rng.float() * items.reduce((sum, item) => sum + item.weight, 0);
  for (const item of items) {
    x -= item.weight;
    if (x < 0) return item;
  }
  return items[items.length - 1] as T;
}

/** One of `draws`, picked with probability proportional to its weight. */
export function mixture(...choices: readonly { weight: number; draw: Draw }[]): Draw {
  return (rng) => pickWeighted(rng, choices).draw(rng);
}
