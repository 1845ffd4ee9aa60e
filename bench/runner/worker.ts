/**
 * A benchmark worker thread: imports each suite it is asked for once, runs the jobs it is sent
 * one at a time and replies with their metrics and down-sampled series. Wall time is measured
 * here, around the job only.
 */
import { performance } from "node:perf_hooks";
import { workerData } from "node:worker_threads";
import { isPolicyError } from "../../src/models/policy.js";
import { loadPolicyFiles } from "../../src/models/policy-load.js";
import { serveJobs } from "../../src/parallel/pool.js";
import type { JobSpec } from "../../src/report/results.js";
import { downsampleSeries } from "../../src/report/series.js";
import { loadSuite } from "../suites/registry.js";
import { type AnySuite, jobResult } from "../suites/suite.js";
import type { JobOutput } from "./pool.js";

const suites = new Map<string, Promise<AnySuite>>();
const { policyFiles } = workerData as { policyFiles: string[] };
const loadingPolicies = loadPolicyFiles(policyFiles);

serveJobs<JobSpec, JobOutput>(async (job) => {
  let loading = suites.get(job.suite);
  if (loading === undefined) {
    loading = loadSuite(job.suite);
    suites.set(job.suite, loading);
  }
  const suite = await loading;
  await loadingPolicies;
  const started = performance.now();
  let out;
  try {
    out = jobResult(suite.runJob(job));
  } catch (error) {
    // A user's policy at fault fails this job's cell; the run goes on.
    if (!isPolicyError(error)) throw error;
    return { metrics: {}, wallMs: performance.now() - started, failed: error.message };
  }
  const { metrics, series } = out;
  const wallMs = performance.now() - started;
  if (suite.series === undefined || suite.series.length === 0) return { metrics, wallMs };
  return { metrics, wallMs, series: downsampleSeries(series, suite.series) };
});
