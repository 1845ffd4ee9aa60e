import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { dmapoolModel } from "./index.js";
import type { DmapoolModel, DmapoolResult } from "./model.js";
import type { DmapoolLayout } from "./ops.js";

function boot(variant: string, layout: DmapoolLayout, ramMib: number, coherentKib = 0) {
  const m = dmapoolModel.create(variant, {
    clock: new VirtualClock(),
    rng: Rng.seeded(1),
  }) as DmapoolModel;
  const r = m.apply({ op: "boot", layout, ram_mib: ramMib, coherent_pool_kib: coherentKib });
  if (r.kind !== "boot") throw new Error("not a boot result");
  return { m, r };
}

function alloc(m: DmapoolModel, pages: number, gfp: string, maskBits: number) {
  const r: DmapoolResult = m.apply({ op: "alloc", pages, gfp, mask_bits: maskBits, dev: "sr0" });
  if (r.kind !== "alloc") throw new Error("not an alloc result");
  return r;
}

const KERNEL_DMA_SPLAT =
  "swapper/0: page allocation failure: order:5, mode:0xcc1(GFP_KERNEL|GFP_DMA), nodemask=(null)";

describe("spec 4 boot numbers: atomic_pool_size and the pools on the four layouts", () => {
  // atomic_pool_size = clamp(totalram / 8192, 32, 1024) pages; each pool's first chunk is
  // 2^get_order(atomic_pool_size) pages.
  const cases = [
    ["x86_64", 8192, 250, { kernel: 256, dma: 256, dma32: 256 }],
    ["x86_64", 65536, 1024, { kernel: 1024, dma: 1024, dma32: 1024 }],
    ["x86_64-kdump", 256, 32, { kernel: 32, dma: null, dma32: 32 }],
    ["rpi4", 4096, 125, { kernel: 128, dma: 128, dma32: 128 }],
  ] as const;
  for (const [layout, ram, threshold, sizes] of cases) {
    it(`${layout} ${ram} MiB: ${threshold} pages, pools ${JSON.stringify(sizes)}`, () => {
      for (const variant of ["pre-has-managed-dma", "has-managed-dma"]) {
        const { m, r } = boot(variant, layout, ram);
        expect(r.atomicPoolPages).toBe(threshold);
        expect(r.sizes).toEqual(sizes);
        expect(m.check()).toEqual([]);
      }
    });
  }

  it("8 GiB prints 1024 KiB per pool; coherent_pool= overrides the default", () => {
    const { r } = boot("has-managed-dma", "x86_64", 8192);
    expect(r.log).toEqual([
      "DMA: preallocated 1024 KiB GFP_KERNEL pool for atomic allocations",
      "DMA: preallocated 1024 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations",
      "DMA: preallocated 1024 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations",
    ]);
    const custom = boot("has-managed-dma", "x86_64", 8192, 2048).r;
    expect(custom.atomicPoolPages).toBe(512);
    expect(custom.sizes.kernel).toBe(512);
  });

  it("the kernel pool of the kdump kernel comes from ZONE_DMA32 (no ZONE_NORMAL)", () => {
    const { m, r } = boot("has-managed-dma", "x86_64-kdump", 256);
    expect(r.hasManagedDma).toBe(false);
    const kernel = m.atomic.pools.kernel;
    const dma32 = m.pages.mm.node.zones[1];
    expect(kernel && dma32 && kernel.chunks[0]!.pfn >= dma32.spanStart).toBe(true);
  });
});

describe("spec 4 kdump (crashkernel=256M): the boot warning and GFP_DMA atomic requests", () => {
  it("pre-has-managed-dma tries orders 5..0, prints warn_alloc once and the pr_err", () => {
    const { m, r } = boot("pre-has-managed-dma", "x86_64-kdump", 256);
    const dmaRequests = r.requests.filter((q) => q.pool === "dma");
    expect(dmaRequests.map((q) => [q.order, q.outcome])).toEqual(
      [5, 4, 3, 2, 1, 0].map((o) => [o, "fail"]),
    );
    expect(r.log).toEqual([
      "DMA: preallocated 128 KiB GFP_KERNEL pool for atomic allocations",
      KERNEL_DMA_SPLAT,
      "DMA: failed to allocate 128 KiB GFP_KERNEL|GFP_DMA pool for atomic allocation",
      "DMA: preallocated 128 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations",
    ]);
    // A 24-bit device's atomic request is GFP_DMA: it finds a NULL dma pool and WARNs.
    const a = alloc(m, 1, "GFP_ATOMIC", 24);
    expect(a.outcome).toBe("fail");
    expect(a.tried).toEqual([]);
    expect(a.warnings).toEqual(["WARNING: kernel/dma/pool.c: Failed to get suitable pool for sr0"]);
  });

  it("has-managed-dma makes no GFP_DMA request and serves GFP_DMA from a pool inside the mask", () => {
    const { m, r } = boot("has-managed-dma", "x86_64-kdump", 256);
    expect(r.requests.some((q) => q.gfp & 1)).toBe(false);
    expect(r.log.some((l) => l.includes("page allocation failure"))).toBe(false);
    // A 32-bit device (GFP_DMA32): the dma32 pool, inside the mask.
    const ok = alloc(m, 1, "GFP_ATOMIC|GFP_DMA", 32);
    expect(ok).toMatchObject({ outcome: "ok", pool: "dma32", gfp: "GFP_ATOMIC|GFP_DMA32" });
    expect(ok.pfn! + 1).toBeLessThanOrEqual(ok.limitPfn);
    // A 24-bit device (GFP_DMA): no dma pool, so the kernel pool is tried, then dma32; both lie
    // above 16 MiB, so the phys-mask check refuses them and the request fails, no bad buffer.
    const low = alloc(m, 1, "GFP_ATOMIC", 24);
    expect(low.outcome).toBe("fail");
    expect(low.gfp).toBe("GFP_ATOMIC|GFP_DMA");
    expect(low.pfn).toBeNull();
    expect(low.tried).toEqual([
      { pool: "kernel", refused: "mask" },
      { pool: "dma32", refused: "mask" },
    ]);
  });
});

describe("gen_pool allocation and background expansion", () => {
  it("first fit with order alignment inside the newest chunk", () => {
    const { m } = boot("has-managed-dma", "x86_64", 1024);
    const base = m.atomic.pools.kernel!.chunks[0]!.pfn;
    const a = alloc(m, 1, "GFP_ATOMIC", 64);
    const b = alloc(m, 3, "GFP_ATOMIC", 64);
    const c = alloc(m, 1, "GFP_ATOMIC", 64);
    expect([a.pfn! - base, b.pfn! - base, c.pfn! - base]).toEqual([0, 4, 1]);
    m.apply({ op: "free", pfn: a.pfn!, pages: 1 });
    expect(alloc(m, 2, "GFP_ATOMIC", 64).pfn! - base).toBe(2);
  });

  it("a pool drained below atomic_pool_size doubles one jiffy later and never shrinks", () => {
    const { m } = boot("has-managed-dma", "x86_64", 1024);
    const pool = m.atomic.pools.kernel!;
    expect(pool.size).toBe(32);
    const got = alloc(m, 16, "GFP_ATOMIC", 64);
    expect(m.atomic.workDueNs).not.toBeNull();
    expect(pool.size).toBe(32);
    const adv = m.apply({ op: "advance", ms: 10 });
    expect(adv.kind === "advance" && adv.requests.map((q) => [q.pool, q.order])).toEqual([
      ["kernel", 5],
    ]);
    expect(pool.size).toBe(64);
    expect(pool.chunks).toHaveLength(2);
    m.apply({ op: "free", pfn: got.pfn!, pages: 16 });
    m.apply({ op: "advance", ms: 10 });
    expect(pool.size).toBe(64);
    expect(m.check()).toEqual([]);
  });
});
