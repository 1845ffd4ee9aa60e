import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mulDivCeil, mulDivFloor } from "./muldiv.js";

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const safeNat = fc.oneof(
  fc.integer({ min: 0, max: 2000 }),
  fc.maxSafeNat(),
  fc.integer({ min: 0, max: 52 }).map((k) => 2 ** k),
);

function reference(a: number, b: number, c: number, up: boolean): bigint {
  const p = BigInt(a) * BigInt(b);
  const bc = BigInt(c);
  return p / bc + (up && p % bc !== 0n ? 1n : 0n);
}

describe("mulDivFloor / mulDivCeil", () => {
  it("match BigInt arithmetic, or throw RangeError exactly when the result is not safe", () => {
    fc.assert(
      fc.property(safeNat, safeNat, safeNat, fc.boolean(), (a, b, c0, up) => {
        const c = Math.max(1, c0);
        const expected = reference(a, b, c, up);
        const f = up ? mulDivCeil : mulDivFloor;
        if (expected > MAX) {
          expect(() => f(a, b, c)).toThrow(RangeError);
        } else {
          expect(f(a, b, c)).toBe(Number(expected));
        }
      }),
      { seed: 42, numRuns: 1000 },
    );
  });

  it("is exact where naive double arithmetic is not", () => {
    const a = Number.MAX_SAFE_INTEGER;
    // (2^53 - 1) * 250 / 1e9: the naive product rounds.
    expect(mulDivFloor(a, 250, 1e9)).toBe(Number((BigInt(a) * 250n) / 1_000_000_000n));
    expect(mulDivCeil(7, 1, 2)).toBe(4);
    expect(mulDivFloor(7, 1, 2)).toBe(3);
    expect(mulDivCeil(0, 5, 3)).toBe(0);
  });

  it("rejects bad arguments with RangeError", () => {
    expect(() => mulDivFloor(1, 1, 0)).toThrow(RangeError);
    expect(() => mulDivFloor(-1, 1, 1)).toThrow(RangeError);
    expect(() => mulDivCeil(1.5, 1, 1)).toThrow(RangeError);
  });
});
