/**
 * Where the dynamic swiotlb designs get their memory: a page allocator model (../pagealloc, v6.8)
 * booted on one of its layouts with the static pool reserved in memblock, and the two kernel
 * routines that turn a physical limit into pages:
 * - swiotlb_alloc_tlb() / alloc_dma_pages() (kernel/dma/swiotlb.c v6.6-v6.9): zone from the limit
 *   (ZONE_DMA when it is at or below zone_dma_limit, ZONE_DMA32 at or below 4 GiB), alloc_pages of
 *   get_order(bytes), and when the block ends above the limit it is freed and the request retried
 *   in DMA32, then DMA, then failed;
 * - dma_direct_alloc_pages() as the RFC v1 calls it: the same zone choice and retry (the
 *   dma_coherent_ok() loop of __dma_direct_alloc_pages, kernel/dma/direct.c v6.3).
 * Every attempt is recorded with its gfp class, so oracles and benchmarks can see who allocated
 * what with which flags.
 */
import { DEFAULT_HANG_NS } from "../pagealloc/costs.js";
import { dmaAllocPages, dmaFreePages, pagesOrder } from "../pagealloc/dma-pages.js";
import * as G from "../pagealloc/gfp.js";
import { buildLayout, type LayoutName, MAX_ORDER } from "../pagealloc/layout.js";
import { Mm } from "../pagealloc/mm.js";
import { Node } from "../pagealloc/node.js";
import { findPageallocVariant, type PageallocVariant } from "../pagealloc/variants.js";
import type { ModelContext } from "../model.js";

const PAGE_SHIFT = 12;
const PAGE_SIZE = 4096;
const U32_LIMIT = 0xffff_ffff;
/** A physical limit meaning "none" (DMA_BIT_MASK(64)). */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** Who made a page allocation: the mapping caller, or the growth worker (a kworker). */
export type PageCaller = "map" | "worker";

/** One alloc_pages attempt. */
export interface PageCall {
  caller: PageCaller;
  /** The gfp mask passed, zone bits included. */
  gfp: G.Gfp;
  order: number;
  outcome: "ok" | "fail" | "hang" | "above-limit";
}

/** The machine the dynamic designs draw from (init op fields). */
export interface MachineConfig {
  layout: LayoutName;
  ramMib: number;
}

/** A block of pages obtained for a pool or a buffer. */
export interface PageBlock {
  pfn: number;
  order: number;
}

/** The page allocator behind one swiotlb model, booted on first use. */
export class PageSource {
  private mm: Mm | null = null;
  /** Attempts made since the last take() (the current op's). */
  private calls: PageCall[] = [];
  /** Totals since init: attempts per caller and gfp class, pages held. */
  readonly totals = { kernel: 0, nowait: 0, other: 0, failed: 0, pagesHeld: 0, peakPagesHeld: 0 };

  constructor(
    private readonly machine: MachineConfig,
    /** The static pool's physical range, kept out of the buddy allocator. */
    private readonly reserved: { start: number; end: number },
    private readonly context: ModelContext,
  ) {}

  /** The booted machine (boots it on first use: ~0.3 ms for 256 MiB, ~3 ms for 1 GiB). */
  get pages(): Mm {
    this.mm ??= this.boot();
    return this.mm;
  }

  /** zone_dma_limit: the last byte of ZONE_DMA (or of DMA32 when the layout has no ZONE_DMA). */
  get zoneDmaLimit(): number {
    const ends = this.pages.node.layout.zoneEnd;
    return (ends[0] > 0 ? ends[0] : ends[1]) * PAGE_SIZE - 1;
  }

  private boot(): Mm {
    const layout = buildLayout(this.machine.layout, { ramMib: this.machine.ramMib });
    const start = Math.floor(this.reserved.start / PAGE_SIZE);
    const end = Math.ceil(this.reserved.end / PAGE_SIZE);
    const reserved = [...layout.reserved, { start, end, what: "swiotlb" }].sort(
      (a, b) => a.start - b.start,
    );
    const variant = findPageallocVariant("v6.8") as PageallocVariant;
    return new Mm(
      new Node({ ...layout, reserved }),
      variant,
      this.context.clock,
      this.context.rng,
      0,
      DEFAULT_HANG_NS,
    );
  }

  /** The attempts made since the last call, and forgets them. */
  take(): readonly PageCall[] {
    const out = this.calls;
    if (out.length > 0) this.calls = [];
    return out;
  }

  /**
   * `bytes` below `physLimit` with `gfp` (zone bits chosen here), as swiotlb_alloc_tlb() and
   * dma_direct_alloc_pages() do; null when every zone tried failed.
   */
  allocBelow(bytes: number, physLimit: number, gfp: G.Gfp, caller: PageCaller): PageBlock | null {
    const order = pagesOrder(Math.ceil(bytes / PAGE_SIZE));
    let mask = gfp & ~(G.__GFP_DMA | G.__GFP_DMA32 | G.__GFP_HIGHMEM);
    if (physLimit <= this.zoneDmaLimit) mask |= G.__GFP_DMA;
    else if (physLimit <= U32_LIMIT) mask |= G.__GFP_DMA32;
    for (;;) {
      const block = this.allocPages(order, mask, caller);
      if (block === null) return null;
      if (block.pfn * PAGE_SIZE + bytes - 1 <= physLimit) return block;
      this.free(block);
      const last = this.calls.at(-1) as PageCall;
      last.outcome = "above-limit";
      if (physLimit < NO_LIMIT && !(mask & (G.__GFP_DMA32 | G.__GFP_DMA))) mask |= G.__GFP_DMA32;
      else if (!(mask & G.__GFP_DMA)) mask = (mask & ~G.__GFP_DMA32) | G.__GFP_DMA;
      else return null;
    }
  }

  /** alloc_pages(gfp, order) recorded as one attempt; orders above MAX_ORDER fail at once. */
  allocPages(order: number, gfp: G.Gfp, caller: PageCaller): PageBlock | null {
    const call: PageCall = { caller, gfp, order, outcome: "fail" };
    this.calls.push(call);
    const cls = gfpClass(gfp);
    this.totals[cls]++;
    if (order > MAX_ORDER) {
      this.totals.failed++;
      return null;
    }
    const result = dmaAllocPages(this.pages, order, gfp, {
      comm: caller === "map" ? "dma" : "kworker",
      worker: caller === "worker",
    });
    call.outcome = result.outcome;
    if (result.outcome !== "ok" || result.pfn === null) {
      this.totals.failed++;
      return null;
    }
    this.totals.pagesHeld += 2 ** order;
    this.totals.peakPagesHeld = Math.max(this.totals.peakPagesHeld, this.totals.pagesHeld);
    return { pfn: result.pfn, order };
  }

  /** __free_pages() of a block this source handed out. */
  free(block: PageBlock): void {
    dmaFreePages(this.pages, block.pfn, block.order);
    this.totals.pagesHeld -= 2 ** block.order;
  }
}

/** The benchmark's gfp classes: GFP_KERNEL-like (may sleep and do I/O), GFP_NOWAIT-like, other. */
export function gfpClass(gfp: G.Gfp): "kernel" | "nowait" | "other" {
  if (gfp & G.__GFP_DIRECT_RECLAIM && gfp & G.__GFP_IO) return "kernel";
  if (!(gfp & G.__GFP_DIRECT_RECLAIM)) return "nowait";
  return "other";
}

/** Physical address of a page block. */
export function blockAddress(block: PageBlock): number {
  return block.pfn * 2 ** PAGE_SHIFT;
}
