/** The job matrix: every (suite, variant, workload, seed) of a run, in a fixed order. */
import type { JobSpec, SuiteInfo } from "../../src/report/results.js";

/** Trials per cell unless --trials says otherwise (the design's minimum). */
export const DEFAULT_TRIALS = 10;

/** The seeds of a run with `trials` trials per cell: 1..trials, the same for every variant. */
export function trialSeeds(trials: number): number[] {
  return Array.from({ length: trials }, (_, i) => i + 1);
}

/**
 * Every job of `suites` with `trials` trials per cell. Every variant of a workload runs the same
 * seeds, so the comparison with the baseline is paired on the workload's draws. `opsPerJob`
 * overrides the suites' own job sizes.
 */
export function buildMatrix(
  suites: readonly SuiteInfo[],
  trials: number,
  quick: boolean,
  opsPerJob?: number,
): JobSpec[] {
  const jobs: JobSpec[] = [];
  for (const suite of suites) {
    const ops = opsPerJob ?? (quick ? suite.opsPerJob.quick : suite.opsPerJob.full);
    for (const { name: workload } of suite.workloads) {
      for (const seed of trialSeeds(trials)) {
        for (const variant of suite.variants) {
          jobs.push({ suite: suite.name, variant, workload, seed, ops });
        }
      }
    }
  }
  return jobs;
}
