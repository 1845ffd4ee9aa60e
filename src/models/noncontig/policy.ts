/**
 * The noncontig model's policy interface: ALSA's choices in sound/core/memalloc.c (the gfp of
 * dma_alloc_noncontiguous, the SG-chunk fallback's sizes and gfp) and dma-iommu's backoff gfp
 * per order, and the ALSA policies of the February 2024 thread written against it (spec 2.3).
 * See ./README.md, "Policy hooks".
 */
import { pagesOrder } from "../pagealloc/dma-pages.js";
import * as G from "../pagealloc/gfp.js";
import { type HookContext, type HookValidator, isBool, isGfp, ok, show } from "../policy.js";

/** The arguments of {@link NoncontigHooks.snd_dma_noncontig_alloc}. */
export interface SndAllocArgs {
  /** The buffer size in pages. */
  readonly pages: number;
  /** The device is behind an IOMMU (get_dma_ops() is set: dma-iommu). */
  readonly iommu: boolean;
  /** An x86 Xen PV guest (the variant's platform). */
  readonly xen_pv: boolean;
  /** The page allocator variant underneath, e.g. `v6.6`. */
  readonly pagealloc: string;
}

/** The arguments of {@link NoncontigHooks.snd_dma_sg_fallback_alloc}. */
export interface ChunkArgs {
  /** Pages still to allocate (> 0). */
  readonly remaining_pages: number;
  /** The previous chunk attempt's size in pages, 0 before the first. */
  readonly chunk_pages: number;
  /** The previous chunk attempt failed (the request returned NULL). */
  readonly failed: boolean;
}

/** The arguments of {@link NoncontigHooks.do_alloc_pages}. */
export interface ChunkGfpArgs {
  readonly chunk_pages: number;
  readonly remaining_pages: number;
  readonly xen_pv: boolean;
}

/** The arguments of {@link NoncontigHooks.__iommu_dma_alloc_pages}. */
export interface IommuOrderArgs {
  /** The caller's gfp with __GFP_NOWARN | __GFP_HIGHMEM. */
  readonly gfp: number;
  readonly order: number;
  /** `order` is the smallest order left in the request's order mask. */
  readonly smallest: boolean;
}

/** The hooks of the noncontig model. */
export interface NoncontigHooks {
  /**
   * snd_dma_noncontig_alloc: the gfp passed to dma_alloc_noncontiguous (a mask or names), or
   * `"fallback"` to go straight to snd_dma_sg_fallback_alloc (upstream on Xen PV).
   */
  snd_dma_noncontig_alloc(args: SndAllocArgs, ctx: HookContext): number | string;
  /**
   * snd_dma_noncontig_alloc, after dma_alloc_noncontiguous returned NULL: fall back to the SG
   * chunks? Upstream does when the device has no dma_ops (no IOMMU).
   */
  snd_dma_noncontig_alloc_fallback(args: SndAllocArgs, ctx: HookContext): boolean;
  /**
   * snd_dma_sg_fallback_alloc: the size in pages of the next chunk to try, in
   * [1, remaining_pages], or 0 to give up (everything taken is freed). Upstream: 4095 pages
   * first; the same size after a success; after a failure PAGE_SIZE << get_order(chunk / 2),
   * giving up when a single page failed.
   */
  snd_dma_sg_fallback_alloc(args: ChunkArgs, ctx: HookContext): number;
  /**
   * The gfp of one fallback chunk: do_alloc_pages' alloc_pages_exact (upstream
   * GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN), or dma_alloc_coherent's on Xen PV.
   */
  do_alloc_pages(args: ChunkGfpArgs, ctx: HookContext): number | string;
  /**
   * __iommu_dma_alloc_pages: the gfp for one try at `order` (drivers/iommu/dma-iommu.c adds
   * __GFP_NORETRY unless it is the smallest order left).
   */
  __iommu_dma_alloc_pages(args: IommuOrderArgs, ctx: HookContext): number | string;
}

/** A gfp a hook returned: a mask, or names its validator already checked. */
export function gfpOf(value: number | string): G.Gfp {
  return typeof value === "number" ? value : (G.parseGfp(value) as G.Gfp);
}

/** snd_dma_noncontig_alloc's result: a gfp mask or names, or "fallback". */
const isGfpOrFallback: HookValidator = (v) => (v === "fallback" ? ok(v) : isGfp(v));

/** A chunk size in [0, remaining_pages]. */
const isChunk: HookValidator = (v, args) => {
  const max = (args as ChunkArgs).remaining_pages;
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max
    ? ok(v)
    : `must return a chunk size in pages (an integer in [0, ${max}]), got ${show(v)}`;
};

/** Hook names and the validators of their results. */
export const NONCONTIG_HOOKS: Record<keyof NoncontigHooks, HookValidator> = {
  snd_dma_noncontig_alloc: isGfpOrFallback,
  snd_dma_noncontig_alloc_fallback: isBool,
  snd_dma_sg_fallback_alloc: isChunk,
  do_alloc_pages: isGfp,
  __iommu_dma_alloc_pages: isGfp,
};

/** DEFAULT_GFP since a61c7d88d38c (and DEFAULT_GFP_RETRY of iwai-b). */
export const GFP_MAYFAIL = G.GFP_KERNEL | G.__GFP_RETRY_MAYFAIL | G.__GFP_NOWARN;
/** do_alloc_pages' mask, and DEFAULT_GFP before a61c7d88d38c (without __GFP_COMP). */
export const GFP_NORETRY = G.GFP_KERNEL | G.__GFP_NORETRY | G.__GFP_NOWARN;
/** The fallback's first chunk: 4095 pages, so a page count fits the low bits of an address. */
const MAX_CHUNK_PAGES = 4095;

/** Iwai's default_gfp(size) of 15 Feb 2024: don't allocate intensively for high-order pages. */
function defaultGfp(pages: number): G.Gfp {
  return pages > 1 ? GFP_NORETRY : GFP_MAYFAIL;
}

/** The hooks every built-in policy shares: upstream's fallback rule, chunks and dma-iommu. */
const UPSTREAM: NoncontigHooks = {
  snd_dma_noncontig_alloc: (a) => (a.xen_pv ? "fallback" : GFP_MAYFAIL),
  snd_dma_noncontig_alloc_fallback: (a) => !a.iommu,
  snd_dma_sg_fallback_alloc: (a) => {
    if (a.chunk_pages === 0) return Math.min(a.remaining_pages, MAX_CHUNK_PAGES);
    if (!a.failed) return Math.min(a.remaining_pages, a.chunk_pages);
    if (a.chunk_pages <= 1) return 0;
    return Math.min(a.remaining_pages, 2 ** pagesOrder(Math.ceil(a.chunk_pages / 2)));
  },
  do_alloc_pages: (a) => (a.xen_pv ? GFP_MAYFAIL : GFP_NORETRY),
  __iommu_dma_alloc_pages: (a) => (a.smallest ? a.gfp : a.gfp | G.__GFP_NORETRY),
};

/** The built-in ALSA policies by name (see ./variants.ts for their references). */
export const ALSA_POLICY_HOOKS = {
  upstream: UPSTREAM,
  "noretry-nonIOMMU": {
    ...UPSTREAM,
    snd_dma_noncontig_alloc: (a) =>
      a.xen_pv ? "fallback" : a.iommu ? GFP_MAYFAIL : GFP_MAYFAIL | G.__GFP_NORETRY,
  },
  "iwai-a": {
    ...UPSTREAM,
    snd_dma_noncontig_alloc: (a) => (a.xen_pv ? "fallback" : defaultGfp(a.pages)),
    // Xen PV chunks pass default_gfp(size) of the bytes still to allocate.
    do_alloc_pages: (a) => defaultGfp(a.xen_pv ? a.remaining_pages : a.chunk_pages),
  },
  "iwai-b": {
    ...UPSTREAM,
    // 16 Feb 2024: DEFAULT_GFP (now __GFP_NORETRY) whatever the size; DEFAULT_GFP_RETRY only
    // when get_dma_ops() is set. Xen PV chunks stay on DEFAULT_GFP.
    snd_dma_noncontig_alloc: (a) => (a.xen_pv ? "fallback" : a.iommu ? GFP_MAYFAIL : GFP_NORETRY),
    do_alloc_pages: (a) => (a.xen_pv ? GFP_NORETRY : defaultGfp(a.chunk_pages)),
  },
  "noretry-legacy": {
    ...UPSTREAM,
    snd_dma_noncontig_alloc: (a) => (a.xen_pv ? "fallback" : GFP_NORETRY),
    do_alloc_pages: () => GFP_NORETRY,
  },
  "xen-pv": UPSTREAM,
} satisfies Record<string, NoncontigHooks>;
