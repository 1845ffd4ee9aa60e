/**
 * What one allocation request is and returns, and AllocTrace, which records an allocation's
 * path as it runs: counters, sleeps, kernel log lines (warn_alloc with its nopage_rs ratelimit of
 * one message per 10 s and the has_managed_dma() exception, WARN_ON_ONCE_GFP sites), latency.
 */
import type { CompactResult } from "./compaction.js";
import {
  __GFP_DMA,
  __GFP_NOWARN,
  type Gfp,
  gfpMigratetype,
  gfpMode,
  gfpZone,
  MIGRATETYPE_NAMES,
} from "./gfp.js";
import type { Block, Mm } from "./mm.js";

/** One allocation request. */
export interface AllocRequest {
  order: number;
  /** The caller's gfp mask, before gfp_allowed_mask and the task scope apply. */
  gfp: Gfp;
  /** Page kind recorded on the block (K_CALLER for `alloc` ops, K_ANON for faults, ...). */
  kind: number;
  tag: number;
  /** current->comm, for the log lines. */
  comm: string;
  /** PF_WQ_WORKER: should_reclaim_retry sleeps one jiffy instead of cond_resched(). */
  worker: boolean;
}

/**
 * How one pass of the slowpath went back to `retry:`: should_reclaim_retry, should_compact_retry,
 * __alloc_pages_may_oom's did_some_progress after a kill, after out_of_memory() returned true
 * without a kill because the request has no __GFP_FS (mm/oom_kill.c), or after its
 * WARN_ON_ONCE_GFP(__GFP_NOFAIL) with no victim, and nopage's __GFP_NOFAIL loop.
 */
export type RetryExit =
  "reclaim-retry" | "compact-retry" | "oom-kill" | "oom-no-fs" | "oom-nofail" | "nofail";

/** Per-allocation counters. */
export interface AllocCounters {
  /** Direct reclaim passes (try_to_free_pages calls). */
  reclaimRounds: number;
  reclaimedPages: number;
  /** try_to_compact_pages calls, and their results. */
  compactAttempts: number;
  compactResults: Partial<Record<CompactResult, number>>;
  oomKills: number;
  /** One-jiffy sleeps. */
  sleeps: number;
  /** Passes through the `retry:` label. */
  retries: number;
  /** Passes that went back to `retry:`, by the way they took. */
  exits: Partial<Record<RetryExit, number>>;
  /** Direct-reclaim passes that reported progress without freeing a page. */
  fakeProgress: number;
  /** Pages other tasks took from what this request's direct reclaim freed (mechanism B). */
  stolenPages: number;
}

/** The outcome of one allocation. */
export interface AllocResult {
  kind: "alloc";
  outcome: "ok" | "fail" | "hang";
  pfn: number | null;
  order: number;
  zone: string | null;
  migratetype: string | null;
  latencyNs: number;
  counters: AllocCounters;
  /** Kernel log lines printed (warn_alloc, WARN_ON_ONCE, OOM killer). */
  warnings: string[];
  /** warn_alloc messages the kernel suppressed, with the reason in brackets. */
  suppressed: string[];
  /** The request slept (a jiffy sleep, or a reclaim/compaction/OOM stall). */
  slept: boolean;
}

/** The running record of one allocation. */
export class AllocTrace {
  readonly start: number;
  readonly highest: number;
  gfp: Gfp;
  slept = false;
  readonly counters: AllocCounters = {
    reclaimRounds: 0,
    reclaimedPages: 0,
    compactAttempts: 0,
    compactResults: {},
    oomKills: 0,
    sleeps: 0,
    retries: 0,
    exits: {},
    fakeProgress: 0,
    stolenPages: 0,
  };
  readonly warnings: string[] = [];
  readonly suppressed: string[] = [];

  constructor(
    readonly mm: Mm,
    readonly req: AllocRequest,
  ) {
    this.start = mm.clock.now;
    this.gfp = req.gfp;
    this.highest = gfpZone(req.gfp);
  }

  /** get_page_from_freelist for this request. */
  freelist(order: number, allocFlags: number): Block | undefined {
    const mt = gfpMigratetype(this.gfp);
    return this.mm.getPageFromFreelist(
      order,
      allocFlags,
      this.highest,
      mt,
      this.req.kind,
      this.req.tag,
    );
  }

  countReclaim(pages: number, progress: number): void {
    this.counters.reclaimRounds++;
    this.counters.reclaimedPages += pages;
    if (progress > 0 && pages === 0) this.counters.fakeProgress++;
    this.slept = true;
  }

  countExit(exit: RetryExit): void {
    this.counters.exits[exit] = (this.counters.exits[exit] ?? 0) + 1;
  }

  countCompaction(result: CompactResult): void {
    this.counters.compactAttempts++;
    this.counters.compactResults[result] = (this.counters.compactResults[result] ?? 0) + 1;
    if (result !== "skipped") this.slept = true;
  }

  /** schedule_timeout_uninterruptible(1): until the next jiffy tick. */
  sleepJiffy(): void {
    const clock = this.mm.clock;
    clock.advanceTo(clock.jiffiesToNs(clock.jiffies + 1));
    this.counters.sleeps++;
    this.slept = true;
  }

  log(lines: readonly string[]): void {
    this.warnings.push(...lines);
    if (lines.length > 0) this.slept = true;
  }

  /** WARN_ON_ONCE_GFP(cond, gfp): once per site, never with __GFP_NOWARN. */
  warnOnce(site: string, gfp: Gfp): void {
    if (gfp & __GFP_NOWARN || this.mm.warnedOnce.has(site)) return;
    this.mm.warnedOnce.add(site);
    this.warnings.push(`WARNING: at mm/page_alloc.c: WARN_ON_ONCE_GFP(${site})`);
  }

  /** warn_alloc(gfp_mask, NULL, "page allocation failure: order:%u", order), then NULL. */
  warnAllocAndFail(mm: Mm): AllocResult {
    const gfp = this.gfp;
    const text = `${this.req.comm}: page allocation failure: order:${this.req.order}, mode:${gfpMode(gfp)}, nodemask=(null)`;
    if (!(gfp & __GFP_NOWARN)) {
      const now = mm.clock.now;
      if (now < mm.warnWindowEnd) this.suppressed.push(`${text} [ratelimited]`);
      else {
        mm.warnWindowEnd = now + 10 * 1_000_000_000;
        if (gfp & __GFP_DMA && !mm.node.hasManagedDma())
          this.suppressed.push(`${text} [no managed ZONE_DMA]`);
        else this.warnings.push(text);
      }
    }
    return this.fail();
  }

  ok(block: Block): AllocResult {
    const z = block.zone;
    const mt = z.blockMigratetype(block.index);
    return this.result("ok", z.base + block.index, z.name, MIGRATETYPE_NAMES[mt] ?? null);
  }

  fail(): AllocResult {
    return this.result("fail", null, null, null);
  }

  hang(): AllocResult {
    return this.result("hang", null, null, null);
  }

  private result(
    outcome: AllocResult["outcome"],
    pfn: number | null,
    zone: string | null,
    migratetype: string | null,
  ): AllocResult {
    return {
      kind: "alloc",
      outcome,
      pfn,
      order: this.req.order,
      zone,
      migratetype,
      latencyNs: this.mm.clock.now - this.start,
      counters: this.counters,
      warnings: this.warnings,
      suppressed: this.suppressed,
      slept: this.slept,
    };
  }
}
