/**
 * __alloc_pages and __alloc_pages_slowpath (mm/page_alloc.c v6.6, and v6.8 = v6.6 + 803de9000f33)
 * as decision logic on virtual time: fast path at LOW with ALLOC_NOFRAGMENT, restart with
 * gfp_to_alloc_flags, initial async compaction, the retry loop (direct reclaim, direct
 * compaction, NORETRY / costly bail-outs, should_reclaim_retry, should_compact_retry, OOM),
 * nopage with the __GFP_NOFAIL loop and warn_alloc. Loops run until they succeed, fail, or their
 * virtual latency passes the hang bound; a retry loop whose state stops changing is
 * fast-forwarded to the bound (see ./stall.ts), never spun in real time.
 */
import {
  ALLOC_CMA,
  ALLOC_HIGHATOMIC,
  ALLOC_KSWAPD,
  ALLOC_MIN_RESERVE,
  ALLOC_NO_WATERMARKS,
  ALLOC_NON_BLOCK,
  unreserveHighatomic,
} from "./buddy.js";
import {
  COMPACT_PRIO_ASYNC,
  COMPACT_PRIO_SYNC_LIGHT,
  type CompactResult,
  compactionDeferReset,
  compactionZonelistSuitable,
  tryToCompactPages,
} from "./compaction.js";
import * as G from "./gfp.js";
import { MAX_ORDER } from "./layout.js";
import type { Block, Mm } from "./mm.js";
import { allocPagesMayOom } from "./oom.js";
import { drainAllPages } from "./pcp.js";
import { tryToFreePages } from "./reclaim.js";
import { type AllocRequest, type AllocResult, AllocTrace, type RetryExit } from "./result.js";
import type * as PolicyArgs from "./policy.js";
import { MAX_COMPACT_RETRIES, MAX_RECLAIM_RETRIES } from "./policy.js";
import { StallDetector } from "./stall.js";
import { WMARK_LOW, WMARK_MIN, wmarkPages, zoneWatermarkOkFree } from "./watermarks.js";

const COSTLY = 3;

/** gfp_to_alloc_flags (v6.3+): MIN, HIGH -> MIN_RESERVE, no direct reclaim -> NON_BLOCK (+HIGHATOMIC). */
export function gfpToAllocFlags(gfp: G.Gfp, order: number): number {
  let flags = WMARK_MIN | 0x40; // ALLOC_CPUSET
  flags |= gfp & (G.__GFP_HIGH | G.__GFP_KSWAPD_RECLAIM);
  if (!(gfp & G.__GFP_DIRECT_RECLAIM)) {
    if (!(gfp & G.__GFP_NOMEMALLOC)) {
      flags |= ALLOC_NON_BLOCK;
      if (order > 0) flags |= ALLOC_HIGHATOMIC;
    }
    if (flags & ALLOC_MIN_RESERVE) flags &= ~0x40;
  }
  return cmaFlags(gfp, flags);
}

/** gfp_to_alloc_flags_cma: movable requests may use CMA pageblocks. */
export function cmaFlags(gfp: G.Gfp, flags: number): number {
  return G.gfpMigratetype(gfp) === G.MIGRATE_MOVABLE ? flags | ALLOC_CMA : flags;
}

/** The fast path's alloc flags: LOW, ALLOC_NOFRAGMENT when it applies, ALLOC_CMA. */
export function fastPathFlags(mm: Mm, gfp: G.Gfp, highest: number): number {
  return cmaFlags(gfp, WMARK_LOW | mm.nofragment(mm.zonelist(highest)[0]));
}

/** __gfp_pfmemalloc_flags for a task that is neither PF_MEMALLOC nor an OOM victim. */
function pfmemallocFlags(gfp: G.Gfp): number {
  if (gfp & G.__GFP_NOMEMALLOC) return 0;
  return gfp & G.__GFP_MEMALLOC ? ALLOC_NO_WATERMARKS : 0;
}

/** __alloc_pages: one allocation request, start to finish. */
export function allocPages(mm: Mm, req: AllocRequest): AllocResult {
  const t = new AllocTrace(mm, req);
  const { order } = req;
  if (order > MAX_ORDER) {
    t.warnOnce("order > MAX_ORDER", req.gfp);
    return t.fail();
  }
  const gfp = G.currentGfpContext(req.gfp & mm.gfpAllowed, mm.scope);
  t.gfp = gfp;
  if (gfp & G.__GFP_NOFAIL && order > 1)
    t.warnOnce("(gfp_flags & __GFP_NOFAIL) && (order > 1)", gfp);
  const block = t.freelist(order, fastPathFlags(mm, gfp, t.highest));
  if (block !== undefined) return t.ok(block);
  return slowpath(mm, t, gfp, order);
}

function slowpath(mm: Mm, t: AllocTrace, gfp: G.Gfp, order: number): AllocResult {
  const { hooks, saturation } = mm.variant;
  const rt = mm.policy;
  rt.volatile = false;
  mm.forgetCompactionAllowed();
  const canDirectReclaim = (gfp & G.__GFP_DIRECT_RECLAIM) !== 0;
  const canCompact = mm.compactionAllowed(gfp);
  const costly = order > COSTLY;
  const mt = G.gfpMigratetype(gfp);
  const stall = new StallDetector(mm, t);
  let compactionRetries = 0;
  let noProgressLoops = 0;
  let compactResult: CompactResult = "skipped";
  let compactPriority = COMPACT_PRIO_SYNC_LIGHT;
  /** Passes so far: makes every key unique once a hook read the clock or its random stream. */
  let passes = 0;
  let allocFlags = gfpToAllocFlags(gfp, order);
  let block: Block | undefined;
  let progress = 0;

  const compact = (prio: number): Block | undefined => {
    if (order === 0) return undefined;
    const out = tryToCompactPages(mm, gfp, order, allocFlags, t.highest, mt, prio);
    compactResult = out.result;
    t.countCompaction(out.result);
    if (out.result === "skipped") return undefined;
    const got = t.freelist(order, allocFlags);
    if (got !== undefined) compactionDeferReset(got.zone, order, true);
    return got;
  };

  const start = (): AllocResult | null => {
    if (mm.zonelist(t.highest).length === 0) return nopage();
    block = t.freelist(order, allocFlags);
    if (block !== undefined) return t.ok(block);
    const initialCompaction = costly || (order > 0 && mt !== G.MIGRATE_MOVABLE);
    if (canDirectReclaim && canCompact && initialCompaction && !pfmemallocFlags(gfp)) {
      block = compact(COMPACT_PRIO_ASYNC);
      if (block !== undefined) return t.ok(block);
      if (costly && gfp & G.__GFP_NORETRY) {
        if (compactResult === "skipped" || compactResult === "deferred") return nopage();
        compactPriority = COMPACT_PRIO_ASYNC;
      }
    }
    return null;
  };
  return start() ?? retryLoop();

  /** The `retry:` label and everything that jumps back to it (nopage's NOFAIL loop included). */
  function retryLoop(): AllocResult {
    for (;;) {
      const outcome = iteration();
      if (outcome !== null) return outcome;
    }
  }

  /** One pass from `retry:`; null means goto retry. */
  function iteration(): AllocResult | null {
    {
      stall.beginIteration();
      const reserve = pfmemallocFlags(gfp);
      if (reserve) allocFlags = cmaFlags(gfp, reserve) | (allocFlags & ALLOC_KSWAPD);
      block = t.freelist(order, allocFlags);
      if (block !== undefined) return t.ok(block);
      if (!canDirectReclaim) return nopage();
      // __alloc_pages_direct_reclaim
      const reclaim = tryToFreePages(mm, gfp, order, t.highest);
      progress = reclaim.progress;
      t.countReclaim(reclaim.reclaimed, reclaim.progress);
      stall.othersSteal(reclaim.reclaimed);
      if (progress > 0) {
        block = t.freelist(order, allocFlags);
        if (block === undefined) {
          // __alloc_pages_direct_reclaim: pcp lists may hold the pages; drain_all_pages(NULL).
          for (const z of mm.zonelist(t.highest)) if (unreserveHighatomic(z, mt, false)) break;
          drainAllPages(mm.node.zones);
          block = t.freelist(order, allocFlags);
        }
        if (block !== undefined) return t.ok(block);
      }
      block = compact(compactPriority);
      if (block !== undefined) return t.ok(block);
      if (gfp & G.__GFP_NORETRY) return nopage();
      if (costly && (!canCompact || !(gfp & G.__GFP_RETRY_MAYFAIL))) return nopage();
      let via: RetryExit = "reclaim-retry";
      let again = shouldReclaimRetry(progress > 0);
      if (!again && progress > 0 && canCompact) {
        via = "compact-retry";
        again = shouldCompactRetry();
      }
      if (!again) {
        const oom = allocPagesMayOom(
          mm,
          gfp,
          order,
          t.highest,
          mt,
          t.req.kind,
          t.req.tag,
          t.req.comm,
        );
        t.log(oom.log);
        if (oom.killed !== null) t.counters.oomKills++;
        if (oom.block !== undefined) return t.ok(oom.block);
        if (!oom.progress) return nopage();
        noProgressLoops = 0;
        // out_of_memory() is true without a kill when __GFP_FS is clear (mm/oom_kill.c).
        via = oom.killed !== null ? "oom-kill" : gfp & G.__GFP_FS ? "oom-nofail" : "oom-no-fs";
      }
      t.countExit(via);
      return stall.endIteration(loopKey(via)) ?? null;
    }
  }

  /**
   * The loop state the next pass decides on, and this pass's way back to `retry:`. Counters
   * past their limits are capped: every value above a limit takes the same branches.
   */
  function loopKey(via: string): string {
    const loops = Math.min(noProgressLoops, saturation.loops);
    const retries = Math.min(compactionRetries, saturation.retries);
    passes++;
    const unique = rt.volatile ? `:${passes}` : "";
    return `${via}:${progress > 0 ? 1 : 0}:${loops}:${retries}:${compactPriority}:${compactResult}${unique}`;
  }

  /** should_reclaim_retry: the counter update, the policy's decision, the highatomic fallback. */
  function shouldReclaimRetry(didProgress: boolean): boolean {
    if (didProgress && order <= COSTLY) noProgressLoops = 0;
    else noProgressLoops++;
    const watermarkOk = () => {
      for (const z of mm.zonelist(t.highest)) {
        const available = mm.reclaimable(z) + z.freePages;
        if (
          zoneWatermarkOkFree(z, order, wmarkPages(z, WMARK_MIN), t.highest, allocFlags, available)
        )
          return true;
      }
      return false;
    };
    const ok = hooks.should_reclaim_retry(
      new ReclaimRetryArgs(gfp, order, didProgress, noProgressLoops, watermarkOk),
      rt,
    );
    if (noProgressLoops <= MAX_RECLAIM_RETRIES && t.req.worker) t.sleepJiffy();
    if (ok) return true;
    for (const z of mm.zonelist(t.highest)) if (unreserveHighatomic(z, mt, true)) return true;
    return false;
  }

  /** should_compact_retry: the policy's decision and the loop's new counters. */
  function shouldCompactRetry(): boolean {
    const suitable = () => compactionZonelistSuitable(mm, order, t.highest);
    const args = new CompactRetryArgs(
      gfp,
      order,
      compactResult,
      compactionRetries,
      compactPriority,
      suitable,
    );
    const out = hooks.should_compact_retry(args, rt);
    if (out === false) return false;
    compactionRetries = out.compaction_retries;
    compactPriority = out.compact_priority;
    return out.retry;
  }

  /** nopage: the NOFAIL loop (null = goto retry), else warn_alloc and NULL. */
  function nopage(): AllocResult | null {
    if (gfp & G.__GFP_NOFAIL) {
      if (!canDirectReclaim) {
        t.warnOnce("!can_direct_reclaim", gfp);
        return t.warnAllocAndFail(mm);
      }
      if (costly) t.warnOnce("costly_order", gfp);
      const got = t.freelist(order, ALLOC_MIN_RESERVE | WMARK_MIN);
      if (got !== undefined) return t.ok(got);
      t.countExit("nofail");
      return stall.endIteration(loopKey("nofail")) ?? null;
    }
    return t.warnAllocAndFail(mm);
  }
}

/** should_reclaim_retry's arguments; the zone walk runs only when a hook reads watermark_ok. */
class ReclaimRetryArgs implements PolicyArgs.ReclaimRetryArgs {
  readonly max_reclaim_retries = MAX_RECLAIM_RETRIES;

  constructor(
    readonly gfp: number,
    readonly order: number,
    readonly did_some_progress: boolean,
    readonly no_progress_loops: number,
    private readonly _watermarkOk: () => boolean,
  ) {}

  get watermark_ok(): boolean {
    return this._watermarkOk();
  }
}

/** should_compact_retry's arguments; the zonelist walk runs only when a hook reads it. */
class CompactRetryArgs implements PolicyArgs.CompactRetryArgs {
  readonly max_compact_retries = MAX_COMPACT_RETRIES;

  constructor(
    readonly gfp: number,
    readonly order: number,
    readonly compact_result: string,
    readonly compaction_retries: number,
    readonly compact_priority: number,
    private readonly _suitable: () => boolean,
  ) {}

  get zonelist_suitable(): boolean {
    return this._suitable();
  }
}
