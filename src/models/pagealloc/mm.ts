/**
 * The memory-management state one model instance drives: the booted node, the task context of
 * the allocating task (scopes, PF_WQ_WORKER), gfp_allowed_mask, processes and their RSS, swap,
 * refault shadows, and the get_page_from_freelist walk over the zonelist (mm/page_alloc.c v6.6:
 * first_zones_zonelist, zone_watermark_fast, rmqueue, ALLOC_NOFRAGMENT retry, highatomic
 * reservation on success). Owners are recorded on the block's head page.
 */
import type { VirtualClock } from "../../sim/clock.js";
import type { Rng } from "../../sim/rng.js";
import {
  ALLOC_HIGHATOMIC,
  ALLOC_NO_WATERMARKS,
  ALLOC_NOFRAGMENT,
  ALLOC_WMARK_MASK,
  type FallbackStats,
  reserveHighatomicPageblock,
} from "./buddy.js";
import { COST } from "./costs.js";
import { PolicyRuntime } from "../policy.js";
import { GFP_ALLOWED_ALL, type Gfp, type TaskScope, ZONE_DMA32, ZONE_NORMAL } from "./gfp.js";
import type { Node } from "./node.js";
import type { PageallocVariant } from "./variants.js";
import { freeThePage, rmqueue, setupZonePageset } from "./pcp.js";
import { WMARK_HIGH, wmarkPages, zoneWatermarkFast } from "./watermarks.js";
import {
  K_ANON,
  K_FILE,
  K_FREE,
  LRU_ANON,
  LRU_FILE,
  NIL,
  ZONE_BELOW_HIGH,
  type Zone,
} from "./zone.js";

/** Largest pid a process may have (the pid lives in 7 bits of the page tag). */
export const MAX_PID = 127;

/** A block handed out by the buddy allocator. */
export interface Block {
  zone: Zone;
  /** Local index of the head page. */
  index: number;
}

/** Whole-model counters (features, dumps, benchmarks). */
export interface MmCounters {
  steals: number;
  boosts: number;
  reclaimed: number;
  swappedOut: number;
  refaults: number;
  migrated: number;
  oomKills: number;
  stolenByOthers: number;
}

/** The state of one simulated machine. */
export class Mm {
  /** gfp_allowed_mask; pm_restrict_gfp_mask() clears IO and FS around suspend. */
  gfpAllowed = GFP_ALLOWED_ALL;
  /** The allocating task's memalloc scopes. */
  readonly scope: TaskScope = { noio: false, nofs: false, pin: false };
  /** Pages of anonymous memory per pid (index = pid); pid 0 is unused. */
  readonly rss = new Float64Array(MAX_PID + 1);
  readonly alive = new Uint8Array(MAX_PID + 1);
  /** Free swap (zram) pages: anonymous memory is reclaimable only while this is > 0. */
  swapFree: number;
  /** Evicted page-cache pages whose shadow entries remain (refault candidates). */
  shadows = 0;
  /** Pages other tasks allocate right after each direct-reclaim pass (mechanism B). */
  stealersPerPass = 0;
  /** Hang bound in ns. */
  hangNs: number;
  /** Anonymous pages a process's exit or OOM kill must not free (pins held by others), or null. */
  heldAfterExit: ((z: Zone, i: number) => boolean) | null = null;
  /** Fast-forward retry loops that cycle (./stall.ts); false runs every pass (for tests). */
  fastForward = true;
  /** The end of nopage_rs's current 10 s window (warn_alloc prints once per window). */
  warnWindowEnd = -1;
  /** WARN_ON_ONCE sites already fired. */
  readonly warnedOnce = new Set<string>();
  readonly counters: MmCounters = {
    steals: 0,
    boosts: 0,
    reclaimed: 0,
    swappedOut: 0,
    refaults: 0,
    migrated: 0,
    oomKills: 0,
    stolenByOthers: 0,
  };
  readonly fallbackStats: FallbackStats = { steals: 0, boosts: 0 };
  /** The CPU the allocating task runs on (its per-CPU lists); golden ops name their own. */
  cpu = 0;

  /** The policy hooks' context: the clock and the policy's own random stream. */
  readonly policy: PolicyRuntime;
  /** gfp_compaction_allowed's answer for one gfp, asked once per allocation (-1: not asked). */
  private compactGfp = -1;
  private compactAllowed = true;

  constructor(
    readonly node: Node,
    readonly variant: PageallocVariant,
    readonly clock: VirtualClock,
    readonly rng: Rng,
    swapPages: number,
    hangNs: number,
  ) {
    this.policy = new PolicyRuntime(clock, () => rng.split("policy"));
    this.swapFree = swapPages;
    this.hangNs = hangNs;
    // setup_per_cpu_pageset: the variant's pagesets for every populated zone.
    for (const z of node.zones) if (z.present > 0) setupZonePageset(z, variant.pcpHighAutoTune);
    // build_zonerefs_node (v5.18+ e553f62f10d9): populated zones, so a ZONE_DMA with present
    // but no managed pages is still listed.
    this.zonelists = node.zones.map((_, top) =>
      node.zones
        .slice(0, top + 1)
        .filter((z) => z.present > 0)
        .reverse(),
    );
  }

  private readonly zonelists: Zone[][];

  /** The variant's gfp_compaction_allowed(gfp), asked once per allocation and gfp. */
  compactionAllowed(gfp: Gfp): boolean {
    if (gfp !== this.compactGfp) {
      this.compactAllowed = this.variant.hooks.gfp_compaction_allowed({ gfp }, this.policy);
      this.compactGfp = gfp;
    }
    return this.compactAllowed;
  }

  /** A new allocation: gfp_compaction_allowed is asked again. */
  forgetCompactionAllowed(): void {
    this.compactGfp = -1;
  }

  /** The zonelist for a highest zone index: populated zones at or below it, highest first. */
  zonelist(highestZoneidx: number): readonly Zone[] {
    return this.zonelists[highestZoneidx] as Zone[];
  }

  /** alloc_flags_nofragment: ALLOC_NOFRAGMENT when the preferred zone is NORMAL and DMA32 is populated. */
  nofragment(preferred: Zone | undefined): number {
    if (preferred === undefined || preferred.idx !== ZONE_NORMAL) return 0;
    return (this.node.zones[ZONE_DMA32] as Zone).present > 0 ? ALLOC_NOFRAGMENT : 0;
  }

  /**
   * get_page_from_freelist: the first zone that passes its watermark and has a block (v6.8
   * first tries the high mark and sets ZONE_BELOW_HIGH when it fails), taken by rmqueue on the
   * task's CPU. On success the head is marked with `kind`/`tag`. Retries once without
   * ALLOC_NOFRAGMENT.
   */
  getPageFromFreelist(
    order: number,
    allocFlags: number,
    highestZoneidx: number,
    mt: number,
    kind: number,
    tag: number,
  ): Block | undefined {
    this.clock.advance(COST.freelistNs);
    let flags = allocFlags;
    for (;;) {
      for (const z of this.zonelist(highestZoneidx)) {
        if (!this.zoneAllows(z, order, flags, highestZoneidx)) continue;
        const before = this.fallbackStats.steals;
        const i = rmqueue(z, order, flags, mt, this.cpu, this.fallbackStats);
        this.counters.steals += this.fallbackStats.steals - before;
        if (i === NIL) continue;
        if (flags & ALLOC_HIGHATOMIC)
          reserveHighatomicPageblock(z, i, this.variant.highatomicAlignedCap);
        this.claim(z, i, order, kind, tag);
        return { zone: z, index: i };
      }
      if (!(flags & ALLOC_NOFRAGMENT)) return undefined;
      flags &= ~ALLOC_NOFRAGMENT;
    }
  }

  /** get_page_from_freelist's watermark gate of one zone (ZONE_BELOW_HIGH detection on v6.8). */
  zoneAllows(z: Zone, order: number, flags: number, highestZoneidx: number): boolean {
    if (this.variant.pcpHighAutoTune && !(z.flags & ZONE_BELOW_HIGH)) {
      const high = (z.wmark[WMARK_HIGH] as number) + z.boost;
      if (zoneWatermarkFast(z, order, high, highestZoneidx, flags)) return true;
      z.flags |= ZONE_BELOW_HIGH;
    }
    const mark = wmarkPages(z, flags & ALLOC_WMARK_MASK);
    return (
      zoneWatermarkFast(z, order, mark, highestZoneidx, flags) ||
      (flags & ALLOC_NO_WATERMARKS) !== 0
    );
  }

  /** Marks a block just taken off the free lists as owned. */
  claim(z: Zone, i: number, order: number, kind: number, tag: number): void {
    z.setHead(i, kind, order);
    z.setTag(i, tag);
    z.allocated[kind] = (z.allocated[kind] as number) + (1 << order);
    if (kind === K_ANON) {
      z.lruAdd(i, LRU_ANON);
      const pid = tag & 0x7f;
      this.rss[pid] = (this.rss[pid] as number) + 1;
    } else if (kind === K_FILE) {
      z.lruAdd(i, LRU_FILE);
    }
  }

  /**
   * Frees an owned block (__free_pages -> free_the_page on the task's CPU, so orders 0-3 and 9
   * go to the per-CPU lists): unlinks it from its LRU first.
   */
  release(z: Zone, i: number): void {
    const kind = z.kind(i);
    const order = z.order(i);
    if (kind === K_ANON) {
      z.lruDel(i, LRU_ANON);
      const pid = z.tag(i) & 0x7f;
      this.rss[pid] = (this.rss[pid] as number) - 1;
    } else if (kind === K_FILE) {
      z.lruDel(i, LRU_FILE);
    }
    z.allocated[kind] = (z.allocated[kind] as number) - (1 << order);
    z.setHead(i, 0, 0);
    z.setTag(i, 0);
    freeThePage(z, i, order, this.cpu);
  }

  /** Whether local index i of z heads an allocated block of `kind` (not free, hole or reserved). */
  isOwned(z: Zone, i: number): boolean {
    const kind = z.kind(i);
    return kind !== 0 && kind !== K_FREE && kind < 7;
  }

  /** zone_reclaimable_pages: file LRU, plus anon LRU while swap has room. */
  reclaimable(z: Zone): number {
    const file = z.lruCount[LRU_FILE] as number;
    return this.swapFree > 0 ? file + (z.lruCount[LRU_ANON] as number) : file;
  }
}
