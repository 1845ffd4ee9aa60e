/**
 * The benchmark result files: results.jsonl (one job record per line, appended as jobs finish)
 * and results.json (the run: environment, suites, every job). Reports are rendered from these
 * alone, never from the engines that produced them.
 */

/** One metric of a suite. */
export interface MetricInfo {
  /** Field name in a job's metrics record, e.g. `failureRate`. */
  key: string;
  /** Words for tables and verdicts, e.g. `failure rate`. */
  label: string;
  /** What is counted, for the report's glossary. */
  description: string;
  /** `rate` values are fractions in [0, 1], shown as percentages. */
  unit: "rate" | "count";
}

/** What a report needs to know about a suite (everything but how to run its jobs). */
export interface SuiteInfo {
  name: string;
  description: string;
  /** The model family the suite runs, e.g. `iova`. */
  model: string;
  variants: readonly string[];
  /** The variant every other one is compared with. */
  baseline: string;
  /** Why that baseline. */
  baselineReason: string;
  workloads: readonly { name: string; description: string }[];
  metrics: readonly MetricInfo[];
  /** Metric keys (rates) drawn together as a bar chart of medians per variant. */
  rateChart: readonly string[];
  /** Ops per job in a full and a --quick run. */
  opsPerJob: { full: number; quick: number };
  /** Per-trial series the jobs return besides their metrics (absent: none). */
  series?: readonly SeriesInfo[];
}

/**
 * A per-trial series: `samples` are values (latencies, say) drawn as a CDF per cell; `time` are
 * (t, value) points drawn as a line over time per trial.
 */
export interface SeriesInfo {
  /** Field name in a job's `series`, e.g. `latencyMs`. */
  key: string;
  label: string;
  description: string;
  kind: "samples" | "time";
  /** Unit of the values, for axis titles, e.g. `ms`. */
  unit: string;
  /** Unit of t (time series only), e.g. `s`. */
  timeUnit?: string;
}

/** A job's series as results.jsonl stores them: samples, or [t, value] points, ≤ 200 each. */
export type JobSeries = Record<string, number[] | [number, number][]>;

/** One job: a (suite, variant, workload, seed) cell trial of `ops` ops. */
export interface JobSpec {
  suite: string;
  variant: string;
  workload: string;
  seed: number;
  ops: number;
}

/** A finished job as results.jsonl stores it. */
export interface JobRecord extends JobSpec {
  /** The suite's metrics: deterministic in the spec. */
  metrics: Record<string, number>;
  /** Wall time of the job in its worker, in milliseconds (measured, so not deterministic). */
  wallMs: number;
  /** The suite's series, down-sampled (absent when the suite declares none). */
  series?: JobSeries;
}

/** Where and on what a run happened. */
export interface Environment {
  node: string;
  v8: string;
  platform: string;
  arch: string;
  cpu: string;
  cores: number;
  /** `git rev-parse HEAD` of the checkout, or null when unavailable. */
  gitSha: string | null;
  dmafuzzVersion: string;
}

/** How the run was made. */
export interface RunInfo {
  startedAt: string;
  /** Wall time of this invocation, in milliseconds (resumed jobs ran earlier). */
  wallTimeMs: number;
  workers: number;
  trials: number;
  quick: boolean;
  seeds: readonly number[];
  /** Jobs taken from an earlier, interrupted run's results.jsonl. */
  resumedJobs: number;
}

/** An earlier run's jobs, for the regression section. */
export interface BaselineRun {
  /** The results.json it was read from. */
  source: string;
  environment: Environment;
  jobs: readonly JobRecord[];
}

/** results.json. */
export interface BenchResults {
  format: typeof RESULTS_FORMAT;
  environment: Environment;
  run: RunInfo;
  suites: readonly SuiteInfo[];
  jobs: readonly JobRecord[];
  baseline?: BaselineRun;
}

/** The format tag of results.json, checked when it is read. */
export const RESULTS_FORMAT = "dmafuzz-bench-results/1";

/** The identity of a job: records with the same key are the same job. */
export function jobKey(job: JobSpec): string {
  return `${job.suite}|${job.variant}|${job.workload}|${job.seed}|${job.ops}`;
}
