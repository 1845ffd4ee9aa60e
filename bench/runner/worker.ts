/**
 * A benchmark worker thread: imports each suite it is asked for once, runs the jobs it is sent
 * one at a time and replies with their metrics. Wall time is measured here, around the job only.
 */
import { performance } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { loadSuite } from "../suites/registry.js";
import type { Suite } from "../suites/suite.js";
import type { JobReply, JobRequest } from "./protocol.js";

const port = parentPort;
if (port === null) throw new Error("bench/runner/worker.js must run in a worker thread");

const suites = new Map<string, Promise<Suite>>();

port.on("message", (request: JobRequest) => {
  void run(request).then((reply) => port.postMessage(reply));
});

async function run({ id, job }: JobRequest): Promise<JobReply> {
  try {
    let suite = suites.get(job.suite);
    if (suite === undefined) {
      suite = loadSuite(job.suite);
      suites.set(job.suite, suite);
    }
    const runJob = (await suite).runJob;
    const started = performance.now();
    const metrics = runJob(job);
    return { id, ok: true, metrics, wallMs: performance.now() - started };
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { id, ok: false, error: text };
  }
}
