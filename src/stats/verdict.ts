/** One line, in plain words, comparing a variant's metric with the baseline's. */
import { a12Magnitude, mannWhitneyU, varghaDelaneyA12 } from "./compare.js";
import { median } from "./summary.js";

export interface Comparison {
  metric: string;
  variant: string;
  baseline: string;
  p: number;
  a12: number;
  magnitude: ReturnType<typeof a12Magnitude>;
  /** e.g. "v5.18 has lower failure rate than v5.17 (median 0 vs 0.12; p = 0.0003, A12 = 0.05, large)". */
  verdict: string;
}

/** Compares `sample` (of `variant`) with `base` (of `baseline`) on `metric`, at level alpha. */
export function compare(
  metric: string,
  variant: string,
  sample: readonly number[],
  baseline: string,
  base: readonly number[],
  alpha = 0.05,
): Comparison {
  const { p } = mannWhitneyU(sample, base);
  const a12 = varghaDelaneyA12(sample, base);
  const magnitude = a12Magnitude(a12);
  const medians = `median ${fmt(median(sample))} vs ${fmt(median(base))}`;
  const stats = `p ${fmtP(p)}, A12 = ${a12.toFixed(2)}, ${magnitude}`;
  const verdict =
    p < alpha && magnitude !== "negligible"
      ? `${variant} has ${a12 > 0.5 ? "higher" : "lower"} ${metric} than ${baseline} (${medians}; ${stats})`
      : `no clear difference in ${metric} between ${variant} and ${baseline} (${medians}; ${stats})`;
  return { metric, variant, baseline, p, a12, magnitude, verdict };
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(3);
}

/** "= 0.012" or "< 0.0001", to follow "p ". */
function fmtP(p: number): string {
  return p < 0.0001 ? "< 0.0001" : `= ${p.toPrecision(2)}`;
}
