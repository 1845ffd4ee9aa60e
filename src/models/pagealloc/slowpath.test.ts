import { describe, expect, it } from "vitest";
import { bootedModel } from "./model.fixture.js";
import type { AllocResult, PageallocOp, PageallocResult } from "./index.js";
import type { PageallocModel } from "./model.js";

function boot(
  variant: string,
  ramMib = 1024,
  layout: "x86_64" | "x86_64-kdump" = "x86_64",
): PageallocModel {
  return bootedModel(variant, { layout, ram_mib: ramMib });
}

function alloc(m: PageallocModel, order: number, gfp: string, worker = false): AllocResult {
  const r: PageallocResult = m.apply({ op: "alloc", order, gfp, comm: "kworker/u8:3", worker });
  if (r.kind !== "alloc") throw new Error("not an alloc result");
  return r;
}

function apply(m: PageallocModel, op: PageallocOp): number {
  const r = m.apply(op);
  return r.kind === "count" ? r.n : 0;
}

/**
 * A zone with plenty of free memory but no free block of order 7: anon memory everywhere, then
 * all but one page in 64 released, then every remaining order >= 7 block taken by the kernel.
 */
function fragmented(variant: string): PageallocModel {
  const m = boot(variant);
  apply(m, { op: "fill", what: "anon", pages: 1 << 20, pid: 1 });
  apply(m, { op: "release", what: "anon", pid: 1, stride: 64, keep: 0 });
  while (alloc(m, 7, "GFP_NOIO|__GFP_NORETRY|__GFP_NOWARN").outcome === "ok");
  return m;
}

describe("spec 1.8 mechanism A: costly NOIO __GFP_RETRY_MAYFAIL on a fragmented zone", () => {
  const request = "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN";

  it("hangs on v6.6: fake reclaim progress and SKIPPED compaction loop until the 120 s bound", () => {
    const m = fragmented("v6.6");
    m.apply({ op: "scope", noio: true, nofs: false });
    const r = alloc(m, 7, request, true);
    expect(r.outcome).toBe("hang");
    expect(r.latencyNs).toBeGreaterThanOrEqual(120e9);
    expect(r.counters.oomKills).toBe(0);
    expect(r.counters.reclaimedPages).toBe(0);
    expect(r.counters.compactResults.skipped).toBe(r.counters.compactAttempts);
    expect(r.counters.reclaimRounds).toBeGreaterThan(1000);
    expect(m.check()).toEqual([]);
  });

  it("fails fast on v6.8 (803de9000f33): one reclaim round, no compaction", () => {
    const m = fragmented("v6.8");
    m.apply({ op: "scope", noio: true, nofs: false });
    const r = alloc(m, 7, request, true);
    expect(r.outcome).toBe("fail");
    expect(r.counters.reclaimRounds).toBe(1);
    expect(r.latencyNs).toBeLessThan(1e9);
    expect(r.warnings).toEqual([]);
  });

  it("the same request under the suspend gfp mask hangs on v6.6 and fails on v6.8", () => {
    for (const [variant, outcome] of [
      ["v6.6", "hang"],
      ["v6.8", "fail"],
    ] as const) {
      const m = fragmented(variant);
      m.apply({ op: "suspend", on: true });
      expect(alloc(m, 7, request, true).outcome).toBe(outcome);
    }
  });

  it("IOMMU-style backoff (NORETRY on all but order 0) never hangs, on either variant", () => {
    for (const variant of ["v6.6", "v6.8"]) {
      const m = fragmented(variant);
      m.apply({ op: "scope", noio: true, nofs: false });
      const big = alloc(m, 7, `${request}|__GFP_NORETRY`, true);
      expect(big.outcome).toBe("fail");
      for (let k = 0; k < 128; k++) expect(alloc(m, 0, request, true).outcome).toBe("ok");
    }
  });

  it("with __GFP_IO the request compacts the movable pages and succeeds on both variants", () => {
    for (const variant of ["v6.6", "v6.8"]) {
      const m = fragmented(variant);
      const r = alloc(m, 7, request);
      expect(r.outcome).toBe("ok");
      expect(r.counters.compactResults.success).toBeGreaterThan(0);
      expect(m.check()).toEqual([]);
    }
  });
});

describe("spec 1.8 mechanism B: reclaimed pages stolen by other tasks", () => {
  it("hangs on both variants with IO allowed while others take every reclaimed page", () => {
    for (const variant of ["v6.6", "v6.8"]) {
      const m = boot(variant);
      // Page cache everywhere, then anon faults push free memory down to the min watermark.
      apply(m, { op: "fill", what: "file", pages: 1 << 20, pid: 1 });
      apply(m, { op: "fill", what: "anon", pages: 20_000, pid: 2 });
      m.apply({ op: "stealers", pages: 4096 });
      const r = alloc(m, 9, "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN");
      expect(r.outcome).toBe("hang");
      expect(r.counters.oomKills).toBe(0);
      expect(r.counters.reclaimedPages).toBeGreaterThan(0);
    }
  });
});

describe("spec 1.9 decision table rows", () => {
  it("GFP_NOWAIT and GFP_ATOMIC: freelist only, NULL with warn_alloc, never sleep", () => {
    const m = fragmented("v6.8");
    for (const gfp of ["GFP_NOWAIT", "GFP_ATOMIC"]) {
      const r = alloc(m, 7, gfp);
      expect(r.outcome).toBe("fail");
      expect(r.slept).toBe(false);
      expect(r.counters.reclaimRounds + r.counters.compactAttempts).toBe(0);
    }
  });

  it("warn_alloc prints the kernel's text once per 10 s (nopage_rs)", () => {
    const m = fragmented("v6.8");
    const first = alloc(m, 7, "GFP_NOWAIT");
    expect(first.warnings).toEqual([
      "kworker/u8:3: page allocation failure: order:7, mode:0x800(GFP_NOWAIT), nodemask=(null)",
    ]);
    const second = alloc(m, 7, "GFP_ATOMIC");
    expect(second.warnings).toEqual([]);
    expect(second.suppressed[0]).toContain("mode:0x820(GFP_ATOMIC)");
    m.apply({ op: "advance", ms: 10_001 });
    expect(alloc(m, 7, "GFP_ATOMIC").warnings).toHaveLength(1);
  });

  it("costly plain GFP_KERNEL: no retry loop, NULL, no OOM", () => {
    const m = fragmented("v6.8");
    m.apply({ op: "pin", pid: 1, pinned: true });
    const r = alloc(m, 7, "GFP_KERNEL|__GFP_NOWARN");
    expect(r.outcome).toBe("fail");
    expect(r.counters.reclaimRounds).toBe(1);
    expect(r.counters.oomKills).toBe(0);
  });

  it("order-0 GFP_KERNEL with nothing reclaimable OOM-kills the biggest process and succeeds", () => {
    const m = boot("v6.8", 512);
    apply(m, { op: "fill", what: "anon", pages: 1 << 20, pid: 2 });
    apply(m, { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 });
    const r = alloc(m, 0, "GFP_KERNEL");
    expect(r.outcome).toBe("ok");
    expect(r.counters.oomKills).toBe(1);
    expect(r.warnings.some((w) => w.startsWith("Out of memory: Killed process 2 (proc2)"))).toBe(
      true,
    );
  });

  it("NORETRY, RETRY_MAYFAIL and GFP_DMA32 requests never invoke the OOM killer", () => {
    for (const gfp of [
      "GFP_KERNEL|__GFP_NORETRY",
      "GFP_KERNEL|__GFP_RETRY_MAYFAIL",
      "GFP_KERNEL|GFP_DMA32",
    ]) {
      const m = boot("v6.8", 512);
      apply(m, { op: "fill", what: "anon", pages: 1 << 20, pid: 2 });
      apply(m, { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 });
      const r = alloc(m, 0, `${gfp}|__GFP_NOWARN`);
      expect(r.outcome).toBe("fail");
      expect(r.counters.oomKills).toBe(0);
    }
  });

  it("order-0 GFP_NOFS never fails: out_of_memory reports progress without a kill, so it hangs", () => {
    const m = boot("v6.8", 512);
    apply(m, { op: "fill", what: "anon", pages: 1 << 20, pid: 2 });
    apply(m, { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 });
    const r = alloc(m, 0, "GFP_NOFS");
    expect(r.outcome).toBe("hang");
    expect(r.counters.oomKills).toBe(0);
  });

  it("NOFAIL never returns NULL: with no victim left it hangs", () => {
    const m = boot("v6.8", 512);
    apply(m, { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 });
    expect(alloc(m, 0, "GFP_KERNEL|__GFP_NOFAIL|__GFP_NOWARN").outcome).not.toBe("fail");
  });
});

describe("x86_64 kdump: ZONE_DMA present but without managed pages", () => {
  it("has a ZONE_DMA with zero managed pages", () => {
    const m = boot("v6.8", 256, "x86_64-kdump");
    const dma = m.dump().zones.find((z) => z.name === "DMA");
    expect(dma?.present).toBe(160);
    expect(dma?.managed).toBe(0);
    expect(m.mm.node.hasManagedDma()).toBe(false);
  });

  it("a GFP_DMA request fails silently: warn_alloc skips __GFP_DMA without managed DMA (c4dc63f0032c)", () => {
    const m = boot("v6.8", 256, "x86_64-kdump");
    const r = alloc(m, 0, "GFP_KERNEL|GFP_DMA");
    expect(r.outcome).toBe("fail");
    expect(r.counters.oomKills).toBe(0);
    expect(r.warnings).toEqual([]);
    expect(r.suppressed).toEqual([
      "kworker/u8:3: page allocation failure: order:0, mode:0xcc1(GFP_KERNEL|GFP_DMA), nodemask=(null) [no managed ZONE_DMA]",
    ]);
  });
});
