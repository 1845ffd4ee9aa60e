/**
 * report.txt (`dmafuzz report DIR --text`): the run in the form kernel mailing lists accept,
 * plain ASCII of at most 80 columns, ready to paste into a reply. Per suite: the trade-off, per
 * workload the comparison table (median [95% CI]) and the verdicts against the baseline, then
 * the sweeps' rate curves (means) and their crossovers. The numbers are formatted as report.md
 * formats them, so the two carry the same figures.
 */
import type { Aggregate, CellStats } from "./aggregate.js";
import { formatMedianCI, formatValue } from "./format.js";
import { environmentLines } from "./markdown.js";
import {
  type BenchResults,
  type MetricInfo,
  reportedWorkloads,
  type SuiteInfo,
} from "./results.js";
import { crossoverLines, sweepTables } from "./sweep-tables.js";
import { axisValue } from "./sweeps.js";
import { differs } from "./verdicts.js";
import { constancySentence } from "./constancy.js";

/** The widest line of the text report. */
export const TEXT_WIDTH = 80;

const ASCII: Readonly<Record<string, string>> = {
  "≤": "<=",
  "≥": ">=",
  "≈": "~",
  "×": "x",
  "–": "-",
  "—": "-",
  "−": "-",
  "‘": "'",
  "’": "'",
  "“": '"',
  "”": '"',
  "…": "...",
  "→": "->",
  "±": "+-",
  µ: "u",
};

/** `text` in plain ASCII: known symbols spelled out, accents dropped, anything else as `?`. */
export function toAscii(text: string): string {
  return text
    .replace(/[^\x20-\x7e\n]/g, (c) => ASCII[c] ?? c)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e\n]/g, "?");
}

/** Words of `text` in lines of at most `width` columns, each starting with `indent`. */
export function wrap(text: string, width = TEXT_WIDTH, indent = "", first = indent): string[] {
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (let word of toAscii(text).split(/\s+/).filter(Boolean)) {
    while (word.length > width - indent.length) {
      if (!fresh) lines.push(line);
      const room = width - indent.length;
      lines.push(indent + word.slice(0, room));
      word = word.slice(room);
      line = indent;
      fresh = true;
    }
    if (!fresh && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      fresh = true;
    }
    line += fresh ? word : ` ${word}`;
    fresh = false;
  }
  if (!fresh || lines.length === 0) lines.push(line);
  return lines;
}

/** The text of report.txt. */
export function renderText(results: BenchResults, agg: Aggregate): string {
  const lines = ["dmafuzz benchmark summary", ""];
  for (const line of environmentLines(results)) lines.push(...wrap(line, TEXT_WIDTH, "  ", "- "));
  lines.push(
    "",
    ...wrap(
      "Tables: median over trials [bootstrap 95% CI]. Verdicts against the suite's baseline: lower/higher where a two-sided Mann-Whitney U test and Vargha-Delaney A12 show a clear difference, ~ where they do not. Sweeps: mean over trials per point; crossovers are where a rate's 95% band first leaves 0 or 100%.",
    ),
  );
  for (const suite of results.suites) lines.push("", ...suiteText(suite, agg));
  return `${lines.map((l) => toAscii(l).trimEnd()).join("\n")}\n`;
}

function suiteText(suite: SuiteInfo, agg: Aggregate): string[] {
  const lines = [`=== ${suite.name} ===`, "", ...wrap(suite.description)];
  if (suite.tradeoff !== undefined) lines.push("", ...wrap(`Trade-off: ${suite.tradeoff}`));
  lines.push("", ...wrap(`Baseline: ${suite.baseline}.`));
  const metrics = suite.metrics;
  lines.push("", "Metrics:");
  metrics.forEach((m, i) => lines.push(...wrap(m.label, TEXT_WIDTH, "      ", `  (${key(i)}) `)));
  for (const workload of reportedWorkloads(suite)) {
    const cells = agg.cells.filter((c) => c.suite === suite.name && c.workload === workload.name);
    if (cells.length === 0) continue;
    lines.push("", `--- ${workload.name} ---`);
    lines.push(...comparisonTable(suite, cells));
    lines.push(...verdictTable(suite, agg, workload.name));
  }
  lines.push(...sweepText(suite, agg));
  const c = agg.constancy.find((x) => x.suite === suite.name);
  if (c !== undefined && c.pairs > 0) lines.push("", ...wrap(constancySentence(c)));
  return lines;
}

/** (a), (b), ... for metric columns. */
function key(i: number): string {
  return String.fromCharCode(97 + i);
}

/** A table of `columns` (header, cells) beside a variant column, split so no line passes 80. */
function table(
  variants: readonly string[],
  columns: { head: string; cells: string[] }[],
): string[] {
  const nameWidth = Math.max(7, ...variants.map((v) => v.length));
  const widths = columns.map((c) => Math.max(c.head.length, ...c.cells.map((s) => s.length)));
  const lines: string[] = [];
  let start = 0;
  while (start < columns.length) {
    let end = start;
    let width = nameWidth;
    while (
      end < columns.length &&
      (end === start || width + 2 + (widths[end] as number) <= TEXT_WIDTH)
    ) {
      width += 2 + (widths[end] as number);
      end++;
    }
    const row = (name: string, values: string[]) =>
      [
        name.padEnd(nameWidth),
        ...values.map((v, i) => v.padStart(widths[start + i] as number)),
      ].join("  ");
    const slice = columns.slice(start, end);
    lines.push(
      "",
      row(
        "variant",
        slice.map((c) => c.head),
      ),
    );
    variants.forEach((v, r) =>
      lines.push(
        row(
          v,
          slice.map((c) => c.cells[r] ?? ""),
        ),
      ),
    );
    start = end;
  }
  return lines;
}

function comparisonTable(suite: SuiteInfo, cells: readonly CellStats[]): string[] {
  const variants = suite.variants.filter((v) => cells.some((c) => c.variant === v));
  const columns = suite.metrics.map((metric: MetricInfo, i) => ({
    head: `(${key(i)})`,
    cells: variants.map((variant) => {
      const cell = cells.find((c) => c.variant === variant && c.metric.key === metric.key);
      return cell === undefined ? "n/a" : formatMedianCI(cell.summary.median, cell.ci, metric);
    }),
  }));
  return table(variants, columns);
}

function verdictTable(suite: SuiteInfo, agg: Aggregate, workload: string): string[] {
  const rows = agg.comparisons.filter((c) => c.suite === suite.name && c.workload === workload);
  if (rows.length === 0) return [];
  const variants = suite.variants.filter((v) => rows.some((r) => r.comparison.variant === v));
  const columns = suite.metrics.map((metric, i) => ({
    head: `(${key(i)})`,
    cells: variants.map((variant) => {
      const row = rows.find((r) => r.metric.key === metric.key && r.comparison.variant === variant);
      if (row === undefined) return "n/a";
      if (!differs(row.comparison)) return "~";
      return row.comparison.a12 > 0.5 ? "higher" : "lower";
    }),
  }));
  return ["", `Against ${suite.baseline}:`, ...table(variants, columns)];
}

function sweepText(suite: SuiteInfo, agg: Aggregate): string[] {
  const tables = sweepTables(suite, agg).filter((t) => t.metric.unit === "rate");
  if (tables.length === 0) return [];
  const lines: string[] = [];
  let axis = "";
  for (const t of tables) {
    if (t.axis.name !== axis) {
      axis = t.axis.name;
      lines.push(
        "",
        `--- sweep along ${t.axis.label} ---`,
        "",
        ...wrap(`${t.axis.name}: ${t.axis.description}.`),
      );
    }
    lines.push("", ...wrap(`${t.workload}, ${t.metric.label} (mean) at ${t.axis.name} =`));
    const variants = t.rows.map((r) => r.variant);
    const columns = t.xs.map((x, i) => ({
      head: axisValue(t.axis, x).replace(`${t.axis.name} `, ""),
      cells: t.rows.map((r) => {
        const p = r.points[i];
        return p === undefined ? "n/a" : formatValue(p.mean, t.metric);
      }),
    }));
    lines.push(...table(variants, columns).slice(1));
  }
  const crossings = crossoverLines(suite, agg);
  lines.push("", "Crossovers:");
  if (crossings.length === 0) lines.push("  none: every rate curve stays at 0 or 100%");
  for (const c of crossings) lines.push(...wrap(c, TEXT_WIDTH, "    ", "  - "));
  return lines;
}
