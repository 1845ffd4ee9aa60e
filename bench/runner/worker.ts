/**
 * A benchmark worker thread: imports each suite it is asked for once, runs the jobs it is sent
 * one at a time and replies with their metrics. Wall time is measured here, around the job only.
 */
import { performance } from "node:perf_hooks";
import { serveJobs } from "../../src/parallel/pool.js";
import type { JobSpec } from "../../src/report/results.js";
import { loadSuite } from "../suites/registry.js";
import type { Suite } from "../suites/suite.js";
import type { JobOutput } from "./pool.js";

const suites = new Map<string, Promise<Suite>>();

serveJobs<JobSpec, JobOutput>(async (job) => {
  let suite = suites.get(job.suite);
  if (suite === undefined) {
    suite = loadSuite(job.suite);
    suites.set(job.suite, suite);
  }
  const runJob = (await suite).runJob;
  const started = performance.now();
  const metrics = runJob(job);
  return { metrics, wallMs: performance.now() - started };
});
