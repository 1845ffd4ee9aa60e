/** Latency metrics shared by suites that time one call per round: p50, p99 and max in ms. */
import type { MetricInfo } from "../../src/report/results.js";
import { quantileSorted } from "../../src/stats/summary.js";

/** The three metrics' descriptions; `call` names what is timed, e.g. `cma_alloc`. */
export function latencyMetricInfos(label: string, call: string): MetricInfo[] {
  return [
    {
      key: "latencyP50Ms",
      label: `${label} p50 (ms)`,
      description: `median virtual latency of ${call} over the trial's calls, in ms (a hang counts as the 120 s bound)`,
      unit: "count",
    },
    {
      key: "latencyP99Ms",
      label: `${label} p99 (ms)`,
      description: "99th percentile of the same latencies, in ms",
      unit: "count",
    },
    {
      key: "latencyMaxMs",
      label: `${label} max (ms)`,
      description: "the longest of the same latencies, in ms",
      unit: "count",
    },
  ];
}

/** The metrics of a trial's latencies (not empty), given in ms in ascending order. */
export function latencyMetrics(ascendingMs: readonly number[]): Record<string, number> {
  return {
    latencyP50Ms: quantileSorted(ascendingMs, 0.5),
    latencyP99Ms: quantileSorted(ascendingMs, 0.99),
    latencyMaxMs: ascendingMs[ascendingMs.length - 1] as number,
  };
}
