/** Messages between the pool and its worker threads. */
import type { JobSpec } from "../../src/report/results.js";

/** Pool to worker: run this job. */
export interface JobRequest {
  id: number;
  job: JobSpec;
}

/** Worker to pool: the job's metrics, or the error it threw. */
export type JobReply =
  | { id: number; ok: true; metrics: Record<string, number>; wallMs: number }
  | { id: number; ok: false; error: string };
