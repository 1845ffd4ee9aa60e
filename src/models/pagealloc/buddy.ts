/**
 * The buddy allocator proper, per zone (mm/page_alloc.c v6.6 blob 85741403, v6.8 blob a6632020;
 * equal here except reserve_highatomic_pageblock's limit): __free_one_page (merge,
 * buddy_merge_likely or FPI_TO_TAIL placement, no cross-type merge at or above pageblock_order),
 * expand, __rmqueue_smallest, __rmqueue with the CMA rule, __rmqueue_fallback with the
 * fallbacks[] table, can_steal_fallback, steal_suitable_fallback, move_freepages_block,
 * boost_watermark, rmqueue_buddy, and the highatomic reserve. NR_FREE_PAGES/NR_FREE_CMA_PAGES
 * change where the kernel changes them. The per-CPU lists are in ./pcp.ts. Not modelled: free
 * page reporting/shuffling, guard pages.
 */
import {
  MIGRATE_CMA,
  MIGRATE_HIGHATOMIC,
  MIGRATE_MOVABLE,
  MIGRATE_PCPTYPES,
  MIGRATE_RECLAIMABLE,
  MIGRATE_UNMOVABLE,
} from "./gfp.js";
import { MAX_ORDER, PAGEBLOCK_NR_PAGES, PAGEBLOCK_ORDER } from "./layout.js";
import {
  CALLER_LRU,
  K_ANON,
  K_CALLER,
  K_FILE,
  K_FREE,
  K_NONE,
  NIL,
  ZONE_BOOSTED_WATERMARK,
  type Zone,
} from "./zone.js";

/** fallbacks[]: the types each request type may steal from, in order (v6.6). */
const FALLBACKS: readonly (readonly number[])[] = [
  [MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE],
  [MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE],
  [MIGRATE_UNMOVABLE, MIGRATE_MOVABLE],
];

/** ALLOC_* flags that the buddy layer reads (mm/internal.h, v6.6). */
export const ALLOC_NO_WATERMARKS = 0x04;
export const ALLOC_OOM = 0x08;
export const ALLOC_NON_BLOCK = 0x10;
export const ALLOC_MIN_RESERVE = 0x20;
export const ALLOC_CPUSET = 0x40;
export const ALLOC_CMA = 0x80;
export const ALLOC_NOFRAGMENT = 0x100;
export const ALLOC_HIGHATOMIC = 0x200;
export const ALLOC_KSWAPD = 0x800;
export const ALLOC_WMARK_MASK = 0x03;
export const ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM;

/** migratetype_is_mergeable: only UNMOVABLE, MOVABLE and RECLAIMABLE blocks merge across types. */
function mergeable(mt: number): boolean {
  return mt < MIGRATE_PCPTYPES;
}

/** page_is_buddy: j (>= 0) is a free head of exactly `order` in this zone. */
function isBuddy(z: Zone, j: number, order: number): boolean {
  // One read of word0: kind and order are its top byte.
  return j < z.size && (z.w0[j] as number) >>> 24 === ((K_FREE << 4) | order);
}

/**
 * __free_one_page: frees the block at local index `start` (its head must be clear), merging
 * upward; NR_FREE_PAGES (and NR_FREE_CMA_PAGES for MIGRATE_CMA) rise by the block. `mt` is the
 * caller's migratetype (the pageblock's, or the pcp page's cached one); `toTail` is FPI_TO_TAIL.
 */
export function freeOnePage(
  z: Zone,
  start: number,
  startOrder: number,
  mt: number,
  toTail = false,
): void {
  z.modFreepageState(1 << startOrder, mt);
  let i = start;
  let order = startOrder;
  let buddy = i ^ (1 << order);
  while (order < MAX_ORDER) {
    buddy = i ^ (1 << order);
    if (!isBuddy(z, buddy, order)) break;
    if (order >= PAGEBLOCK_ORDER) {
      const buddyMt = z.blockMigratetype(buddy);
      if (mt !== buddyMt && (!mergeable(mt) || !mergeable(buddyMt))) break;
    }
    z.unlinkFree(buddy, order);
    i &= buddy;
    order++;
  }
  z.linkFree(i, order, mt, toTail || buddyMergeLikely(z, i, buddy, order));
}

/** buddy_merge_likely: put the block at the tail if its higher-order buddy is free. */
function buddyMergeLikely(z: Zone, i: number, buddy: number, order: number): boolean {
  if (order >= MAX_ORDER - 1) return false;
  const higher = buddy & i;
  return isBuddy(z, higher ^ (1 << (order + 1)), order + 1);
}

/**
 * __rmqueue_smallest: takes the first block of the smallest order >= `order` on list `mt` and
 * splits it (expand); the head's tag becomes `mt` (set_pcppage_migratetype). No vmstat change.
 * Returns the head, or NIL.
 */
export function rmqueueSmallest(z: Zone, order: number, mt: number): number {
  for (let o = order; o <= MAX_ORDER; o++) {
    const i = z.firstFree(o, mt);
    if (i === NIL) continue;
    z.unlinkFree(i, o);
    z.expand(i, order, o, mt);
    z.setTag(i, mt);
    return i;
  }
  return NIL;
}

/** can_steal_fallback: pageblock-sized, half a pageblock or more, or a non-movable request. */
function canStealFallback(order: number, startMt: number): boolean {
  if (order >= PAGEBLOCK_ORDER) return true;
  return (
    order >= PAGEBLOCK_ORDER / 2 || startMt === MIGRATE_RECLAIMABLE || startMt === MIGRATE_UNMOVABLE
  );
}

/** find_suitable_fallback with only_stealable = false: [fallback type or -1, can_steal]. */
function findSuitableFallback(z: Zone, order: number, mt: number): [number, boolean] {
  if (z.nrFree[order] === 0) return [-1, false];
  for (const fallback of FALLBACKS[mt] as readonly number[]) {
    if (z.freeListEmpty(order, fallback)) continue;
    return [fallback, canStealFallback(order, mt)];
  }
  return [-1, false];
}

/**
 * move_freepages_block: moves every free block of i's pageblock to the tail of list `mt` (no
 * vmstat change; with `account`, NR_FREE_CMA_PAGES follows list membership, for the model's
 * pageblock isolation). Returns [pages moved, pages counted movable (PageLRU)]; [0, 0] when the
 * pageblock's end leaves the zone's span (a start outside it starts the walk at i).
 * Without `countMovable` the walk stops after the pageblock's last free block
 * (Zone.blockFree), which moves the same blocks in the same order.
 */
export function moveFreepagesBlock(
  z: Zone,
  i: number,
  mt: number,
  countMovable = true,
  account = false,
): [number, number] {
  let start = i & ~(PAGEBLOCK_NR_PAGES - 1);
  const end = start + PAGEBLOCK_NR_PAGES;
  if (z.base + end - 1 >= z.spanEnd) return [0, 0];
  if (z.base + start < z.spanStart) start = i;
  let free = countMovable ? -1 : (z.blockFree[start >>> PAGEBLOCK_ORDER] as number);
  if (start !== (i & ~(PAGEBLOCK_NR_PAGES - 1))) free = -1;
  let moved = 0;
  let movable = 0;
  for (let j = start; j < end && moved !== free;) {
    const w = z.w0[j] as number;
    const kind = w >>> 28;
    if (kind === K_FREE) {
      const order = (w >>> 24) & 15;
      z.moveFree(j, mt, account);
      j += 1 << order;
      moved += 1 << order;
      continue;
    }
    if (kind === K_NONE) {
      j++;
      continue;
    }
    // A block's head: its pages are PageLRU for anon and file pages and for caller blocks
    // marked CALLER_LRU; free pcp blocks and reserved pages are not.
    const size = 1 << ((w >>> 24) & 15);
    if (kind === K_ANON || kind === K_FILE) movable += size;
    else if (kind === K_CALLER && z.tag(j) & CALLER_LRU) movable += size;
    j += size;
  }
  return [moved, countMovable ? movable : 0];
}

/** boost_watermark: one pageblock more, up to max(pageblock, HIGH * 15000 / 10000). */
function boostWatermark(z: Zone): boolean {
  if (PAGEBLOCK_NR_PAGES * 4 > z.managed) return false;
  const high = z.wmark[2] as number;
  let maxBoost = Math.floor(high / 10000) * 15000 + Math.floor(((high % 10000) * 15000) / 10000);
  if (maxBoost === 0) return false;
  maxBoost = Math.max(PAGEBLOCK_NR_PAGES, maxBoost);
  z.boost = Math.min(z.boost + PAGEBLOCK_NR_PAGES, maxBoost);
  return true;
}

/** steal_suitable_fallback: takes the block for `startMt`, and possibly its whole pageblock. */
function stealSuitableFallback(
  z: Zone,
  i: number,
  allocFlags: number,
  startMt: number,
  wholeBlock: boolean,
): boolean {
  const order = z.order(i);
  const oldMt = z.blockMigratetype(i);
  let boosted = false;
  if (oldMt !== MIGRATE_HIGHATOMIC) {
    if (order >= PAGEBLOCK_ORDER) {
      for (let b = i >>> PAGEBLOCK_ORDER; b < (i + (1 << order)) >>> PAGEBLOCK_ORDER; b++) {
        z.blockMt[b] = startMt;
      }
    } else {
      boosted = boostWatermark(z);
      if (boosted && allocFlags & ALLOC_KSWAPD) z.flags |= ZONE_BOOSTED_WATERMARK;
      if (wholeBlock) {
        const [free, movable] = moveFreepagesBlock(z, i, startMt);
        if (free > 0) {
          let alike = 0;
          if (startMt === MIGRATE_MOVABLE) alike = movable;
          else if (oldMt === MIGRATE_MOVABLE) alike = PAGEBLOCK_NR_PAGES - (free + movable);
          if (free + alike >= PAGEBLOCK_NR_PAGES >>> 1) z.blockMt[i >>> PAGEBLOCK_ORDER] = startMt;
          return boosted;
        }
      }
    }
  }
  z.moveFree(i, startMt);
  return boosted;
}

/** The outcome of one __rmqueue_fallback call, for counters. */
export interface FallbackStats {
  /** Watermark boosts from stealing (each wakes kswapd when ALLOC_KSWAPD). */
  boosts: number;
  /** Fallback steals performed. */
  steals: number;
}

/** __rmqueue_fallback: steals a block of a fallback type onto `startMt`; false if none. */
function rmqueueFallback(
  z: Zone,
  order: number,
  startMt: number,
  allocFlags: number,
  stats: FallbackStats,
): boolean {
  const minOrder =
    order < PAGEBLOCK_ORDER && allocFlags & ALLOC_NOFRAGMENT ? PAGEBLOCK_ORDER : order;
  let found = -1;
  let foundOrder = -1;
  let canSteal = false;
  for (let o = MAX_ORDER; o >= minOrder; o--) {
    const [mt, steal] = findSuitableFallback(z, o, startMt);
    if (mt === -1) continue;
    if (!steal && startMt === MIGRATE_MOVABLE && o > order) {
      // find_smallest: a movable request that may not steal takes the smallest block instead.
      for (let s = order; s <= MAX_ORDER; s++) {
        const [smt, ssteal] = findSuitableFallback(z, s, startMt);
        if (smt !== -1) {
          found = smt;
          foundOrder = s;
          canSteal = ssteal;
          break;
        }
      }
    } else {
      found = mt;
      foundOrder = o;
      canSteal = steal;
    }
    break;
  }
  if (found === -1) return false;
  const i = z.firstFree(foundOrder, found);
  stats.steals++;
  if (stealSuitableFallback(z, i, allocFlags, startMt, canSteal)) stats.boosts++;
  return true;
}

/**
 * __rmqueue: CMA first when NR_FREE_CMA_PAGES is over half of NR_FREE_PAGES (zone_page_state
 * reads, clamped at 0), own type, CMA, then fallback. No vmstat change.
 */
export function rmqueue(
  z: Zone,
  order: number,
  mt: number,
  allocFlags: number,
  stats: FallbackStats,
): number {
  const cma = (allocFlags & ALLOC_CMA) !== 0;
  if (cma && Math.max(z.freeCma, 0) > Math.floor(Math.max(z.freePages, 0) / 2)) {
    const i = rmqueueSmallest(z, order, MIGRATE_CMA);
    if (i !== NIL) return i;
  }
  for (;;) {
    let i = rmqueueSmallest(z, order, mt);
    if (i !== NIL) return i;
    if (cma) i = rmqueueSmallest(z, order, MIGRATE_CMA);
    if (i !== NIL) return i;
    if (!rmqueueFallback(z, order, mt, allocFlags, stats)) return NIL;
  }
}

/**
 * rmqueue_buddy: the highatomic reserve first for ALLOC_HIGHATOMIC, then __rmqueue, then OOM;
 * NR_FREE_PAGES falls by the block (and NR_FREE_CMA_PAGES when it came off a CMA list).
 */
export function rmqueueBuddy(
  z: Zone,
  order: number,
  mt: number,
  allocFlags: number,
  stats: FallbackStats,
): number {
  let i = NIL;
  if (allocFlags & ALLOC_HIGHATOMIC) i = rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC);
  if (i === NIL) i = rmqueue(z, order, mt, allocFlags, stats);
  if (i === NIL && allocFlags & ALLOC_OOM) i = rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC);
  if (i !== NIL) z.modFreepageState(-(1 << order), z.tag(i));
  return i;
}

/**
 * reserve_highatomic_pageblock: v6.6 up to 1% of the zone plus one pageblock; v6.8 nothing when
 * 1% of the zone is below a pageblock, else up to ALIGN(1%, pageblock).
 */
export function reserveHighatomicPageblock(z: Zone, i: number, alignedCap: boolean): void {
  const pct = Math.floor(z.managed / 100);
  let maxManaged = pct + PAGEBLOCK_NR_PAGES;
  if (alignedCap) {
    if (pct < PAGEBLOCK_NR_PAGES) return;
    maxManaged = Math.ceil(pct / PAGEBLOCK_NR_PAGES) * PAGEBLOCK_NR_PAGES;
  }
  if (z.nrReservedHighatomic >= maxManaged) return;
  if (!mergeable(z.blockMigratetype(i))) return;
  z.nrReservedHighatomic += PAGEBLOCK_NR_PAGES;
  z.blockMt[i >>> PAGEBLOCK_ORDER] = MIGRATE_HIGHATOMIC;
  moveFreepagesBlock(z, i, MIGRATE_HIGHATOMIC, false);
}

/** One zone's part of unreserve_highatomic_pageblock; true when a block moved pages. */
export function unreserveHighatomic(z: Zone, mt: number, force: boolean): boolean {
  if (!force && z.nrReservedHighatomic <= PAGEBLOCK_NR_PAGES) return false;
  for (let o = 0; o <= MAX_ORDER; o++) {
    const i = z.firstFree(o, MIGRATE_HIGHATOMIC);
    if (i === NIL) continue;
    if (z.blockMigratetype(i) === MIGRATE_HIGHATOMIC) {
      z.nrReservedHighatomic -= Math.min(PAGEBLOCK_NR_PAGES, z.nrReservedHighatomic);
    }
    z.blockMt[i >>> PAGEBLOCK_ORDER] = mt;
    if (moveFreepagesBlock(z, i, mt, false)[0] > 0) return true;
  }
  return false;
}

/** The head of the block containing local index i (free or allocated), or -1 if none. */
export function blockHead(z: Zone, i: number): number {
  for (let o = 0; o <= MAX_ORDER; o++) {
    const h = i & ~((1 << o) - 1);
    if (z.kind(h) !== K_NONE && h + (1 << z.order(h)) > i) return h;
  }
  return -1;
}
