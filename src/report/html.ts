/**
 * index.html: the report as one self-contained page (inline CSS, charts as inline SVG, no script
 * and no external resource), with the same tables and verdicts as report.md.
 */
import type { Aggregate, ComparisonRow } from "./aggregate.js";
import type { Chart } from "./charts.js";
import { distributionTables } from "./distribution-tables.js";
import { formatMedianCI, formatValue } from "./format.js";
import { environmentLines } from "./markdown.js";
import { escapeHtml, htmlPage } from "./page.js";
import { type BenchResults, type SuiteInfo, reportedWorkloads } from "./results.js";
import { differs, shortVerdict, verdictTable } from "./verdicts.js";
import { crossoverLines } from "./sweep-tables.js";

export { escapeHtml } from "./page.js";

/** The text of index.html. */
export function renderHtml(
  results: BenchResults,
  agg: Aggregate,
  charts: readonly Chart[],
): string {
  const body = [
    "<h1>dmafuzz benchmark report</h1>",
    `<ul>${environmentLines(results)
      .map((l) => `<li>${escapeHtml(l)}</li>`)
      .join("")}</ul>`,
    "<p><small>Cells: median over trials [bootstrap 95% CI] and IQR. Verdicts: each variant against the suite's baseline (two-sided Mann-Whitney U, Vargha-Delaney A12).</small></p>",
    ...results.suites.map((suite) => suiteSection(suite, agg, charts)),
    results.baseline ? regressionSection(results.baseline.source, agg.regressions) : "",
  ];
  return htmlPage("dmafuzz benchmark report", body.join("\n"));
}

function suiteSection(suite: SuiteInfo, agg: Aggregate, charts: readonly Chart[]): string {
  const parts = [
    `<h2>${escapeHtml(suite.name)}</h2>`,
    `<p>${escapeHtml(suite.description)}</p>`,
    suite.tradeoff === undefined ? "" : `<p><b>Trade-off:</b> ${escapeHtml(suite.tradeoff)}</p>`,
    `<p>Baseline: <b>${escapeHtml(suite.baseline)}</b>. ${escapeHtml(suite.baselineReason)}</p>`,
    `<ul>${suite.metrics.map((m) => `<li><b>${escapeHtml(m.label)}</b>: ${escapeHtml(m.description)}.</li>`).join("")}${(suite.series ?? []).map((s) => `<li><b>${escapeHtml(s.label)}</b> (${escapeHtml(`${s.kind}, ${s.unit}`)}): ${escapeHtml(s.description)}.</li>`).join("")}</ul>`,
  ];
  for (const workload of reportedWorkloads(suite)) {
    const cells = agg.cells.filter((c) => c.suite === suite.name && c.workload === workload.name);
    if (cells.length === 0) continue;
    parts.push(`<h3>${escapeHtml(workload.name)}</h3><p>${escapeHtml(workload.description)}</p>`);
    const head = suite.metrics.map((m) => `<th>${escapeHtml(m.label)}</th>`).join("");
    const rows = suite.variants.map((variant) => {
      const name = variant === suite.baseline ? `${variant} (baseline)` : variant;
      const tds = suite.metrics.map((metric) => {
        const cell = cells.find((c) => c.variant === variant && c.metric.key === metric.key);
        if (cell === undefined) return "<td>n/a</td>";
        const text = formatMedianCI(cell.summary.median, cell.ci, metric);
        return `<td>${escapeHtml(text)}<br><small>IQR ${escapeHtml(formatValue(cell.summary.iqr, metric))}</small></td>`;
      });
      return `<tr><td>${escapeHtml(name)}</td>${tds.join("")}</tr>`;
    });
    parts.push(
      `<table><thead><tr><th>variant</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`,
    );
    const verdicts = agg.comparisons.filter(
      (c) => c.suite === suite.name && c.workload === workload.name,
    );
    if (verdicts.length > 0) parts.push(verdictSection(suite, verdicts));
  }
  const tables = distributionTables(suite, agg);
  if (tables.length > 0) parts.push("<h3>Distributions (pooled over trials)</h3>");
  for (const { caption, rows } of tables) {
    const [head = [], ...body] = rows;
    const tr = (cells: string[], tag: string) =>
      `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join("")}</tr>`;
    parts.push(
      `<table><caption>${escapeHtml(caption)}</caption><thead>${tr(head, "th")}</thead><tbody>${body.map((r) => tr(r, "td")).join("")}</tbody></table>`,
    );
  }
  const crossings = crossoverLines(suite, agg);
  if (agg.sweeps.some((c) => c.suite === suite.name)) {
    const items = crossings.map((c) => `<li>${escapeHtml(c)}</li>`).join("");
    parts.push(
      `<h3>Crossovers</h3><p>Where a rate's whole 95% band first leaves 0 (rises) or 100% (falls); the sweep tables are in report.md.</p>${crossings.length === 0 ? "<p>None.</p>" : `<ul>${items}</ul>`}`,
    );
  }
  for (const chart of charts.filter((c) => c.suite === suite.name)) {
    parts.push(`<figure><figcaption>${escapeHtml(chart.title)}</figcaption>${chart.svg}</figure>`);
  }
  return parts.join("\n");
}

function verdictSection(suite: SuiteInfo, rows: readonly ComparisonRow[]): string {
  const table = verdictTable(rows, suite.variants, suite.metrics);
  const head = table.variants.map((v) => `<th>${escapeHtml(v)}</th>`).join("");
  const body = table.rows.map((row) => {
    const tds = row.cells.map((c) =>
      c === undefined
        ? "<td>n/a</td>"
        : `<td${differs(c) ? ' class="differs"' : ""} title="${escapeHtml(c.verdict)}">${escapeHtml(shortVerdict(c))}</td>`,
    );
    return `<tr><td>${escapeHtml(row.metric)}</td>${tds.join("")}</tr>`;
  });
  const clear = rows.filter((r) => differs(r.comparison));
  const list =
    clear.length === 0
      ? "<p>No clear difference.</p>"
      : `<ul>${clear.map((r) => `<li>${escapeHtml(r.comparison.verdict)}</li>`).join("")}</ul>`;
  return `<p>Against ${escapeHtml(suite.baseline)}:</p><table><thead><tr><th>metric</th>${head}</tr></thead><tbody>${body.join("")}</tbody></table>${list}`;
}

function regressionSection(source: string, rows: readonly ComparisonRow[]): string {
  const items = rows.map(
    (row) => `<li>${escapeHtml(`${row.suite} / ${row.workload}: ${row.comparison.verdict}`)}</li>`,
  );
  return `<h2>Regression against an earlier run</h2><p>Baseline run: <code>${escapeHtml(source)}</code>.</p><ul>${items.join("")}</ul>`;
}
