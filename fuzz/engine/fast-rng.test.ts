import { describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/rng.js";
import { FastRng } from "./fast-rng.js";

describe("FastRng", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const draws = (seed: number) => {
      const rng = new FastRng(Rng.seeded(seed));
      return Array.from({ length: 8 }, () => rng.u32());
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
  });

  it("draws integers in range, every value of a small range about equally often", () => {
    const rng = new FastRng(Rng.seeded(1));
    const counts = new Array<number>(13).fill(0);
    for (let i = 0; i < 130_000; i++) {
      const v = rng.int(-3, 9);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(9);
      counts[v + 3]!++;
    }
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
    // Huge ranges stay in range too (the product of a draw and n may round up).
    for (let i = 0; i < 1000; i++) expect(rng.below(2 ** 40 + 3)).toBeLessThan(2 ** 40 + 3);
    const floats = Array.from({ length: 1000 }, () => rng.float());
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
  });
});
