import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  alignDown,
  alignDownTo,
  fls,
  orderBase2,
  roundupPowOfTwo,
  U64_MAX,
  u64Inc,
  u64Sub,
} from "./u64.js";

const MASK64 = (1n << 64n) - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const safeInt = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const seeded = { seed: 0x5eed, numRuns: 500 };

/** What a wrapped u64 result must look like as a number: exact if safe, else >= 2^53. */
function agrees(actual: number, exact: bigint): boolean {
  return exact <= SAFE ? actual === Number(exact) : actual >= 2 ** 53;
}

describe("u64 helpers against BigInt", () => {
  it("u64Sub is exact without wrap and orders above every safe integer with wrap", () => {
    fc.assert(
      fc.property(safeInt, safeInt, (a, b) =>
        agrees(u64Sub(a, b), (BigInt(a) - BigInt(b)) & MASK64),
      ),
      seeded,
    );
  });

  it("u64Inc wraps ULONG_MAX to 0 and is +1 elsewhere", () => {
    expect(u64Inc(U64_MAX)).toBe(0);
    fc.assert(
      fc.property(safeInt, (a) => agrees(u64Inc(a), (BigInt(a) + 1n) & MASK64)),
      seeded,
    );
  });

  it("fls matches the bit length", () => {
    expect(fls(0)).toBe(0);
    expect(fls(1)).toBe(1);
    expect(fls(0x731e)).toBe(15);
    expect(fls(2 ** 32)).toBe(33);
    expect(fls(U64_MAX)).toBe(64);
    fc.assert(
      fc.property(safeInt, (a) => fls(a) === BigInt(a).toString(2).replace(/^0$/, "").length),
      seeded,
    );
  });

  it("alignDown equals x & (~0 << shift) for safe integers", () => {
    fc.assert(
      fc.property(safeInt, fc.integer({ min: 0, max: 53 }), (x, shift) => {
        const exact = BigInt(x) & ((MASK64 << BigInt(shift)) & MASK64);
        return alignDown(x, shift) === Number(exact);
      }),
      seeded,
    );
  });

  it("alignDownTo agrees with alignDown for every power of two", () => {
    fc.assert(
      fc.property(
        safeInt,
        fc.integer({ min: 0, max: 53 }),
        (x, shift) => alignDownTo(x, 2 ** shift) === alignDown(x, shift),
      ),
      seeded,
    );
  });

  it("a wrapped difference stays wrapped after alignment", () => {
    fc.assert(
      fc.property(safeInt, safeInt, fc.integer({ min: 0, max: 53 }), (a, b, shift) => {
        fc.pre(a < b);
        return alignDown(u64Sub(a, b), shift) >= 2 ** 53;
      }),
      seeded,
    );
  });

  it("orderBase2 and roundupPowOfTwo follow the kernel macros", () => {
    expect([1, 2, 3, 4, 5, 31, 32, 33].map(orderBase2)).toEqual([0, 1, 2, 2, 3, 5, 5, 6]);
    expect([1, 2, 3, 5, 17, 31].map(roundupPowOfTwo)).toEqual([1, 2, 4, 8, 32, 32]);
    expect(2 ** orderBase2(0x731f)).toBe(0x8000);
  });
});
