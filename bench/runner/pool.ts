/**
 * A worker_threads pool running benchmark jobs: each worker gets one job at a time and the next
 * as soon as it replies, so long and short jobs balance across workers. Results are handed to
 * `onResult` in completion order; the caller persists them.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { JobRecord, JobSpec } from "../../src/report/results.js";
import { findPackage } from "../../src/paths.js";
import type { JobReply, JobRequest } from "./protocol.js";

/** Workers used when none are asked for: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * The compiled worker script. Under vitest this module is TypeScript, which a worker thread cannot
 * load, so it falls back to the build in dist/ (vitest's global setup builds it).
 */
export function workerScript(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".js")) return join(here, "..", "worker.js");
  return join(findPackage(join(here, "..")).root, "dist", "bench", "runner", "worker.js");
}

/** Options of {@link runPool}. */
export interface PoolOptions {
  workers: number;
  /** Called in the main thread as each job finishes. */
  onResult: (record: JobRecord) => void;
  /** Stops the run: workers are terminated, jobs in flight are dropped. */
  signal?: AbortSignal;
}

/** How a pool run ended. */
export interface PoolOutcome {
  completed: number;
  interrupted: boolean;
}

/** Runs `jobs` on `workers` threads; rejects on the first job that throws or worker that dies. */
export function runPool(jobs: readonly JobSpec[], options: PoolOptions): Promise<PoolOutcome> {
  const count = Math.min(options.workers, jobs.length);
  if (count === 0 || options.signal?.aborted) {
    return Promise.resolve({ completed: 0, interrupted: options.signal?.aborted ?? false });
  }
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let completed = 0;
    let settled = false;
    const finish = (outcome: PoolOutcome | Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        outcome instanceof Error ? reject(outcome) : resolve(outcome),
      );
    };
    const onAbort = () => finish({ completed, interrupted: true });
    options.signal?.addEventListener("abort", onAbort);
    const dispatch = (worker: Worker) => {
      if (next >= jobs.length) return;
      const request: JobRequest = { id: next, job: jobs[next] as JobSpec };
      next++;
      worker.postMessage(request);
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerScript());
      workers.push(worker);
      worker.on("message", (reply: JobReply) => {
        if (settled) return;
        const job = jobs[reply.id] as JobSpec;
        if (!reply.ok) {
          finish(new Error(`job ${describe(job)} failed: ${reply.error}`));
          return;
        }
        try {
          options.onResult({ ...job, metrics: reply.metrics, wallMs: round(reply.wallMs) });
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        completed++;
        if (completed === jobs.length) finish({ completed, interrupted: false });
        else dispatch(worker);
      });
      worker.on("error", (error) => finish(error));
      worker.on("exit", (code) => {
        if (!settled) finish(new Error(`a benchmark worker exited with code ${code}`));
      });
      dispatch(worker);
    }
  });
}

function describe(job: JobSpec): string {
  return `${job.suite} ${job.variant} ${job.workload} seed ${job.seed}`;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
