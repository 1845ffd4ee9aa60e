/**
 * Comparing two samples: the Mann-Whitney U test (two-sided p-value by the normal approximation
 * with tie and continuity correction, as R's wilcox.test(exact = FALSE)) and the Vargha-Delaney
 * A12 effect size with its conventional magnitude labels.
 */
import { normalCdf } from "./normal.js";

export interface MannWhitney {
  /** U of the first sample: pairs (a, b) with a > b, ties counting one half. */
  u: number;
  /** Two-sided p-value; 1 when every value is tied. */
  p: number;
}

/** Mann-Whitney U test of a against b. */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("Mann-Whitney needs two non-empty samples");
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort(
    (x, y) => x.v - y.v,
  );
  // Midranks for ties, and the tie correction term sum(t^3 - t).
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v)
      j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if ((all[k] as { first: boolean }).first) rankSumA += rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1 };
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))) };
}

/** Vargha-Delaney A12: the probability that a value from a exceeds one from b (ties count half). */
export function varghaDelaneyA12(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) throw new RangeError("A12 needs two non-empty samples");
  let wins = 0;
  for (const x of a) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
  return wins / (a.length * b.length);
}

/** Vargha and Delaney's magnitude of an A12 value: thresholds 0.56, 0.64, 0.71 (and mirrored). */
export function a12Magnitude(a12: number): "negligible" | "small" | "medium" | "large" {
  const d = Math.abs(a12 - 0.5);
  if (d < 0.06) return "negligible";
  if (d < 0.14) return "small";
  if (d < 0.21) return "medium";
  return "large";
}
