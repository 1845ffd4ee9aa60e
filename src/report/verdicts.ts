/** Short forms of comparisons for the verdict tables of the Markdown and HTML reports. */
import type { Comparison } from "../stats/verdict.js";
import type { ComparisonRow } from "./aggregate.js";

/** Whether the verdict reports a clear difference (significant and not negligible). */
export function differs(comparison: Comparison): boolean {
  return !comparison.verdict.startsWith("no clear difference");
}

/** "higher (p = 0.0003, A12 = 0.95)", "lower (...)" or "≈ (p = 0.41)". */
export function shortVerdict(c: Comparison): string {
  const p = c.p < 0.0001 ? "p < 0.0001" : `p = ${c.p.toPrecision(2)}`;
  if (!differs(c)) return `≈ (${p})`;
  return `${c.a12 > 0.5 ? "higher" : "lower"} (${p}, A12 = ${c.a12.toFixed(2)})`;
}

/** Verdict table of one workload: rows are metrics, columns the compared variants. */
export interface VerdictTable {
  variants: string[];
  rows: { metric: string; cells: (Comparison | undefined)[] }[];
}

/** Arranges one workload's comparisons as a table, in suite order. */
export function verdictTable(
  rows: readonly ComparisonRow[],
  variants: readonly string[],
  metrics: readonly { key: string; label: string }[],
): VerdictTable {
  const compared = variants.filter((v) => rows.some((r) => r.comparison.variant === v));
  return {
    variants: compared,
    rows: metrics.map((metric) => ({
      metric: metric.label,
      cells: compared.map(
        (variant) =>
          rows.find((r) => r.metric.key === metric.key && r.comparison.variant === variant)
            ?.comparison,
      ),
    })),
  };
}
