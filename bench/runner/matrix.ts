/**
 * The job matrix: every (suite, variant, workload, seed) of a run, in a fixed order, then every
 * sweep point of the suites' sampled workloads.
 */
import type { JobSpec, SuiteInfo, SweepAxis, SweepRange } from "../../src/report/results.js";

/** Trials per cell unless --trials says otherwise (the design's minimum). */
export const DEFAULT_TRIALS = 10;

/** The seeds of a run with `trials` trials per cell: 1..trials, the same for every variant. */
export function trialSeeds(trials: number): number[] {
  return Array.from({ length: trials }, (_, i) => i + 1);
}

/** `--sweep AXIS=FROM..TO:STEPS`: new points for the axis called `axis` in every suite that has it. */
export interface SweepRequest extends SweepRange {
  axis: string;
}

/** Which sweeps a run makes: each axis's own points, `--sweep`'s for one axis, or none. */
export interface SweepPlan {
  /** Run no sweep at all (headline cells only). */
  none?: boolean;
  /** Points that replace the defaults of the axes with this name. */
  request?: SweepRequest;
  /** Run the suites' scripted scenarios as cells too. */
  scenarios?: boolean;
}

/** The values of a range: `steps` evenly spaced points from `from` to `to` (rounded if integer). */
export function sweepPoints(range: SweepRange, integer: boolean): number[] {
  const { from, to, steps } = range;
  const points: number[] = [];
  for (let i = 0; i < steps; i++) {
    const x = steps === 1 ? from : from + ((to - from) * i) / (steps - 1);
    // Twelve significant digits: 0.1 + 0.2 is written as 0.3, so keys and labels stay tidy.
    const value = integer ? Math.round(x) : Number(x.toPrecision(12));
    if (!points.includes(value)) points.push(value);
  }
  return points;
}

/** The points an axis runs at in this run. */
export function axisPoints(axis: SweepAxis, quick: boolean, plan: SweepPlan = {}): number[] {
  if (plan.none) return [];
  const range = plan.request?.axis === axis.name ? plan.request : quick ? axis.quick : axis.full;
  return sweepPoints(range, axis.integer);
}

/**
 * Every job of `suites` with `trials` trials per cell. Every variant of a workload runs the same
 * seeds, so the comparison with the baseline is paired on the workload's draws; a sweep's points
 * run the same seeds too, so a curve's steps differ by the axis value, not by the other draws.
 * `opsPerJob` overrides the suites' own job sizes.
 */
export function buildMatrix(
  suites: readonly SuiteInfo[],
  trials: number,
  quick: boolean,
  opsPerJob?: number,
  plan: SweepPlan = {},
): JobSpec[] {
  const jobs: JobSpec[] = [];
  for (const suite of suites) {
    const ops = opsPerJob ?? (quick ? suite.opsPerJob.quick : suite.opsPerJob.full);
    const cell = (workload: string, sweep?: JobSpec["sweep"]) => {
      for (const seed of trialSeeds(trials)) {
        for (const variant of suite.variants) {
          jobs.push({ suite: suite.name, variant, workload, seed, ops, ...(sweep && { sweep }) });
        }
      }
    };
    for (const { name: workload } of suite.workloads) cell(workload);
    if (plan.scenarios) for (const { name } of suite.scenarios ?? []) cell(name);
    for (const axis of suite.sweeps ?? []) {
      for (const value of axisPoints(axis, quick, plan)) {
        for (const workload of axis.workloads) cell(workload, { axis: axis.name, value });
      }
    }
  }
  return jobs;
}
