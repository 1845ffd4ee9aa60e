/**
 * dma_alloc_noncontiguous (kernel/dma/mapping.c v6.6, added by 7d5b573) on the page allocator
 * model; spec sections 2.1-2.2. Checked against the kernel text (v6.6 and v6.8 behave the same):
 *
 * - kernel/dma/mapping.c: dma_alloc_noncontiguous refuses (WARN_ON_ONCE, NULL) attrs other than
 *   DMA_ATTR_ALLOC_SINGLE_PAGES and __GFP_COMP; with dma-iommu ops it calls
 *   ops->alloc_noncontiguous, else alloc_single_sgt -> __dma_alloc_pages, which also refuses
 *   __GFP_DMA|__GFP_DMA32|__GFP_HIGHMEM, then dma_direct_alloc_pages(PAGE_ALIGN(size)).
 * - kernel/dma/direct.c __dma_direct_alloc_pages: gfp |= dma_direct_optimal_gfp_mask (GFP_DMA if
 *   the limit <= DMA_BIT_MASK(zone_dma_bits), else GFP_DMA32 if <= 32 bits); CMA first (none
 *   here); alloc_pages_node(gfp, get_order(size)); a block failing dma_coherent_ok(phys, size)
 *   is freed, then retried with GFP_DMA32 (limit < 64 bits, no zone flag yet), then GFP_DMA, then
 *   NULL. A failed alloc_pages_node is not retried in another zone.
 * - drivers/iommu/dma-iommu.c __iommu_dma_alloc_noncontiguous / __iommu_dma_alloc_pages:
 *   alloc_sizes = domain->pgsize_bitmap (4K forced in if smaller), SINGLE_PAGES -> the smallest;
 *   order_mask = alloc_sizes >> PAGE_SHIFT & GENMASK(MAX_ORDER, 0) (v6.4-v6.7; v6.8 renames it
 *   MAX_PAGE_ORDER, still 10); gfp |= __GFP_NOWARN | __GFP_HIGHMEM; per chunk the mask is cut to
 *   GENMASK(__fls(count), 0), orders tried from the highest, __GFP_NORETRY while order_mask >
 *   1 << order, a failed order cleared for the rest of the request, a success split_page()d; no
 *   page at the smallest order frees every page taken and returns NULL.
 *
 * The pages are then mapped at an IOVA inside the mask (the IOVA allocator is the iova model's
 * business and is not run here).
 */
import {
  dmaAllocPages,
  type DmaTask,
  dmaFreePages,
  pagesOrder,
  splitPage,
} from "../pagealloc/dma-pages.js";
import * as G from "../pagealloc/gfp.js";
import { MAX_ORDER } from "../pagealloc/layout.js";
import type { Mm } from "../pagealloc/mm.js";
import { gfpOf, type NoncontigHooks } from "./policy.js";
import {
  type Chunk,
  type Device,
  emptyPath,
  limitPfn,
  pageCall,
  type PathResult,
  pgsizeOrders,
} from "./device.js";

/** x86_64 zone_dma_bits (MAX_DMA_PFN = 16 MiB). */
export const ZONE_DMA_BITS = 24;

/** __free_pages of a chunk's pages: a whole block, or its split pages one by one. */
export function freeChunk(mm: Mm, c: Chunk): void {
  if (c.order > 0) dmaFreePages(mm, c.pfn, c.order);
  else for (let p = 0; p < c.pages; p++) dmaFreePages(mm, c.pfn + p, 0);
}

/** One request, recorded in `out.calls`. */
function request(
  mm: Mm,
  out: PathResult,
  site: "iommu" | "direct",
  order: number,
  gfp: G.Gfp,
  task: DmaTask,
) {
  const r = dmaAllocPages(mm, order, gfp, task);
  out.calls.push(pageCall(site, order, gfp, r));
  return r;
}

/** A failed or hung path gives everything back (the kernel frees what it got before NULL). */
function giveBack(mm: Mm, out: PathResult, outcome: "fail" | "hang"): PathResult {
  for (const c of out.chunks) freeChunk(mm, c);
  out.chunks = [];
  out.outcome = outcome;
  return out;
}

/**
 * __iommu_dma_alloc_pages: orders from the pgsize bitmap (orders 0..MAX_ORDER; SINGLE_PAGES ->
 * the smallest), narrowed to floor(log2(count)) per chunk, highest first; the policy's
 * __iommu_dma_alloc_pages hook gives each try's gfp (upstream: __GFP_NORETRY unless
 * it is the smallest order left; a failed order is dropped for the rest of the request; a block
 * is split into pages. gfp gains __GFP_NOWARN | __GFP_HIGHMEM.
 */
export function iommuAllocPages(
  mm: Mm,
  dev: Device & { iommu: "vtd" | "amd" },
  pages: number,
  callerGfp: G.Gfp,
  singlePages: boolean,
  task: DmaTask,
  hooks: Pick<NoncontigHooks, "__iommu_dma_alloc_pages">,
): PathResult {
  const out = emptyPath();
  let orderMask = pgsizeOrders(dev.iommu) & ((2 << MAX_ORDER) - 1);
  if (singlePages) orderMask &= -orderMask;
  const gfp = callerGfp | G.__GFP_NOWARN | G.__GFP_HIGHMEM;
  let count = pages;
  while (count > 0) {
    orderMask &= (2 << Math.floor(Math.log2(count))) - 1;
    let got: Chunk | null = null;
    while (orderMask !== 0) {
      const order = 31 - Math.clz32(orderMask);
      const args = { gfp, order, smallest: orderMask <= 1 << order };
      const flags = gfpOf(hooks.__iommu_dma_alloc_pages(args, mm.policy));
      const r = request(mm, out, "iommu", order, flags, task);
      if (r.outcome === "hang") return giveBack(mm, out, "hang");
      if (r.outcome === "ok" && r.pfn !== null) {
        if (order > 0) splitPage(mm, r.pfn, order);
        got = { pfn: r.pfn, pages: 2 ** order, order: 0 };
        break;
      }
      orderMask &= ~(1 << order);
    }
    if (got === null) return giveBack(mm, out, "fail");
    out.chunks.push(got);
    count -= got.pages;
  }
  return out;
}

/**
 * __dma_direct_alloc_pages for a non-IOMMU device (no CMA area, no restricted swiotlb): the
 * caller's gfp plus dma_direct_optimal_gfp_mask, one alloc_pages_node(get_order(size)), retried
 * in a lower zone while dma_coherent_ok() refuses the block.
 */
export function directAllocPages(
  mm: Mm,
  dev: Device,
  pages: number,
  callerGfp: G.Gfp,
  task: DmaTask,
): PathResult {
  const out = emptyPath();
  const limit = limitPfn(dev.maskBits);
  let gfp = callerGfp;
  if (dev.maskBits <= ZONE_DMA_BITS) gfp |= G.GFP_DMA;
  else if (dev.maskBits <= 32) gfp |= G.GFP_DMA32;
  const order = pagesOrder(pages);
  for (;;) {
    const r = request(mm, out, "direct", order, gfp, task);
    if (r.outcome !== "ok" || r.pfn === null)
      return giveBack(mm, out, r.outcome === "hang" ? "hang" : "fail");
    if (r.pfn + pages <= limit) {
      out.chunks.push({ pfn: r.pfn, pages, order });
      return out;
    }
    dmaFreePages(mm, r.pfn, order);
    if (dev.maskBits < 64 && !(gfp & (G.GFP_DMA32 | G.GFP_DMA))) gfp |= G.GFP_DMA32;
    else if (!(gfp & G.GFP_DMA)) gfp = (gfp & ~G.GFP_DMA32) | G.GFP_DMA;
    else return giveBack(mm, out, "fail");
  }
}

/** Why dma_alloc_noncontiguous refused a request before allocating, or null. */
export function noncontigRejects(dev: Device, gfp: G.Gfp): string | null {
  if (gfp & G.__GFP_COMP) return "WARN_ON_ONCE(gfp & __GFP_COMP)";
  if (dev.iommu === "none" && gfp & (G.__GFP_DMA | G.__GFP_DMA32 | G.__GFP_HIGHMEM))
    return "WARN_ON_ONCE(gfp & (__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM))";
  return null;
}

/** dma_alloc_noncontiguous(dev, size, dir, gfp, attrs): the IOMMU or the direct path. */
export function dmaAllocNoncontiguous(
  mm: Mm,
  dev: Device,
  pages: number,
  gfp: G.Gfp,
  singlePages: boolean,
  task: DmaTask,
  hooks: Pick<NoncontigHooks, "__iommu_dma_alloc_pages">,
): PathResult {
  if (noncontigRejects(dev, gfp) !== null) return { ...emptyPath(), outcome: "fail" };
  if (dev.iommu === "none") return directAllocPages(mm, dev, pages, gfp, task);
  return iommuAllocPages(mm, { ...dev, iommu: dev.iommu }, pages, gfp, singlePages, task, hooks);
}
