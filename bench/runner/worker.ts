/**
 * A benchmark worker thread: imports each suite it is asked for once, runs the jobs it is sent
 * one at a time and replies with their metrics and down-sampled series. Wall time is measured
 * here, around the job only.
 */
import { performance } from "node:perf_hooks";
import { serveJobs } from "../../src/parallel/pool.js";
import type { JobSpec } from "../../src/report/results.js";
import { downsampleSeries } from "../../src/report/series.js";
import { loadSuite } from "../suites/registry.js";
import { type AnySuite, jobResult } from "../suites/suite.js";
import type { JobOutput } from "./pool.js";

const suites = new Map<string, Promise<AnySuite>>();

serveJobs<JobSpec, JobOutput>(async (job) => {
  let loading = suites.get(job.suite);
  if (loading === undefined) {
    loading = loadSuite(job.suite);
    suites.set(job.suite, loading);
  }
  const suite = await loading;
  const started = performance.now();
  const { metrics, series } = jobResult(suite.runJob(job));
  const wallMs = performance.now() - started;
  if (suite.series === undefined || suite.series.length === 0) return { metrics, wallMs };
  return { metrics, wallMs, series: downsampleSeries(series, suite.series) };
});
