/**
 * ALSA's SG buffer allocation (sound/core/memalloc.c, v6.3-v6.11: the v6.6 and v6.8 code is the
 * same here); where the policies of ./variants.ts differ it asks the hooks of ./policy.ts: snd_dma_noncontig_alloc, snd_dma_sg_fallback_alloc
 * and do_alloc_pages. Checked against a v6.3-v6.11-era copy of memalloc.c (DEFAULT_GFP =
 * GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN since a61c7d88d38c, no __GFP_COMP; the Xen PV branch
 * of "ALSA: memalloc: Workaround for Xen PV" (2023), removed only in v6.12 by 9408ace468c3) and
 * against the context lines of the February 2024 patches below, which apply to the v6.8-rc file.
 *
 * - snd_dma_noncontig_alloc: Xen PV -> the fallback; else dma_alloc_noncontiguous(DEFAULT_GFP);
 *   if that fails and get_dma_ops() is NULL (no IOMMU) -> the fallback.
 * - snd_dma_sg_fallback_alloc: chunk = (PAGE_SIZE - 1) << PAGE_SHIFT (4095 pages), min(size,
 *   chunk); on failure fail if chunk <= PAGE_SIZE, else chunk = PAGE_SIZE << get_order(chunk / 2).
 *   Xen PV chunks: dma_alloc_coherent(chunk, DEFAULT_GFP); others: do_alloc_pages.
 * - do_alloc_pages: alloc_pages_exact(GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN); a block past the
 *   coherent mask is retried with GFP_DMA32, then GFP_DMA, without freeing the refused block.
 *
 * Unmerged policies, from the linux-kernel thread "ALSA: memalloc: Fix indefinite hang in
 * non-iommu case": the v1 patch (14 Feb 2024), T. Iwai's default_gfp(size) patch (15 Feb 2024,
 * <875xypk6d6.wl-tiwai@suse.de>) and his last proposal (16 Feb 2024, <87zfw0h3lu.wl-tiwai@suse.de>,
 * the one ChromeOS offered to stress-test).
 */
import {
  dmaAllocPages,
  dmaAllocPagesExact,
  type DmaTask,
  pagesOrder,
} from "../pagealloc/dma-pages.js";
import * as G from "../pagealloc/gfp.js";
import type { Mm } from "../pagealloc/mm.js";
import {
  type Chunk,
  type Device,
  emptyPath,
  limitPfn,
  pageCall,
  type PathResult,
} from "./device.js";
import { dmaAllocNoncontiguous, freeChunk } from "./noncontig.js";
import { gfpOf, type NoncontigHooks } from "./policy.js";

/** The variant's policy as the allocation paths use it. */
export interface AlsaConfig {
  hooks: NoncontigHooks;
  /** An x86 Xen PV guest. */
  xenPv: boolean;
  /** The page allocator variant's name, for the hooks. */
  pagealloc: string;
}

/**
 * do_alloc_pages(dev, size): alloc_pages_exact, then, while the block is above the coherent
 * mask, again with GFP_DMA32, then GFP_DMA. The kernel does not free the refused block before
 * retrying: it leaks (recorded in `out.leaked`). A GFP_DMA block is always inside the mask here
 * (device masks are >= 24 bits, ZONE_DMA ends at 16 MiB), so the kernel's further retry with
 * GFP_DMA|GFP_DMA32 for a mask below 24 bits cannot arise and is not modelled.
 */
function doAllocPages(
  mm: Mm,
  dev: Device,
  pages: number,
  first: G.Gfp,
  task: DmaTask,
  out: PathResult,
): number | null | "hang" {
  const limit = limitPfn(dev.maskBits);
  let gfp = first;
  for (;;) {
    const r = dmaAllocPagesExact(mm, pages, gfp, task);
    const order = pagesOrder(pages);
    out.calls.push(pageCall("fallback", order, gfp, r));
    if (r.outcome === "hang") return "hang";
    if (r.pfn === null) return null;
    if (r.pfn + pages <= limit) return r.pfn;
    if (!(gfp & G.GFP_DMA32)) gfp |= G.GFP_DMA32;
    else if (!(gfp & G.GFP_DMA)) gfp = (gfp & ~G.GFP_DMA32) | G.GFP_DMA;
    else return r.pfn;
    out.leaked.push({ pfn: r.pfn, pages, order: 0 });
  }
}

/**
 * The Xen PV chunk: dma_alloc_coherent (dma_alloc_attrs drops the zone modifiers) ->
 * xen_swiotlb_alloc_coherent (drivers/xen/swiotlb-xen.c, x86, v6.6/v6.8) -> __get_free_pages(gfp,
 * get_order(size)) from any zone. Its DMA handle is the machine address: when that is above the
 * coherent mask (or not machine-contiguous), xen_create_contiguous_region(phys, order,
 * fls64(mask)) exchanges the frames for ones below the mask, and a failed exchange frees the pages
 * and returns NULL. So the device never gets an address above its mask, whatever the pseudo-physical
 * pfn; the exchange is not modelled (it is taken to succeed) and the chunk is marked `xenMachine`.
 * Iwai's policies pass default_gfp(size) with size = the bytes still to allocate.
 */
function xenCoherent(mm: Mm, pages: number, gfp: G.Gfp, task: DmaTask, out: PathResult) {
  const order = pagesOrder(pages);
  const r = dmaAllocPages(mm, order, gfp, task);
  out.calls.push(pageCall("xen-coherent", order, gfp, r));
  if (r.outcome === "hang") return "hang";
  return r.pfn === null ? null : { pfn: r.pfn, order, xenMachine: true as const };
}

/**
 * snd_dma_sg_fallback_alloc: chunks of the sizes the policy's snd_dma_sg_fallback_alloc hook
 * gives (upstream: 4095 pages, halved after a failure, never grown again); a chunk size of 0
 * frees everything and fails.
 */
export function sgFallbackAlloc(
  mm: Mm,
  config: AlsaConfig,
  dev: Device,
  pages: number,
  task: DmaTask,
): PathResult {
  const out = emptyPath();
  const { hooks, xenPv } = config;
  const rt = mm.policy;
  let size = pages;
  let chunk = 0;
  let failed = false;
  while (size > 0) {
    const args = { remaining_pages: size, chunk_pages: chunk, failed };
    chunk = hooks.snd_dma_sg_fallback_alloc(args, rt);
    if (chunk === 0) return giveUp(mm, out, "fail");
    const gfp = gfpOf(
      hooks.do_alloc_pages({ chunk_pages: chunk, remaining_pages: size, xen_pv: xenPv }, rt),
    );
    let got: Omit<Chunk, "pages"> | null | "hang";
    if (xenPv) got = xenCoherent(mm, chunk, gfp, task, out);
    else {
      const pfn = doAllocPages(mm, dev, chunk, gfp, task, out);
      got = pfn === null || pfn === "hang" ? pfn : { pfn, order: 0 };
    }
    if (got === "hang") return giveUp(mm, out, "hang");
    failed = got === null;
    if (got === null) continue;
    out.chunks.push({ ...got, pages: chunk });
    size -= chunk;
  }
  return out;
}

/** Frees every chunk taken and ends the path with `outcome`. */
function giveUp(mm: Mm, out: PathResult, outcome: "fail" | "hang"): PathResult {
  for (const c of out.chunks) freeChunk(mm, c);
  out.chunks = [];
  out.outcome = outcome;
  return out;
}

/** Which way an ALSA SG buffer was allocated. */
export type SndPath = "noncontig" | "fallback";

/**
 * snd_dma_noncontig_alloc: Xen PV -> the fallback; else dma_alloc_noncontiguous with the
 * policy's gfp, and on failure without dma_ops (no IOMMU) the fallback. A hang never returns.
 */
export function sndDmaNoncontigAlloc(
  mm: Mm,
  config: AlsaConfig,
  dev: Device,
  pages: number,
  task: DmaTask,
): PathResult & { path: SndPath } {
  const iommu = dev.iommu !== "none";
  const args = { pages, iommu, xen_pv: config.xenPv, pagealloc: config.pagealloc };
  const choice = config.hooks.snd_dma_noncontig_alloc(args, mm.policy);
  if (choice === "fallback")
    return { ...sgFallbackAlloc(mm, config, dev, pages, task), path: "fallback" };
  const gfp = gfpOf(choice);
  const first = dmaAllocNoncontiguous(mm, dev, pages, gfp, false, task, config.hooks);
  if (first.outcome !== "fail" || !config.hooks.snd_dma_noncontig_alloc_fallback(args, mm.policy))
    return { ...first, path: "noncontig" };
  const second = sgFallbackAlloc(mm, config, dev, pages, task);
  return {
    ...second,
    calls: [...first.calls, ...second.calls],
    leaked: [...first.leaked, ...second.leaked],
    path: "fallback",
  };
}
