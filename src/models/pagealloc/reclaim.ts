/**
 * Direct reclaim (mm/vmscan.c v6.6; v6.8 with 803de9000f33): try_to_free_pages ->
 * do_try_to_free_pages over priorities 12..0 with nr_to_reclaim = SWAP_CLUSTER_MAX, shrink_zones
 * skipping zones that are compaction_ready() for costly orders (and returning 1, "aborted reclaim
 * to try compaction", when nothing was reclaimed), shrink_node with should_continue_reclaim's
 * reclaim/compaction loop, and kswapd's balance to the high watermark. Simplified: one LRU per
 * zone and type (oldest first, no active/inactive split, no referenced-bit second chance), every
 * page-cache page is clean, anonymous pages go to swap only with __GFP_IO and free swap, and
 * shrinkers are not modelled.
 */
import { ALLOC_CMA } from "./buddy.js";
import { compactGap, compactionSuitable } from "./compaction.js";
import { COST } from "./costs.js";
import { type Gfp, __GFP_IO } from "./gfp.js";
import type { Mm } from "./mm.js";
import { WMARK_HIGH, WMARK_MIN, wmarkPages, zoneWatermarkOk } from "./watermarks.js";
import { LRU_ANON, LRU_FILE, PINNED, type Zone } from "./zone.js";

const SWAP_CLUSTER_MAX = 32;
const DEF_PRIORITY = 12;
/** shrink_node's LRU order in this model: page cache first, then anon. */
const LRUS_BY_RECLAIM_ORDER = [LRU_FILE, LRU_ANON] as const;

/** What one try_to_free_pages call did. */
export interface ReclaimOutcome {
  /** The return value: pages reclaimed, or 1 for an aborted reclaim, or 0. */
  progress: number;
  reclaimed: number;
  /** Some zone was skipped as compaction_ready. */
  compactionReady: boolean;
}

/** compaction_ready(): the zone has enough free memory for compaction to work on. */
export function compactionReady(
  mm: Mm,
  z: Zone,
  order: number,
  gfp: Gfp,
  reclaimIdx: number,
): boolean {
  if (!mm.compactionAllowed(gfp)) return false;
  // min_wmark_pages / high_wmark_pages include watermark_boost.
  if (zoneWatermarkOk(z, order, wmarkPages(z, WMARK_MIN), reclaimIdx, 0)) return true;
  if (!compactionSuitable(z, order, reclaimIdx)) return false;
  const mark = wmarkPages(z, WMARK_HIGH) + compactGap(order);
  return zoneWatermarkOk(z, 0, mark, reclaimIdx, 0);
}

/** in_reclaim_compaction(): costly orders, or any order>0 at priority < DEF_PRIORITY - 2. */
function inReclaimCompaction(mm: Mm, gfp: Gfp, order: number, priority: number): boolean {
  if (!mm.compactionAllowed(gfp)) return false;
  return order > 0 && (order > 3 || priority < DEF_PRIORITY - 2);
}

/** try_to_free_pages for a request of `order` whose highest zone is `reclaimIdx`. */
export function tryToFreePages(
  mm: Mm,
  gfp: Gfp,
  order: number,
  reclaimIdx: number,
): ReclaimOutcome {
  mm.clock.advance(COST.reclaimPassNs);
  let reclaimed = 0;
  let ready = false;
  for (let priority = DEF_PRIORITY; priority >= 0; priority--) {
    let shrink = false;
    for (const z of mm.zonelist(reclaimIdx)) {
      if (order > 3 && z.managed > 0 && compactionReady(mm, z, order, gfp, reclaimIdx)) {
        ready = true;
        continue;
      }
      shrink = true;
    }
    if (shrink) reclaimed += shrinkNode(mm, gfp, order, reclaimIdx, priority);
    if (reclaimed >= SWAP_CLUSTER_MAX || ready) break;
  }
  mm.counters.reclaimed += reclaimed;
  const progress = reclaimed > 0 ? reclaimed : ready ? 1 : 0;
  return { progress, reclaimed, compactionReady: ready };
}

/** shrink_node: batches of SWAP_CLUSTER_MAX while should_continue_reclaim() holds. */
function shrinkNode(mm: Mm, gfp: Gfp, order: number, reclaimIdx: number, priority: number): number {
  let total = 0;
  for (;;) {
    const got = shrinkLrus(mm, gfp, reclaimIdx, priority);
    total += got;
    if (!shouldContinueReclaim(mm, gfp, order, reclaimIdx, priority, got)) return total;
  }
}

function shouldContinueReclaim(
  mm: Mm,
  gfp: Gfp,
  order: number,
  reclaimIdx: number,
  priority: number,
  got: number,
): boolean {
  if (!inReclaimCompaction(mm, gfp, order, priority) || got === 0) return false;
  let inactive = 0;
  for (const z of mm.zonelist(reclaimIdx)) {
    if (z.managed === 0) continue;
    if (zoneWatermarkOk(z, order, wmarkPages(z, WMARK_MIN), reclaimIdx, 0)) return false;
    if (compactionSuitable(z, order, reclaimIdx)) return false;
    inactive += mm.reclaimable(z);
  }
  // v6.6/v6.8 have no "nr_reclaimed < compact_gap" test here (dropped in 2019): only LRU size.
  return inactive > compactGap(order);
}

/** One batch: scans the oldest LRU pages of eligible zones, reclaiming up to 32. */
function shrinkLrus(mm: Mm, gfp: Gfp, reclaimIdx: number, priority: number): number {
  let reclaimed = 0;
  let scanned = 0;
  const canSwap = (gfp & __GFP_IO) !== 0;
  // Per-page costs go on the clock page by page only while a timer is pending (its callback
  // must run at its time); otherwise they are summed and the clock advances once.
  const clock = mm.clock;
  const timed = clock.nextTimerAt() !== undefined;
  let pending = 0;
  for (const z of mm.zonelist(reclaimIdx)) {
    for (const lru of LRUS_BY_RECLAIM_ORDER) {
      if (lru === LRU_ANON && (!canSwap || mm.swapFree <= 0)) continue;
      const size = z.lruCount[lru] as number;
      let budget = Math.max(Math.min(size, SWAP_CLUSTER_MAX), size >>> priority);
      while (budget-- > 0 && reclaimed < SWAP_CLUSTER_MAX) {
        const i = z.lruHead[lru] as number;
        scanned++;
        if (lru === LRU_ANON) {
          if (z.tag(i) & PINNED || mm.swapFree <= 0) {
            z.lruDel(i, lru); // rotate: a pinned page stays resident
            z.lruAdd(i, lru);
            continue;
          }
          mm.swapFree--;
          mm.counters.swappedOut++;
          pending += COST.swapOutPageNs;
        } else {
          mm.shadows++;
          pending += COST.reclaimFilePageNs;
        }
        if (timed) {
          clock.advance(pending);
          pending = 0;
        }
        mm.release(z, i);
        reclaimed++;
      }
    }
    if (reclaimed >= SWAP_CLUSTER_MAX) break;
  }
  clock.advance(pending + scanned * COST.scanPageNs);
  return reclaimed;
}

/**
 * kswapd's balance_pgdat, run when virtual time passes: reclaims (with GFP_KERNEL rights) until
 * every populated zone is above its high watermark, then clears the watermark boosts.
 */
export function kswapdBalance(mm: Mm, gfp: Gfp): number {
  let total = 0;
  const zones = mm.zonelist(mm.node.zones.length - 1);
  for (let rounds = 0; rounds < 1 << 16; rounds++) {
    const low = zones.filter(
      (z) =>
        z.managed > 0 &&
        !zoneWatermarkOk(z, 0, (z.wmark[WMARK_HIGH] as number) + z.boost, z.idx, ALLOC_CMA),
    );
    if (low.length === 0) break;
    const got = shrinkLrus(mm, gfp, (low[0] as Zone).idx, DEF_PRIORITY);
    total += got;
    if (got === 0) break;
  }
  for (const z of zones) z.boost = 0;
  mm.counters.reclaimed += total;
  return total;
}
