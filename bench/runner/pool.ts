/**
 * The benchmark jobs on the generic worker_threads pool (src/parallel/pool.ts): each worker runs
 * one job at a time, so long and short jobs balance across workers; results reach `onResult`
 * in completion order and the caller persists them.
 */
import { availableParallelism } from "node:os";
import { runWorkerPool, type WorkerPoolOutcome } from "../../src/parallel/pool.js";
import { builtSibling } from "../../src/paths.js";
import type { JobRecord, JobSeries, JobSpec } from "../../src/report/results.js";

/** What a benchmark worker returns for a job. */
export interface JobOutput {
  metrics: Record<string, number>;
  wallMs: number;
  /** Down-sampled series, when the suite declares any. */
  series?: JobSeries;
  /** The message of a user's policy fault that failed the job. */
  failed?: string;
}

/** Workers used when none are asked for: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** Options of {@link runPool}. */
export interface PoolOptions {
  workers: number;
  /** Called in the main thread as each job finishes. */
  onResult: (record: JobRecord) => void;
  /** Stops the run: workers are terminated, jobs in flight are dropped. */
  signal?: AbortSignal;
  /** Users' policy modules (absolute paths) every worker loads. */
  policyFiles?: readonly string[];
}

/** Runs `jobs` on `workers` threads; rejects on the first job that throws or worker that dies. */
export function runPool(
  jobs: readonly JobSpec[],
  options: PoolOptions,
): Promise<WorkerPoolOutcome> {
  return runWorkerPool<JobSpec, JobOutput>(jobs, {
    script: builtSibling(import.meta.url, "worker.js"),
    workers: options.workers,
    signal: options.signal,
    workerData: { policyFiles: options.policyFiles ?? [] },
    describe: (job) => `${job.suite} ${job.variant} ${job.workload} seed ${job.seed}`,
    affinity: (job) => job.suite,
    onResult: (out, job) =>
      options.onResult({
        ...job,
        metrics: out.metrics,
        wallMs: round(out.wallMs),
        ...(out.series && { series: out.series }),
        ...(out.failed !== undefined && { failed: out.failed }),
      }),
  });
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
