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
  /** The headline comparison's workloads: sampled machines and histories where the suite has them. */
  workloads: readonly { name: string; description: string }[];
  /**
   * Scripted scenarios (one fixed machine and story each) kept for reproduction and tests: the
   * job accepts them as workloads, and `bench --scenarios` adds them to the matrix.
   */
  scenarios?: readonly { name: string; description: string }[];
  metrics: readonly MetricInfo[];
  /** Metric keys (rates) drawn together as a bar chart of medians per variant. */
  rateChart: readonly string[];
  /** Ops per job in a full and a --quick run. */
  opsPerJob: { full: number; quick: number };
  /** Per-trial series the jobs return besides their metrics (absent: none). */
  series?: readonly SeriesInfo[];
  /** The debate's trade-off in a sentence or two: what each side gains and what it costs. */
  tradeoff?: string;
  /** The axes the suite can be swept along (absent: none); see ./sweeps.ts for the report side. */
  sweeps?: readonly SweepAxis[];
  /** Metrics whose value cannot vary between trials in some cells, and why (see ./constancy.ts). */
  constantByConstruction?: readonly ConstantMetric[];
}

/** A metric that is constant by construction for some variants (all when `variants` is absent). */
export interface ConstantMetric {
  metric: string;
  variants?: readonly string[];
  /** Restricts the claim to these workloads (all when absent). */
  workloads?: readonly string[];
  /** Restricts the claim to the points of this sweep axis (headline cells and every axis when absent). */
  axis?: string;
  reason: string;
}

/** Points along a sweep axis: `steps` values evenly spaced from `from` to `to`, both included. */
export interface SweepRange {
  from: number;
  to: number;
  steps: number;
}

/**
 * A sweep axis: a parameter of a suite's sampled workloads that a sweep pins to each of its
 * points in turn (every other parameter is still drawn from its distribution per trial).
 */
export interface SweepAxis {
  /** The name `--sweep NAME=FROM..TO:STEPS` uses, e.g. `pressure`. */
  name: string;
  /** Words for axis titles and crossovers, e.g. `memory pressure`. */
  label: string;
  /** What the value sets in the workload, for the report. */
  description: string;
  /** Unit of the value for axis titles, or "" for a plain number. */
  unit: string;
  /** The values a range may take, inclusive. */
  min: number;
  max: number;
  /** Round the points to integers. */
  integer: boolean;
  /** The sampled workloads run at each point (names from `workloads`). */
  workloads: readonly string[];
  /** The points of a full and of a --quick run. */
  full: SweepRange;
  quick: SweepRange;
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
  /** A sweep job: the axis the workload pins and its value (absent: a headline cell's job). */
  sweep?: { axis: string; value: number };
}

/** A finished job as results.jsonl stores it. */
export interface JobRecord extends JobSpec {
  /** The suite's metrics: deterministic in the spec. */
  metrics: Record<string, number>;
  /** Wall time of the job in its worker, in milliseconds (measured, so not deterministic). */
  wallMs: number;
  /** The suite's series, down-sampled (absent when the suite declares none). */
  series?: JobSeries;
  /**
   * Why the job failed (a user's policy hook threw, returned garbage or never returned); its
   * metrics are empty and its whole cell is left out of the statistics.
   */
  failed?: string;
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
  /** Ops per job when the run overrode the suites' own job sizes. */
  opsPerJob?: number;
  /** This file holds only the index-th (1-based) of `count` slices of the job matrix. */
  shard?: { index: number; count: number };
  /** A shard's sweeps (bench/runner/matrix.ts SweepPlan), so a merge rebuilds the same matrix. */
  sweepPlan?: { none?: boolean; request?: SweepRange & { axis: string }; scenarios?: boolean };
  /** This file was merged from that many shards. */
  shards?: number;
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

/** The workloads a report shows for a suite: the headline ones, then any scripted scenarios. */
export function reportedWorkloads(suite: SuiteInfo): { name: string; description: string }[] {
  return [...suite.workloads, ...(suite.scenarios ?? [])];
}

/** The identity of a job: records with the same key are the same job. */
export function jobKey(job: JobSpec): string {
  const key = `${job.suite}|${job.variant}|${job.workload}|${job.seed}|${job.ops}`;
  return job.sweep === undefined ? key : `${key}|${job.sweep.axis}=${job.sweep.value}`;
}
