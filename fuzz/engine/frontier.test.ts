import { describe, expect, it } from "vitest";
import type { CorpusEntry } from "./corpus.js";
import { stateFeatureId } from "./features.js";
import { Frontier } from "./frontier.js";

const entry = (name: string): CorpusEntry => ({
  data: new Uint8Array([1]),
  name,
  newFeatures: 1,
  index: 0,
  features: { code: new Uint32Array(0), state: new Uint32Array(0) },
});

describe("the frontier of progress maxima", () => {
  it("keeps the input holding each measure's highest value, ignoring other features", () => {
    const frontier = new Frontier(["lastOutcome", "max:live", "max:holes"]);
    const a = entry("a");
    const b = entry("b");
    frontier.offer(a, [stateFeatureId(0, 9), stateFeatureId(1, 3), stateFeatureId(1, 5)], 3);
    expect(frontier.size).toBe(1);
    expect(frontier.maxima()).toEqual([5, -1]);
    // b raises holes but not live: it holds holes, a keeps live.
    frontier.offer(b, [stateFeatureId(1, 4), stateFeatureId(2, 2)], 2);
    expect(frontier.maxima()).toEqual([5, 2]);
    expect(frontier.pick(() => 0)).toBe(a);
    expect(frontier.pick(() => 1)).toBe(b);
  });

  it("has no holders for a target without progress measures", () => {
    const frontier = new Frontier(["a", "b"]);
    frontier.offer(entry("x"), [stateFeatureId(0, 200)], 1);
    expect(frontier.size).toBe(0);
    expect(() => frontier.pick(() => 0)).toThrow(RangeError);
  });
});
