/**
 * Per-trial series in results files: down-sampling to at most {@link MAX_SERIES_POINTS} points
 * (so results.json stays small however long a job runs), and their checks when read back.
 */
import type { JobSeries, SeriesInfo } from "./results.js";

/** Points kept per series and trial. */
export const MAX_SERIES_POINTS = 200;

/** Six significant digits: enough for a chart, and short in JSON. */
function compact(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(6));
}

/**
 * The sample sorted, thinned to `max` values at evenly spaced ranks (minimum and maximum kept):
 * each kept value stands for the same share of the sample, so its CDF keeps its shape.
 */
export function downsampleSamples(values: readonly number[], max = MAX_SERIES_POINTS): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= max) return sorted.map(compact);
  return Array.from({ length: max }, (_, i) =>
    compact(sorted[Math.round((i * (sorted.length - 1)) / (max - 1))] as number),
  );
}

/** The points in time order, thinned to `max` at evenly spaced indices (first and last kept). */
export function downsamplePoints(
  points: readonly (readonly [number, number])[],
  max = MAX_SERIES_POINTS,
): [number, number][] {
  const keep =
    points.length <= max
      ? points
      : Array.from(
          { length: max },
          (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))] as [number, number],
        );
  return keep.map(([t, v]) => [compact(t), compact(v)]);
}

/** A job's raw series, each down-sampled according to its kind; series not declared are dropped. */
export function downsampleSeries(
  raw: Readonly<Record<string, readonly number[] | readonly (readonly [number, number])[]>>,
  infos: readonly SeriesInfo[],
): JobSeries {
  const out: JobSeries = {};
  for (const info of infos) {
    const values = raw[info.key];
    if (values === undefined) continue;
    out[info.key] =
      info.kind === "samples"
        ? downsampleSamples(values as readonly number[])
        : downsamplePoints(values as readonly (readonly [number, number])[]);
  }
  return out;
}

/** Why `value` is not a stored series (null when it is one). */
export function seriesProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "expected an object of series";
  }
  for (const [key, series] of Object.entries(value)) {
    if (!Array.isArray(series)) return `series "${key}": expected an array`;
    if (series.length > MAX_SERIES_POINTS)
      return `series "${key}": more than ${MAX_SERIES_POINTS} points`;
    const finite = (x: unknown) => typeof x === "number" && Number.isFinite(x);
    const ok = series.every(
      (p: unknown) => finite(p) || (Array.isArray(p) && p.length === 2 && p.every(finite)),
    );
    if (!ok) return `series "${key}": expected finite numbers or [t, value] pairs`;
  }
  return null;
}

/** The empirical CDF of a pooled sample as at most `max` (value, fraction <= value) points. */
export function ecdfPoints(
  pooled: readonly number[],
  max = MAX_SERIES_POINTS,
): { value: number; fraction: number }[] {
  const sorted = [...pooled].sort((a, b) => a - b);
  const n = sorted.length;
  const step = Math.max(1, Math.ceil(n / max));
  const points: { value: number; fraction: number }[] = [];
  for (let i = step - 1; i < n + step - 1; i += step) {
    const k = Math.min(i, n - 1);
    points.push({ value: sorted[k] as number, fraction: (k + 1) / n });
  }
  return points;
}
