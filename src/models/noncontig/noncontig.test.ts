import { describe, expect, it } from "vitest";
import { pcpPages } from "../pagealloc/pcp.js";
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import type { IommuKind } from "./device.js";
import { noncontigModel } from "./index.js";
import type { BufferResult, NoncontigModel } from "./model.js";
import type { NoncontigOp } from "./ops.js";

/**
 * Kernel memory over ZONE_DMA32 below 1 GiB (the 32 MiB kernel image from 16 MiB aside): a
 * freshly booted zone hands out its lowest blocks first (memblock frees to the free lists' tails,
 * 7fef431be9c9), so only a machine whose low memory is in use gives DMA32 blocks past 30 bits.
 */
function fillBelow1G(m: NoncontigModel): NoncontigModel {
  m.apply({ op: "fill", what: "kernel", pages: (1 << 18) - 12_288, pid: 1 });
  return m;
}

function machine(variant: string, iommu: IommuKind, maskBits = 64, ramMib = 256): NoncontigModel {
  const m = noncontigModel.create(variant, {
    clock: new VirtualClock(),
    rng: Rng.seeded(1),
  }) as NoncontigModel;
  m.apply({
    op: "boot",
    layout: "x86_64",
    ram_mib: ramMib,
    swap_mib: 0,
    cma_mib: 0,
    hang_ms: 120_000,
  });
  m.apply({ op: "device", iommu, mask_bits: maskBits });
  return m;
}

function buffer(m: NoncontigModel, op: NoncontigOp): BufferResult {
  const r = m.apply(op);
  if (r.kind !== "buffer") throw new Error("not a buffer result");
  return r;
}

const raw = (pages: number, gfp = "GFP_KERNEL|__GFP_RETRY_MAYFAIL"): NoncontigOp => ({
  op: "noncontig_alloc",
  pages,
  gfp,
  single_pages: false,
  comm: "test",
  worker: false,
});

/** Suspended; anon memory everywhere, 63 pages in 64 released, then every free block of order >= 6 taken. */
function fragment(m: NoncontigModel): void {
  m.apply({ op: "fill", what: "anon", pages: 1 << 20, pid: 1 });
  m.apply({ op: "release", what: "anon", pid: 1, stride: 64, keep: 0 });
  const take: NoncontigOp = {
    op: "alloc",
    order: 6,
    gfp: "GFP_NOIO|__GFP_NORETRY|__GFP_NOWARN",
    comm: "x",
    worker: false,
  };
  for (let r = m.apply(take); r.kind === "alloc" && r.outcome === "ok"; r = m.apply(take));
  // Resume-time gfp_allowed_mask: no IO, so compaction cannot assemble large blocks.
  m.apply({ op: "suspend", on: true });
}

const noretry = (gfp: string) => gfp.includes("__GFP_NORETRY");
const pagesOf = (r: BufferResult) => r.chunks.reduce((n, c) => n + c.pages, 0);

describe("spec 2.2 IOMMU backoff (__iommu_dma_alloc_pages)", () => {
  it("AMD (all sizes), 259 pages: order 8 NORETRY, order 1 NORETRY, order 0 with the caller's flags", () => {
    const r = buffer(machine("upstream@v6.8", "amd"), raw(259));
    expect(r.outcome).toBe("ok");
    expect(r.calls.map((c) => [c.order, noretry(c.gfp)])).toEqual([
      [8, true],
      [1, true],
      [0, false],
    ]);
    expect(
      r.calls.every((c) => c.gfp.includes("__GFP_NOWARN") && c.gfp.includes("__GFP_HIGHMEM")),
    ).toBe(true);
    expect(r.chunks.map((c) => c.pages)).toEqual([256, 2, 1]);
  });

  it("VT-d (4K|2M): 1 MiB narrows to order 0, 256 single-page MAYFAIL requests", () => {
    const r = buffer(machine("upstream@v6.8", "vtd"), raw(256));
    expect(r.calls).toHaveLength(256);
    expect(r.calls.every((c) => c.order === 0 && !noretry(c.gfp))).toBe(true);
    const big = buffer(machine("upstream@v6.8", "vtd"), raw(513));
    expect(big.calls.map((c) => c.order)).toEqual([9, 0]);
    expect(noretry(big.calls[0]!.gfp)).toBe(true);
  });

  it("a failed order is never tried again, and at most popcount(mask) + count calls are made", () => {
    const m = machine("upstream@v6.8", "amd");
    fragment(m);
    const r = buffer(m, raw(300));
    expect(r.outcome).toBe("ok");
    const failed = new Set<number>();
    for (const c of r.calls) {
      expect(failed.has(c.order)).toBe(false);
      if (c.outcome === "fail") failed.add(c.order);
    }
    expect(failed.size).toBeGreaterThan(0);
    expect(r.calls.length).toBeLessThanOrEqual(11 + 300);
    expect(pagesOf(r)).toBe(300);
    m.apply({ op: "buf_free", id: r.id! });
    expect(m.check()).toEqual([]);
  });
});

describe("spec 2.1 the direct path: one contiguous request, zone retries per the mask", () => {
  it("512 KiB is one order-7 request with the caller's gfp, no NORETRY added", () => {
    const r = buffer(machine("upstream@v6.8", "none"), raw(128));
    expect(r.calls).toEqual([expect.objectContaining({ site: "direct", order: 7 })]);
    expect(r.calls[0]!.gfp).toBe("GFP_KERNEL|__GFP_RETRY_MAYFAIL");
    expect(r.chunks).toEqual([expect.objectContaining({ pages: 128 })]);
  });

  it("a 32-bit device gets GFP_DMA32; a 30-bit device is retried in ZONE_DMA when DMA32 lands high", () => {
    const r32 = buffer(machine("upstream@v6.8", "none", 32, 2048), raw(4));
    expect(r32.calls[0]!.gfp).toContain("GFP_DMA32");
    const r30 = buffer(fillBelow1G(machine("upstream@v6.8", "none", 30, 2048)), raw(4));
    expect(r30.calls.map((c) => (c.gfp.includes("GFP_DMA32") ? "dma32" : "dma"))).toEqual([
      "dma32",
      "dma",
    ]);
    expect(r30.chunks[0]!.pfn + 4).toBeLessThanOrEqual(2 ** 18);
  });

  it("the refused block is freed before the lower-zone retry (dma_coherent_ok failure)", () => {
    const m = fillBelow1G(machine("upstream@v6.8", "none", 30, 2048));
    // Free pages, those on the per-CPU lists included (the refused block is freed to them).
    const free = () => m.pages.mm.node.zones.reduce((n, z) => n + z.freePages + pcpPages(z), 0);
    const before = free();
    const r = buffer(m, raw(4));
    expect(r.calls).toHaveLength(2);
    expect(r.leaked).toEqual([]);
    // Only the order-2 block that was kept is missing from the free lists.
    expect(before - free()).toBe(4);
    m.apply({ op: "buf_free", id: r.id! });
    expect(free()).toBe(before);
    expect(m.check()).toEqual([]);
  });

  it("__GFP_COMP and zone modifiers are refused before any page is allocated", () => {
    const m = machine("upstream@v6.8", "none");
    const r = buffer(m, raw(8, "GFP_KERNEL|__GFP_COMP"));
    expect(r).toMatchObject({
      outcome: "fail",
      calls: [],
      rejected: "WARN_ON_ONCE(gfp & __GFP_COMP)",
    });
    expect(buffer(m, raw(8, "GFP_KERNEL|GFP_DMA32")).rejected).toContain("__GFP_DMA32");
  });
});

describe("spec 2.3 ALSA snd_dma_noncontig_alloc and the SG fallback", () => {
  it("upstream on a fragmented non-IOMMU machine: the order-7 request fails, chunks halve and add up", () => {
    const m = machine("upstream@v6.8", "none");
    fragment(m);
    const r = buffer(m, { op: "snd_alloc", pages: 100, comm: "kworker/u8:3", worker: true });
    expect(r).toMatchObject({ outcome: "ok", path: "fallback" });
    expect(pagesOf(r)).toBe(100);
    const fallbackOrders = r.calls.filter((c) => c.site === "fallback").map((c) => c.order);
    expect(fallbackOrders[0]).toBe(7);
    for (const [i, o] of fallbackOrders.entries())
      if (i > 0) expect(o).toBeLessThanOrEqual(fallbackOrders[i - 1]!);
    m.apply({ op: "buf_free", id: r.id! });
    expect(m.check()).toEqual([]);
  });

  it("do_alloc_pages retries a chunk past the mask with GFP_DMA32, then GFP_DMA, leaking each refused block", () => {
    const m = fillBelow1G(machine("upstream@v6.8", "none", 30, 2048));
    const free = () => m.pages.mm.node.zones.reduce((n, z) => n + z.freePages + pcpPages(z), 0);
    const before = free();
    // 8 MiB: the direct order-11 request and the first 2048-page chunk exceed MAX_ORDER.
    const r = buffer(m, { op: "snd_alloc", pages: 2048, comm: "k", worker: true });
    expect(r).toMatchObject({ outcome: "ok", path: "fallback" });
    const zone = (g: string) =>
      g.includes("GFP_DMA32") ? "dma32" : g.includes("GFP_DMA") ? "dma" : "-";
    const fallback = r.calls.filter((c) => c.site === "fallback");
    expect(fallback.map((c) => [c.order, zone(c.gfp)])).toEqual([
      [11, "-"],
      [10, "-"],
      [10, "dma32"],
      [10, "dma"],
      [10, "-"],
      [10, "dma32"],
      [10, "dma"],
    ]);
    expect(r.chunks.every((c) => c.pfn + c.pages <= 2 ** 18)).toBe(true);
    // The kernel does not free a refused block before `goto again`.
    expect(r.leaked.map((c) => c.pages)).toEqual([1024, 1024, 1024, 1024]);
    m.apply({ op: "buf_free", id: r.id! });
    expect(before - free()).toBe(4 * 1024);
    expect(m.check()).toEqual([]);
  });

  it("the policies' gfp for the noncontig request", () => {
    const first = (variant: string, iommu: IommuKind, pages: number) =>
      buffer(machine(variant, iommu), { op: "snd_alloc", pages, comm: "k", worker: true }).calls[0]!
        .gfp;
    expect(first("upstream@v6.8", "none", 8)).toBe("GFP_KERNEL|__GFP_NOWARN|__GFP_RETRY_MAYFAIL");
    expect(first("noretry-nonIOMMU@v6.8", "none", 8)).toContain("__GFP_NORETRY");
    expect(first("noretry-nonIOMMU@v6.8", "vtd", 8)).not.toContain("__GFP_NORETRY");
    expect(first("iwai-a@v6.8", "none", 8)).toContain("__GFP_NORETRY");
    expect(first("iwai-a@v6.8", "none", 1)).toContain("__GFP_RETRY_MAYFAIL");
    // iwai-a passes NORETRY into the IOMMU loop, so even its order-0 requests are NORETRY.
    expect(first("iwai-a@v6.8", "vtd", 8)).toContain("__GFP_NORETRY");
    expect(first("iwai-b@v6.8", "vtd", 8)).not.toContain("__GFP_NORETRY");
    // Iwai's 16 Feb 2024 patch: without dma_ops the request keeps DEFAULT_GFP (__GFP_NORETRY)
    // even for one page; only the fallback's one-page chunks get __GFP_RETRY_MAYFAIL.
    expect(first("iwai-b@v6.8", "none", 1)).toBe("GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY");
    expect(first("iwai-b@v6.8", "vtd", 1)).toContain("__GFP_RETRY_MAYFAIL");
    expect(first("noretry-legacy@v6.8", "vtd", 8)).toContain("__GFP_NORETRY");
    expect(
      buffer(machine("xen-pv@v6.8", "none"), { op: "snd_alloc", pages: 8, comm: "k", worker: true })
        .calls[0],
    ).toMatchObject({ site: "xen-coherent", order: 3 });
  });
});

describe("Xen PV coherent chunks for a 24-bit device (drivers/xen/swiotlb-xen.c v6.8)", () => {
  /** A 24-bit non-IOMMU device on a machine whose ZONE_DMA (the first 16 MiB) is all taken. */
  function lowMemoryGone(variant: string): NoncontigModel {
    const m = machine(variant, "none", 24);
    const dma = { op: "alloc", order: 0, gfp: "GFP_KERNEL|GFP_DMA|__GFP_NORETRY|__GFP_NOWARN" };
    while (
      (m.apply({ ...dma, comm: "k", worker: false } as NoncontigOp) as { outcome: string })
        .outcome === "ok"
    );
    return m;
  }

  it("takes pages from any zone and marks them as machine-addressed, not as a mask violation", () => {
    const r = buffer(lowMemoryGone("xen-pv@v6.8"), {
      op: "snd_alloc",
      pages: 4,
      comm: "k",
      worker: true,
    });
    expect(r.outcome).toBe("ok");
    // __get_free_pages with DEFAULT_GFP: no zone modifier, so the pseudo-physical pfn is above
    // 16 MiB; the device sees the machine frames xen_create_contiguous_region put below the mask.
    expect(r.calls).toEqual([
      expect.objectContaining({
        site: "xen-coherent",
        gfp: "GFP_KERNEL|__GFP_NOWARN|__GFP_RETRY_MAYFAIL",
      }),
    ]);
    expect(r.chunks).toEqual([{ pfn: expect.any(Number), pages: 4, order: 2, xenMachine: true }]);
    expect(r.chunks[0]!.pfn).toBeGreaterThanOrEqual(2 ** 12);
  });

  it("bare metal (upstream) never hands the device a chunk above the mask: the buffer fails", () => {
    const r = buffer(lowMemoryGone("upstream@v6.8"), {
      op: "snd_alloc",
      pages: 4,
      comm: "k",
      worker: true,
    });
    expect(r.outcome).toBe("fail");
    expect(r.calls.map((c) => c.site)).toContain("fallback");
    expect(r.calls.filter((c) => c.site === "fallback").at(-1)?.gfp).toContain("GFP_DMA");
  });
});
