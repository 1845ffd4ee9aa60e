/**
 * Exact `a * b / c` on safe integers. Jiffies and nanosecond conversions multiply a time that may
 * be near 2^53 by a rate, so the product can leave the exact range of a double; these helpers
 * split the product so that the result is exact whenever it is itself a safe integer.
 */
import { requireInt } from "./require-int.js";

/** floor(a * b / c) for safe integers a, b >= 0 and c >= 1; RangeError if the result is not safe. */
export function mulDivFloor(a: number, b: number, c: number): number {
  return mulDiv(a, b, c, false);
}

/** ceil(a * b / c) for safe integers a, b >= 0 and c >= 1; RangeError if the result is not safe. */
export function mulDivCeil(a: number, b: number, c: number): number {
  return mulDiv(a, b, c, true);
}

function mulDiv(a: number, b: number, c: number, roundUp: boolean): number {
  requireInt("a", a);
  requireInt("b", b);
  requireInt("c", c, 1);
  // a = q*c + r, so a*b/c = q*b + r*b/c. `%` on doubles is exact, and so is (a - r) / c.
  const r = a % c;
  const q = (a - r) / c;
  const p = r * b;
  let low: number;
  let rem: number;
  if (p <= Number.MAX_SAFE_INTEGER) {
    rem = p % c;
    low = (p - rem) / c;
  } else {
    // r*b overflowed the exact range (only when b*c is near 2^53 or more): fall back to BigInt.
    const bigP = BigInt(r) * BigInt(b);
    const bigC = BigInt(c);
    low = Number(bigP / bigC);
    rem = Number(bigP % bigC);
  }
  // If the true sum exceeds MAX_SAFE_INTEGER, the rounded double is >= 2^53 and the check fires.
  const result = q * b + low + (roundUp && rem !== 0 ? 1 : 0);
  if (result > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`${a} * ${b} / ${c} is not a safe integer`);
  }
  return result;
}
