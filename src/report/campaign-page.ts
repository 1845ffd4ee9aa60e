/**
 * A fuzz campaign's page (OUT/index.html): its totals, coverage, features, corpus size and
 * exec/s over time from stats.csv (charted like the benchmark reports), and its findings with
 * their triage labels, unexplained first, each linked to its finding page. Written at the end of
 * every campaign session, together with any finding page a finding directory still lacks.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../sim/atomic-write.js";
import { renderFindingPage } from "./finding-page.js";
import { findingView, readFindingParts } from "./finding-view.js";
import type { CampaignStats, CsvRow, TriagedFinding } from "./fuzz-results.js";
import { CHART_CONFIG, escapeHtml as e, htmlPage, htmlTable } from "./page.js";
import { byTriage, TRIAGE_LABELS, type Triage, triageFinding } from "./triage.js";

export type { TriagedFinding } from "./fuzz-results.js";

/** Parses stats.csv; rows that are not whole (a kill mid-append) are skipped. */
export function parseStatsCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  for (const line of text.split("\n").slice(1)) {
    const cells = line.split(",").map(Number);
    if (cells.length !== 7 || cells.some((x) => !Number.isFinite(x))) continue;
    const [elapsedS, execs, execPerSec, cov, ft, corpus, findings] = cells as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    rows.push({ elapsedS, execs, execPerSec, cov, ft, corpus, findings });
  }
  return rows;
}

/** The four growth panels: coverage, features, corpus size and exec/s over fuzzing time. */
export function campaignChartSpec(rows: readonly CsvRow[]): TopLevelSpec {
  const series: [string, (row: CsvRow) => number][] = [
    ["coverage (branches and statements)", (r) => r.cov],
    ["features (coverage + model state)", (r) => r.ft],
    ["corpus size (inputs)", (r) => r.corpus],
    ["exec/s", (r) => r.execPerSec],
  ];
  const values = rows.flatMap((row) =>
    series.map(([metric, get]) => ({ metric, t: row.elapsedS, value: get(row) })),
  );
  return {
    data: { values },
    facet: { field: "metric", type: "nominal", title: null, sort: series.map(([m]) => m) },
    columns: 2,
    spec: {
      width: 320,
      height: 180,
      mark: { type: "line", interpolate: "step-after", point: { size: 10 } },
      encoding: {
        x: { field: "t", type: "quantitative", title: "fuzzing time (s)" },
        y: { field: "value", type: "quantitative", title: null },
      },
    },
    resolve: { scale: { y: "independent" } },
    config: CHART_CONFIG,
  } as TopLevelSpec;
}

/** Where a finding page links back to: the campaign page, OUT/index.html. */
const CAMPAIGN_PAGE_FROM_FINDING = "../../index.html";

/**
 * Writes `dir`/finding.html (atomically) for the finding saved in `dir`, from its finding.json,
 * minimized.jsonl and input.bin. The campaign calls it as each new finding is reported.
 */
export function writeFindingPage(dir: string): void {
  const view = findingView(readFindingParts(dir));
  writeFileAtomic(join(dir, "finding.html"), renderFindingPage(view, CAMPAIGN_PAGE_FROM_FINDING));
}

/** Triage and page of every finding in stats.json; writes each missing finding page. */
export function triageCampaignFindings(outDir: string, stats: CampaignStats): TriagedFinding[] {
  return stats.findings.map((stat) => {
    const dir = join(outDir, stat.dir);
    if (!existsSync(join(dir, "finding.json"))) {
      const triage: Triage = {
        kind: "unexplained",
        label: TRIAGE_LABELS.unexplained,
        explanation: `${stat.dir}/finding.json is missing`,
        kernel: [],
      };
      return { ...stat, triage, page: null };
    }
    const parts = readFindingParts(dir);
    if (!existsSync(join(dir, "finding.html"))) writeFindingPage(dir);
    return {
      ...stat,
      triage: triageFinding(parts.saved.finding),
      page: `${stat.dir}/finding.html`,
    };
  });
}

/** The HTML of a campaign page. */
export function renderCampaignPage(
  stats: CampaignStats,
  findings: readonly TriagedFinding[],
  chartSvg: string | null,
): string {
  const totals = htmlTable(
    [
      "target",
      "variant",
      "feedback",
      "executions",
      "fuzzing time",
      "exec/s (last session)",
      "corpus",
      "coverage",
      "features",
      "sessions",
    ],
    [
      [
        `<code>${e(stats.target)}</code>`,
        `<code>${e(stats.variant)}</code>`,
        e(stats.feedback),
        stats.execs.toLocaleString("en-US"),
        `${(stats.elapsedMs / 1000).toFixed(1)} s`,
        Math.round(stats.execPerSec).toLocaleString("en-US"),
        String(stats.corpusSize),
        String(stats.codeFeatures),
        String(stats.allFeatures),
        String(stats.sessions.length),
      ],
    ],
  );
  const rows = byTriage(findings, (f) => f.triage.kind).map((f) => [
    `<span class="label ${f.triage.kind}">${e(f.triage.label)}</span>`,
    f.page ? `<a href="${e(f.page)}">${e(f.signature)}</a>` : e(f.signature),
    e(f.kind),
    e(f.message),
    f.execs.toLocaleString("en-US"),
    (f.ms / 1000).toFixed(1),
  ]);
  const table =
    rows.length === 0
      ? "<p>No findings.</p>"
      : htmlTable(["triage", "signature", "kind", "message", "executions", "seconds"], rows, true);
  const body = [
    `<h1>dmafuzz campaign: ${e(stats.target)}@${e(stats.variant)}</h1>`,
    `<p><a href="stats.json">stats.json</a> · <a href="stats.csv">stats.csv</a> · <a href="corpus/">corpus/</a> · <a href="findings/">findings/</a></p>`,
    totals,
    "<h2>Growth over time</h2>",
    chartSvg === null
      ? "<p>No statistics rows yet.</p>"
      : `<figure><figcaption>${e(stats.target)}@${e(stats.variant)}: coverage, features, corpus and exec/s per status interval (stats.csv)</figcaption>${chartSvg}</figure>`,
    `<h2>Findings (${findings.length}), unexplained first</h2>`,
    "<p><small>Time to first: campaign-wide executions and fuzzing seconds when the signature was first found.</small></p>",
    table,
  ];
  return htmlPage(`dmafuzz campaign ${stats.target}@${stats.variant}`, body.join("\n"));
}

/**
 * Writes OUT/index.html of the campaign in `outDir` (and any missing finding page); returns its
 * triaged findings. Does nothing and returns [] when the campaign has no stats.json yet.
 */
export async function writeCampaignPage(outDir: string): Promise<TriagedFinding[]> {
  const statsFile = join(outDir, "stats.json");
  if (!existsSync(statsFile)) return [];
  const stats = JSON.parse(readFileSync(statsFile, "utf8")) as CampaignStats;
  const findings = triageCampaignFindings(outDir, stats);
  const csvFile = join(outDir, "stats.csv");
  const rows = existsSync(csvFile) ? parseStatsCsv(readFileSync(csvFile, "utf8")) : [];
  // Vega loads here, not when the campaign starts.
  const { toSvg } = await import("./charts.js");
  const svg = rows.length === 0 ? null : await toSvg(campaignChartSpec(rows));
  writeFileAtomic(join(outDir, "index.html"), renderCampaignPage(stats, findings, svg));
  return findings;
}
