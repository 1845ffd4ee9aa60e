/**
 * The tables of pooled sample quantiles (p50, p90, p99, max over every trial's samples), one per
 * samples series and workload, shared by report.md and index.html.
 */
import type { Aggregate } from "./aggregate.js";
import { formatValue } from "./format.js";
import { type SuiteInfo, reportedWorkloads } from "./results.js";

/** One table: its caption, then rows of cells (the first row is the header). */
export interface DistributionTable {
  caption: string;
  rows: string[][];
}

const COUNT = { key: "", label: "", description: "", unit: "count" } as const;

/** The distribution tables of one suite, in series then workload order. */
export function distributionTables(suite: SuiteInfo, agg: Aggregate): DistributionTable[] {
  const tables: DistributionTable[] = [];
  for (const series of (suite.series ?? []).filter((s) => s.kind === "samples")) {
    for (const { name: workload } of reportedWorkloads(suite)) {
      const cells = agg.series.filter(
        (c) => c.suite === suite.name && c.workload === workload && c.series.key === series.key,
      );
      if (cells.length === 0) continue;
      const rows = [["variant", "trials", "samples", "p50", "p90", "p99", "max"]];
      for (const cell of cells) {
        const q = cell.quantiles;
        const name = cell.variant === suite.baseline ? `${cell.variant} (baseline)` : cell.variant;
        const fmt = (x: number) => formatValue(x, COUNT);
        rows.push(
          q === null
            ? [name, String(cell.trials), "0", "n/a", "n/a", "n/a", "n/a"]
            : [
                name,
                String(cell.trials),
                String(q.n),
                fmt(q.p50),
                fmt(q.p90),
                fmt(q.p99),
                fmt(q.max),
              ],
        );
      }
      tables.push({ caption: `${series.label} (${series.unit}), ${workload}`, rows });
    }
  }
  return tables;
}
