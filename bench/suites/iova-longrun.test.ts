import { describe, expect, it } from "vitest";
import { suite } from "./iova-longrun.js";

const job = (variant: string, workload: string, seed: number, ops = 30_000) => ({
  suite: suite.name,
  variant,
  workload,
  seed,
  ops,
});

describe("iova-longrun", () => {
  it("a job is deterministic in its seed and returns every metric", () => {
    const record = suite.runJob(job("v5.17", "mixed-masks", 4));
    expect(Object.keys(record).sort()).toEqual(suite.metrics.map((m) => m.key).sort());
    expect(suite.runJob(job("v5.17", "mixed-masks", 4))).toEqual(record);
    expect(suite.runJob(job("v5.17", "mixed-masks", 5))).not.toEqual(record);
    for (const m of suite.metrics.filter((m) => m.unit === "rate")) {
      expect(record[m.key]).toBeGreaterThanOrEqual(0);
      expect(record[m.key]).toBeLessThanOrEqual(1);
    }
    expect(record.spuriousFailureRate).toBeLessThanOrEqual(record.failureRate as number);
  });

  it("shows the stale max32_alloc_size of v5.17 and its absence from v5.18 on fragmenting", () => {
    const pre = suite.runJob(job("v5.17", "fragmenting", 1, 100_000));
    const post = suite.runJob(job("v5.18", "fragmenting", 1, 100_000));
    expect(pre.spuriousFailureRate).toBeGreaterThan(0);
    expect(post.spuriousFailureRate).toBe(0);
  });

  it("names a baseline among its variants and rate-chart metrics among its metrics", () => {
    expect(suite.variants).toContain(suite.baseline);
    const keys = suite.metrics.map((m) => m.key);
    for (const key of suite.rateChart) expect(keys).toContain(key);
  });

  it("refuses an unknown variant", () => {
    expect(() => suite.runJob(job("v9.9", "streaming", 1))).toThrow(/unknown iova variant/);
  });
});
