/**
 * The pool list of CONFIG_SWIOTLB_DYNAMIC as merged (Petr Tesarik, v6.6; kernel/dma/swiotlb.c as
 * of v6.9, git blob 0de66f0ff43a): io_tlb_mem.pools (RCU list, new pools at the head, defpool
 * last), the device's transient pools, the growth work item and swiotlb_find_pool(). A static
 * build is the same list with one pool and no growth, so both designs share this file:
 * - swiotlb_find_slots(): alloc_size over IO_TLB_SEGSIZE slots fails up front (ZhangPeng, Jan
 *   2024); then area-major (Tesarik, Nov 2023): for i < default_nareas, every pool newest first
 *   with i < its nareas, area (cpu + i) & (nareas - 1). With one pool that is the static order.
 *   As merged in v6.6 (git blob dff067bd56b1): no size check, and pool-major: every area of one
 *   pool, newest first, before the next; its transient pools keep the unclamped list[] of
 *   v6.6's swiotlb_init_io_tlb_pool().
 * - when nothing fits and mem->can_grow: schedule_work(dyn_alloc) (a no-op while pending), then a
 *   transient pool of exactly nr_slots(alloc_size) slots in 1 area, pages and slot array
 *   GFP_NOWAIT | __GFP_NOWARN below min_not_zero(dma_mask, bus_dma_limit), searched once; freed
 *   again when that search fails.
 * - swiotlb_dyn_alloc() (the worker): swiotlb_alloc_pool(NULL, IO_TLB_MIN_SLABS, default_nslabs,
 *   default_nareas, mem->phys_limit, GFP_KERNEL): nslabs capped at SLABS_PER_PAGE <<
 *   MAX_PAGE_ORDER (2048 slots, 4 MiB), halved (ALIGN(nslabs >> 1, 128)) down to 512 while the
 *   pages cannot be had, nareas cut by limit_nareas(); "Failed to allocate new pool" otherwise.
 *   add_mem_pool() puts it at the head and adds its slots to mem->nslabs. Never freed.
 * - swiotlb_find_pool(): mem->pools, then the device's transient pools, by address range.
 *   Unmapping a transient pool's buffer frees the whole pool instead of releasing slots. v6.9
 *   walks again at each call site (map's bounce, is_swiotlb_buffer(), swiotlb_del_transient(),
 *   swiotlb_release_slots(); Kelley, "swiotlb: Reduce calls to swiotlb_find_pool()", June 2024,
 *   counts 6 per map/unmap round trip): findPool() walks once and repeatLookup() counts the rest.
 * - mem_used() with CONFIG_DEBUG_FS=y (distribution kernels): the atomic total_used, which
 *   swiotlb_search_pool_area() raises for transient pools too and swiotlb_del_transient() lowers.
 */
import { GFP_KERNEL, GFP_NOWAIT, __GFP_NOWARN } from "../pagealloc/gfp.js";
import { pagesOrder } from "../pagealloc/dma-pages.js";
import { IO_TLB_SEGSIZE, IO_TLB_SIZE, nrSlots, type SlotQuery, SwiotlbPool } from "./pool.js";
import { blockAddress, type PageBlock, type PageSource } from "./page-source.js";
import { type SlotRequest, slotQuery } from "./search.js";
import type { SwiotlbVariant } from "./variants.js";

/** IO_TLB_MIN_SLABS: the smallest growth pool (1 MiB). */
const IO_TLB_MIN_SLABS = 512;
/** SLABS_PER_PAGE << MAX_PAGE_ORDER at 4 KiB pages and MAX_PAGE_ORDER 10: 4 MiB. */
export const MAX_GROWTH_SLABS = 2 << 10;
/** sizeof(struct io_tlb_slot) on 64-bit: orig_addr, alloc_size, list, pad_slots, padded. */
const SLOT_STRUCT_BYTES = 24;
/** Assumption: virtual time from schedule_work() until a kworker runs swiotlb_dyn_alloc(). */
export const GROWTH_WORK_DELAY_NS = 100_000;

/** One pool of the list, with the pages it was made of (none for the boot-time pool). */
export interface PoolEntry {
  pool: SwiotlbPool;
  transient: boolean;
  pages: PageBlock | null;
  slotArray: PageBlock | null;
}

/** What one map's slot search found: the pool entry and its first slot. */
export interface Found {
  entry: PoolEntry;
  slot: number;
}

/** One swiotlb_find_slots() call: the request, under a variant's search rules, from a CPU. */
export interface FindRequest {
  variant: SwiotlbVariant;
  pageSize: number;
  request: SlotRequest;
  cpu: number;
  /** min_not_zero(dma_mask, bus_dma_limit), for a transient pool's pages. */
  limit: number;
  /** The clock, to schedule the growth work. */
  now: number;
}

/** Benchmark costs and events of the pool list. */
export interface PoolCounters {
  poolsWalked: number;
  lookups: number;
  growthPools: number;
  growthFailures: number;
  transientPools: number;
  transientFailures: number;
  /** Slots examined by searches of pools since freed (transient ones). */
  slotsCheckedFreed: number;
}

/** io_tlb_mem's pools and one device's transient pools. */
export class PoolList {
  /** mem->pools, newest first; the boot-time pool (defpool) is last. */
  readonly pools: PoolEntry[];
  /** dev->dma_io_tlb_pools, newest first. */
  readonly transients: PoolEntry[] = [];
  /** When the growth work runs (virtual ns), or null when it is not pending. */
  workDueNs: number | null = null;
  /** "Failed to allocate new pool" messages so far. */
  growthWarnings = 0;
  readonly counters: PoolCounters = {
    poolsWalked: 0,
    lookups: 0,
    growthPools: 0,
    growthFailures: 0,
    transientPools: 0,
    transientFailures: 0,
    slotsCheckedFreed: 0,
  };

  /** Pools compared by the last findPool() walk. */
  private lastWalk = 0;

  constructor(
    readonly defpool: SwiotlbPool,
    /** CONFIG_SWIOTLB_DYNAMIC: the 256 KiB check of swiotlb_find_slots() applies to every mem. */
    private readonly dynamicBuild: boolean,
    /** mem->can_grow: a dynamic build's default pool; never a restricted pool. */
    readonly canGrow: boolean,
    /** Pages for growth and transient pools (dynamic builds only). */
    private readonly pages: PageSource | null,
    /** mem->phys_limit for growth pools. */
    private readonly physLimit: number,
  ) {
    this.pools = [{ pool: defpool, transient: false, pages: null, slotArray: null }];
  }

  /** mem->nslabs: every pool of mem->pools (transient pools are not counted). */
  get nslabs(): number {
    let n = 0;
    for (const e of this.pools) n += e.pool.nslabs;
    return n;
  }

  /**
   * mem_used() with CONFIG_DEBUG_FS=y: atomic total_used, the slots taken in mem->pools plus the
   * slots of live transient pools (each holds exactly the one allocation it was made for).
   */
  used(): number {
    let n = 0;
    for (const e of this.pools) n += e.pool.used();
    for (const e of this.transients) n += e.pool.nslabs;
    return n;
  }

  /** Bytes of bounce buffer the pools hold (transient pools included). */
  reservedBytes(): number {
    let n = 0;
    for (const e of this.pools) n += e.pool.nslabs * IO_TLB_SIZE;
    for (const e of this.transients) n += e.pool.nslabs * IO_TLB_SIZE;
    return n;
  }

  /** swiotlb_find_slots(): the pool and first slot found (taken), or null. */
  findSlots(f: FindRequest): Found | null {
    const allocSize = f.request.allocSize;
    const v66 = f.variant.dynamicRules === "v6.6";
    if (this.dynamicBuild && !v66 && allocSize > IO_TLB_SEGSIZE * IO_TLB_SIZE) return null;
    const pools = this.pools;
    if (pools.length === 1 || v66) {
      // One pool at a time (v6.6's swiotlb_pool_find_slots(), newest first): its areas from the
      // CPU's, wrapping (the static build's order too). SEARCH_HANG ends the search as it is.
      for (const entry of pools) {
        const pool = entry.pool;
        const query = slotQuery(f.variant, pool, f.pageSize, f.request);
        const last = pool.nareas - 1;
        for (let i = 0; i <= last; i++) {
          const slot = pool.searchArea((f.cpu + i) & last, query);
          if (slot !== -1) return { entry, slot };
        }
      }
    } else {
      const queries: SlotQuery[] = [];
      for (const e of pools) queries.push(slotQuery(f.variant, e.pool, f.pageSize, f.request));
      for (let i = 0; i < this.defpool.nareas; i++) {
        for (let p = 0; p < pools.length; p++) {
          const entry = pools[p] as PoolEntry;
          const pool = entry.pool;
          if (i >= pool.nareas) continue;
          const slot = pool.searchArea((f.cpu + i) & (pool.nareas - 1), queries[p] as SlotQuery);
          if (slot >= 0) return { entry, slot };
        }
      }
    }
    if (!this.canGrow || this.pages === null) return null;
    this.workDueNs ??= f.now + GROWTH_WORK_DELAY_NS;
    return this.transient(f);
  }

  /** The transient pool of swiotlb_find_slots(), searched once; freed when that fails. */
  private transient(f: FindRequest): Found | null {
    const nslabs = nrSlots(f.request.allocSize);
    const entry = this.allocPool(nslabs, nslabs, 1, f.limit, GFP_NOWAIT | __GFP_NOWARN, "map", {
      clampList: f.variant.dynamicRules !== "v6.6",
    });
    if (entry === null) {
      this.counters.transientFailures++;
      return null;
    }
    const query = slotQuery(f.variant, entry.pool, f.pageSize, f.request);
    const slot = entry.pool.searchArea(0, query);
    if (slot < 0) {
      this.freeEntry(entry);
      this.counters.transientFailures++;
      return null;
    }
    entry.transient = true;
    this.transients.unshift(entry);
    this.counters.transientPools++;
    return { entry, slot };
  }

  /** swiotlb_dyn_alloc(): one growth pool at the head of the list, or the failure message. */
  runGrowthWork(): void {
    this.workDueNs = null;
    const entry = this.allocPool(
      IO_TLB_MIN_SLABS,
      this.defpool.nslabs,
      this.defpool.nareas,
      this.physLimit,
      GFP_KERNEL,
      "worker",
    );
    if (entry === null) {
      this.counters.growthFailures++;
      this.growthWarnings++;
      return;
    }
    this.pools.unshift(entry);
    this.counters.growthPools++;
  }

  /** swiotlb_alloc_pool(): tlb pages (halving down to minslabs), then the slot array. */
  private allocPool(
    minslabs: number,
    wanted: number,
    wantedAreas: number,
    limit: number,
    gfp: number,
    caller: "map" | "worker",
    init = { clampList: true },
  ): PoolEntry | null {
    const source = this.pages as PageSource;
    let nslabs = wanted;
    let nareas = wantedAreas;
    if (nslabs > MAX_GROWTH_SLABS) {
      nslabs = MAX_GROWTH_SLABS;
      nareas = limitNareas(nareas, nslabs);
    }
    let pages: PageBlock | null;
    while ((pages = source.allocBelow(nslabs * IO_TLB_SIZE, limit, gfp, caller)) === null) {
      if (nslabs <= minslabs) return null;
      nslabs = Math.ceil(Math.floor(nslabs / 2) / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE;
      nareas = limitNareas(nareas, nslabs);
    }
    const slotOrder = pagesOrder(Math.ceil((nslabs * SLOT_STRUCT_BYTES) / 4096));
    const slotArray = source.allocPages(slotOrder, gfp, caller);
    if (slotArray === null) {
      source.free(pages);
      return null;
    }
    const pool = new SwiotlbPool(nslabs, nareas, blockAddress(pages), init.clampList);
    return { pool, transient: false, pages, slotArray };
  }

  /** Gives a pool's pages back (swiotlb_dyn_free). */
  private freeEntry(entry: PoolEntry): void {
    const source = this.pages as PageSource;
    this.counters.slotsCheckedFreed += entry.pool.slotsChecked;
    if (entry.slotArray) source.free(entry.slotArray);
    if (entry.pages) source.free(entry.pages);
  }

  /**
   * swiotlb_find_pool(): mem->pools, then the transient pools; counts one lookup and the pools
   * compared (a static build's one pool: the range check of is_swiotlb_buffer()).
   */
  findPool(addr: number): PoolEntry | null {
    this.counters.lookups++;
    let walked = 0;
    let found: PoolEntry | null = null;
    for (const e of this.pools) {
      walked++;
      if (e.pool.contains(addr)) {
        found = e;
        break;
      }
    }
    if (found === null) {
      for (const e of this.transients) {
        walked++;
        if (e.pool.contains(addr)) {
          found = e;
          break;
        }
      }
    }
    this.lastWalk = walked;
    this.counters.poolsWalked += walked;
    return found;
  }

  /** `n` more lookups of the address findPool() just looked up: the kernel walks again. */
  repeatLookup(n: number): void {
    this.counters.lookups += n;
    this.counters.poolsWalked += n * this.lastWalk;
  }

  /** swiotlb_del_transient(): the pool leaves the device's list and its pages are freed. */
  deleteTransient(entry: PoolEntry): void {
    this.transients.splice(this.transients.indexOf(entry), 1);
    this.freeEntry(entry);
  }

  /** Slots examined by every search so far, freed pools included. */
  slotsChecked(): number {
    let n = this.counters.slotsCheckedFreed;
    for (const e of this.pools) n += e.pool.slotsChecked;
    for (const e of this.transients) n += e.pool.slotsChecked;
    return n;
  }

  /** Every pool, list first, then transient pools. */
  all(): PoolEntry[] {
    return [...this.pools, ...this.transients];
  }
}

/** limit_nareas(): no more areas than whole segments. */
function limitNareas(nareas: number, nslabs: number): number {
  return nslabs < nareas * IO_TLB_SEGSIZE ? Math.floor(nslabs / IO_TLB_SEGSIZE) : nareas;
}
