/** Location and spread of a sample: quantiles (R's default, type 7), median and IQR. */

/** The sorted copy of a sample; throws on an empty sample or a NaN (a programmer error). */
export function sorted(sample: readonly number[]): number[] {
  if (sample.length === 0) throw new RangeError("empty sample");
  if (sample.some(Number.isNaN)) throw new RangeError("sample contains NaN");
  return [...sample].sort((a, b) => a - b);
}

/** Quantile q in [0, 1] of an ascending sample, by linear interpolation (type 7). */
export function quantileSorted(ascending: readonly number[], q: number): number {
  const h = (ascending.length - 1) * q;
  const lo = Math.floor(h);
  const a = ascending[lo] as number;
  const b = ascending[Math.min(lo + 1, ascending.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** Quantile q of a sample. */
export function quantile(sample: readonly number[], q: number): number {
  return quantileSorted(sorted(sample), q);
}

export function median(sample: readonly number[]): number {
  return quantile(sample, 0.5);
}

/** Summary of one metric in one cell. */
export interface Summary {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
  /** q3 - q1 */
  iqr: number;
}

export function summarize(sample: readonly number[]): Summary {
  const s = sorted(sample);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  return {
    n: s.length,
    min: s[0] as number,
    q1,
    median: quantileSorted(s, 0.5),
    q3,
    max: s[s.length - 1] as number,
    mean: s.reduce((t, x) => t + x, 0) / s.length,
    iqr: q3 - q1,
  };
}
