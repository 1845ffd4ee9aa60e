/** report.md: the run's environment, per suite and workload a table of medians with CIs, verdicts. */
import type { Aggregate, CellStats, ComparisonRow } from "./aggregate.js";
import { distributionTables } from "./distribution-tables.js";
import { formatMedianCI, formatValue } from "./format.js";
import { type BenchResults, type SuiteInfo, reportedWorkloads } from "./results.js";
import { differs, shortVerdict, verdictTable } from "./verdicts.js";
import { sweepMarkdown } from "./sweep-tables.js";
import { constancySentence } from "./constancy.js";

/** The text of report.md. */
export function renderMarkdown(results: BenchResults, agg: Aggregate): string {
  const lines = [
    "# dmafuzz benchmark report",
    "",
    ...environmentLines(results).map((line) => `- ${line}`),
    "",
    "Cells show the median over trials with its bootstrap 95% confidence interval in brackets,",
    "and the interquartile range. Verdicts compare each variant with the suite's baseline",
    "(two-sided Mann-Whitney U, Vargha-Delaney A12).",
  ];
  for (const suite of results.suites) lines.push("", ...suiteSection(suite, agg));
  const failed = failedSection(results);
  if (failed.length > 0) lines.push("", ...failed);
  if (results.baseline) lines.push("", ...regressionSection(results, agg.regressions));
  return `${lines.join("\n")}\n`;
}

/**
 * The cells a user's policy failed (a hook threw, returned garbage or never returned): left out
 * of the statistics above, listed here with the first failing trial's message.
 */
function failedSection(results: BenchResults): string[] {
  const cells = new Map<string, string>();
  for (const job of results.jobs) {
    const key = `| ${job.suite} | ${job.workload} | ${job.variant} |`;
    if (job.failed !== undefined && !cells.has(key))
      cells.set(key, `${key} ${job.seed} | ${job.failed.replace(/\|/g, "\\|")} |`);
  }
  if (cells.size === 0) return [];
  return [
    "## Failed cells",
    "",
    "A policy hook failed these cells; they have no statistics.",
    "",
    "| suite | workload | variant | first failing seed | message |",
    "|---|---|---|---|---|",
    ...cells.values(),
  ];
}

/** One line per fact about the run, shared with the HTML report. */
export function environmentLines(results: BenchResults): string[] {
  const { environment: env, run } = results;
  const sha = env.gitSha === null ? "unknown" : env.gitSha.slice(0, 12);
  return [
    `dmafuzz ${env.dmafuzzVersion}, git ${sha}; Node ${env.node}, V8 ${env.v8}; ${env.platform}/${env.arch}`,
    `CPU: ${env.cpu}, ${env.cores} cores; ${run.workers} workers${run.shards === undefined ? "" : ` over ${run.shards} shards`}`,
    `${run.trials} trials per cell${run.quick ? " (--quick)" : ""}, seeds ${seedRange(run.seeds)}; ${results.jobs.length} jobs${run.resumedJobs > 0 ? ` (${run.resumedJobs} resumed)` : ""}`,
    `started ${run.startedAt}, wall time ${(run.wallTimeMs / 1000).toFixed(1)} s`,
  ];
}

function seedRange(seeds: readonly number[]): string {
  const contiguous = seeds.every((s, i) => s === (seeds[0] as number) + i);
  return contiguous && seeds.length > 2
    ? `${seeds[0]}-${seeds[seeds.length - 1]}`
    : seeds.join(", ");
}

function suiteSection(suite: SuiteInfo, agg: Aggregate): string[] {
  const lines = [
    `## ${suite.name}`,
    "",
    suite.description,
    "",
    ...(suite.tradeoff === undefined ? [] : [`Trade-off: ${suite.tradeoff}`, ""]),
    `Baseline: **${suite.baseline}**. ${suite.baselineReason}`,
    "",
    "Metrics:",
    "",
    ...suite.metrics.map((m) => `- **${m.label}**: ${m.description}.`),
    ...(suite.series ?? []).map(
      (s) => `- **${s.label}** (${s.kind}, ${s.unit}): ${s.description}.`,
    ),
  ];
  for (const workload of reportedWorkloads(suite)) {
    const cells = agg.cells.filter((c) => c.suite === suite.name && c.workload === workload.name);
    if (cells.length === 0) continue;
    lines.push("", `### ${workload.name}`, "", workload.description, "");
    lines.push(...cellTable(suite, cells));
    const verdicts = agg.comparisons.filter(
      (c) => c.suite === suite.name && c.workload === workload.name,
    );
    if (verdicts.length > 0) lines.push("", ...verdictSection(suite, verdicts));
  }
  const tables = distributionTables(suite, agg);
  if (tables.length > 0) lines.push("", "### Distributions (pooled over trials)");
  for (const table of tables) {
    const [head = [], ...rows] = table.rows;
    lines.push("", `${table.caption}:`, "", `| ${head.join(" | ")} |`);
    lines.push(
      `|---|${head
        .slice(1)
        .map(() => "---")
        .join("|")}|`,
    );
    lines.push(...rows.map((row) => `| ${row.join(" | ")} |`));
  }
  lines.push(...sweepMarkdown(suite, agg));
  lines.push(...constancyMarkdown(suite, agg));
  return lines;
}

/** Rows: variants; columns: metrics; cells: median [CI] and IQR. */
function cellTable(suite: SuiteInfo, cells: readonly CellStats[]): string[] {
  const header = `| variant | ${suite.metrics.map((m) => m.label).join(" | ")} |`;
  const rule = `|---|${suite.metrics.map(() => "---").join("|")}|`;
  const rows = suite.variants.flatMap((variant) => {
    const mine = cells.filter((c) => c.variant === variant);
    if (mine.length === 0) return [];
    const name = variant === suite.baseline ? `${variant} (baseline)` : variant;
    const values = suite.metrics.map((metric) => {
      const cell = mine.find((c) => c.metric.key === metric.key);
      if (cell === undefined) return "n/a";
      const { median, iqr } = cell.summary;
      return `${formatMedianCI(median, cell.ci, metric)} IQR ${formatValue(iqr, metric)}`;
    });
    return [`| ${name} | ${values.join(" | ")} |`];
  });
  return [header, rule, ...rows];
}

/** The verdict table against the baseline, then the clear differences in words. */
function verdictSection(suite: SuiteInfo, rows: readonly ComparisonRow[]): string[] {
  const table = verdictTable(rows, suite.variants, suite.metrics);
  const lines = [
    `Against ${suite.baseline}:`,
    "",
    `| metric | ${table.variants.join(" | ")} |`,
    `|---|${table.variants.map(() => "---").join("|")}|`,
    ...table.rows.map(
      (row) =>
        `| ${row.metric} | ${row.cells.map((c) => (c ? shortVerdict(c) : "n/a")).join(" | ")} |`,
    ),
  ];
  const clear = rows.filter((r) => differs(r.comparison));
  lines.push("", clear.length === 0 ? "No clear difference." : "Clear differences:");
  if (clear.length > 0) lines.push("", ...clear.map((r) => `- ${r.comparison.verdict}`));
  return lines;
}

function constancyMarkdown(suite: SuiteInfo, agg: Aggregate): string[] {
  const c = agg.constancy.find((x) => x.suite === suite.name);
  if (c === undefined || c.pairs === 0) return [];
  const lines = ["", "### Constant across trials", "", constancySentence(c)];
  const documented = suite.constantByConstruction ?? [];
  if (documented.length > 0) lines.push("", "Constant by construction:", "");
  for (const d of documented) {
    const axis = d.axis === undefined ? undefined : `at each ${d.axis} point`;
    const where = [d.variants?.join(", "), d.workloads?.join(", "), axis]
      .filter(Boolean)
      .join("; ");
    lines.push(`- ${d.metric}${where === "" ? "" : ` (${where})`}: ${d.reason}`);
  }
  return lines;
}

function regressionSection(results: BenchResults, rows: readonly ComparisonRow[]): string[] {
  const source = results.baseline?.source ?? "";
  const lines = ["## Regression against an earlier run", "", `Baseline run: \`${source}\`.`, ""];
  if (rows.length === 0) return [...lines, "No cell of this run is in the baseline run."];
  const changed = rows.filter((r) => differs(r.comparison));
  lines.push(`${changed.length} of ${rows.length} cell metrics differ from the baseline run.`, "");
  for (const row of rows) lines.push(`- ${row.suite} / ${row.workload}: ${row.comparison.verdict}`);
  return lines;
}
