/**
 * Sweeps in a results file: per suite, axis, workload, variant and metric, the mean over trials
 * at each point with a bootstrap 95% interval of the mean (the curve and its band), and the
 * crossovers: where a rate curve rises above 0 or falls below 100%, i.e. where a variant starts
 * to hang, fail or lose audio. A pure function of the file, like ./aggregate.ts.
 */
import { bootstrapCI } from "../stats/bootstrap.js";
import type { BenchResults, JobRecord, MetricInfo, SuiteInfo, SweepAxis } from "./results.js";

/** One point of a curve. */
export interface SweepPoint {
  x: number;
  n: number;
  mean: number;
  /** Bootstrap 95% interval of the mean. */
  ci: [number, number];
}

/** One metric of one variant along one axis on one workload. */
export interface SweepCurve {
  suite: string;
  axis: SweepAxis;
  workload: string;
  variant: string;
  metric: MetricInfo;
  points: SweepPoint[];
}

/** Where a rate curve leaves 0 (`rises`) or 100% (`falls`). */
export interface Crossover {
  curve: SweepCurve;
  kind: "rises" | "falls";
  /** The first point whose whole band is off the bound. */
  at: SweepPoint;
  /** The first point whose mean is off the bound (at or before `at`). */
  firstSeen: SweepPoint;
}

const mean = (values: readonly number[]) => values.reduce((t, v) => t + v, 0) / values.length;

/** Every curve of every sweep in `results`, in suite, axis, workload, metric, variant order. */
export function sweepCurves(results: BenchResults): SweepCurve[] {
  const curves: SweepCurve[] = [];
  for (const suite of results.suites) {
    for (const axis of suite.sweeps ?? []) {
      const jobs = results.jobs.filter(
        (j) => j.suite === suite.name && j.sweep?.axis === axis.name,
      );
      if (jobs.length === 0) continue;
      for (const workload of axis.workloads) {
        const mine = jobs.filter((j) => j.workload === workload);
        for (const metric of suite.metrics) {
          for (const variant of suite.variants) {
            const points = curvePoints(mine, variant, metric.key);
            if (points.length > 0)
              curves.push({ suite: suite.name, axis, workload, variant, metric, points });
          }
        }
      }
    }
  }
  return curves;
}

function curvePoints(jobs: readonly JobRecord[], variant: string, key: string): SweepPoint[] {
  const byX = new Map<number, number[]>();
  for (const job of jobs) {
    const value = job.metrics[key];
    if (job.variant !== variant || job.sweep === undefined || value === undefined) continue;
    const values = byX.get(job.sweep.value) ?? [];
    values.push(value);
    byX.set(job.sweep.value, values);
  }
  return [...byX.entries()]
    .sort(([a], [b]) => a - b)
    .map(([x, values]) => ({
      x,
      n: values.length,
      mean: mean(values),
      ci: bootstrapCI(values, mean),
    }));
}

/**
 * The crossovers of the rate curves: a curve that starts low (mean below 50% at its first point)
 * rises where its band first leaves 0; one that starts high falls where its band leaves 100%.
 */
export function crossovers(curves: readonly SweepCurve[]): Crossover[] {
  const out: Crossover[] = [];
  for (const curve of curves) {
    const start = curve.points[0];
    if (curve.metric.unit !== "rate" || start === undefined) continue;
    const found =
      start.mean < 0.5
        ? find(
            curve.points,
            (p) => p.mean > 0,
            (p) => p.ci[0] > 0,
          )
        : find(
            curve.points,
            (p) => p.mean < 1,
            (p) => p.ci[1] < 1,
          );
    if (found) out.push({ curve, kind: start.mean < 0.5 ? "rises" : "falls", ...found });
  }
  return out;
}

function find(
  points: readonly SweepPoint[],
  seen: (p: SweepPoint) => boolean,
  clear: (p: SweepPoint) => boolean,
): { at: SweepPoint; firstSeen: SweepPoint } | null {
  const at = points.find(clear);
  const firstSeen = points.find(seen);
  return at === undefined || firstSeen === undefined ? null : { at, firstSeen };
}

/** An axis value with its unit, e.g. `pressure 0.6` or `pin 20 ms`. */
export function axisValue(axis: SweepAxis, x: number): string {
  return `${axis.name} ${x}${axis.unit === "" ? "" : ` ${axis.unit}`}`;
}

/** The words of a crossover, shared by the Markdown and text reports. */
export function crossoverSentence(c: Crossover, format: (v: number) => string): string {
  const { curve, at, firstSeen } = c;
  const bound = c.kind === "rises" ? "rises above 0" : "falls below 100%";
  const seen = firstSeen.x === at.x ? "" : ` (first seen at ${axisValue(curve.axis, firstSeen.x)})`;
  const start = at.x === curve.points[0]?.x ? " already at the first point" : "";
  return `${curve.variant} on ${curve.workload}: ${curve.metric.label} ${bound} at ${axisValue(curve.axis, at.x)}${start}${seen}: ${format(at.mean)} [${format(at.ci[0])}, ${format(at.ci[1])}]`;
}

/** The sweeps of one suite in the run (axes with jobs). */
export function suiteAxes(suite: SuiteInfo, curves: readonly SweepCurve[]): SweepAxis[] {
  return (suite.sweeps ?? []).filter((axis) =>
    curves.some((c) => c.suite === suite.name && c.axis.name === axis.name),
  );
}
