/**
 * A benchmark suite: variants x workloads x metrics, and how to run one job. Adding a suite is
 * one file here exporting `suite`, and one line in ./registry.ts.
 */
import type { JobSpec, SuiteInfo } from "../../src/report/results.js";

/** Raw per-trial series: latency samples, or [t, value] points; the runner down-samples them. */
export type RawSeries = Record<string, readonly number[] | readonly (readonly [number, number])[]>;

/** A job's metrics with the series the suite declares in `series`. */
export interface SuiteJobResult {
  metrics: Record<string, number>;
  series: RawSeries;
}

/**
 * A suite: its description for reports, and its job. `Result` is a plain metrics record, or
 * {@link SuiteJobResult} for a suite that declares `series`.
 */
export interface Suite<
  Result extends Record<string, number> | SuiteJobResult = Record<string, number>,
> extends SuiteInfo {
  /**
   * Runs one job and returns its metrics record (every key of `metrics`), or the metrics with
   * series (every key of `series`). Deterministic in the spec: same spec, same record. Runs in a
   * worker thread, so it must not share state.
   */
  runJob(job: JobSpec): Result;
}

/** A suite of either kind, as the registry holds them. */
export type AnySuite = Suite | Suite<SuiteJobResult>;

/** The metrics and series of whatever a suite's runJob returned (series empty for a plain record). */
export function jobResult(out: Record<string, number> | SuiteJobResult): SuiteJobResult {
  const metrics = (out as { metrics?: unknown }).metrics;
  if (typeof metrics === "object" && metrics !== null) return out as SuiteJobResult;
  return { metrics: out as Record<string, number>, series: {} };
}

/** `n / d` as a per-event metric: 0 when there were no events (`d` is 0). */
export function per(n: number, d: number): number {
  return d === 0 ? 0 : n / d;
}
