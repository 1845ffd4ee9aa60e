/**
 * The deep-bug part of the time-to-bug report: one line per bug with every engine's found/trials
 * and restricted mean time, full feedback against blind generation (Mann-Whitney U, A12), the
 * acceptance counts, and the Kaplan-Meier survival curves as a chart.
 */
import type { TopLevelSpec } from "vega-lite";
import { toSvg } from "../../src/report/charts.js";
import { CHART_CONFIG } from "../../src/report/page.js";
import type { DeepBug } from "../deep/bug.js";
import type { TtbRow, TtbSummary } from "./summary.js";

/** Trials out of 10 an engine must find a bug in for it to count as found reliably. */
const RELIABLE_SHARE = 0.8;

const reliable = (row: TtbRow | undefined) =>
  row !== undefined && row.found >= RELIABLE_SHARE * row.trials;

/** The Markdown section on the deep bugs, or nothing when the run had none. */
export function renderDeepSection(summary: TtbSummary, bugs: readonly DeepBug[]): string[] {
  const rows = summary.rows.filter((r) => r.set === "deep");
  if (rows.length === 0) return [];
  const engines = [...new Set(rows.map((r) => r.engine))];
  const row = (bug: string, engine: string) =>
    rows.find((r) => r.canary === bug && r.engine === engine);
  const ran = bugs.filter((b) => rows.some((r) => r.canary === b.id));
  const cell = (r: TtbRow | undefined) =>
    r === undefined ? "-" : `${r.found}/${r.trials} (${r.meanSecondsRestricted.toFixed(1)} s)`;
  const versusNone = (bug: string) =>
    summary.comparisons.find((c) => c.canary === bug && c.engine === "none");
  const lines = [
    "## Deep bugs",
    "",
    "Found/trials per engine, with the restricted mean seconds to bug (area under the Kaplan-Meier survival curve up to the budget: a miss counts as the whole budget). The last columns compare blind generation with full feedback on seconds to bug (a miss counted as the budget): Mann-Whitney U p and A12 (above 0.5: `none` takes longer).",
    "",
    `| bug | model | kind | budget s | ${engines.join(" | ")} | none vs full p | A12 |`,
    `|---|---|---|---:|${engines.map(() => "---:").join("|")}|---:|---:|`,
    ...ran.map((b) => {
      const c = versusNone(b.id);
      return `| ${b.id} | ${b.model} | ${b.kind} | ${row(b.id, engines[0]!)?.budgetSeconds ?? "-"} | ${engines.map((e) => cell(row(b.id, e))).join(" | ")} | ${c === undefined ? "-" : c.p.toPrecision(2)} | ${c === undefined ? "-" : c.a12.toFixed(2)} |`;
    }),
    "",
    `Bugs found in at least ${RELIABLE_SHARE * 100}% of the trials, per engine (of ${ran.length}):`,
    "",
    ...engines.map((e) => `- ${e}: ${ran.filter((b) => reliable(row(b.id, e))).length}`),
    "",
    "![share of trials without the bug over time](ttb-survival.svg)",
    "",
  ];
  return lines;
}

/** Kaplan-Meier survival curves, one panel per deep bug, one line per engine. */
export function renderSurvivalChart(summary: TtbSummary): Promise<string> {
  const values = summary.rows
    .filter((r) => r.set === "deep")
    .flatMap((r) => {
      const end = { t: r.budgetSeconds, s: r.survival.at(-1)?.s ?? 1 };
      return [...r.survival, end].map((p) => ({
        bug: r.canary,
        engine: r.engine,
        seconds: p.t,
        share: p.s,
      }));
    });
  const spec: TopLevelSpec = {
    data: { values },
    facet: { field: "bug", type: "nominal", title: null },
    columns: 3,
    spec: {
      width: 180,
      height: 120,
      mark: { type: "line", interpolate: "step-after" },
      encoding: {
        x: { field: "seconds", type: "quantitative", title: "seconds" },
        y: {
          field: "share",
          type: "quantitative",
          title: "trials without the bug",
          scale: { domain: [0, 1] },
        },
        color: { field: "engine", type: "nominal", title: null },
      },
    },
    resolve: { scale: { x: "independent" } },
    config: CHART_CONFIG,
  };
  return toSvg(spec);
}
