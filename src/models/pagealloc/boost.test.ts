/**
 * Watermark boost in direct reclaim and compaction: min_wmark_pages(), low_wmark_pages() and
 * high_wmark_pages() are `_watermark[i] + watermark_boost` (include/linux/mmzone.h v6.6, v6.8),
 * so compaction_ready() (mm/vmscan.c), __compaction_suitable() (mm/compaction.c) and
 * should_reclaim_retry() (mm/page_alloc.c) see the same boosted marks as get_page_from_freelist.
 * Without the boost, compaction_ready() said "allocation can already succeed" for a zone the
 * allocation itself refused, reclaim was aborted with a fake progress of 1 and every compaction
 * was SKIPPED, forever (the `fake-reclaim-progress-costly-mayfail-io` campaign finding). Also
 * should_continue_reclaim() of v6.6/v6.8, which has no `nr_reclaimed < compact_gap` stop.
 */
import { describe, expect, it } from "vitest";
import { bootedModel } from "./model.fixture.js";
import { compactGap, compactionSuitable, compactionSuitableFree } from "./compaction.js";
import { GFP_KERNEL, __GFP_RETRY_MAYFAIL, ZONE_NORMAL } from "./gfp.js";
import type { AllocResult, PageallocOp } from "./index.js";
import { PAGEBLOCK_NR_PAGES } from "./layout.js";
import type { PageallocModel } from "./model.js";
import { compactionReady, tryToFreePages } from "./reclaim.js";
import { WMARK_MIN, wmarkPages, zoneWatermarkOk } from "./watermarks.js";
import type { Zone } from "./zone.js";

const MAYFAIL = "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN";

function run(variant: string, ops: PageallocOp[]): PageallocModel {
  const m = bootedModel(variant, { layout: "arm64", ram_mib: 256, swap_mib: 256 });
  for (const op of ops) m.apply(op);
  return m;
}

function alloc(m: PageallocModel, order: number, gfp: string): AllocResult {
  const r = m.apply({ op: "alloc", order, gfp, comm: "fuzz", worker: true });
  if (r.kind !== "alloc") throw new Error("not an alloc result");
  return r;
}

/** The one populated zone of arm64 256 MiB (ZONE_DMA: all RAM is below 4 GiB). */
function zone(m: PageallocModel): Zone {
  const z = m.mm.node.zones.find((c) => c.managed > 0);
  if (z === undefined) throw new Error("no populated zone");
  return z;
}

/**
 * Anonymous memory down to 1020 free pages (one order-9 block among them: 1020 - 511 = 509 pages
 * above the tail, MIN is 474), then one pageblock of boost as boost_watermark() adds after a
 * fallback steal. MIN + boost = 986 > 509, so the order-9 request cannot be served yet.
 */
function boostedAtMin(variant: string): PageallocModel {
  // The fill leaves pages on CPU 0's per-CPU lists; drained, the zone is where the test needs it.
  const m = run(variant, [
    { op: "fill", what: "anon", pages: 55_300, pid: 1 },
    { op: "drain", cpu: 0 },
  ]);
  const z = zone(m);
  expect([z.freePages, z.wmark[0], z.nrFree[9]]).toEqual([1020, 474, 1]);
  z.boost = PAGEBLOCK_NR_PAGES;
  return m;
}

describe("watermark boost in compaction_ready, __compaction_suitable and should_reclaim_retry", () => {
  const gfp = GFP_KERNEL | __GFP_RETRY_MAYFAIL;

  it("compaction_ready: MIN is min_wmark_pages (boost included), so a boosted zone is not ready", () => {
    const m = boostedAtMin("v6.8");
    const z = zone(m);
    expect(compactionReady(m.mm, z, 9, gfp, ZONE_NORMAL)).toBe(false);
    z.boost = 0;
    // Unboosted, the order-9 MIN check passes: "allocation can already succeed".
    expect(compactionReady(m.mm, z, 9, gfp, ZONE_NORMAL)).toBe(true);
  });

  it("__compaction_suitable: costly orders need low_wmark_pages (boost included) + compact_gap", () => {
    const m = run("v6.8", []);
    const z = zone(m);
    const low = z.wmark[1] as number; // 592
    const free = low + (2 << 9) + 100; // above LOW + gap, below LOW + boost + gap
    expect(compactionSuitableFree(z, 9, ZONE_NORMAL, free)).toBe(true);
    z.boost = PAGEBLOCK_NR_PAGES;
    expect(compactionSuitableFree(z, 9, ZONE_NORMAL, free)).toBe(false);
    expect(compactionSuitableFree(z, 9, ZONE_NORMAL, free + PAGEBLOCK_NR_PAGES)).toBe(true);
  });

  it("a costly RETRY_MAYFAIL request in a boosted zone reclaims for real and succeeds", () => {
    for (const variant of ["v6.6", "v6.8"]) {
      const m = boostedAtMin(variant);
      const r = alloc(m, 9, MAYFAIL);
      expect(r.outcome).toBe("ok");
      expect(r.counters.fakeProgress).toBe(0);
      expect(r.counters.reclaimedPages).toBeGreaterThan(0);
      expect(r.latencyNs).toBeLessThan(1e9);
      expect(m.check()).toEqual([]);
    }
  });

  it("the campaign reproducer (order-4 steal boosts the zone, then order 9) no longer hangs", () => {
    for (const variant of ["v6.6", "v6.8"]) {
      const m = run(variant, [{ op: "fill", what: "anon", pages: 65_536, pid: 1 }]);
      expect(alloc(m, 4, "GFP_KERNEL").outcome).toBe("ok");
      expect(zone(m).boost).toBe(PAGEBLOCK_NR_PAGES);
      const r = alloc(m, 9, MAYFAIL);
      expect(r.outcome).toBe("ok");
      expect(r.counters.fakeProgress).toBe(0);
      expect(m.check()).toEqual([]);
    }
  });
});

describe("should_continue_reclaim (mm/vmscan.c v6.6, v6.8)", () => {
  it("a costly request reclaims past compact_gap until the allocation or compaction can go ahead", () => {
    const m = run("v6.8", [{ op: "fill", what: "anon", pages: 65_536, pid: 1 }]);
    const z = zone(m);
    // Boosted marks far above free + compact_gap(9): 1024 reclaimed pages are not enough.
    z.boost = 4 * PAGEBLOCK_NR_PAGES;
    const out = tryToFreePages(m.mm, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 9, ZONE_NORMAL);
    expect(out.reclaimed).toBeGreaterThan(compactGap(9));
    const allocOk = zoneWatermarkOk(z, 9, wmarkPages(z, WMARK_MIN), ZONE_NORMAL, 0);
    expect(allocOk || compactionSuitable(z, 9, ZONE_NORMAL)).toBe(true);
    expect(m.check()).toEqual([]);
  });
});
