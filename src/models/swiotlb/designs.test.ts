import { describe, expect, it } from "vitest";
import { GFP_KERNEL, GFP_NOWAIT, __GFP_DMA32, __GFP_NOWARN } from "../pagealloc/gfp.js";
import { MAX_GROWTH_SLABS } from "./dynamic.js";
import { type SwiotlbAllocation, SwiotlbModel } from "./model.js";
import { DMA_ATTR_MAY_SLEEP, type InitOp, type MapOp, type SwiotlbOp } from "./ops.js";
import { initialisedModel, mapOp } from "./model.fixture.js";

const model = (variant: string, init: Partial<InitOp> = {}): SwiotlbModel =>
  initialisedModel(variant, {
    nslabs: 1024,
    nareas: 2,
    start: 0x3c00_0000,
    page_size: 4096,
    ...init,
  });

const map = (size: number, fields: Partial<MapOp> = {}) => mapOp(0x1_2345_0000, size, fields);

const apply = (m: SwiotlbModel, op: SwiotlbOp) => m.apply(op) as SwiotlbAllocation;
/** Fills a 1024-slot pool with eight whole-segment maps. */
const fill = (m: SwiotlbModel) => {
  for (let i = 0; i < 8; i++) expect(apply(m, map(262144, { cpu: i })).tlb).not.toBeNull();
};

describe("mappings over 256 KiB (spec B.4)", () => {
  const sizes = [262145, 524288, 815104, 8_294_400];
  it("fail on every static and v6.9-dynamic configuration, however empty or big the pool", () => {
    for (const variant of ["v6.8", "v6.9", "v6.9-dynamic"]) {
      for (const nslabs of [1024, 131072]) {
        for (const kind of ["default", "restricted"] as const) {
          const m = model(variant, { nslabs, kind });
          for (const size of sizes) {
            const r = apply(m, map(size));
            expect(r.tlb, `${variant} ${nslabs} ${kind} ${size}`).toBeNull();
            expect(r.warnings[0]?.kind).toBe("full");
          }
          // No wasted transient allocation: the size check comes first (3dc2f209208d).
          expect(m.pageSource?.totals.nowait ?? 0).toBe(0);
        }
      }
    }
  });

  it("succeed on rfc-v1 when pages are available, with or without DMA_ATTR_MAY_SLEEP", () => {
    const m = model("rfc-v1");
    for (const size of sizes.slice(0, 3)) {
      const nowait = apply(m, map(size));
      expect(nowait.where).toBe("dyn-buffer");
      // RFC v1 3/4: (MAY_SLEEP ? GFP_KERNEL : GFP_NOWAIT) | __GFP_NOWARN for the pages.
      expect(nowait.pageCalls.map((c) => c.gfp & ~__GFP_DMA32)).toEqual([
        GFP_NOWAIT | __GFP_NOWARN,
      ]);
      const sleeping = apply(m, map(size, { attrs: DMA_ATTR_MAY_SLEEP }));
      expect(sleeping.pageCalls[0]?.gfp).toBe(GFP_KERNEL | __GFP_NOWARN);
      expect(sleeping.tlb).not.toBeNull();
    }
    // 8 MiB is order 11, above MAX_ORDER: no pages, and the fixed pool refuses it too.
    expect(apply(m, map(8_294_400)).tlb).toBeNull();
    expect(m.check()).toEqual([]);
  });

  it("rfc-v1's tree covers a buffer's first half only (xa_mk_value(pfn) range): further in is no swiotlb buffer", () => {
    const m = model("rfc-v1");
    const r = apply(m, map(16384));
    const dyn = m.rfcBuffers;
    expect(r.where).toBe("dyn-buffer");
    // 4 pages stored over [2p + 1, 2p + 4]: pages 0 and 1 are found, 2 and 3 are not.
    m.apply({ op: "sync", ref: 1, tlb: (r.tlb as number) + 4096 });
    expect(dyn?.counters.treeMisses).toBe(0);
    m.apply({ op: "sync", ref: 1, tlb: (r.tlb as number) + 8192 });
    expect(dyn?.counters.treeMisses).toBe(1);
    // dma-direct skips the unmap of such an address: the buffer leaks.
    m.apply({ op: "unmap", ref: 1, tlb: (r.tlb as number) + 12288, size: 4096, min_align_mask: 0 });
    expect(dyn?.live).toBe(1);
    const lookups = dyn?.counters.treeLookups as number;
    m.apply({ op: "unmap", ref: 1, tlb: r.tlb as number, size: 16384, min_align_mask: 0 });
    expect(dyn?.live).toBe(0);
    // is_swiotlb_buffer() twice and swiotlb_dyn_unmap()'s mt_find.
    expect((dyn?.counters.treeLookups as number) - lookups).toBe(3);
    expect(m.check()).toEqual([]);
  });

  it("rfc-v1 maps small or masked requests from the fixed pool, and restricted pools never go dynamic", () => {
    const m = model("rfc-v1");
    expect(apply(m, map(2048)).where).toBe("pool");
    expect(apply(m, map(8192, { min_align_mask: 0xfff })).where).toBe("pool");
    const restricted = model("rfc-v1", { kind: "restricted", nareas: 1 });
    expect(apply(restricted, map(524288)).tlb).toBeNull();
    expect(restricted.pageSource?.totals.kernel).toBe(0);
  });
});

describe("v6.9-dynamic pools (spec B.2)", () => {
  it("creates a transient pool GFP_NOWAIT when the pools are full and frees it on unmap", () => {
    const m = model("v6.9-dynamic");
    fill(m);
    const r = apply(m, map(10_000));
    expect(r.where).toBe("transient");
    expect(r.pageCalls.map((c) => [c.gfp & ~__GFP_DMA32, c.order, c.caller])).toEqual([
      [GFP_NOWAIT | __GFP_NOWARN, 2, "map"],
      [GFP_NOWAIT | __GFP_NOWARN, 0, "map"],
    ]);
    expect(m.pools.transients).toHaveLength(1);
    expect(m.pools.transients[0]?.pool.nslabs).toBe(5);
    expect(m.pools.workDueNs).not.toBeNull();
    const { poolsWalked, lookups } = m.poolCounters;
    m.apply({ op: "unmap", ref: 9, tlb: r.tlb as number, size: 10_000, min_align_mask: 0 });
    expect(m.pools.transients).toHaveLength(0);
    // is_swiotlb_buffer() twice and swiotlb_del_transient(), each walking mem->pools (one) and
    // then the transient list (one); swiotlb_release_slots() is not reached.
    expect(m.poolCounters.lookups - lookups).toBe(3);
    expect(m.poolCounters.poolsWalked - poolsWalked).toBe(6);
    expect(m.pageSource?.totals.pagesHeld).toBe(0);
  });

  it("grows under a sustained overflow: the worker adds GFP_KERNEL pools of at most 4 MiB, searched first", () => {
    const m = model("v6.9-dynamic", { nslabs: 8192, nareas: 4 });
    for (let i = 0; i < 64; i++) apply(m, map(262144, { cpu: i }));
    expect(apply(m, map(4096)).where).toBe("transient");
    m.apply({ op: "advance", ms: 1 });
    expect(m.poolCounters.growthPools).toBe(1);
    const grown = m.pools.pools[0];
    expect(grown?.pool.nslabs).toBe(MAX_GROWTH_SLABS);
    expect(grown?.pool.nareas).toBe(4);
    expect(m.pools.nslabs).toBe(8192 + 2048);
    expect(m.pageSource?.totals.kernel).toBeGreaterThan(0);
    // Newest first: the next map lands in the growth pool.
    const next = apply(m, map(4096));
    expect(grown?.pool.contains(next.tlb as number)).toBe(true);
    // Keep overflowing: every overflow schedules the work again, and the list keeps growing.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 17; i++) apply(m, map(262144, { cpu: i }));
      m.apply({ op: "advance", ms: 1 });
    }
    expect(m.pools.pools.length).toBeGreaterThan(2);
    expect(m.check()).toEqual([]);
  });

  it("never grows a restricted pool: exhaustion is failure", () => {
    const m = model("v6.9-dynamic", { kind: "restricted", nareas: 1 });
    fill(m);
    for (let i = 0; i < 5; i++) {
      expect(apply(m, map(4096)).tlb).toBeNull();
      m.apply({ op: "advance", ms: 10 });
    }
    expect(m.pools.pools).toHaveLength(1);
    expect(m.pools.transients).toHaveLength(0);
    expect(m.pageSource?.totals.kernel).toBe(0);
    expect(m.pageSource?.totals.nowait).toBe(0);
  });

  it("walks the pools at each v6.9 call site: 5 lookups per map/unmap round trip, 2 range checks static", () => {
    // Kelley, "swiotlb: Reduce calls to swiotlb_find_pool()" (June 2024): map's bounce, then
    // is_swiotlb_buffer() twice, swiotlb_del_transient() and swiotlb_release_slots() on unmap
    // (his sixth, the sync_for_cpu bounce, needs DMA_FROM_DEVICE).
    for (const [variant, lookups] of [
      ["v6.9-dynamic", 5],
      ["v6.9", 2],
    ] as const) {
      const m = model(variant);
      const before = m.poolCounters.lookups;
      const r = apply(m, map(4096));
      m.apply({ op: "unmap", ref: 1, tlb: r.tlb as number, size: 4096, min_align_mask: 0 });
      expect(m.poolCounters.lookups - before, variant).toBe(lookups);
    }
    // A growth pool ahead of defpool doubles the walk to a defpool buffer.
    const m = model("v6.9-dynamic", { nslabs: 8192, nareas: 4 });
    const r = apply(m, map(4096));
    m.pools.runGrowthWork();
    const walked = m.poolCounters.poolsWalked;
    m.apply({ op: "sync", ref: 1, tlb: r.tlb as number });
    expect(m.poolCounters.poolsWalked - walked).toBe(4);
  });

  it("reports used slots as CONFIG_DEBUG_FS's total_used: transient pools count", () => {
    const m = model("v6.9-dynamic");
    fill(m);
    expect(apply(m, map(10_000)).where).toBe("transient");
    // 1024 slots in defpool and the 5 of the live transient pool; total is mem->nslabs only.
    const full = apply(m, map(262145));
    expect(full.warnings[0]?.message).toMatch(/total 1024 \(slots\), used 1029 \(slots\)/);
  });

  it("checks the 256 KiB limit first for restricted pools too: no slot is scanned", () => {
    const m = model("v6.9-dynamic", { kind: "restricted", nareas: 1 });
    expect(apply(m, map(524288)).tlb).toBeNull();
    expect(m.pools.slotsChecked()).toBe(0);
    const fixed = model("v6.9", { kind: "restricted", nareas: 1 });
    apply(fixed, map(8192));
    expect(apply(fixed, map(524288)).tlb).toBeNull();
    expect(fixed.pools.slotsChecked()).toBeGreaterThan(1);
  });

  it("places transient pools below the device limit (a 30-bit RPi4 display)", () => {
    const m = model("v6.9-dynamic", { layout: "rpi4", ram_mib: 2048, nslabs: 1024 });
    fill(m);
    const r = apply(m, map(65536, { dma_limit: 0x3fff_ffff }));
    expect(r.where).toBe("transient");
    expect((r.tlb as number) + 65536 - 1).toBeLessThanOrEqual(0x3fff_ffff);
  });
});
