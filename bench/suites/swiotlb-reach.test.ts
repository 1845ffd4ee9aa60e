import { describe, expect, it } from "vitest";
import { suite } from "./swiotlb-reach.js";

const spec = (variant: string, workload: string, seed: number, ops = 480) => ({
  suite: suite.name,
  variant,
  workload,
  seed,
  ops,
});

describe("swiotlb-reach", () => {
  it("a job is deterministic in its seed and returns every metric", () => {
    const metrics = suite.runJob(spec("v7.1", "untrusted-16k", 3));
    expect(Object.keys(metrics).sort()).toEqual(suite.metrics.map((m) => m.key).sort());
    expect(suite.runJob(spec("v7.1", "untrusted-16k", 3))).toEqual(metrics);
    expect(suite.runJob(spec("v7.1", "untrusted-16k", 4))).not.toEqual(metrics);
  });

  it("v6.9 and v7.1 areas miss runs that fit under 64 KiB granules; the proposal misses none", () => {
    const seeds = [1, 2];
    const missed = (variant: string) =>
      seeds.reduce(
        (n, s) =>
          n + (suite.runJob(spec(variant, "untrusted-64k", s, 960)).idleAreaMissRate as number),
        0,
      );
    expect(missed("v7.1")).toBeGreaterThan(0);
    expect(missed("v6.9")).toBeGreaterThan(0);
    const proposal = suite.runJob(spec("proposal-aligned-wrap", "untrusted-64k", 1, 960));
    expect(proposal.idleAreaMissRate).toBe(0);
    expect(proposal.areaMissRate).toBe(0);
    expect(proposal.fitRefusedRate).toBe(0);
  });

  it("names a baseline among its variants and refuses an unknown variant", () => {
    expect(suite.variants).toContain(suite.baseline);
    const keys = suite.metrics.map((m) => m.key);
    for (const key of suite.rateChart) expect(keys).toContain(key);
    expect(() => suite.runJob(spec("v6.8", "nvme-direct", 1))).toThrow(/unknown swiotlb-reach/);
  });
});
