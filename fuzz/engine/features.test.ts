import { describe, expect, it } from "vitest";
import { FeatureMap, stateFeatureId } from "./features.js";

describe("FeatureMap", () => {
  it("counts only features it has not seen, once each", () => {
    const map = new FeatureMap();
    expect(map.addAndCountNew("code", [1, 2, 3, 2])).toBe(3);
    expect(map.addAndCountNew("code", [3, 4])).toBe(1);
    expect(map.addAndCountNew("code", [1, 2, 3, 4])).toBe(0);
    expect(map.codeFeatures).toBe(4);
    expect(map.allFeatures).toBe(4);
  });

  it("keeps code and state features apart: the same id is new in each range", () => {
    const map = new FeatureMap();
    expect(map.addAndCountNew("code", [stateFeatureId(2, 5)])).toBe(1);
    expect(map.has("state", stateFeatureId(2, 5))).toBe(false);
    expect(map.addAndCountNew("state", [stateFeatureId(2, 5)])).toBe(1);
    expect(map.addAndCountNew("state", [stateFeatureId(2, 6), stateFeatureId(3, 5)])).toBe(2);
    expect([map.codeFeatures, map.stateFeatures, map.allFeatures]).toEqual([1, 3, 4]);
  });

  it("honours count and handles ids beyond the range", () => {
    const map = new FeatureMap();
    const ids = Uint32Array.of(7, 8, 9);
    expect(map.addAndCountNew("code", ids, 2)).toBe(2);
    expect(map.has("code", 9)).toBe(false);
    expect(map.addAndCountNew("code", [2 ** 31 + 12345])).toBe(1);
    expect(map.has("code", 2 ** 31 + 12345)).toBe(true);
  });

  it("counts hits for rarity", () => {
    const map = new FeatureMap();
    map.addAndCountNew("state", [1, 1, 2]);
    map.addAndCountNew("state", [1]);
    expect([map.hits("state", 1), map.hits("state", 2), map.hits("state", 3)]).toEqual([3, 1, 0]);
  });

  it("rates feature sets by rarity, over the selected kinds only", () => {
    const map = new FeatureMap();
    for (let i = 0; i < 9; i++) map.addAndCountNew("code", [1]);
    map.addAndCountNew("state", [7]);
    const set = { code: [1], state: [7] };
    expect(map.rarity(set, { code: true, state: true })).toBeCloseTo(1 / 9 + 1);
    expect(map.rarity(set, { code: true, state: false })).toBeCloseTo(1 / 9);
    expect(map.rarity({ code: [], state: [42] }, { code: true, state: true })).toBe(1);
  });
});
