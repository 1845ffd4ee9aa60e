/**
 * The device a DMA buffer is for, and the results of the allocation paths. IOMMU page-size
 * bitmaps: Intel VT-d reports 4K|2M|1G since the 2021 "iommu/vt-d: Report real pgsize bitmap"
 * change (~v5.15; spec 2.2); the AMD v1 page table reports every power of two from 4 KiB
 * (AMD_IOMMU_PGSIZES). The physical limit is dma_coherent_ok()'s: phys + size - 1 <= the mask.
 */
import type { Gfp } from "../pagealloc/gfp.js";
import type { AllocCounters, AllocResult } from "../pagealloc/result.js";

export const IOMMU_KINDS = ["none", "vtd", "amd"] as const;
export type IommuKind = (typeof IOMMU_KINDS)[number];

/** A device: behind an IOMMU (dma-iommu ops) or not (dma-direct), and its coherent DMA mask. */
export interface Device {
  iommu: IommuKind;
  maskBits: number;
}

/** domain->pgsize_bitmap >> PAGE_SHIFT, as a set of orders (bit n = order n). */
export function pgsizeOrders(iommu: Exclude<IommuKind, "none">): number {
  // VT-d: 4K, 2M, 1G -> orders 0, 9, 18; AMD: every order.
  return iommu === "vtd" ? (1 << 0) | (1 << 9) | (1 << 18) : 0x7fffffff;
}

/** The first pfn the device cannot address without an IOMMU. */
export function limitPfn(maskBits: number): number {
  return maskBits >= 52 ? Number.MAX_SAFE_INTEGER : 2 ** (maskBits - 12);
}

/** One page-allocator request made on the way, for oracles and reports. */
export interface PageCall {
  site: "iommu" | "direct" | "fallback" | "xen-coherent";
  order: number;
  gfp: Gfp;
  outcome: "ok" | "fail" | "hang";
  pfn: number | null;
  latencyNs: number;
  /** The stuck request's counters (how its slowpath looped), on a hang only. */
  hangCounters?: AllocCounters;
}

/** The record of one page-allocator request and its result. */
export function pageCall(
  site: PageCall["site"],
  order: number,
  gfp: Gfp,
  r: AllocResult,
): PageCall {
  const call: PageCall = {
    site,
    order,
    gfp,
    outcome: r.outcome,
    pfn: r.pfn,
    latencyNs: r.latencyNs,
  };
  if (r.outcome === "hang") call.hangCounters = r.counters;
  return call;
}

/** A physically contiguous piece of a buffer: `pages` pages from `pfn` (its block's order). */
export interface Chunk {
  pfn: number;
  pages: number;
  /** The page-allocator block it came from: order of the block, or 0 for split pages. */
  order: number;
  /**
   * Set on a Xen PV coherent chunk: `pfn` is a guest pseudo-physical frame, and the device sees
   * the machine address that xen_swiotlb_alloc_coherent keeps under the coherent mask (it
   * exchanges the frames with xen_create_contiguous_region when they are not, or fails). The
   * machine frames are not modelled, so `pfn` says nothing about the device's mask.
   */
  xenMachine?: true;
}

/** The outcome of one allocation path: chunks on success, or why not. */
export interface PathResult {
  outcome: "ok" | "fail" | "hang";
  chunks: Chunk[];
  calls: PageCall[];
  /** Blocks the kernel never frees (do_alloc_pages' zone retry drops its first block). */
  leaked: Chunk[];
}

/** An empty result to accumulate into. */
export function emptyPath(): PathResult {
  return { outcome: "ok", chunks: [], calls: [], leaked: [] };
}
