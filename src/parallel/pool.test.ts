import { describe, expect, it } from "vitest";
import { JobQueues } from "./pool.js";

/** Drains the queues as `order` says which worker slot asks next; returns each slot's jobs. */
function drain(queues: JobQueues<string>, jobs: string[], order: number[]): string[][] {
  const got: string[][] = [[], []];
  for (const slot of order) {
    const id = queues.take(slot);
    if (id !== undefined) got[slot]?.push(jobs[id] as string);
  }
  return got;
}

describe("JobQueues", () => {
  it("hands out jobs in order when there is no affinity", () => {
    const jobs = ["a1", "b1", "a2", "b2"];
    const queues = new JobQueues(jobs);
    expect([0, 1, 0, 1, 0].map((slot) => queues.take(slot))).toEqual([0, 1, 2, 3, undefined]);
  });

  it("keeps each worker on one key, then shares the key with the most jobs left", () => {
    const jobs = ["a1", "a2", "a3", "a4", "a5", "b1", "c1", "c2"];
    const queues = new JobQueues(jobs, (job) => job.slice(0, 1));
    // Worker 0 starts on a (most jobs), worker 1 on c (most jobs among the keys not taken), then
    // b once c is done; with b done too, worker 1 helps with a.
    const got = drain(queues, jobs, [0, 1, 1, 1, 0, 1, 0, 0, 1]);
    expect(got[0]).toEqual(["a1", "a2", "a4", "a5"]);
    expect(got[1]).toEqual(["c1", "c2", "b1", "a3"]);
    expect(queues.take(0)).toBeUndefined();
  });

  it("gives every job exactly once, whatever the order of requests", () => {
    const jobs = Array.from({ length: 50 }, (_, i) => `${"abcde"[i % 5]}${i}`);
    const queues = new JobQueues(jobs, (job) => job.slice(0, 1));
    const order = Array.from({ length: 60 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    const got = drain(queues, jobs, order);
    expect([...(got[0] ?? []), ...(got[1] ?? [])].sort()).toEqual([...jobs].sort());
  });
});
