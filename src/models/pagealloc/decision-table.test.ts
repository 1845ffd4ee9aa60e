/**
 * Rows of the spec's decision table (section 1.9) that slowpath.test.ts does not cover, each
 * from an explicit memory state: order <= 3 NORETRY, costly NORETRY with the initial async
 * compaction SKIPPED or DEFERRED, the order 1-3 RETRY_MAYFAIL bound, GFP_DMA requests, and
 * order 0-3 GFP_KERNEL looping while OOM kills work (NULL once no victim is left).
 */
import { describe, expect, it } from "vitest";
import { bootedModel } from "./model.fixture.js";
import type { AllocResult } from "./index.js";
import type { PageallocModel } from "./model.js";
import type { PressureKind } from "./ops.js";

function boot(ramMib: number, swapMib = 0): PageallocModel {
  return bootedModel("v6.8", { ram_mib: ramMib, swap_mib: swapMib });
}

function alloc(m: PageallocModel, order: number, gfp: string): AllocResult {
  const r = m.apply({ op: "alloc", order, gfp, comm: "kworker/u8:3", worker: false });
  if (r.kind !== "alloc") throw new Error("not an alloc result");
  return r;
}

function fill(m: PageallocModel, what: PressureKind, pages: number, pid: number): void {
  m.apply({ op: "fill", what, pages, pid });
}

/** 512 MiB whose every free page above the min watermark went to unmovable kernel memory. */
function kernelFull(): PageallocModel {
  const m = boot(512);
  fill(m, "kernel", 1 << 20, 1);
  return m;
}

/** 1 GiB with plenty of free memory but no free block of order 7, all anon pinned. */
function fragmentedPinned(): PageallocModel {
  const m = boot(1024);
  fill(m, "anon", 1 << 20, 1);
  m.apply({ op: "release", what: "anon", pid: 1, stride: 64, keep: 0 });
  while (alloc(m, 7, "GFP_NOIO|__GFP_NORETRY|__GFP_NOWARN").outcome === "ok");
  m.apply({ op: "pin", pid: 1, pinned: true });
  return m;
}

describe("spec 1.9: order <= 3 __GFP_NORETRY", () => {
  it("one reclaim round, the initial and one more compaction for order > 0, no OOM, NULL", () => {
    for (const order of [0, 1, 2, 3]) {
      const r = alloc(kernelFull(), order, "GFP_KERNEL|__GFP_NORETRY");
      expect(r.outcome).toBe("fail");
      expect(r.counters.reclaimRounds).toBe(1);
      expect(r.counters.compactAttempts).toBe(order === 0 ? 0 : 2);
      expect(r.counters.oomKills).toBe(0);
      expect(r.warnings).toEqual([
        `kworker/u8:3: page allocation failure: order:${order}, mode:0x10cc0(GFP_KERNEL|__GFP_NORETRY), nodemask=(null)`,
      ]);
    }
  });
});

describe("spec 1.9: costly __GFP_NORETRY", () => {
  it("fails without reclaim when the initial async compaction is SKIPPED", () => {
    const r = alloc(kernelFull(), 5, "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN");
    expect(r.outcome).toBe("fail");
    expect(r.counters.reclaimRounds).toBe(0);
    expect(r.counters.compactResults).toEqual({ skipped: 1 });
    expect(r.counters.oomKills).toBe(0);
  });

  it("fails without reclaim when compaction is DEFERRED, else after one round of async compaction", () => {
    const m = fragmentedPinned();
    // A plain costly request: its sync compaction completes without a page and defers the zone.
    const plain = alloc(m, 7, "GFP_KERNEL|__GFP_NOWARN");
    expect(plain.outcome).toBe("fail");
    expect(plain.counters.compactResults).toEqual({ complete: 2 });
    const deferred = alloc(m, 7, "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN");
    expect(deferred.outcome).toBe("fail");
    expect(deferred.counters.reclaimRounds).toBe(0);
    expect(deferred.counters.compactResults).toEqual({ deferred: 1 });
    // The deferral has run out: async compaction, one reclaim round, async compaction, NULL.
    const again = alloc(m, 7, "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN");
    expect(again.outcome).toBe("fail");
    expect(again.counters.reclaimRounds).toBe(1);
    expect(again.counters.compactAttempts).toBe(2);
    expect(again.counters.oomKills).toBe(0);
  });
});

describe("spec 1.9: order 1-3 __GFP_RETRY_MAYFAIL", () => {
  it("retries until 17 passes without progress, then fails without the OOM killer", () => {
    for (const order of [1, 2, 3]) {
      // Swap makes the pinned anon memory count as reclaimable, so should_reclaim_retry says
      // yes, but reclaim only rotates the pinned pages: no progress, ever.
      const m = boot(512, 256);
      fill(m, "anon", 40_000, 2);
      m.apply({ op: "pin", pid: 2, pinned: true });
      // The anon fill's leftovers on CPU 0's per-CPU lists go back to the buddy first, so the
      // kernel fill leaves the zone's last free pages in buddy blocks, not on a list.
      m.apply({ op: "drain", cpu: 0 });
      fill(m, "kernel", 1 << 20, 1);
      const r = alloc(m, order, "GFP_KERNEL|__GFP_RETRY_MAYFAIL");
      expect(r.outcome).toBe("fail");
      expect(r.counters.reclaimRounds).toBe(17);
      expect(r.counters.reclaimedPages).toBe(0);
      expect(r.counters.oomKills).toBe(0);
      expect(r.latencyNs).toBeLessThan(1e9);
      expect(r.warnings[0]).toContain(`page allocation failure: order:${order}, mode:0x4cc0(`);
    }
  });
});

describe("spec 1.9: GFP_DMA requests (x86_64, ZONE_DMA managed)", () => {
  it("bounded reclaim, never the OOM killer, NULL with warn_alloc's text", () => {
    for (const order of [0, 1, 3]) {
      const m = boot(1024);
      for (const k of [3, 0])
        while (alloc(m, k, "GFP_KERNEL|GFP_DMA|__GFP_NORETRY|__GFP_NOWARN").outcome === "ok");
      const r = alloc(m, order, "GFP_KERNEL|GFP_DMA");
      expect(r.outcome).toBe("fail");
      expect(r.counters.oomKills).toBe(0);
      expect(r.counters.reclaimRounds).toBeLessThanOrEqual(17);
      expect(r.warnings).toEqual([
        `kworker/u8:3: page allocation failure: order:${order}, mode:0xcc1(GFP_KERNEL|GFP_DMA), nodemask=(null)`,
      ]);
      expect(m.check()).toEqual([]);
    }
  });
});

describe("spec 1.9: order 0-3 GFP_KERNEL and the OOM killer", () => {
  it("goes around the loop again after a kill and succeeds once the kill has freed a block", () => {
    // pid 2 owns every other page (the rest is kernel memory), so killing it frees no order-3
    // block by itself; pid 3's pinned pages cannot be compacted either.
    const m = boot(512);
    fill(m, "anon", 2048, 3);
    fill(m, "anon", 1 << 20, 2);
    m.apply({ op: "release", what: "anon", pid: 2, stride: 2, keep: 0 });
    fill(m, "kernel", 1 << 20, 1);
    m.apply({ op: "pin", pid: 3, pinned: true });
    const r = alloc(m, 3, "GFP_KERNEL");
    expect(r.outcome).toBe("ok");
    expect(r.counters.oomKills).toBe(1);
    expect(r.counters.retries).toBeGreaterThan(1);
    expect(r.warnings[1]).toMatch(/^Out of memory: Killed process 2 \(proc2\)/);
    expect(m.check()).toEqual([]);
  });

  it("returns NULL once there is no victim left", () => {
    const r = alloc(kernelFull(), 0, "GFP_KERNEL");
    expect(r.outcome).toBe("fail");
    expect(r.counters.oomKills).toBe(0);
    expect(r.warnings).toEqual([
      "kworker/u8:3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
      "Out of memory and no killable processes...",
      "kworker/u8:3: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null)",
    ]);
  });
});
