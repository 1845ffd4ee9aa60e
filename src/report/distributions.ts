/**
 * The per-trial series of a results file, pooled per cell: for a `samples` series (latencies)
 * its quantiles over every trial's samples, for a `time` series the trials' point lists. A pure
 * function of the file, like the metric aggregation.
 */
import { quantileSorted } from "../stats/summary.js";
import { type BenchResults, type SeriesInfo, reportedWorkloads } from "./results.js";

/** The quantiles reported for a pooled sample. */
export interface PooledQuantiles {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** One series in one cell (suite, workload, variant). */
export interface SeriesCell {
  suite: string;
  workload: string;
  variant: string;
  series: SeriesInfo;
  /** Trials that returned the series. */
  trials: number;
  /** samples: every trial's samples, ascending; time: empty. */
  pooled: number[];
  /** samples: quantiles of `pooled` (null when empty); time: null. */
  quantiles: PooledQuantiles | null;
  /** time: each trial's points with its seed; samples: empty. */
  traces: { seed: number; points: [number, number][] }[];
}

/** Every series cell of the results, in suite, workload, series, variant order. */
export function seriesCells(results: BenchResults): SeriesCell[] {
  const cells: SeriesCell[] = [];
  for (const suite of results.suites) {
    for (const series of suite.series ?? []) {
      for (const { name: workload } of reportedWorkloads(suite)) {
        for (const variant of suite.variants) {
          const jobs = results.jobs.filter(
            (j) =>
              j.suite === suite.name &&
              j.workload === workload &&
              j.sweep === undefined &&
              j.variant === variant &&
              j.series?.[series.key] !== undefined,
          );
          if (jobs.length === 0) continue;
          const cell: SeriesCell = {
            suite: suite.name,
            workload,
            variant,
            series,
            trials: jobs.length,
            pooled: [],
            quantiles: null,
            traces: [],
          };
          for (const job of jobs) {
            const data = job.series?.[series.key] ?? [];
            if (series.kind === "samples") cell.pooled.push(...(data as number[]));
            else cell.traces.push({ seed: job.seed, points: data as [number, number][] });
          }
          if (series.kind === "samples" && cell.pooled.length > 0) {
            cell.pooled.sort((a, b) => a - b);
            cell.quantiles = pooledQuantiles(cell.pooled);
          }
          cells.push(cell);
        }
      }
    }
  }
  return cells;
}

function pooledQuantiles(ascending: readonly number[]): PooledQuantiles {
  return {
    n: ascending.length,
    p50: quantileSorted(ascending, 0.5),
    p90: quantileSorted(ascending, 0.9),
    p99: quantileSorted(ascending, 0.99),
    max: ascending[ascending.length - 1] as number,
  };
}
