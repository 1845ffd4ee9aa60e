/**
 * Unsigned 64-bit pfn arithmetic on JS numbers, for the places where the kernel relies on
 * wraparound (`unsigned long` in drivers/iommu/iova.c and friends).
 *
 * Models keep pfns as plain numbers for speed: every pfn a model stores or returns is a safe
 * integer (< 2^53), except the all-ones value `U64_MAX` (the IOVA anchor node). A wrapped
 * intermediate, such as `high - size` when `high < size`, is not exactly representable; these
 * helpers return a value >= 2^53 for it, which orders correctly against every safe integer. That
 * is all the kernel code does with such values (compare them, then reject them), and the tests
 * check these helpers against BigInt arithmetic.
 */

/** Stands for 2^64 - 1 (ULONG_MAX). As a double it reads 2^64; only compare it or pass it to u64Inc. */
export const U64_MAX = 2 ** 64;

const TWO_POW_32 = 2 ** 32;

/** 2^0 .. 2^64, exact as doubles: a table lookup, because `2 ** k` goes through a generic pow. */
const POWERS_OF_TWO = Float64Array.from({ length: 65 }, (_, k) => 2 ** k);

/** 2^k for an integer 0 <= k <= 64. */
export function pow2(k: number): number {
  return POWERS_OF_TWO[k] as number;
}

/** `a + 1` with 64-bit wraparound: `U64_MAX + 1` is 0. */
export function u64Inc(a: number): number {
  return a >= U64_MAX ? 0 : a + 1;
}

/** `a - b` with 64-bit wraparound; exact when a >= b, otherwise a value >= 2^53 (see module doc). */
export function u64Sub(a: number, b: number): number {
  return a >= b ? a - b : a - b + U64_MAX;
}

/**
 * fls_long(x): the 1-based index of the most significant set bit, 0 for x = 0.
 * Defined for safe integers (and for values >= 2^53, where it is computed from the double).
 */
export function fls(x: number): number {
  if (x < TWO_POW_32) return 32 - Math.clz32(x);
  if (x >= U64_MAX) return 64;
  return 32 + (32 - Math.clz32(Math.floor(x / TWO_POW_32)));
}

/** order_base_2(n): ceil(log2(n)) for n >= 1; 0 for n = 0 and 1 (as the kernel macro). */
export function orderBase2(n: number): number {
  return n <= 1 ? 0 : fls(n - 1);
}

/** roundup_pow_of_two(n) for 1 <= n <= 2^52. */
export function roundupPowOfTwo(n: number): number {
  return pow2(orderBase2(n));
}

/**
 * `x & (~0UL << shift)`: clears the low `shift` bits. Exact for safe integers; a wrapped value
 * (>= 2^53) stays >= 2^53.
 */
export function alignDown(x: number, shift: number): number {
  return shift === 0 ? x : alignDownTo(x, pow2(shift));
}

/**
 * `x & ~(align - 1)` for a power-of-two `align` (hot paths precompute it). Dividing by a power of
 * two is exact in binary floating point, so floor-then-multiply is exact too, and much cheaper
 * than `%` (an fmod).
 */
export function alignDownTo(x: number, align: number): number {
  return Math.floor(x / align) * align;
}

/**
 * alignDownTo with `inverse = 1 / align` precomputed by the caller: the reciprocal of a power of
 * two is exact, so `x * inverse` equals `x / align` bit for bit, and a walk loop multiplies
 * instead of dividing at every step.
 */
export function alignDownBy(x: number, align: number, inverse: number): number {
  return Math.floor(x * inverse) * align;
}

/** True when x is an integer in [0, 2^53). */
export function isPfn(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0;
}
