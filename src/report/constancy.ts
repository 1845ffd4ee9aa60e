/**
 * How much a run measures rather than restates: the (cell, metric) pairs whose value is the same
 * in every trial. A cell here is a headline (suite, workload, variant) or a sweep point of one;
 * a pair with a single trial is not counted.
 */
import type { BenchResults, SuiteInfo } from "./results.js";

/** Constant and counted pairs of one suite, and the constant ones per metric key. */
export interface Constancy {
  suite: string;
  pairs: number;
  constant: number;
  /** Of `pairs` and `constant`: those the suite documents as constant by construction. */
  byConstruction: number;
  byConstructionConstant: number;
  byMetric: Record<string, number>;
}

/** Whether the suite documents (workload, variant, metric) as constant by construction. */
export function isConstantByConstruction(
  suite: SuiteInfo,
  workload: string,
  variant: string,
  metric: string,
  axis?: string,
): boolean {
  return (suite.constantByConstruction ?? []).some(
    (c) =>
      c.metric === metric &&
      (c.axis === undefined || c.axis === axis) &&
      (c.variants === undefined || c.variants.includes(variant)) &&
      (c.workloads === undefined || c.workloads.includes(workload)),
  );
}

/** The share of counted pairs that are constant, leaving out those documented as constant. */
export function constantShare(c: Constancy): number {
  const pairs = c.pairs - c.byConstruction;
  return pairs === 0 ? 0 : (c.constant - c.byConstructionConstant) / pairs;
}

/** Counts the constant (cell, metric) pairs of every suite in `results`. */
export function constancy(results: BenchResults): Constancy[] {
  return results.suites.map((suite) => {
    const cells = new Map<
      string,
      { workload: string; variant: string; axis?: string; trials: Record<string, number>[] }
    >();
    for (const job of results.jobs) {
      if (job.suite !== suite.name) continue;
      const point = job.sweep === undefined ? "" : `${job.sweep.axis}=${job.sweep.value}`;
      const key = `${job.workload}|${job.variant}|${point}`;
      const cell = cells.get(key) ?? {
        workload: job.workload,
        variant: job.variant,
        ...(job.sweep && { axis: job.sweep.axis }),
        trials: [],
      };
      cell.trials.push(job.metrics);
      cells.set(key, cell);
    }
    const out: Constancy = {
      suite: suite.name,
      pairs: 0,
      constant: 0,
      byConstruction: 0,
      byConstructionConstant: 0,
      byMetric: {},
    };
    for (const { workload, variant, axis, trials } of cells.values()) {
      if (trials.length < 2) continue;
      for (const { key } of suite.metrics) {
        const documented = isConstantByConstruction(suite, workload, variant, key, axis);
        out.pairs++;
        if (documented) out.byConstruction++;
        const first = trials[0]?.[key];
        if (trials.every((m) => m[key] === first)) {
          out.constant++;
          if (documented) out.byConstructionConstant++;
          out.byMetric[key] = (out.byMetric[key] ?? 0) + 1;
        }
      }
    }
    return out;
  });
}

/** One sentence for the reports, the same words in report.md and report.txt. */
export function constancySentence(c: Constancy): string {
  const rest = `${(constantShare(c) * 100).toFixed(1)}%`;
  return `Constant across trials: ${c.constant} of ${c.pairs} (cell, metric) pairs, ${c.byConstructionConstant} of them documented as constant by construction; ${rest} of the other pairs.`;
}
