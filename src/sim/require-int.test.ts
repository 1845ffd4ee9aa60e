import { describe, expect, it } from "vitest";
import { requireInt } from "./require-int.js";

describe("requireInt", () => {
  it("returns in-range safe integers unchanged", () => {
    expect(requireInt("n", 0)).toBe(0);
    expect(requireInt("n", Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    expect(requireInt("n", -5, -5, 5)).toBe(-5);
  });

  it("rejects non-integers, unsafe integers and out-of-range values with a RangeError", () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -1]) {
      expect(() => requireInt("n", bad)).toThrow(RangeError);
    }
    expect(() => requireInt("size", 6, 1, 5)).toThrow("size must be an integer in [1, 5], got 6");
  });
});
