/**
 * A worker_threads pool for deterministic jobs: each worker gets one job at a time and the next
 * as soon as it replies, so long and short jobs balance across workers. With an affinity key,
 * a worker keeps to jobs of one key while there are any (see {@link JobQueues}). Results reach
 * `onResult` in completion order; the caller persists them. The worker script answers each
 * {@link PoolRequest} with a {@link PoolReply} (see {@link serveJobs}).
 */
import { Worker } from "node:worker_threads";

/** Pool to worker: run this job. */
export interface PoolRequest<Job> {
  id: number;
  job: Job;
}

/** Worker to pool: the job's result, or the error it threw. */
export type PoolReply<Result> =
  { id: number; ok: true; result: Result } | { id: number; ok: false; error: string };

export interface WorkerPoolOptions<Job, Result> {
  /** The compiled worker script (it calls serveJobs). */
  script: string;
  workers: number;
  onResult: (result: Result, job: Job) => void;
  /** Stops the run: workers are terminated, jobs in flight are dropped. */
  signal?: AbortSignal;
  /** Passed to every worker as workerData. */
  workerData?: unknown;
  /** Names a job in error messages. */
  describe?: (job: Job) => string;
  /**
   * Jobs with the same key run the same code (a benchmark suite, a fuzz target): each worker
   * keeps to one key while it has jobs, so the JIT compiles that code in fewer isolates.
   */
  affinity?: (job: Job) => string;
}

/** How a pool run ended. */
export interface WorkerPoolOutcome {
  completed: number;
  interrupted: boolean;
}

/** Runs `jobs` on up to `workers` threads; rejects on the first job that throws or worker that dies. */
export function runWorkerPool<Job, Result>(
  jobs: readonly Job[],
  options: WorkerPoolOptions<Job, Result>,
): Promise<WorkerPoolOutcome> {
  const count = Math.min(options.workers, jobs.length);
  if (count === 0 || options.signal?.aborted) {
    return Promise.resolve({ completed: 0, interrupted: options.signal?.aborted ?? false });
  }
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const queues = new JobQueues(jobs, options.affinity);
    let completed = 0;
    let settled = false;
    const finish = (outcome: WorkerPoolOutcome | Error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      void Promise.all(workers.map((w) => w.terminate())).then(() =>
        outcome instanceof Error ? reject(outcome) : resolve(outcome),
      );
    };
    const onAbort = () => finish({ completed, interrupted: true });
    options.signal?.addEventListener("abort", onAbort);
    const dispatch = (worker: Worker, slot: number) => {
      const id = queues.take(slot);
      if (id === undefined) return;
      const request: PoolRequest<Job> = { id, job: jobs[id] as Job };
      worker.postMessage(request);
    };
    for (let slot = 0; slot < count; slot++) {
      const worker = new Worker(options.script, { workerData: options.workerData });
      workers.push(worker);
      worker.on("message", (reply: PoolReply<Result>) => {
        if (settled) return;
        const job = jobs[reply.id] as Job;
        if (!reply.ok) {
          finish(new Error(`job ${options.describe?.(job) ?? reply.id} failed: ${reply.error}`));
          return;
        }
        // The next job goes out before the caller persists this one (an fsync per result), so
        // the worker computes while the main thread writes.
        dispatch(worker, slot);
        try {
          options.onResult(reply.result, job);
        } catch (error) {
          finish(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        completed++;
        if (completed === jobs.length) finish({ completed, interrupted: false });
      });
      worker.on("error", (error) => finish(error));
      // A worker never exits by itself while jobs remain: any exit before the end is an error.
      worker.on("exit", (code) => {
        if (!settled) finish(new Error(`a worker exited with code ${code}`));
      });
      dispatch(worker, slot);
    }
  });
}

/**
 * The pending jobs grouped by affinity key, in job order within a key. A worker takes the next
 * job of its current key; when that key is done it moves to the key with the most jobs left
 * that no other worker is on, and only when every key is taken does it share one (the key with
 * the most jobs left), so the run still ends with every worker busy.
 */
export class JobQueues<Job> {
  private readonly queues = new Map<string, number[]>();
  /** Per worker slot, the key it works on. */
  private readonly current: (string | undefined)[] = [];

  constructor(jobs: readonly Job[], affinity?: (job: Job) => string) {
    jobs.forEach((job, id) => {
      const key = affinity?.(job) ?? "";
      const queue = this.queues.get(key);
      if (queue === undefined) this.queues.set(key, [id]);
      else queue.push(id);
    });
  }

  /** The next job id for worker `slot`, or undefined when every job has been taken. */
  take(slot: number): number | undefined {
    const own = this.current[slot];
    const key = own !== undefined && this.left(own) > 0 ? own : this.chooseKey(slot);
    this.current[slot] = key;
    return key === undefined ? undefined : this.queues.get(key)?.shift();
  }

  private chooseKey(slot: number): string | undefined {
    const taken = new Set(this.current.filter((k, s) => s !== slot && k !== undefined));
    let best: string | undefined;
    let bestFree = false;
    for (const [key, queue] of this.queues) {
      if (queue.length === 0) continue;
      const free = !taken.has(key);
      const better =
        best === undefined ||
        (free && !bestFree) ||
        (free === bestFree && queue.length > this.left(best));
      if (better) {
        best = key;
        bestFree = free;
      }
    }
    return best;
  }

  private left(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }
}

/** In a worker script: answers every job with `run(job)` (which may be async). */
export function serveJobs<Job, Result>(run: (job: Job) => Result | Promise<Result>): void {
  // Imported lazily so that importing this module in the main thread costs nothing extra.
  void import("node:worker_threads").then(({ parentPort }) => {
    if (parentPort === null) throw new Error("serveJobs must run in a worker thread");
    const port = parentPort;
    port.on("message", async (request: PoolRequest<Job>) => {
      try {
        const result = await run(request.job);
        port.postMessage({ id: request.id, ok: true, result } satisfies PoolReply<Result>);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        port.postMessage({ id: request.id, ok: false, error: message } satisfies PoolReply<Result>);
      }
    });
  });
}
