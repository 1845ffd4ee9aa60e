/**
 * Order-0 allocations in bulk, for pressure fills: the pages a run of single order-0 requests
 * would get from one free block, taken in one step with the same final state. While the lower
 * orders of the request's free list are empty, __rmqueue_smallest serves consecutive order-0
 * requests from the first block of the smallest non-empty order, splitting it with expand() and
 * taking its pages in ascending pfn order; what is left of the block after m pages is the aligned
 * decomposition of its last 2^order - m pages, one block per lower order. The watermark checks
 * are monotone in the zone's free pages, so a run whose last page passes the check of the zone
 * that serves it, while every zone before it fails (and, for the slowpath's first try at MIN,
 * every zone fails the fast path at LOW), is served by that zone throughout. With ALLOC_CMA the
 * run follows __rmqueue's CMA-first rule, taking from the CMA and the request's own lists in turn.
 * Anything else (fallback stealing, a pending timer, reclaim) is left to allocPages, page by page.
 */
import { ALLOC_CMA, ALLOC_HIGHATOMIC } from "./buddy.js";
import { COST } from "./costs.js";
import { currentGfpContext, gfpMigratetype, gfpZone, MIGRATE_CMA } from "./gfp.js";
import { MAX_ORDER } from "./layout.js";
import type { Mm } from "./mm.js";
import type { AllocRequest } from "./result.js";
import { fastPathFlags, gfpToAllocFlags } from "./slowpath.js";
import { wmarkPages, zoneWatermarkFast } from "./watermarks.js";
import type { Zone } from "./zone.js";

/**
 * Allocates up to `max` order-0 pages for `req` in one step when allocPages would serve each of
 * them from the same free block without entering reclaim; returns the pages taken (0 when the
 * next page needs allocPages).
 */
export function allocOrder0Bulk(mm: Mm, req: AllocRequest, max: number): number {
  const gfp = currentGfpContext(req.gfp & mm.gfpAllowed, mm.scope);
  const highest = gfpZone(req.gfp);
  // The fast path at LOW, then the slowpath's first get_page_from_freelist at MIN.
  const attempts = [fastPathFlags(mm, gfp, highest), gfpToAllocFlags(gfp, 0)];
  return takeOrder0Run(mm, attempts, highest, gfpMigratetype(gfp), req.kind, req.tag, max);
}

/**
 * Up to `max` order-0 pages of migratetype `mt`, each as the get_page_from_freelist calls with
 * `attempts` (alloc flags, tried in order until one finds a zone) would take it, marked with
 * `kind` and `tag`, in one step; returns the pages taken (0 when the next page needs the
 * ordinary path).
 */
export function takeOrder0Run(
  mm: Mm,
  attempts: readonly number[],
  highest: number,
  mt: number,
  kind: number,
  tag: number,
  max: number,
): number {
  const zones = mm.zonelist(highest);
  let tries = 0;
  let flags = 0;
  let at = zones.length;
  for (const f of attempts) {
    tries++;
    flags = f;
    at = firstPassing(zones, flags, highest);
    if (at < zones.length) break;
  }
  const z = zones[at];
  if (z === undefined || flags & ALLOC_HIGHATOMIC) return 0;
  let budget = passingPages(z, flags, highest, max);
  const clock = mm.clock;
  const cost = COST.freelistNs * tries;
  const timer = clock.nextTimerAt();
  if (timer !== undefined) budget = Math.min(budget, Math.floor((timer - clock.now) / cost) - 1);
  let taken = 0;
  if (!(flags & ALLOC_CMA) || mt === MIGRATE_CMA) {
    taken = takeFromList(mm, z, mt, kind, tag, budget);
  } else {
    // __rmqueue takes CMA first while free CMA exceeds half the free pages (2 * freeCma >
    // freePages): a CMA page lowers 2 * freeCma - freePages by one, a page of the request's own
    // type raises it by one. So the run takes CMA pages down to the balance, then own pages up
    // to it, page by page in turn. A list that runs dry ends the run (allocPages goes on).
    while (taken < budget) {
      const d = 2 * z.freeCma - z.freePages;
      const want = Math.min(budget - taken, d > 0 ? d : 1 - d);
      const got = takeFromList(mm, z, d > 0 ? MIGRATE_CMA : mt, kind, tag, want);
      taken += got;
      if (got < want) break;
    }
  }
  if (taken > 0) clock.advance(cost * taken);
  return taken;
}

/**
 * Takes up to n order-0 pages off free list `mt` of z as __rmqueue_smallest would one by one
 * (the first block of the smallest non-empty order, split by expand(), pages in ascending pfn
 * order; what is left of a block after m pages is the aligned decomposition of its last
 * 2^order - m pages, one block per lower order) and claims them; returns the pages taken.
 */
function takeFromList(mm: Mm, z: Zone, mt: number, kind: number, tag: number, n: number): number {
  let taken = 0;
  let order = 0;
  while (taken < n) {
    while (order <= MAX_ORDER && z.freeListEmpty(order, mt)) order++;
    if (order > MAX_ORDER) break;
    const m = Math.min(n - taken, 1 << order);
    const i = z.firstFree(order, mt);
    z.delFree(i);
    for (let s = m; s < 1 << order; s += 1 << ctz(s)) z.addFree(i + s, ctz(s), mt, false);
    mm.claimRun(z, i, m, kind, tag);
    taken += m;
  }
  return taken;
}

/** The index of the first zone whose order-0 watermark check passes (zones.length if none). */
function firstPassing(zones: readonly Zone[], flags: number, highest: number): number {
  let k = 0;
  while (k < zones.length) {
    const z = zones[k] as Zone;
    if (zoneWatermarkFast(z, 0, wmarkPages(z, flags), highest, flags)) break;
    k++;
  }
  return k;
}

/** How many of the next `max` order-0 requests pass z's watermark check (it is monotone). */
function passingPages(z: Zone, flags: number, highest: number, max: number): number {
  const mark = wmarkPages(z, flags);
  const pass = (n: number) =>
    n === 0 || zoneWatermarkFast(z, 0, mark, highest, flags, z.freePages - (n - 1));
  if (pass(max)) return max;
  let lo = 0; // pass(lo) holds, pass(hi) does not
  let hi = max;
  // First guess: the free pages above the mark (exact unless reserves or CMA count).
  const guess = z.freePages - mark - (z.lowmemReserve[highest] as number);
  if (guess > lo && guess < hi) {
    if (pass(guess)) lo = guess;
    else hi = guess;
    if (lo === guess && !pass(guess + 1)) hi = guess + 1;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (pass(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Trailing zero bits of a positive 32-bit integer. */
function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}
