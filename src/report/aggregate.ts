/**
 * Aggregation of a results.json: per cell (suite, workload, variant) and metric the summary and
 * a bootstrap 95% CI of the median; per workload and metric every variant against the suite's
 * baseline (Mann-Whitney U, Vargha-Delaney A12, the verdict); with a baseline run, each cell
 * against the same cell of the earlier run. A pure function of the file, so a re-rendered report
 * shows the same numbers.
 */
import { bootstrapCI } from "../stats/bootstrap.js";
import { median, type Summary, summarize } from "../stats/summary.js";
import { type Comparison, compare } from "../stats/verdict.js";
import { type SeriesCell, seriesCells } from "./distributions.js";
import {
  type BenchResults,
  type JobRecord,
  type MetricInfo,
  type SuiteInfo,
  reportedWorkloads,
} from "./results.js";
import { type Constancy, constancy } from "./constancy.js";
import { type Crossover, crossovers, type SweepCurve, sweepCurves } from "./sweeps.js";

/** One metric in one cell. */
export interface CellStats {
  suite: string;
  workload: string;
  variant: string;
  metric: MetricInfo;
  values: number[];
  summary: Summary;
  /** Bootstrap 95% CI of the median. */
  ci: [number, number];
}

/** A variant against a reference on one metric of one workload. */
export interface ComparisonRow {
  suite: string;
  workload: string;
  metric: MetricInfo;
  comparison: Comparison;
}

/** Everything the renderers show. */
export interface Aggregate {
  cells: CellStats[];
  /** Every non-baseline variant against the suite's baseline variant. */
  comparisons: ComparisonRow[];
  /** Each cell of this run against the same cell of the baseline run (empty without one). */
  regressions: ComparisonRow[];
  /** The per-trial series pooled per cell (empty when no suite declares series). */
  series: SeriesCell[];
  /** Every sweep's curves (./sweeps.ts; empty without sweep jobs). */
  sweeps: SweepCurve[];
  /** Where the sweeps' rate curves leave 0 or 100%. */
  crossovers: Crossover[];
  /** Per suite, the (cell, metric) pairs constant across trials. */
  constancy: Constancy[];
}

/** The values of one metric in one cell, in job order (a sweep's jobs are not a cell's). */
export function cellValues(
  jobs: readonly JobRecord[],
  suite: string,
  workload: string,
  variant: string,
  metric: string,
): number[] {
  const values: number[] = [];
  for (const job of jobs) {
    if (job.suite !== suite || job.workload !== workload || job.variant !== variant) continue;
    if (job.sweep !== undefined) continue;
    // A failed job fails its cell (a user's policy was at fault): no statistics for it.
    if (job.failed !== undefined) return [];
    const value = job.metrics[metric];
    if (value !== undefined) values.push(value);
  }
  return values;
}

/** Aggregates a results file. */
export function aggregate(results: BenchResults): Aggregate {
  const out: Aggregate = {
    cells: [],
    comparisons: [],
    regressions: [],
    series: [],
    sweeps: [],
    crossovers: [],
    constancy: constancy(results),
  };
  for (const suite of results.suites) {
    for (const { name: workload } of reportedWorkloads(suite)) {
      for (const metric of suite.metrics) aggregateMetric(results, suite, workload, metric, out);
    }
  }
  out.series = seriesCells(results);
  out.sweeps = sweepCurves(results);
  out.crossovers = crossovers(out.sweeps);
  return out;
}

function aggregateMetric(
  results: BenchResults,
  suite: SuiteInfo,
  workload: string,
  metric: MetricInfo,
  out: Aggregate,
): void {
  const values = (variant: string, jobs = results.jobs) =>
    cellValues(jobs, suite.name, workload, variant, metric.key);
  const base = values(suite.baseline);
  for (const variant of suite.variants) {
    const sample = values(variant);
    if (sample.length === 0) continue;
    const ci = bootstrapCI(sample, median);
    out.cells.push({
      suite: suite.name,
      workload,
      variant,
      metric,
      values: sample,
      summary: summarize(sample),
      ci,
    });
    const row = (comparison: Comparison) => ({ suite: suite.name, workload, metric, comparison });
    if (variant !== suite.baseline && base.length > 0) {
      out.comparisons.push(row(compare(metric.label, variant, sample, suite.baseline, base)));
    }
    const earlier = results.baseline ? values(variant, results.baseline.jobs) : [];
    if (earlier.length > 0) {
      const now = `${variant} in this run`;
      const before = `${variant} in the baseline run`;
      out.regressions.push(row(compare(metric.label, now, sample, before, earlier)));
    }
  }
}
