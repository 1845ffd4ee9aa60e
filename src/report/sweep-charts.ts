/**
 * Sweep charts: one per suite, axis and metric, each variant's mean against the axis as a line
 * over its bootstrap 95% band, one panel per workload, so every side of a debate is on the same
 * axes.
 */
import type { TopLevelSpec } from "vega-lite";
import type { SuiteInfo, SweepAxis } from "./results.js";
import type { SweepCurve } from "./sweeps.js";

/** The Vega-Lite spec of one metric's curves along `axis`. */
export function sweepSpec(
  suite: SuiteInfo,
  axis: SweepAxis,
  curves: readonly SweepCurve[],
): TopLevelSpec {
  const metric = curves[0]?.metric;
  const values = curves.flatMap((c) =>
    c.points.map((p) => ({
      workload: c.workload,
      variant: c.variant,
      x: p.x,
      mean: p.mean,
      lo: p.ci[0],
      hi: p.ci[1],
    })),
  );
  const rate = metric?.unit === "rate";
  const axisTitle = axis.unit === "" ? axis.label : `${axis.label} (${axis.unit})`;
  const x = { field: "x", type: "quantitative", title: axisTitle } as const;
  const color = {
    field: "variant",
    type: "nominal",
    sort: [...suite.variants],
    title: null,
    scale: { scheme: "category20" },
  } as const;
  return {
    data: { values },
    facet: {
      column: { field: "workload", type: "nominal", title: null, sort: [...axis.workloads] },
    },
    spec: {
      width: 260,
      height: 180,
      layer: [
        {
          mark: { type: "errorband", opacity: 0.15 },
          encoding: {
            x,
            y: {
              field: "lo",
              type: "quantitative",
              title: `mean ${metric?.label ?? ""}`,
              axis: rate ? { format: ".0%" } : {},
            },
            y2: { field: "hi" },
            color,
          },
        },
        {
          mark: { type: "line", point: { size: 18 } },
          encoding: { x, y: { field: "mean", type: "quantitative" }, color },
        },
      ],
    },
    config: { font: "sans-serif", legend: { orient: "bottom", columns: 4 } },
  };
}
