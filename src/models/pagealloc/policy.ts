/**
 * The page allocator's policy interface: the slowpath's retry and bail-out decisions
 * (mm/page_alloc.c, mm/vmscan.c) where kernel versions and mm fixes differ, and the built-in
 * variants written against it. See ./README.md, "Policy hooks".
 */
import { type HookContext, type HookValidator, isBool, isCount, ok, show } from "../policy.js";
import { __GFP_RETRY_MAYFAIL, __GFP_THISNODE, gfpCompactionAllowed, ZONE_NORMAL } from "./gfp.js";

/** The arguments of {@link PageallocHooks.gfp_compaction_allowed}. */
export interface CompactionAllowedArgs {
  readonly gfp: number;
}

/** The arguments of {@link PageallocHooks.should_reclaim_retry}. */
export interface ReclaimRetryArgs {
  readonly gfp: number;
  readonly order: number;
  /** The direct reclaim just done freed something (did_some_progress > 0). */
  readonly did_some_progress: boolean;
  /** no_progress_loops after this pass's update (reset by progress at order <= 3, else + 1). */
  readonly no_progress_loops: number;
  /** MAX_RECLAIM_RETRIES (16). */
  readonly max_reclaim_retries: number;
  /**
   * Some zone of the zonelist would pass its MIN watermark for this order if every reclaimable
   * page were reclaimed (the zone loop of should_reclaim_retry; computed when read).
   */
  readonly watermark_ok: boolean;
}

/** The arguments of {@link PageallocHooks.should_compact_retry}. */
export interface CompactRetryArgs {
  readonly gfp: number;
  readonly order: number;
  /** The last compaction's result: skipped, deferred, success, complete, partial_skipped, ... */
  readonly compact_result: string;
  readonly compaction_retries: number;
  /** 0 = COMPACT_PRIO_SYNC_FULL, 1 = SYNC_LIGHT, 2 = ASYNC. */
  readonly compact_priority: number;
  /** MAX_COMPACT_RETRIES (16). */
  readonly max_compact_retries: number;
  /** compaction_zonelist_suitable(): compaction could work in some zone (computed when read). */
  readonly zonelist_suitable: boolean;
}

/** What {@link PageallocHooks.should_compact_retry} returns: the decision and the loop's counters. */
export interface CompactRetry {
  retry: boolean;
  compaction_retries: number;
  compact_priority: number;
}

/** The arguments of {@link PageallocHooks.__alloc_pages_may_oom}. */
export interface MayOomArgs {
  readonly gfp: number;
  readonly order: number;
  /** The request's highest zone index (0 DMA, 1 DMA32, 2 Normal, 3 Movable). */
  readonly highest_zoneidx: number;
  /** pm_suspended_storage(): I/O and FS are masked off (suspend, resume). */
  readonly pm_suspended_storage: boolean;
}

/** The hooks of the page allocator model. */
export interface PageallocHooks {
  /**
   * gfp_compaction_allowed (803de9000f33): may this request compact? Gates the initial
   * compaction, should_compact_retry, the costly bail-out (a costly request that may not compact
   * goes to nopage after one round) and vmscan's compaction_ready / in_reclaim_compaction (reclaim
   * stops early for a zone where compaction could run). v6.6 has no such gate (true).
   */
  gfp_compaction_allowed(args: CompactionAllowedArgs, ctx: HookContext): boolean;
  /**
   * should_reclaim_retry: after a direct reclaim round, retry the slowpath? Return true to go
   * back to `retry:`; on false the highatomic reserve is unreserved if it can be (then retry),
   * else should_compact_retry and the OOM path decide.
   */
  should_reclaim_retry(args: ReclaimRetryArgs, ctx: HookContext): boolean;
  /**
   * should_compact_retry: after reclaim made progress but should_reclaim_retry said no, retry?
   * Return false (no, counters unchanged) or `{ retry, compaction_retries, compact_priority }`:
   * the decision and the loop's new counters (the kernel function updates them through
   * pointers; priority 0-2, lower is more thorough).
   */
  should_compact_retry(args: CompactRetryArgs, ctx: HookContext): false | CompactRetry;
  /**
   * __alloc_pages_may_oom's bail-outs: return true to give up without invoking the OOM killer
   * (no progress: the request goes to nopage), false to go on to out_of_memory().
   */
  __alloc_pages_may_oom(args: MayOomArgs, ctx: HookContext): boolean;
}

const MAX_RECLAIM_RETRIES = 16;
const MAX_COMPACT_RETRIES = 16;
const COSTLY = 3;

/** should_compact_retry's result: false, or the decision, retries (>= 0) and priority (0-2). */
const isCompactRetry: HookValidator = (v) => {
  if (v === false) return ok(v);
  if (typeof v === "object" && v !== null) {
    const {
      retry,
      compaction_retries: retries,
      compact_priority: prio,
    } = v as Partial<CompactRetry>;
    const retriesOk = isCount("compaction_retries")(retries);
    const prioOk = isCount("compact_priority", 2)(prio);
    if (typeof retry === "boolean" && typeof retriesOk !== "string" && typeof prioOk !== "string")
      return ok({ retry, compaction_retries: retries, compact_priority: prio });
  }
  return `must return false or { retry: boolean, compaction_retries: integer >= 0, compact_priority: 0, 1 or 2 }, got ${show(v)}`;
};

/** Hook names and the validators of their results. */
export const PAGEALLOC_HOOKS: Record<keyof PageallocHooks, HookValidator> = {
  gfp_compaction_allowed: isBool,
  should_reclaim_retry: isBool,
  should_compact_retry: isCompactRetry,
  __alloc_pages_may_oom: isBool,
};

/** should_compact_retry of v6.6 and v6.8 (the caller checks gfp_compaction_allowed first). */
function shouldCompactRetry(a: CompactRetryArgs): false | CompactRetry {
  if (a.order === 0) return false;
  const costly = a.order > COSTLY;
  let retries = a.compaction_retries;
  const prio = a.compact_priority;
  if (a.compact_result === "skipped") return compactRetry(a.zonelist_suitable, retries, prio);
  if (a.compact_result === "success") {
    const max = costly ? MAX_COMPACT_RETRIES / 4 : MAX_COMPACT_RETRIES;
    if (++retries <= max) return compactRetry(true, retries, prio);
  }
  const minPriority = costly ? 1 : 0;
  if (prio > minPriority) return compactRetry(true, 0, prio - 1);
  // The kernel's ++(*compaction_retries) stays done when it then says no.
  return compactRetry(false, retries, prio);
}

function compactRetry(retry: boolean, retries: number, prio: number): CompactRetry {
  return { retry, compaction_retries: retries, compact_priority: prio };
}

/** v6.6: no gfp_compaction_allowed(); the retry rules shared by both versions. */
export const V6_6_HOOKS: PageallocHooks = {
  gfp_compaction_allowed: () => true,
  should_reclaim_retry: (a) => a.no_progress_loops <= MAX_RECLAIM_RETRIES && a.watermark_ok,
  should_compact_retry: shouldCompactRetry,
  __alloc_pages_may_oom: (a) =>
    a.order > COSTLY ||
    (a.gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE)) !== 0 ||
    a.highest_zoneidx < ZONE_NORMAL ||
    a.pm_suspended_storage,
};

/** v6.8 = v6.6 + 803de9000f33: compaction needs __GFP_IO. */
export const V6_8_HOOKS: PageallocHooks = {
  ...V6_6_HOOKS,
  gfp_compaction_allowed: (a) => gfpCompactionAllowed(a.gfp),
};

export { MAX_COMPACT_RETRIES, MAX_RECLAIM_RETRIES };
