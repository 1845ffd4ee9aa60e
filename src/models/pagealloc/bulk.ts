/**
 * Order-0 allocations in bulk, for pressure fills: the pages a run of single order-0 requests
 * would get from the per-CPU list they would use, taken in one step with the same final state.
 * An order-0 request that finds its pcp list non-empty takes the list's head (rmqueue_pcplist)
 * and changes no zone counter, so every request of the run sees the same watermark check and
 * picks the same zone; the run ends where the list does. A request that finds it empty (the
 * refill, rmqueue_bulk, with fallback stealing and the CMA rule) is left to allocPages, as is
 * anything near a pending timer.
 */
import { ALLOC_HIGHATOMIC } from "./buddy.js";
import { COST } from "./costs.js";
import { currentGfpContext, gfpMigratetype, gfpZone } from "./gfp.js";
import type { Mm } from "./mm.js";
import { rmqueue } from "./pcp.js";
import type { PerCpuPages } from "./pcp-state.js";
import type { AllocRequest } from "./result.js";
import { fastPathFlags, gfpToAllocFlags } from "./slowpath.js";
import { NIL } from "./zone.js";

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
 * Up to `max` order-0 pages of migratetype `mt` (< MIGRATE_PCPTYPES), each as the
 * get_page_from_freelist calls with `attempts` (alloc flags, tried in order until one finds a
 * zone) would take it, marked with `kind` and `tag`, in one step: the pages on the chosen zone's
 * pcp list of the task's CPU; returns the pages taken (0 when the next page needs the ordinary
 * path).
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
  let z;
  for (const f of attempts) {
    tries++;
    flags = f;
    z = zones.find((zz) => mm.zoneAllows(zz, 0, f, highest));
    if (z !== undefined) break;
  }
  if (z === undefined || flags & ALLOC_HIGHATOMIC) return 0;
  const p = z.pcp[mm.cpu] as PerCpuPages;
  if (p.head[mt] === NIL) return 0;
  let budget = max;
  const clock = mm.clock;
  const cost = COST.freelistNs * tries;
  const timer = clock.nextTimerAt();
  if (timer !== undefined) budget = Math.min(budget, Math.floor((timer - clock.now) / cost) - 1);
  let taken = 0;
  while (taken < budget && p.head[mt] !== NIL) {
    const i = rmqueue(z, 0, flags, mt, mm.cpu, mm.fallbackStats);
    mm.claim(z, i, 0, kind, tag);
    taken++;
  }
  if (taken > 0) clock.advance(cost * taken);
  return taken;
}
