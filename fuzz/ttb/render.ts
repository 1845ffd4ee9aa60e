/** The time-to-bug report: Markdown tables and a Vega-Lite chart rendered to SVG. */
import type { TopLevelSpec } from "vega-lite";
import { toSvg } from "../../src/report/charts.js";
import { CHART_CONFIG, escapeHtml, htmlPage } from "../../src/report/page.js";
import type { DeepBug } from "../deep/bug.js";
import { renderDeepSection } from "./render-deep.js";
import type { TrialRecord, TtbSummary } from "./summary.js";

const fmt = (x: number | null, digits = 3) =>
  x === null ? "-" : Number(x.toPrecision(digits)).toLocaleString("en-US");

/** The Markdown report. */
export function renderTtbMarkdown(
  summary: TtbSummary,
  meta: {
    budgetS: number;
    fpBudgetS?: number;
    trials: number;
    environment: string;
    deep?: readonly DeepBug[];
  },
): string {
  const lines = [
    "# dmafuzz time-to-bug",
    "",
    `${meta.environment}. ${meta.trials} trials per bug and engine, each from an empty corpus on one worker, budget ${meta.deep === undefined ? `${meta.budgetS} s` : "per bug (below)"}.`,
    "Medians and IQRs are over the trials that found the bug; comparisons count a miss as the whole budget.",
    "",
    "| canary | variant | engine | found | median execs (IQR) | median s (IQR) | exec/s |",
    "|---|---|---|---:|---:|---:|---:|",
    ...summary.rows.map(
      (r) =>
        `| ${r.canary} | ${r.variant} | ${r.engine} | ${r.found}/${r.trials} | ${fmt(r.medianExecs)} (${fmt(r.iqrExecs)}) | ${fmt(r.medianSeconds)} (${fmt(r.iqrSeconds)}) | ${fmt(r.medianExecPerSec)} |`,
    ),
    "",
    ...renderDeepSection(summary, meta.deep ?? []),
    "## Against full feedback",
    "",
    ...summary.comparisons.map((c) => `- ${c.canary}: ${c.verdict}`),
    "",
    "## False positives on fixed variants (full feedback)",
    "",
    `One run of ${meta.fpBudgetS ?? meta.budgetS} s per variant.`,
    "",
    "| canary | variant | fired |",
    "|---|---|---:|",
    ...summary.falsePositives.map((f) => `| ${f.canary} | ${f.variant} | ${f.fired}/${f.trials} |`),
    "",
    "![seconds to find per engine](ttb.svg)",
    "",
  ];
  return lines.join("\n");
}

/** Seconds to find per trial, per engine, one panel per canary (misses drawn at the budget). */
export function renderTtbChart(records: readonly TrialRecord[]): Promise<string> {
  const values = records
    .filter((r) => r.purpose === "ttb")
    .map((r) => ({
      canary: r.canary,
      engine: r.engine,
      seconds: Math.max(r.ms, 1) / 1000,
      found: r.found ? "found" : "missed",
    }));
  const spec: TopLevelSpec = {
    data: { values },
    facet: { column: { field: "canary", type: "nominal", title: null } },
    spec: {
      width: 160,
      height: 180,
      mark: { type: "point", filled: true, opacity: 0.7 },
      encoding: {
        x: { field: "engine", type: "nominal", title: null },
        y: {
          field: "seconds",
          type: "quantitative",
          scale: { type: "log" },
          title: "seconds to find",
        },
        shape: { field: "found", type: "nominal", title: null },
        color: { field: "found", type: "nominal", title: null },
      },
    },
    config: CHART_CONFIG,
  };
  return toSvg(spec);
}

/**
 * OUT/index.html: the time-to-bug report in the look of the other dmafuzz pages, its charts
 * inline and its tables as ttb.md has them.
 */
export function renderTtbHtml(
  markdown: string,
  charts: readonly { title: string; svg: string }[],
): string {
  const figures = charts.map(
    (c) => `<figure><figcaption>${escapeHtml(c.title)}</figcaption>${c.svg}</figure>`,
  );
  const body = [
    "<h1>dmafuzz time-to-bug</h1>",
    '<p><a href="ttb.md">ttb.md</a> · <a href="ttb.json">ttb.json</a> (every trial)</p>',
    ...figures,
    `<pre>${escapeHtml(markdown)}</pre>`,
  ];
  return htmlPage("dmafuzz time-to-bug", body.join("\n"));
}
