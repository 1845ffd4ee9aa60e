/**
 * The report's charts: Vega-Lite specs compiled to Vega and rendered to SVG strings in Node at
 * generation time (no browser, no script in the page). Per suite: one distribution chart per
 * metric (box plot with every trial as a point, one panel per workload) and, where the suite
 * names rate metrics for it, a bar chart of their medians; per series it declares, a CDF
 * (samples) or lines over time (time series), from ./series-charts.ts.
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Aggregate } from "./aggregate.js";
import { CHART_CONFIG } from "./page.js";
import {
  type BenchResults,
  type MetricInfo,
  type SuiteInfo,
  reportedWorkloads,
} from "./results.js";
import { cdfSpec, timeSpec } from "./series-charts.js";
import { sweepSpec } from "./sweep-charts.js";
import { suiteAxes } from "./sweeps.js";

/** A rendered chart. */
export interface Chart {
  suite: string;
  title: string;
  /** An <svg> element without namespace declarations, ready to inline in HTML. */
  svg: string;
}

/** Renders every chart of the report, in report order. */
export async function renderCharts(results: BenchResults, agg: Aggregate): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const suite of results.suites) {
    for (const metric of suite.metrics) {
      const title = `${suite.name}: ${metric.label} per trial`;
      charts.push({
        suite: suite.name,
        title,
        svg: await toSvg(distributionSpec(suite, metric, agg)),
      });
    }
    const rates = suite.metrics.filter((m) => suite.rateChart.includes(m.key));
    if (rates.length > 0) {
      const title = `${suite.name}: median ${rates.map((m) => m.label).join(" and ")}`;
      charts.push({ suite: suite.name, title, svg: await toSvg(rateBarSpec(suite, rates, agg)) });
    }
    for (const series of suite.series ?? []) {
      const cells = agg.series.filter((c) => c.suite === suite.name && c.series.key === series.key);
      if (cells.length === 0) continue;
      const samples = series.kind === "samples";
      const title = `${suite.name}: ${series.label}, ${samples ? "CDF over all trials" : "per trial over time"}`;
      const spec = samples ? cdfSpec(suite, series, cells) : timeSpec(suite, series, cells);
      charts.push({ suite: suite.name, title, svg: await toSvg(spec) });
    }
    for (const axis of suiteAxes(suite, agg.sweeps)) {
      for (const metric of suite.metrics) {
        const curves = agg.sweeps.filter(
          (c) => c.suite === suite.name && c.axis.name === axis.name && c.metric.key === metric.key,
        );
        if (curves.length === 0) continue;
        const title = `${suite.name}: ${metric.label} against ${axis.label} (mean, 95% band)`;
        charts.push({ suite: suite.name, title, svg: await toSvg(sweepSpec(suite, axis, curves)) });
      }
    }
  }
  return charts;
}

/** Compiles and renders a Vega-Lite spec to an SVG element. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    // Inline SVG in HTML needs no namespaces; dropping them leaves no URL in the page.
    return svg.replace(/\s+xmlns(:\w+)?="[^"]*"/g, "");
  } finally {
    view.finalize();
  }
}

function yAxis(metric: MetricInfo) {
  return metric.unit === "rate" ? { format: ".2~%" } : {};
}

function distributionSpec(suite: SuiteInfo, metric: MetricInfo, agg: Aggregate): TopLevelSpec {
  const values = agg.cells
    .filter((c) => c.suite === suite.name && c.metric.key === metric.key)
    .flatMap((c) => c.values.map((value) => ({ workload: c.workload, variant: c.variant, value })));
  const x = { field: "variant", type: "nominal", sort: [...suite.variants], title: null } as const;
  const y = {
    field: "value",
    type: "quantitative",
    title: metric.label,
    axis: yAxis(metric),
  } as const;
  return {
    data: { values },
    facet: {
      column: { field: "workload", type: "nominal", title: null, sort: workloadOrder(suite) },
    },
    spec: {
      width: 220,
      height: 180,
      layer: [
        { mark: { type: "boxplot", extent: "min-max", opacity: 0.5 }, encoding: { x, y } },
        { mark: { type: "point", size: 12, opacity: 0.7, filled: true }, encoding: { x, y } },
      ],
    },
    resolve: { scale: { y: "independent" } },
    config: CHART_CONFIG,
  };
}

function rateBarSpec(suite: SuiteInfo, rates: readonly MetricInfo[], agg: Aggregate): TopLevelSpec {
  const values = agg.cells
    .filter((c) => c.suite === suite.name && rates.includes(c.metric))
    .map((c) => ({
      workload: c.workload,
      variant: c.variant,
      metric: c.metric.label,
      median: c.summary.median,
    }));
  return {
    data: { values },
    facet: {
      column: { field: "workload", type: "nominal", title: null, sort: workloadOrder(suite) },
    },
    spec: {
      width: 220,
      height: 180,
      mark: "bar",
      encoding: {
        x: { field: "variant", type: "nominal", sort: [...suite.variants], title: null },
        xOffset: { field: "metric", type: "nominal", sort: rates.map((m) => m.label) },
        y: { field: "median", type: "quantitative", title: "median", axis: { format: ".2~%" } },
        color: { field: "metric", type: "nominal", sort: rates.map((m) => m.label), title: null },
      },
    },
    resolve: { scale: { y: "independent" } },
    config: CHART_CONFIG,
  };
}

function workloadOrder(suite: SuiteInfo): string[] {
  return reportedWorkloads(suite).map((w) => w.name);
}
