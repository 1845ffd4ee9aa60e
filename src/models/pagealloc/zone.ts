/**
 * One zone's page state in typed arrays: two 32-bit words per page (8 bytes), one byte per
 * pageblock. The arrays stop at the zone's last page that memblock hands to the buddy allocator
 * (rounded up to MAX_ORDER): a memblock-reserved tail (the memmap at the top of RAM, 1/64 of it)
 * never changes and nothing reads it, so it has no words (Node.locate does not find its pfns).
 * Free lists and LRU lists are intrusive doubly-linked lists threaded through the same words,
 * with 24-bit zone-local links, as struct page's lru/buddy_list share one list_head.
 *
 * word0: kind (4 bits) | order (4 bits) | next (24 bits)
 * word1: tag (8 bits)  | prev (24 bits)
 *
 * Only the head page of a block (free or allocated) carries a kind; the other pages of the
 * block read K_NONE, like the kernel's PageBuddy marking only the first page of a free block.
 */
import { MIGRATE_CMA, MIGRATE_TYPES } from "./gfp.js";
import { NR_PAGE_ORDERS, PAGEBLOCK_ORDER } from "./layout.js";
import { copyWords, recycleWords, takeWords } from "./page-words.js";
import { NR_CPUS, PerCpuPages } from "./pcp-state.js";

/** The nil link: zone spans are below 2^24 - 1 pages. */
export const NIL = 0xffffff;
/** Zones larger than this cannot be linked with 24-bit indices. */
export const MAX_ZONE_PAGES = NIL;

/** Page kinds (word0 bits 28-31). */
export const K_NONE = 0;
/** Head of a free buddy block (PageBuddy); tag = the free list's migratetype. */
export const K_FREE = 1;
/** Unmovable kernel memory (slab, page tables, driver buffers): pins its pageblock. */
export const K_KERNEL = 2;
/** Anonymous memory of a process (on the anon LRU, movable); tag = pid | PINNED. */
export const K_ANON = 3;
/** Clean page cache (on the file LRU, reclaimable and movable). */
export const K_FILE = 4;
/** A block returned by an `alloc` op; tag = its migratetype. */
export const K_CALLER = 5;
/** Pages owned by a CMA allocation. */
export const K_CMA = 6;
/** memblock-reserved (present but never managed). */
export const K_RESERVED = 7;
/** Not present (a hole in RAM, or outside the zone's span). */
export const K_HOLE = 8;
/** Head of a free block on a per-CPU list (not PageBuddy); tag = its pcp migratetype (page->index). */
export const K_PCP = 9; // also in pcp-state.ts

export const KIND_NAMES = [
  "none",
  "free",
  "kernel",
  "anon",
  "file",
  "caller",
  "cma",
  "reserved",
  "hole",
  "pcp",
] as const;

/** Tag bit of an anonymous page: held by a GUP pin, so migration fails on it. */
export const PINNED = 0x80;
/** Tag bit of a caller block whose pages are on the LRU (PageLRU: move_freepages counts them movable). */
export const CALLER_LRU = 0x80;
/** zone->flags bits (enum zone_flags). */
export const ZONE_BOOSTED_WATERMARK = 1 << 1;
export const ZONE_RECLAIM_ACTIVE = 1 << 2;
export const ZONE_BELOW_HIGH = 1 << 3;
/** LRU list ids. */
export const LRU_ANON = 0;
export const LRU_FILE = 1;

const LINK = 0xffffff;

/** One zone: spanned page state, free areas, counters, LRU lists and watermarks. */
export class Zone {
  /** Pfn of local index 0 (MAX_ORDER aligned), and the number of local pages with words. */
  readonly base: number;
  readonly size: number;
  readonly w0: Uint32Array;
  readonly w1: Uint32Array;
  /** Pageblock migratetypes (get_pageblock_migratetype). */
  readonly blockMt: Uint8Array;
  /** Per pageblock, the pages of the free blocks whose head lies in it (an index for walks). */
  readonly blockFree: Uint16Array;
  /** First block of free_area[order].free_list[mt], at [order * MIGRATE_TYPES + mt]. */
  readonly freeHead: Uint32Array;
  readonly freeTail: Uint32Array;
  /** Blocks on each free list (free_area_empty is count == 0). */
  readonly freeCount: Int32Array;
  /** area->nr_free per order. */
  readonly nrFree: Int32Array;
  /**
   * NR_FREE_PAGES and NR_FREE_CMA_PAGES, raw (zone_page_state reads them clamped at 0): changed
   * where the kernel calls __mod_zone_freepage_state / __mod_zone_page_state, by the migratetype
   * it passes, not by free-list membership.
   */
  freePages = 0;
  freeCma = 0;
  managed = 0;
  present = 0;
  /** zone->cma_pages. */
  cmaPages = 0;
  /** zone->flags (ZONE_BOOSTED_WATERMARK, ZONE_RECLAIM_ACTIVE, ZONE_BELOW_HIGH). */
  flags = 0;
  /** zone->nr_isolate_pageblock (has_isolate_pageblock). */
  nrIsolatePageblock = 0;
  /** per_cpu_pageset: one struct per_cpu_pages per CPU. */
  readonly pcp: PerCpuPages[];
  /** v6.8's pcp->high auto-tuning (high_min/high_max, nr_pcp_alloc, free_count); v6.6 if false. */
  pcpAutoTune = false;
  /** zone->pageset_high (v6.8: pageset_high_min), pageset_high_max (v6.8), pageset_batch. */
  readonly pageset = [0, 0, 1];
  /** _watermark[MIN, LOW, HIGH, PROMO] and watermark_boost. */
  readonly wmark = [0, 0, 0, 0];
  boost = 0;
  /** lowmem_reserve[j]: pages held back from requests whose highest zone is j. */
  readonly lowmemReserve: number[];
  nrReservedHighatomic = 0;
  readonly lruHead = [LINK, LINK];
  readonly lruTail = [LINK, LINK];
  readonly lruCount = [0, 0];
  /** Allocated pages by kind (whole blocks counted by their size). */
  readonly allocated = new Float64Array(KIND_NAMES.length);

  /**
   * An empty zone (every page a hole) whose words stop at `wordsEnd` (<= spanEnd, see the file
   * comment), or with `from`, a copy of that zone's whole state.
   */
  constructor(
    readonly idx: number,
    readonly name: string,
    readonly spanStart: number,
    readonly spanEnd: number,
    nrZones: number,
    wordsEnd = spanEnd,
    from?: Zone,
  ) {
    this.base = spanStart - (spanStart % 1024);
    const end = Math.min(spanEnd, wordsEnd);
    this.size = end > spanStart ? Math.ceil((end - this.base) / 1024) * 1024 : 0;
    if (this.size > MAX_ZONE_PAGES) {
      throw new RangeError(`zone ${name} spans ${this.size} pages, more than ${MAX_ZONE_PAGES}`);
    }
    this.lowmemReserve = new Array<number>(nrZones).fill(0);
    if (from !== undefined) {
      this.w0 = copyWords(from.w0);
      this.w1 = copyWords(from.w1);
      this.blockMt = from.blockMt.slice();
      this.blockFree = from.blockFree.slice();
      this.freeHead = from.freeHead.slice();
      this.freeTail = from.freeTail.slice();
      this.freeCount = from.freeCount.slice();
      this.nrFree = from.nrFree.slice();
      this.pcp = from.pcp.map((p) => p.copy());
      this.copyCounters(from);
      return;
    }
    this.pcp = Array.from({ length: NR_CPUS }, () => new PerCpuPages());
    this.w0 = takeWords(this.size, (K_HOLE << 28) >>> 0);
    this.w1 = takeWords(this.size, 0);
    this.blockMt = new Uint8Array(this.size >>> PAGEBLOCK_ORDER);
    this.blockFree = new Uint16Array(this.size >>> PAGEBLOCK_ORDER);
    const lists = NR_PAGE_ORDERS * MIGRATE_TYPES;
    this.freeHead = new Uint32Array(lists).fill(LINK);
    this.freeTail = new Uint32Array(lists).fill(LINK);
    this.freeCount = new Int32Array(lists);
    this.nrFree = new Int32Array(NR_PAGE_ORDERS);
  }

  /**
   * Hands the page words back for the next zone of this size in this thread; the zone must not
   * be used afterwards.
   */
  release(): void {
    recycleWords(this.w0);
    recycleWords(this.w1);
  }

  /** An independent copy of the zone (typed arrays cloned). */
  clone(): Zone {
    const { idx, name, spanStart, spanEnd, base, size } = this;
    return new Zone(idx, name, spanStart, spanEnd, this.lowmemReserve.length, base + size, this);
  }

  private copyCounters(from: Zone): void {
    this.freePages = from.freePages;
    this.freeCma = from.freeCma;
    this.managed = from.managed;
    this.present = from.present;
    this.cmaPages = from.cmaPages;
    this.flags = from.flags;
    this.nrIsolatePageblock = from.nrIsolatePageblock;
    this.pcpAutoTune = from.pcpAutoTune;
    this.pageset.splice(0, 3, ...from.pageset);
    this.boost = from.boost;
    this.nrReservedHighatomic = from.nrReservedHighatomic;
    this.wmark.splice(0, 4, ...from.wmark);
    this.lowmemReserve.splice(0, from.lowmemReserve.length, ...from.lowmemReserve);
    this.lruHead.splice(0, 2, ...from.lruHead);
    this.lruTail.splice(0, 2, ...from.lruTail);
    this.lruCount.splice(0, 2, ...from.lruCount);
    this.allocated.set(from.allocated);
  }

  kind(i: number): number {
    return (this.w0[i] as number) >>> 28;
  }
  order(i: number): number {
    return ((this.w0[i] as number) >>> 24) & 15;
  }
  tag(i: number): number {
    return (this.w1[i] as number) >>> 24;
  }
  next(i: number): number {
    return (this.w0[i] as number) & LINK;
  }
  prev(i: number): number {
    return (this.w1[i] as number) & LINK;
  }
  /** Sets kind and order, keeping the next link. */
  setHead(i: number, kind: number, order: number): void {
    this.w0[i] = ((kind << 28) | (order << 24) | ((this.w0[i] as number) & LINK)) >>> 0;
  }
  setTag(i: number, tag: number): void {
    this.w1[i] = ((tag << 24) | ((this.w1[i] as number) & LINK)) >>> 0;
  }
  private setNext(i: number, n: number): void {
    this.w0[i] = (((this.w0[i] as number) & ~LINK) | n) >>> 0;
  }
  private setPrev(i: number, p: number): void {
    this.w1[i] = (((this.w1[i] as number) & ~LINK) | p) >>> 0;
  }

  /** Whether local index i is inside the zone's arrays. */
  has(i: number): boolean {
    return i >= 0 && i < this.size;
  }
  /** The pageblock migratetype of local index i. */
  blockMigratetype(i: number): number {
    return this.blockMt[i >>> PAGEBLOCK_ORDER] as number;
  }
  /** Whether the zone has managed pages (managed_zone / populated for allocation). */
  get populated(): boolean {
    return this.managed > 0;
  }

  /**
   * add_to_free_list / add_to_free_list_tail: makes i a free head of `order` on list `mt`, with
   * NR_FREE_PAGES and NR_FREE_CMA_PAGES raised by list membership (for the model's own callers;
   * the kernel's paths use {@link linkFree} and {@link modFreepageState}).
   */
  addFree(i: number, order: number, mt: number, tail: boolean): void {
    this.linkFree(i, order, mt, tail);
    this.modFreepageState(1 << order, mt);
  }

  /** add_to_free_list(_tail) without vmstat: the list, area->nr_free and the pageblock index. */
  linkFree(i: number, order: number, mt: number, tail: boolean): void {
    if (tail) this.linkFreeTail(i, order, mt);
    else this.linkFreeHead(i, order, mt);
    this.countFree(i, order, mt);
  }

  /** __mod_zone_freepage_state(zone, n, mt). */
  modFreepageState(n: number, mt: number): void {
    this.freePages += n;
    if (mt === MIGRATE_CMA) this.freeCma += n;
  }

  /**
   * expand(): splits block i (already off its list) of order `high` down to `low`, adding the
   * upper halves, largest first, to the heads of the `mt` lists (no vmstat change).
   */
  expand(i: number, low: number, high: number, mt: number): void {
    for (let o = high - 1; o >= low; o--) {
      const j = i + (1 << o);
      this.linkFreeHead(j, o, mt);
      this.countFree(j, o, mt);
    }
  }

  // The free-list hot path writes each word once instead of setHead/setTag/link updates.
  private linkFreeHead(i: number, order: number, mt: number): void {
    const list = order * MIGRATE_TYPES + mt;
    const { w0, w1 } = this;
    const first = this.freeHead[list] as number;
    w0[i] = (K_FREE << 28) | (order << 24) | first;
    w1[i] = (mt << 24) | LINK;
    if (first === LINK) this.freeTail[list] = i;
    else w1[first] = ((w1[first] as number) & ~LINK) | i;
    this.freeHead[list] = i;
  }

  private linkFreeTail(i: number, order: number, mt: number): void {
    const list = order * MIGRATE_TYPES + mt;
    const { w0, w1 } = this;
    const last = this.freeTail[list] as number;
    w0[i] = (K_FREE << 28) | (order << 24) | LINK;
    w1[i] = (mt << 24) | last;
    if (last === LINK) this.freeHead[list] = i;
    else w0[last] = ((w0[last] as number) & ~LINK) | i;
    this.freeTail[list] = i;
  }

  /** The per-list, per-order and per-pageblock counts of a block joining the free lists. */
  private countFree(i: number, order: number, mt: number): void {
    const list = order * MIGRATE_TYPES + mt;
    this.freeCount[list] = (this.freeCount[list] as number) + 1;
    this.nrFree[order] = (this.nrFree[order] as number) + 1;
    const block = i >>> PAGEBLOCK_ORDER;
    this.blockFree[block] = (this.blockFree[block] as number) + (1 << order);
  }

  /**
   * del_page_from_free_list: free head i of `order` leaves its list (links kept, kind cleared);
   * no vmstat change (the kernel's callers account the pages themselves).
   */
  unlinkFree(i: number, order: number): void {
    const w0 = this.w0;
    const w1 = this.w1;
    const word0 = w0[i] as number;
    const word1 = w1[i] as number;
    const mt = word1 >>> 24;
    const list = order * MIGRATE_TYPES + mt;
    const n = word0 & LINK;
    const p = word1 & LINK;
    if (p === LINK) this.freeHead[list] = n;
    else w0[p] = ((w0[p] as number) & ~LINK) | n;
    if (n === LINK) this.freeTail[list] = p;
    else w1[n] = ((w1[n] as number) & ~LINK) | p;
    this.freeCount[list] = (this.freeCount[list] as number) - 1;
    this.nrFree[order] = (this.nrFree[order] as number) - 1;
    const block = i >>> PAGEBLOCK_ORDER;
    this.blockFree[block] = (this.blockFree[block] as number) - (1 << order);
    w0[i] = n;
    w1[i] = p;
  }

  /**
   * Unlinks free head i (kind becomes K_NONE, links kept) and lowers NR_FREE_PAGES and
   * NR_FREE_CMA_PAGES by list membership (the model's own callers).
   */
  delFree(i: number): void {
    const order = this.order(i);
    const mt = this.tag(i);
    this.unlinkFree(i, order);
    this.modFreepageState(-(1 << order), mt);
  }

  /**
   * move_to_free_list: list_move_tail onto list `mt` of the same order. The kernel changes no
   * counter; with `account` NR_FREE_CMA_PAGES follows list membership (pageblock isolation here).
   */
  moveFree(i: number, mt: number, account = false): void {
    const order = this.order(i);
    const from = this.tag(i);
    this.unlinkFree(i, order);
    this.linkFree(i, order, mt, true);
    if (account && (from === MIGRATE_CMA) !== (mt === MIGRATE_CMA))
      this.freeCma += mt === MIGRATE_CMA ? 1 << order : -(1 << order);
  }

  /** The first block on free_area[order].free_list[mt], or NIL. */
  firstFree(order: number, mt: number): number {
    return this.freeHead[order * MIGRATE_TYPES + mt] as number;
  }
  freeListEmpty(order: number, mt: number): boolean {
    return this.freeCount[order * MIGRATE_TYPES + mt] === 0;
  }

  /** Appends head i to LRU list `lru` (the young end). */
  lruAdd(i: number, lru: number): void {
    const heads = this.lruHead;
    const tails = this.lruTail;
    const tail = tails[lru] as number;
    this.setNext(i, LINK);
    this.setPrev(i, tail);
    if (tail === LINK) heads[lru] = i;
    else this.setNext(tail, i);
    tails[lru] = i;
    this.lruCount[lru] = (this.lruCount[lru] as number) + 1;
  }

  /** Removes head i from LRU list `lru`. */
  lruDel(i: number, lru: number): void {
    const p = this.prev(i);
    const n = this.next(i);
    if (p === LINK) this.lruHead[lru] = n;
    else this.setNext(p, n);
    if (n === LINK) this.lruTail[lru] = p;
    else this.setPrev(n, p);
    this.lruCount[lru] = (this.lruCount[lru] as number) - 1;
  }
}
