/**
 * The hang verdict without real-time spinning. After every pass through the slowpath's retry
 * loop the detector checks the latency against the hang bound, and fast-forwards a loop that has
 * stopped going anywhere: (exact) the pass left the loop counters and every zone's free pages,
 * free blocks per order, LRU sizes and swap exactly as the previous pass did, so every later
 * pass repeats it; or (mechanism B, approximate) 64 passes in a row took the same decisions while
 * total free memory did not grow. The remaining passes are then accounted at the observed cost
 * per pass up to the bound. Also runs the "others" of mechanism B: tasks that take the pages a
 * direct-reclaim pass has just freed (as page cache they fault in) before the requester can.
 */
import { ALLOC_CMA } from "./buddy.js";
import { MIGRATE_MOVABLE, ZONE_MOVABLE } from "./gfp.js";
import type { Mm, MmCounters } from "./mm.js";
import type { AllocCounters, AllocResult, AllocTrace } from "./result.js";
import { WMARK_MIN } from "./watermarks.js";
import { K_FILE } from "./zone.js";

const WEAK_WINDOW = 64;

interface Mark {
  now: number;
  counters: AllocCounters;
  mm: MmCounters;
  shadows: number;
}

/** Watches one allocation's retry loop. */
export class StallDetector {
  private iterStart: Mark;
  private prevFingerprint = "";
  private prevKey = "";
  private weakCount = 0;
  private weakStart: Mark;
  private weakFree = 0;

  constructor(
    private readonly mm: Mm,
    private readonly trace: AllocTrace,
  ) {
    this.iterStart = this.mark();
    this.weakStart = this.iterStart;
  }

  beginIteration(): void {
    this.trace.counters.retries++;
    this.iterStart = this.mark();
  }

  /** Mechanism B: other allocators take up to stealersPerPass of the pages just reclaimed. */
  othersSteal(reclaimed: number): void {
    const mm = this.mm;
    const n = Math.min(mm.stealersPerPass, reclaimed);
    for (let k = 0; k < n; k++) {
      const flags = WMARK_MIN | ALLOC_CMA;
      if (mm.getPageFromFreelist(0, flags, ZONE_MOVABLE, MIGRATE_MOVABLE, K_FILE, 0) === undefined)
        break;
      mm.counters.stolenByOthers++;
    }
  }

  /** Ends a pass: a hang verdict when the bound is passed or the loop is stationary. */
  endIteration(key: string): AllocResult | undefined {
    const mm = this.mm;
    const t = this.trace;
    if (mm.clock.now - t.start >= mm.hangNs) return t.hang();
    const fingerprint = `${key}|${this.stateFingerprint()}`;
    if (fingerprint === this.prevFingerprint) return this.fastForward(this.iterStart, 1);
    this.prevFingerprint = fingerprint;
    const free = this.totalFree();
    if (key === this.prevKey && free <= this.weakFree) {
      if (++this.weakCount >= WEAK_WINDOW) return this.fastForward(this.weakStart, this.weakCount);
    } else {
      this.prevKey = key;
      this.weakCount = 0;
      this.weakStart = this.iterStart;
      this.weakFree = free;
    }
    return undefined;
  }

  /** Repeats the passes since `from` (covering `passes` passes) until the hang bound. */
  private fastForward(from: Mark, passes: number): AllocResult {
    const mm = this.mm;
    const t = this.trace;
    const dt = mm.clock.now - from.now;
    const remaining = t.start + mm.hangNs - mm.clock.now;
    const times = Math.max(1, Math.ceil(remaining / Math.max(1, dt)));
    const c = t.counters;
    const d = from.counters;
    c.reclaimRounds += (c.reclaimRounds - d.reclaimRounds) * times;
    c.reclaimedPages += (c.reclaimedPages - d.reclaimedPages) * times;
    c.compactAttempts += (c.compactAttempts - d.compactAttempts) * times;
    for (const [result, n] of Object.entries(c.compactResults)) {
      const key = result as keyof AllocCounters["compactResults"];
      c.compactResults[key] = n + (n - (d.compactResults[key] ?? 0)) * times;
    }
    c.sleeps += (c.sleeps - d.sleeps) * times;
    c.retries += passes * times;
    for (const key of Object.keys(mm.counters) as (keyof MmCounters)[]) {
      mm.counters[key] += (mm.counters[key] - from.mm[key]) * times;
    }
    mm.shadows += (mm.shadows - from.shadows) * times;
    mm.clock.advance(Math.max(dt * times, remaining));
    return t.hang();
  }

  private mark(): Mark {
    const c = this.trace.counters;
    return {
      now: this.mm.clock.now,
      counters: { ...c, compactResults: { ...c.compactResults } },
      mm: { ...this.mm.counters },
      shadows: this.mm.shadows,
    };
  }

  private totalFree(): number {
    return this.mm.node.zones.reduce((sum, z) => sum + z.freePages, 0);
  }

  private stateFingerprint(): string {
    const parts: number[] = [this.mm.swapFree];
    for (const z of this.mm.node.zones) {
      parts.push(z.freePages, z.freeCma, z.lruCount[0] as number, z.lruCount[1] as number, z.boost);
      for (const n of z.nrFree) parts.push(n);
    }
    return parts.join(",");
  }
}
