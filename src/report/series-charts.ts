/**
 * Charts of the per-trial series: per `samples` series a CDF (pooled over trials, one line per
 * variant, one panel per workload) and per `time` series the trials' lines over time (colour by
 * variant). Vega-Lite specs; charts.ts renders them to SVG.
 */
import type { TopLevelSpec } from "vega-lite";
import type { SeriesCell } from "./distributions.js";
import type { SeriesInfo, SuiteInfo } from "./results.js";
import { ecdfPoints } from "./series.js";

/** The CDF of one samples series, per workload and variant. */
export function cdfSpec(suite: SuiteInfo, series: SeriesInfo, cells: readonly SeriesCell[]) {
  const values = cells.flatMap((c) =>
    ecdfPoints(c.pooled).map((p) => ({ workload: c.workload, variant: c.variant, ...p })),
  );
  const positive = values.map((v) => v.value).filter((v) => v > 0);
  // Latencies spread over orders of magnitude (a hang is 120 s, a fast path microseconds).
  const spread = positive.length > 0 ? Math.max(...positive) / Math.min(...positive) : 1;
  const spec: TopLevelSpec = {
    data: { values },
    facet: { column: { field: "workload", type: "nominal", title: null, sort: order(suite) } },
    spec: {
      width: 220,
      height: 180,
      mark: { type: "line", interpolate: "step-after", point: { size: 10 } },
      encoding: {
        x: {
          field: "value",
          type: "quantitative",
          title: `${series.label} (${series.unit})`,
          scale: spread > 100 ? { type: "symlog" } : { zero: false },
        },
        y: {
          field: "fraction",
          type: "quantitative",
          title: "fraction of samples ≤ x",
          scale: { domain: [0, 1] },
          axis: { format: ".0%" },
        },
        color: colour(suite),
        // Variants with the same distribution draw the same line: dashes keep both visible.
        strokeDash: { ...colour(suite), legend: null },
      },
    },
    resolve: { scale: { x: "independent" } },
    config: { font: "sans-serif", legend: { orient: "bottom" } },
  };
  return spec;
}

/** Every trial's line of one time series, per workload, coloured by variant. */
export function timeSpec(suite: SuiteInfo, series: SeriesInfo, cells: readonly SeriesCell[]) {
  const values = cells.flatMap((c) =>
    c.traces.flatMap((trace) =>
      trace.points.map(([t, value]) => ({
        workload: c.workload,
        variant: c.variant,
        trial: `${c.variant} ${trace.seed}`,
        t,
        value,
      })),
    ),
  );
  const spec: TopLevelSpec = {
    data: { values },
    facet: { column: { field: "workload", type: "nominal", title: null, sort: order(suite) } },
    spec: {
      width: 220,
      height: 180,
      mark: { type: "line", interpolate: "step-after", opacity: 0.6, strokeWidth: 1.2 },
      encoding: {
        x: { field: "t", type: "quantitative", title: `time (${series.timeUnit ?? "s"})` },
        y: { field: "value", type: "quantitative", title: `${series.label} (${series.unit})` },
        color: colour(suite),
        detail: { field: "trial", type: "nominal" },
      },
    },
    resolve: { scale: { x: "independent", y: "independent" } },
    config: { font: "sans-serif", legend: { orient: "bottom" } },
  };
  return spec;
}

function colour(suite: SuiteInfo) {
  return { field: "variant", type: "nominal", sort: [...suite.variants], title: null } as const;
}

function order(suite: SuiteInfo): string[] {
  return suite.workloads.map((w) => w.name);
}
