/**
 * A benchmark suite: variants x workloads x metrics, and how to run one job. Adding a suite is
 * one file here exporting `suite`, and one line in ./registry.ts.
 */
import type { JobSpec, SuiteInfo } from "../../src/report/results.js";

/** A suite: its description for reports, and its job. */
export interface Suite extends SuiteInfo {
  /**
   * Runs one job and returns its metrics record (every key of `metrics`). Deterministic in the
   * spec: same spec, same record. Runs in a worker thread, so it must not share state.
   */
  runJob(job: JobSpec): Record<string, number>;
}
