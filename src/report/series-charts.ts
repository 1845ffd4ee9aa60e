/**
 * Charts of the per-trial series: per `samples` series a CDF (pooled over trials, one line per
 * variant, one panel per workload) and per `time` series the trials' lines over time (colour by
 * variant). Vega-Lite specs; charts.ts renders them to SVG.
 */
import type { TopLevelSpec } from "vega-lite";
import type { SeriesCell } from "./distributions.js";
import { type SeriesInfo, type SuiteInfo, reportedWorkloads } from "./results.js";
import { ecdfPoints } from "./series.js";

type Row = Record<string, string | number>;
type UnitSpec = { mark: unknown; encoding: Record<string, unknown> };

/** The CDF of one samples series, per workload and variant. */
export function cdfSpec(suite: SuiteInfo, series: SeriesInfo, cells: readonly SeriesCell[]) {
  const values = cells.flatMap((c) =>
    ecdfPoints(c.pooled).map((p) => ({ workload: c.workload, variant: c.variant, ...p })),
  );
  const positive = values.map((v) => v.value).filter((v) => v > 0);
  // Latencies spread over orders of magnitude (a hang is 120 s, a fast path microseconds).
  const spread = positive.length > 0 ? Math.max(...positive) / Math.min(...positive) : 1;
  return panels(suite, values, ["x"], {
    mark: { type: "line", interpolate: "step-after", point: { size: 10 } },
    encoding: {
      x: {
        field: "value",
        type: "quantitative",
        title: `${series.label} (${series.unit})`,
        // symlog is linear below `constant`: the smallest positive value keeps fast paths apart.
        scale: spread > 100 ? { type: "symlog", constant: Math.min(...positive) } : { zero: false },
      },
      y: {
        field: "fraction",
        type: "quantitative",
        title: "fraction of samples ≤ x",
        scale: { domain: [0, 1] },
        axis: { format: ".0%" },
      },
      ...colourAndDash(suite),
    },
  });
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
  return panels(suite, values, ["x", "y"], {
    mark: { type: "line", interpolate: "step-after", opacity: 0.6, strokeWidth: 1.2 },
    encoding: {
      x: { field: "t", type: "quantitative", title: `time (${series.timeUnit ?? "s"})` },
      y: { field: "value", type: "quantitative", title: `${series.label} (${series.unit})` },
      ...colourAndDash(suite),
      detail: { field: "trial", type: "nominal" },
    },
  });
}

/** One panel per workload (in suite order) of the unit chart, with independent scales. */
function panels(
  suite: SuiteInfo,
  values: Row[],
  independent: ("x" | "y")[],
  unit: UnitSpec,
): TopLevelSpec {
  const order = reportedWorkloads(suite).map((w) => w.name);
  return {
    data: { values },
    facet: { column: { field: "workload", type: "nominal", title: null, sort: order } },
    spec: { width: 220, height: 180, ...unit },
    resolve: { scale: Object.fromEntries(independent.map((axis) => [axis, "independent"])) },
    config: { font: "sans-serif", legend: { orient: "bottom", labelLimit: 320 } },
  } as TopLevelSpec;
}

/**
 * Colour by variant (20 colours when 10 would repeat), and dashes too: variants that behave the
 * same draw the same line, and the dashes keep both visible.
 */
function colourAndDash(suite: SuiteInfo) {
  const variant = { field: "variant", type: "nominal", sort: [...suite.variants], title: null };
  const scheme = suite.variants.length > 10 ? "tableau20" : "tableau10";
  return {
    color: { ...variant, scale: { scheme } },
    strokeDash: { ...variant, legend: null },
  };
}
