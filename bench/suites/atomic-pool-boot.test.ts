import { describe, expect, it } from "vitest";
import { suite } from "./atomic-pool-boot.js";

const run = (variant: string, workload: string, seed = 1, ops = 300) =>
  suite.runJob({ suite: suite.name, variant, workload, seed, ops });

describe("atomic-pool-boot", () => {
  it("a job is deterministic in its seed and returns every metric and the pool-size series", () => {
    const out = run("has-managed-dma", "x86_64-1g", 4);
    expect(Object.keys(out.metrics).sort()).toEqual(suite.metrics.map((m) => m.key).sort());
    expect(run("has-managed-dma", "x86_64-1g", 4)).toEqual(out);
    expect(run("has-managed-dma", "x86_64-1g", 5)).not.toEqual(out);
    // Pools never shrink (spec 5): the series only grows, from the boot size to the end size.
    const points = out.series.poolKib as [number, number][];
    expect(points[0]).toEqual([0, out.metrics.poolKibAtBoot]);
    expect(points.at(-1)?.[1]).toBe(out.metrics.poolKibAtEnd);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]![1]).toBeGreaterThanOrEqual(points[i - 1]![1]);
    }
  });

  it("spec 4 boot numbers: pool sizes per layout, the same under both variants", () => {
    const expected: Record<string, number> = {
      "x86_64-8g": 3 * 1024, // 1 MiB per pool
      "x86_64-64g": 3 * 4096, // capped at 4 MiB
      "rpi4-4g": 3 * 512,
      "x86_64-1g": 3 * 128, // the 128 KiB floor
      "kdump-256m": 2 * 128, // kernel (from ZONE_DMA32) and dma32; no dma pool
    };
    for (const [workload, kib] of Object.entries(expected))
      for (const variant of suite.variants) {
        expect(run(variant, workload, 1, 2).metrics.poolKibAtBoot, `${variant} ${workload}`).toBe(
          kib,
        );
      }
  });

  it("spec 5: the kdump kernel warns at boot before has_managed_dma() only", () => {
    for (const workload of ["kdump-256m", "kdump-512m"]) {
      const pre = run("pre-has-managed-dma", workload).metrics;
      const post = run("has-managed-dma", workload).metrics;
      // The order-5 warn_alloc splat and "DMA: failed to allocate 128 KiB GFP_KERNEL|GFP_DMA pool".
      expect(pre.bootWarnings).toBe(2);
      expect(post.bootWarnings).toBe(0);
      for (const m of [pre, post]) {
        // GFP_DMA has nowhere to go (no managed ZONE_DMA): NULL, never a block above the mask.
        expect(m.gfpDmaFailureRate).toBe(1);
        expect(m.maskViolations).toBe(0);
        // The other atomic allocations are served.
        expect(m.atomicFailureRate).toBeGreaterThan(0);
        expect(m.atomicFailureRate).toBeLessThan(1);
      }
    }
  });

  it("no other layout warns at boot, and every atomic allocation there is served", () => {
    for (const workload of ["x86_64-1g", "arm64-4g", "rpi4-1g"])
      for (const variant of suite.variants) {
        expect(run(variant, workload).metrics, `${variant} ${workload}`).toMatchObject({
          bootWarnings: 0,
          atomicFailureRate: 0,
          maskViolations: 0,
        });
      }
  });
});
