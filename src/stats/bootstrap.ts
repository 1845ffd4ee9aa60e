/** Percentile bootstrap confidence intervals, with the project's seeded RNG. */
import { Rng } from "../sim/rng.js";
import { median, quantileSorted } from "./summary.js";

export interface BootstrapOptions {
  /** Resamples drawn (default 2000). */
  resamples?: number;
  /** 1 - confidence level (default 0.05, a 95% interval). */
  alpha?: number;
  /** Seed of the resampling (default 1): the same data give the same interval. */
  seed?: number;
}

/** The percentile bootstrap interval [lo, hi] of `statistic` (default: the median). */
export function bootstrapCI(
  sample: readonly number[],
  statistic: (s: readonly number[]) => number = median,
  options: BootstrapOptions = {},
): [number, number] {
  if (sample.length === 0) throw new RangeError("empty sample");
  const { resamples = 2000, alpha = 0.05, seed = 1 } = options;
  const rng = Rng.seeded(seed);
  const n = sample.length;
  const values: number[] = [];
  const draw = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = sample[rng.int(0, n - 1)] as number;
    values.push(statistic(draw));
  }
  values.sort((a, b) => a - b);
  return [quantileSorted(values, alpha / 2), quantileSorted(values, 1 - alpha / 2)];
}
