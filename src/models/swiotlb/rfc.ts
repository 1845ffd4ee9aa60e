/**
 * The per-mapping bounce buffers of Petr Tesarik's RFC v1, "swiotlb: Allow dynamic allocation of
 * software IO TLB bounce buffers" (20 Mar 2023, patches 1/4 to 4/4; never merged), spec part B.3:
 * - swiotlb_tbl_map_single() tries a dynamic buffer first, then the fixed pool;
 * - the dynamic path refuses mappings below PAGE_SIZE and any alloc_align_mask or device
 *   min_align_mask;
 * - gfp is GFP_KERNEL when the caller passed DMA_ATTR_MAY_SLEEP (1UL << 10, patch 1/4), else
 *   GFP_NOWAIT, with __GFP_NOWARN; the pages come from dma_direct_alloc_pages(PAGE_ALIGN(size))
 *   below the device's limit; no size cap;
 * - the buffers live in a maple tree under a spinlock (irqsave), stored over
 *   [xa_mk_value(pfn), xa_mk_value(pfn) + PFN_UP(size) - 1] and looked up at
 *   xa_mk_value(PHYS_PFN(addr)). xa_mk_value(v) is 2v + 1, so the range covers the buffer's first
 *   floor((n - 1) / 2) + 1 pages only: an address further in is not found (inferred from the
 *   patch's arithmetic); is_swiotlb_buffer() then says no and dma-direct skips the bounce or the
 *   unmap. The start address is always found.
 * Lookups per op (dma-direct, DMA_TO_DEVICE): map 1 (swiotlb_dyn_bounce), unmap 3
 * (is_swiotlb_buffer() twice, swiotlb_dyn_unmap()'s mt_find) and an erase, sync 2. The kmalloc'ed
 * descriptor and the tree's node allocations are not page allocations and are only counted.
 */
import { GFP_KERNEL, GFP_NOWAIT, __GFP_NOWARN } from "../pagealloc/gfp.js";
import { blockAddress, type PageBlock, type PageSource } from "./page-source.js";

/** One dynamic bounce buffer. */
export interface DynBuffer {
  start: number;
  bytes: number;
  block: PageBlock;
}

/** RFC costs: tree stores and lookups, and the levels a lookup descends (maple nodes of 16). */
export interface RfcCounters {
  buffers: number;
  treeStores: number;
  treeLookups: number;
  treeLevels: number;
  /** Lookups of an address inside a live buffer that the tree's range does not cover. */
  treeMisses: number;
}

/** The RFC's dynamic buffers of one io_tlb_mem. */
export class RfcBuffers {
  /** Live buffers by start address (a stand-in for the maple tree: same answers). */
  private readonly byStart = new Map<number, DynBuffer>();
  readonly counters: RfcCounters = {
    buffers: 0,
    treeStores: 0,
    treeLookups: 0,
    treeLevels: 0,
    treeMisses: 0,
  };

  constructor(
    private readonly pages: PageSource,
    readonly pageSize: number,
  ) {}

  get live(): number {
    return this.byStart.size;
  }

  /** Bytes the live buffers hold. */
  reservedBytes(): number {
    let n = 0;
    for (const b of this.byStart.values()) n += 2 ** b.block.order * 4096;
    return n;
  }

  /** Whether swiotlb_dyn_map() takes this request at all. */
  eligible(allocSize: number, allocAlignMask: number, minAlignMask: number): boolean {
    return allocSize >= this.pageSize && allocAlignMask === 0 && minAlignMask === 0;
  }

  /** swiotlb_dyn_map(): a buffer below `limit`, or null (the caller falls back to the pool). */
  map(allocSize: number, maySleep: boolean, limit: number): DynBuffer | null {
    const bytes = Math.ceil(allocSize / this.pageSize) * this.pageSize;
    const gfp = (maySleep ? GFP_KERNEL : GFP_NOWAIT) | __GFP_NOWARN;
    const block = this.pages.allocBelow(bytes, limit, gfp, "map");
    if (block === null) return null;
    const buffer = { start: blockAddress(block), bytes, block };
    this.byStart.set(buffer.start, buffer);
    this.counters.buffers++;
    this.counters.treeStores++;
    this.lookup(buffer.start);
    return buffer;
  }

  /**
   * `times` tree lookups (mt_find) of an address off the fixed pool: the buffer whose stored range
   * covers it, or null.
   */
  lookup(addr: number, times = 1): DynBuffer | null {
    this.counters.treeLookups += times;
    this.counters.treeLevels +=
      times * Math.max(1, Math.ceil(Math.log(this.byStart.size + 1) / Math.log(16)));
    // Unmap and sync usually pass the buffer's start (no min_align_mask offset on this path).
    const exact = this.byStart.get(addr);
    if (exact) return exact;
    const b = this.containing(addr);
    if (b === null) return null;
    const pages = b.bytes / 4096;
    if (Math.floor((addr - b.start) / 4096) <= Math.floor((pages - 1) / 2)) return b;
    this.counters.treeMisses++;
    return null;
  }

  /** The live buffer holding `addr`, whatever the tree says (no cost counted). */
  containing(addr: number): DynBuffer | null {
    for (const b of this.byStart.values())
      if (addr >= b.start && addr < b.start + b.bytes) return b;
    return null;
  }

  /** swiotlb_dyn_unmap(): the buffer leaves the tree (mtree_erase) and its pages are freed. */
  unmap(buffer: DynBuffer): void {
    this.counters.treeStores++;
    this.byStart.delete(buffer.start);
    this.pages.free(buffer.block);
  }

  /** Every live buffer. */
  all(): IterableIterator<DynBuffer> {
    return this.byStart.values();
  }
}
