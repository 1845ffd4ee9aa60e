import { describe, expect, it } from "vitest";
import { suite } from "./swiotlb-dynamic.js";

const spec = (variant: string, workload: string, seed: number, ops = 2500) => ({
  suite: suite.name,
  variant,
  workload,
  seed,
  ops,
});
/** The metrics of one job. */
const run = (variant: string, workload: string, seed: number, ops?: number) =>
  suite.runJob(spec(variant, workload, seed, ops)).metrics;

describe("swiotlb-dynamic", () => {
  it("a job is deterministic in its seed and returns every metric", () => {
    const record = suite.runJob(spec("v6.9-dynamic", "nvme", 3));
    expect(Object.keys(record.metrics).sort()).toEqual(suite.metrics.map((m) => m.key).sort());
    expect(suite.runJob(spec("v6.9-dynamic", "nvme", 3))).toEqual(record);
    expect(suite.runJob(spec("v6.9-dynamic", "nvme", 4))).not.toEqual(record);
    // Bounce memory over virtual time: one point per burst boundary, time increasing.
    const points = record.series.reservedMiB as readonly (readonly [number, number])[];
    expect(points.length).toBeGreaterThan(10);
    for (let i = 1; i < points.length; i++)
      expect(points[i]![0]).toBeGreaterThan(points[i - 1]![0]);
    expect(Math.max(...points.map((p) => p[1]))).toBe(record.metrics.peakReservedMiB);
  });

  it("agrees with the spec on RPi4 4K frames: static and merged dynamic refuse segments over 256 KiB, the RFC maps them with GFP_KERNEL", () => {
    for (const variant of ["v6.9", "v6.9-256M", "v6.9-dynamic"]) {
      const r = run(variant, "rpi4-4k", 1);
      expect(r.oversizeFailureRate, variant).toBe(1);
      expect(r.mapFailureRate, variant).toBeGreaterThan(0);
    }
    const rfc = run("rfc-v1", "rpi4-4k", 1);
    expect(rfc.mapFailureRate).toBe(0);
    expect(rfc.gfpKernelAllocs).toBeGreaterThan(0);
    expect(rfc.peakReservedMiB).toBeGreaterThan(64);
  });

  it("the merged design grows under NVMe overflow (GFP_KERNEL in the worker, GFP_NOWAIT per map) and walks more pools per lookup", () => {
    const dynamic = run("v6.9-dynamic", "nvme", 2, 6000);
    const fixed = run("v6.9", "nvme", 2, 6000);
    expect(dynamic.peakReservedMiB).toBeGreaterThan(64);
    expect(dynamic.gfpKernelAllocs).toBeGreaterThan(0);
    expect(dynamic.gfpNowaitAllocs).toBeGreaterThan(0);
    expect(dynamic.poolsWalkedPerLookup).toBeGreaterThan(fixed.poolsWalkedPerLookup as number);
    expect(fixed.peakReservedMiB).toBe(64);
    expect(run("v6.9-256M", "packets", 1).peakReservedMiB).toBe(256);
  });

  it("names a baseline among its variants and refuses an unknown variant", () => {
    expect(suite.variants).toContain(suite.baseline);
    const keys = suite.metrics.map((m) => m.key);
    for (const key of suite.rateChart) expect(keys).toContain(key);
    expect(() => run("v9.9", "nvme", 1)).toThrow(/unknown swiotlb-dynamic variant/);
  });
});
