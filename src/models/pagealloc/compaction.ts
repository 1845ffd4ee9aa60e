/**
 * Direct compaction (mm/compaction.c v6.6; v6.8 adds gfp_compaction_allowed): the suitability
 * checks (__compaction_suitable with compact_gap, fragmentation_index against
 * sysctl_extfrag_threshold 500, compaction_zonelist_suitable), deferral (defer_compaction,
 * compaction_deferred, compaction_defer_reset), try_to_compact_pages over the zonelist, and a
 * compact_zone that runs a migrate scanner up from the zone start and a free scanner down from
 * the end, moving unpinned LRU pages into free pages of movable pageblocks until
 * __compact_finished sees a suitable free block (SUCCESS) or the scanners meet (COMPLETE).
 * Simplified: no cached scanner positions or skip bits (every run scans the whole zone), no
 * capture, free pages are isolated a whole buddy block at a time.
 */
import { ALLOC_CMA, ALLOC_WMARK_MASK, freeOnePage } from "./buddy.js";
import { COST } from "./costs.js";
import {
  type Gfp,
  gfpCompactionAllowed,
  MIGRATE_CMA,
  MIGRATE_MOVABLE,
  MIGRATE_PCPTYPES,
} from "./gfp.js";
import { MAX_ORDER, PAGEBLOCK_NR_PAGES, PAGEBLOCK_ORDER } from "./layout.js";
import type { Mm } from "./mm.js";
import {
  WMARK_LOW,
  WMARK_MIN,
  wmarkPages,
  zoneWatermarkOk,
  zoneWatermarkOkFree,
} from "./watermarks.js";
import { K_ANON, K_FILE, K_FREE, PINNED, type Zone } from "./zone.js";

/** enum compact_result, in the kernel's order (max() of results is meaningful). */
export const COMPACT_RESULTS = [
  "not_suitable_zone",
  "skipped",
  "deferred",
  "no_suitable_page",
  "continue",
  "complete",
  "partial_skipped",
  "contended",
  "success",
] as const;
export type CompactResult = (typeof COMPACT_RESULTS)[number];
const rank = (r: CompactResult): number => COMPACT_RESULTS.indexOf(r);

/** enum compact_priority: SYNC_FULL 0, SYNC_LIGHT 1 (DEF, MIN_COSTLY), ASYNC 2 (INIT). */
export const COMPACT_PRIO_SYNC_FULL = 0;
export const COMPACT_PRIO_SYNC_LIGHT = 1;
export const COMPACT_PRIO_ASYNC = 2;
const COMPACT_MAX_DEFER_SHIFT = 6;
const EXTFRAG_THRESHOLD = 500;

/** Per-zone deferral state (struct zone's compact_* fields), kept beside the zone. */
interface Deferral {
  considered: number;
  shift: number;
  orderFailed: number;
}
const deferrals = new WeakMap<Zone, Deferral>();
function deferral(z: Zone): Deferral {
  let d = deferrals.get(z);
  if (d === undefined) {
    d = { considered: 0, shift: 0, orderFailed: 0 };
    deferrals.set(z, d);
  }
  return d;
}

/** A zone's deferral state as [considered, defer_shift, order_failed] (for stall detection). */
export function deferralState(z: Zone): readonly [number, number, number] {
  const d = deferrals.get(z);
  return d === undefined ? [0, 0, 0] : [d.considered, d.shift, d.orderFailed];
}

/** compact_gap(order): 2 << order. */
export function compactGap(order: number): number {
  return 2 << order;
}

/**
 * __compaction_suitable: an order-0 check at min_wmark_pages (low_wmark_pages if costly), both
 * with watermark_boost, + compact_gap, with ALLOC_CMA.
 */
export function compactionSuitableFree(
  z: Zone,
  order: number,
  highest: number,
  free: number,
): boolean {
  const mark = wmarkPages(z, order > 3 ? WMARK_LOW : WMARK_MIN) + compactGap(order);
  return zoneWatermarkOkFree(z, 0, mark, highest, ALLOC_CMA, free);
}

/** fragmentation_index (x1000): near 0 = lack of memory, near 1000 = fragmentation; -1000 if a block fits. */
export function fragmentationIndex(z: Zone, order: number): number {
  let blocks = 0;
  let pages = 0;
  let suitable = 0;
  for (let o = 0; o <= MAX_ORDER; o++) {
    const n = z.nrFree[o] as number;
    blocks += n;
    pages += n << o;
    if (o >= order) suitable += n << (o - order);
  }
  if (blocks === 0) return 0;
  if (suitable > 0) return -1000;
  return 1000 - Math.floor((1000 + Math.floor((pages * 1000) / (1 << order))) / blocks);
}

/** compaction_suitable: __compaction_suitable, and for costly orders fragindex > 500. */
export function compactionSuitable(z: Zone, order: number, highest: number): boolean {
  if (!compactionSuitableFree(z, order, highest, z.freePages)) return false;
  if (order <= 3) return true;
  const index = fragmentationIndex(z, order);
  return !(index >= 0 && index <= EXTFRAG_THRESHOLD);
}

/** compaction_zonelist_suitable: free + reclaimable/order passes __compaction_suitable somewhere. */
export function compactionZonelistSuitable(mm: Mm, order: number, highest: number): boolean {
  for (const z of mm.zonelist(highest)) {
    const available = Math.floor(mm.reclaimable(z) / order) + z.freePages;
    if (compactionSuitableFree(z, order, highest, available)) return true;
  }
  return false;
}

/** compaction_defer_reset. */
export function compactionDeferReset(z: Zone, order: number, allocSuccess: boolean): void {
  const d = deferral(z);
  if (allocSuccess) {
    d.considered = 0;
    d.shift = 0;
  }
  if (order >= d.orderFailed) d.orderFailed = order + 1;
}

function compactionDeferred(z: Zone, order: number): boolean {
  const d = deferral(z);
  const limit = 1 << d.shift;
  if (order < d.orderFailed) return false;
  if (++d.considered >= limit) {
    d.considered = limit;
    return false;
  }
  return true;
}

function deferCompaction(z: Zone, order: number): void {
  const d = deferral(z);
  d.considered = 0;
  d.shift = Math.min(d.shift + 1, COMPACT_MAX_DEFER_SHIFT);
  if (order < d.orderFailed) d.orderFailed = order;
}

/** What one try_to_compact_pages call did. */
export interface CompactOutcome {
  result: CompactResult;
  migrated: number;
}

/** try_to_compact_pages. The caller has already checked that the order is above 0. */
export function tryToCompactPages(
  mm: Mm,
  gfp: Gfp,
  order: number,
  allocFlags: number,
  highest: number,
  mt: number,
  prio: number,
): CompactOutcome {
  // Both variants: no __GFP_IO, no compaction (v6.6 spells it may_perform_io).
  if (!gfpCompactionAllowed(gfp)) return { result: "skipped", migrated: 0 };
  let rc: CompactResult = "skipped";
  let migrated = 0;
  for (const z of mm.zonelist(highest)) {
    if (prio > COMPACT_PRIO_SYNC_FULL && compactionDeferred(z, order)) {
      if (rank("deferred") > rank(rc)) rc = "deferred";
      continue;
    }
    const status = compactZone(mm, z, order, allocFlags, highest, mt, prio);
    migrated += status.migrated;
    if (rank(status.result) > rank(rc)) rc = status.result;
    if (status.result === "success") {
      compactionDeferReset(z, order, false);
      break;
    }
    if (
      prio !== COMPACT_PRIO_ASYNC &&
      (status.result === "complete" || status.result === "partial_skipped")
    ) {
      deferCompaction(z, order);
    }
  }
  return { result: rc, migrated };
}

/** __compact_finished's free-list test: a free block the request can use or steal. */
function suitablePageFree(z: Zone, order: number, mt: number): boolean {
  for (let o = order; o <= MAX_ORDER; o++) {
    if (!z.freeListEmpty(o, mt)) return true;
    if (mt === MIGRATE_MOVABLE && !z.freeListEmpty(o, MIGRATE_CMA)) return true;
    if (z.nrFree[o] === 0) continue;
    // find_suitable_fallback(only_stealable = true): a fallback list and can_steal.
    const canSteal = o >= PAGEBLOCK_ORDER / 2 || mt !== MIGRATE_MOVABLE;
    if (!canSteal) continue;
    for (let f = 0; f < MIGRATE_PCPTYPES; f++) if (f !== mt && !z.freeListEmpty(o, f)) return true;
  }
  return false;
}

/** compact_zone for a direct compactor. */
function compactZone(
  mm: Mm,
  z: Zone,
  order: number,
  allocFlags: number,
  highest: number,
  mt: number,
  prio: number,
): CompactOutcome {
  mm.clock.advance(COST.compactZoneNs);
  const mark = wmarkPages(z, allocFlags & ALLOC_WMARK_MASK);
  if (zoneWatermarkOk(z, order, mark, highest, allocFlags))
    return { result: "success", migrated: 0 };
  if (!compactionSuitable(z, order, highest)) return { result: "skipped", migrated: 0 };
  const asyncMode = prio === COMPACT_PRIO_ASYNC;
  let free = z.size; // free scanner: next pageblock boundary to scan down from
  const targets: number[] = [];
  let migrated = 0;
  let scanned = 0;
  let result: CompactResult = "complete";
  for (let block = 0; block + PAGEBLOCK_NR_PAGES <= free; block += PAGEBLOCK_NR_PAGES) {
    const bmt = z.blockMigratetype(block);
    const source =
      !asyncMode ||
      (mt === MIGRATE_MOVABLE ? bmt === MIGRATE_MOVABLE || bmt === MIGRATE_CMA : bmt === mt);
    if (source) {
      const chunk = asyncMode && order < PAGEBLOCK_ORDER ? 1 << order : PAGEBLOCK_NR_PAGES;
      for (let i = block; i < block + PAGEBLOCK_NR_PAGES;) {
        scanned++;
        const kind = z.kind(i);
        if (kind === K_FREE) {
          i += 1 << z.order(i);
          continue;
        }
        const movable = (kind === K_ANON && !(z.tag(i) & PINNED)) || kind === K_FILE;
        if (!movable) {
          if (kind !== 0 && asyncMode)
            i = (i | (chunk - 1)) + 1; // skip_on_failure
          else i++;
          continue;
        }
        if (targets.length === 0) {
          free = isolateFreeBlock(z, free, block + PAGEBLOCK_NR_PAGES, targets);
          if (targets.length === 0) break;
        }
        const target = targets.pop() as number;
        const tag = z.tag(i);
        mm.release(z, i);
        mm.claim(z, target, 0, kind, tag);
        migrated++;
        i++;
      }
    }
    if (suitablePageFree(z, order, mt)) {
      result = "success";
      break;
    }
    if (block + 2 * PAGEBLOCK_NR_PAGES > free && targets.length === 0) break;
  }
  // Unused isolated free pages go back (release_freepages).
  for (const t of targets) freeOnePage(z, t, 0, z.blockMigratetype(t));
  if (result !== "success" && suitablePageFree(z, order, mt)) result = "success";
  mm.counters.migrated += migrated;
  mm.clock.advance(scanned * COST.compactScanPageNs + migrated * COST.migratePageNs);
  return { result, migrated };
}

/**
 * isolate_freepages: scans pageblocks down from `free` (not below `floor`) for a free block in a
 * movable or CMA pageblock smaller than a pageblock; splits it into order-0 targets. Returns the
 * free scanner's new position.
 */
function isolateFreeBlock(z: Zone, free: number, floor: number, targets: number[]): number {
  for (let block = free - PAGEBLOCK_NR_PAGES; block >= floor; block -= PAGEBLOCK_NR_PAGES) {
    const bmt = z.blockMigratetype(block);
    if (bmt === MIGRATE_MOVABLE || bmt === MIGRATE_CMA) {
      for (let i = block; i < block + PAGEBLOCK_NR_PAGES;) {
        if (z.kind(i) === K_FREE && z.order(i) < PAGEBLOCK_ORDER) {
          const order = z.order(i);
          z.delFree(i);
          for (let p = i + (1 << order) - 1; p >= i; p--) targets.push(p);
          return block + PAGEBLOCK_NR_PAGES;
        }
        i += z.kind(i) === K_FREE ? 1 << z.order(i) : 1;
      }
    }
  }
  return floor;
}
