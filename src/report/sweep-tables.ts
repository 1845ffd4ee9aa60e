/**
 * The sweep section of the Markdown report, and the tables it shares with the text report: per
 * suite, axis, workload and metric, each variant's mean at each point with its 95% band, then
 * the crossovers in words.
 */
import type { Aggregate } from "./aggregate.js";
import { formatValue } from "./format.js";
import type { MetricInfo, SuiteInfo, SweepAxis } from "./results.js";
import { axisValue, crossoverSentence, type SweepPoint, suiteAxes } from "./sweeps.js";

/** One metric along one axis on one workload: variants as rows, points as columns. */
export interface SweepTable {
  axis: SweepAxis;
  workload: string;
  metric: MetricInfo;
  xs: number[];
  rows: { variant: string; points: (SweepPoint | undefined)[] }[];
}

/** The tables of one suite's sweeps, in axis, workload, metric order. */
export function sweepTables(suite: SuiteInfo, agg: Aggregate): SweepTable[] {
  const tables: SweepTable[] = [];
  for (const axis of suiteAxes(suite, agg.sweeps)) {
    for (const workload of axis.workloads) {
      for (const metric of suite.metrics) {
        const curves = agg.sweeps.filter(
          (c) =>
            c.suite === suite.name &&
            c.axis.name === axis.name &&
            c.workload === workload &&
            c.metric.key === metric.key,
        );
        if (curves.length === 0) continue;
        const xs = [...new Set(curves.flatMap((c) => c.points.map((p) => p.x)))].sort(
          (a, b) => a - b,
        );
        const rows = curves.map((c) => ({
          variant: c.variant,
          points: xs.map((x) => c.points.find((p) => p.x === x)),
        }));
        tables.push({ axis, workload, metric, xs, rows });
      }
    }
  }
  return tables;
}

/** The crossover sentences of one suite, formatted with each metric's unit. */
export function crossoverLines(suite: SuiteInfo, agg: Aggregate): string[] {
  return agg.crossovers
    .filter((c) => c.curve.suite === suite.name)
    .map((c) => crossoverSentence(c, (v) => formatValue(v, c.curve.metric)));
}

/** The Markdown lines of one suite's sweeps (none without sweep jobs). */
export function sweepMarkdown(suite: SuiteInfo, agg: Aggregate): string[] {
  const axes = suiteAxes(suite, agg.sweeps);
  if (axes.length === 0) return [];
  const lines: string[] = [];
  const tables = sweepTables(suite, agg);
  for (const axis of axes) {
    lines.push("", `### Sweep along ${axis.label}`, "", `${axis.name}: ${axis.description}.`);
    lines.push(
      "",
      "Cells: the mean over trials at each point, with its bootstrap 95% interval in brackets.",
    );
    for (const table of tables.filter((t) => t.axis === axis)) {
      const { metric } = table;
      lines.push("", `${table.workload}, ${metric.label}:`, "");
      lines.push(`| variant | ${table.xs.map((x) => axisValue(axis, x)).join(" | ")} |`);
      lines.push(`|---|${table.xs.map(() => "---").join("|")}|`);
      for (const row of table.rows) {
        const cells = row.points.map((p) =>
          p === undefined
            ? "n/a"
            : `${formatValue(p.mean, metric)} [${formatValue(p.ci[0], metric)}, ${formatValue(p.ci[1], metric)}]`,
        );
        lines.push(`| ${row.variant} | ${cells.join(" | ")} |`);
      }
    }
  }
  const crossings = crossoverLines(suite, agg);
  lines.push("", "### Crossovers", "");
  lines.push(
    "Where a rate's whole 95% band first leaves 0 (rises) or 100% (falls), per variant and workload:",
    "",
  );
  if (crossings.length === 0) lines.push("None: every rate curve stays at 0 or 100%.");
  else lines.push(...crossings.map((c) => `- ${c}`));
  return lines;
}
