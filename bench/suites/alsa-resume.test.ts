import { describe, expect, it } from "vitest";
import { suite } from "./alsa-resume.js";

const run = (variant: string, workload: string, seed = 1, ops = 2) =>
  suite.runJob({ suite: suite.name, variant, workload, seed, ops }).metrics;

const POLICIES = ["upstream", "noretry-nonIOMMU", "iwai-a", "iwai-b", "noretry-legacy"];

/** A sampled machine's trial with memory pressure pinned at `p`. */
const fleet = (variant: string, workload: string, p: number, seed = 1, ops = 2) =>
  suite.runJob({
    suite: suite.name,
    variant,
    workload,
    seed,
    ops,
    sweep: { axis: "pressure", value: p },
  }).metrics;

describe("alsa-resume on sampled machines: the spec's verdicts at the regimes it describes", () => {
  it("light pressure: no policy hangs or loses audio, with or without an IOMMU", () => {
    for (const workload of ["fleet-no-iommu", "fleet-vtd"])
      for (const policy of [...POLICIES, "xen-pv"]) {
        const m = fleet(`${policy}@v6.6`, workload, 0);
        expect(m, `${policy} ${workload}`).toMatchObject({ hangRate: 0, audioLossRate: 0 });
      }
  });

  it("no IOMMU under fragmentation: contiguous MAYFAIL hangs on v6.6 only; the v1 patch and Iwai's proposals never hang", () => {
    const hung = [1, 2].map((seed) => fleet("upstream@v6.6", "fleet-no-iommu", 0.9, seed));
    expect(hung.every((m) => m.hangRate === 1 && m.latencyP50Ms! >= 120_000)).toBe(true);
    for (const seed of [1, 2]) {
      for (const variant of [
        "upstream@v6.8",
        "noretry-nonIOMMU@v6.6",
        "iwai-a@v6.6",
        "iwai-b@v6.6",
      ]) {
        expect(fleet(variant, "fleet-no-iommu", 0.9, seed).hangRate, variant).toBe(0);
      }
    }
    // Where free memory is not yet short (p = 0.6), the mm fix's fallback delivers in chunks.
    const post = fleet("upstream@v6.8", "fleet-no-iommu", 0.6, 1, 4);
    expect(post).toMatchObject({ hangRate: 0, audioLossRate: 0 });
    expect(post.chunksPerBuffer).toBeGreaterThan(1);
  });

  it("an IOMMU under heavy pressure: __GFP_NORETRY at the smallest order loses audio where MAYFAIL reclaims and delivers", () => {
    for (const workload of ["fleet-vtd", "fleet-amd"]) {
      for (const policy of ["noretry-legacy", "iwai-a"]) {
        expect(fleet(`${policy}@v6.6`, workload, 0.9).audioLossRate, policy).toBe(1);
      }
      for (const policy of ["upstream", "iwai-b", "noretry-nonIOMMU"]) {
        const m = fleet(`${policy}@v6.6`, workload, 0.9);
        expect(m, `${policy} ${workload}`).toMatchObject({ hangRate: 0, audioLossRate: 0 });
        // Reclaiming page cache one pass at a time takes hundreds of ms of virtual time.
        expect(m.latencyP50Ms).toBeGreaterThan(100);
      }
    }
  });

  it("the IOMMU backoff never hangs, at any pressure, on either page allocator", () => {
    for (const p of [1])
      for (const policy of POLICIES)
        for (const pa of ["v6.6", "v6.8"]) {
          expect(
            fleet(`${policy}@${pa}`, "fleet-vtd", p, 2, 1).hangRate,
            `${policy}@${pa} p=${p}`,
          ).toBe(0);
        }
  });

  it("trials differ the way machines in a fleet differ", () => {
    const draws = [1, 2, 3, 4, 5, 6].map((seed) =>
      suite.runJob({
        suite: suite.name,
        variant: "upstream@v6.8",
        workload: "fleet-vtd",
        seed,
        ops: 1,
      }),
    );
    expect(new Set(draws.map((d) => d.series.latencyMs?.[0])).size).toBeGreaterThan(1);
  });
});

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
    expect(run("iwai-b@v6.6", "no-iommu", 2, 3)).toEqual(out.metrics);
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
