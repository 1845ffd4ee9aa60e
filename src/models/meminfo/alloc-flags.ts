/**
 * gfp_to_alloc_flags of mm/page_alloc.c per era, reduced to what __zone_watermark_ok reads:
 * v3.x-v4.3 (ALLOC_HARDER for a request without __GFP_WAIT, unless __GFP_NOMEMALLOC), v4.4-v6.2
 * (ALLOC_HARDER for __GFP_ATOMIC without __GFP_NOMEMALLOC), v6.3+ (the page allocator model's
 * gfpToAllocFlags: ALLOC_MIN_RESERVE for __GFP_HIGH, ALLOC_NON_BLOCK without direct reclaim).
 * ALLOC_CMA for movable requests in every era. A real-time task's ALLOC_HARDER and an OOM
 * victim's ALLOC_OOM are not visible in a log and are left out.
 */
import { ALLOC_WMARK_MASK } from "../pagealloc/buddy.js";
import * as G from "../pagealloc/gfp.js";
import { gfpToAllocFlags } from "../pagealloc/slowpath.js";
import { WMARK_HIGH, WMARK_LOW, WMARK_MIN } from "../pagealloc/watermarks.js";
import type { GfpRequest } from "./gfp-request.js";
import type { EraFlags } from "./zone-check.js";

/** The request as a v6.x gfp mask (bit values of include/linux/gfp_types.h v6.6). */
export function v6Mask(req: GfpRequest): G.Gfp {
  let gfp = 0;
  if (req.zone === "DMA") gfp |= G.__GFP_DMA;
  if (req.zone === "DMA32") gfp |= G.__GFP_DMA32;
  if (req.highmem) gfp |= G.__GFP_HIGHMEM;
  if (req.movable) gfp |= G.__GFP_MOVABLE;
  if (req.high) gfp |= G.__GFP_HIGH;
  if (req.io) gfp |= G.__GFP_IO;
  if (req.fs) gfp |= G.__GFP_FS;
  if (req.directReclaim) gfp |= G.__GFP_DIRECT_RECLAIM;
  if (req.kswapd) gfp |= G.__GFP_KSWAPD_RECLAIM;
  if (req.nomemalloc) gfp |= G.__GFP_NOMEMALLOC;
  if (req.memalloc) gfp |= G.__GFP_MEMALLOC;
  return gfp >>> 0;
}

const WMARK = { min: WMARK_MIN, low: WMARK_LOW, high: WMARK_HIGH } as const;

/** The watermark flags of `req` at `order` in `era`, checked against `mark`. */
export function eraFlags(
  era: EraFlags["era"],
  req: GfpRequest,
  order: number,
  mark: EraFlags["mark"] = "min",
): EraFlags {
  const base = { era, mark, high: req.high, oom: false, cma: req.movable, allocFlags: 0 };
  if (era === "v6.6") {
    const flags = (gfpToAllocFlags(v6Mask(req), order) & ~ALLOC_WMARK_MASK) | WMARK[mark];
    return { ...base, harder: false, allocFlags: flags };
  }
  return { ...base, harder: req.atomic && !req.nomemalloc };
}
