import { describe, expect, it } from "vitest";
import { suite } from "./alsa-resume.js";

const run = (variant: string, workload: string, seed = 1, ops = 2) =>
  suite.runJob({ suite: suite.name, variant, workload, seed, ops }).metrics;

const POLICIES = ["upstream", "noretry-nonIOMMU", "iwai-a", "iwai-b", "noretry-legacy"];

describe("alsa-resume", () => {
  it("a job is deterministic in its seed, returns every metric and one latency per resume", () => {
    const out = suite.runJob({
      suite: suite.name,
      variant: "iwai-b@v6.6",
      workload: "no-iommu",
      seed: 2,
      ops: 3,
    });
    expect(Object.keys(out.metrics).sort()).toEqual(suite.metrics.map((m) => m.key).sort());
    expect(out.series.latencyMs).toHaveLength(3);
    expect(run("iwai-b@v6.6", "no-iommu", 2)).toEqual(out.metrics);
  });

  it("spec 5: contiguous MAYFAIL without an IOMMU hangs every resume on v6.6, falls back on v6.8", () => {
    for (const seed of [1, 2]) {
      const pre = run("upstream@v6.6", "no-iommu", seed);
      expect(pre.hangRate).toBe(1);
      expect(pre.latencyP50Ms).toBeGreaterThanOrEqual(120_000);
      const post = run("upstream@v6.8", "no-iommu", seed);
      expect(post).toMatchObject({ hangRate: 0, audioLossRate: 0 });
      expect(post.chunksPerBuffer).toBeGreaterThan(1);
      expect(post.latencyMaxMs).toBeLessThan(1000);
    }
  });

  it("spec 5: the IOMMU backoff never hangs, on either page allocator", () => {
    for (const workload of ["iommu-vtd", "iommu-amd"])
      for (const policy of POLICIES)
        for (const pa of ["v6.6", "v6.8"]) {
          const m = run(`${policy}@${pa}`, workload, 1, 1);
          expect(m.hangRate, `${policy}@${pa} ${workload}`).toBe(0);
        }
    // VT-d has no order between 0 and 9: a 128-page buffer is 128 single pages.
    expect(run("upstream@v6.6", "iommu-vtd").chunksPerBuffer).toBe(128);
  });

  it("spec 5: the v1 patch and both of Iwai's proposals never hang without an IOMMU", () => {
    for (const policy of ["noretry-nonIOMMU", "iwai-a", "iwai-b"])
      for (const pa of ["v6.6", "v6.8"]) {
        expect(run(`${policy}@${pa}`, "no-iommu", 1, 1).hangRate, `${policy}@${pa}`).toBe(0);
      }
  });

  it("spec 5: Xen PV's MAYFAIL coherent chunks hang in NOIO on v6.6 only", () => {
    expect(run("xen-pv@v6.6", "no-iommu").hangRate).toBe(1);
    expect(run("xen-pv@v6.8", "no-iommu").hangRate).toBe(0);
  });
});
