/**
 * The rescan loops of cma_alloc (nofail, retry) without real-time spinning. A failed candidate
 * migrates the movable pages out of its range, and the targets may land in the next candidate's
 * range, so consecutive passes need not repeat; but a rescan is a function of the state it starts
 * from. Every rescan starts on a jiffy tick (msleep wakes on one), so when the whole state at the
 * start of a rescan (page words, free lists, LRUs, counts, compaction deferral, processes) is
 * exactly the state at the start of an earlier one, with no pin ending and no timer due in
 * between, the loop repeats that cycle of passes until something outside it changes. The
 * detector then adds whole cycles at once (clock, result counters and the page allocator's
 * counters, each by its per-cycle step) up to the hang bound, the next pin change or the next
 * timer, and leaves the rest (less than one cycle) to the loop itself, so
 * the verdict, the latency, the counters and the final state are those of running every pass. A
 * cycle of one pass that only the bound stops (nofail) is run to its verdict in closed form.
 * cma_alloc only uses the detector while the policy's decisions read nothing but the state:
 * a decision that reads the pass number or the time (a finite retry) runs every pass.
 *
 * A cycle of one pass is confirmed against a copy of the previous rescan's state (taken at every
 * rescan); a longer one is confirmed one cycle after its fingerprint first came back, as the page
 * allocator's detector (../pagealloc/stall.ts) does.
 */
import { deferralState } from "../pagealloc/compaction.js";
import type { Mm, MmCounters } from "../pagealloc/mm.js";
import { addMm, type PageState, sameState, snapshot } from "../pagealloc/stall.js";
import type { BlockCounts, CmaAllocResult, CmaContext } from "./cma-alloc.js";

/** Rescans remembered for cycle detection. */
const WINDOW = 512;

/** The result's counters, the clock and the page allocator's counters at the start of a rescan. */
interface Mark {
  now: number;
  passes: number;
  sleeps: number;
  attempts: number;
  migrated: number;
  transient: number;
  longterm: number;
  mm: MmCounters;
  steals: number;
  boosts: number;
  shadows: number;
}

/** Watches the rescans of one cma_alloc call. */
export class PassCycle {
  private marks: Mark[] = [];
  /** Fingerprint -> index in marks. */
  private readonly seen = new Map<string, number>();
  private prev: { fingerprint: string; state: PageState } | undefined;
  /** The counters at the end of the latest pass, with its blocked candidates. */
  private ended: (Mark & { lastPass: BlockCounts }) | undefined;
  /** A longer cycle whose fingerprint came back, waiting one more cycle for confirmation. */
  private candidate: { at: number; period: number; fingerprint: string; state: PageState } | null =
    null;

  constructor(
    private readonly ctx: CmaContext,
    private readonly r: CmaAllocResult,
    private readonly startNs: number,
  ) {}

  /** At the end of a pass that ended with -EBUSY (before the loop's checks and sleep). */
  passEnd(): void {
    this.ended = { ...this.mark(), lastPass: { ...this.r.lastPass } };
  }

  /**
   * At the start of a rescan, after its sleep and hang check: when the state repeats an earlier
   * rescan's, accounts as many whole cycles as can run before anything outside the loop changes.
   * Returns true when that ends the call with a hang (the result is then complete).
   */
  rescan(): boolean {
    const { mm } = this.ctx;
    const fingerprint = this.fingerprint();
    const at = this.marks.length;
    const mark = this.mark();
    const c = this.candidate;
    let from: number | undefined;
    if (this.prev?.fingerprint === fingerprint && sameState(this.prev.state, mm)) from = at - 1;
    else if (c !== null && at === c.at + c.period) {
      this.candidate = null;
      if (fingerprint === c.fingerprint && sameState(c.state, mm)) from = c.at;
    }
    if (from !== undefined) {
      const base = this.marks[from] as Mark;
      const skipped = this.skipCycles(base, mark);
      if (skipped === "hang") return true;
      if (skipped) {
        // Less than one cycle is left before the change: the loop runs it.
        this.reset();
        return false;
      }
    }
    const state = snapshot(mm);
    const j = this.seen.get(fingerprint);
    if (j !== undefined && j < at - 1 && this.candidate === null)
      this.candidate = { at, period: at - j, fingerprint, state };
    if (this.marks.length >= WINDOW) this.reset();
    this.seen.set(fingerprint, this.marks.length);
    this.marks.push(mark);
    this.prev = { fingerprint, state };
    return false;
  }

  private reset(): void {
    this.marks = [];
    this.seen.clear();
    this.candidate = null;
    this.prev = undefined;
  }

  /**
   * Adds whole cycles of base -> last; false when not even one fits. A cycle of one pass
   * that only the hang bound stops is run to its end: the last pass leaves the state as it found
   * it, so the verdict comes at its end or after its sleep, whichever first reaches the bound.
   */
  private skipCycles(base: Mark, last: Mark): boolean | "hang" {
    const { mm, pins, hangNs } = this.ctx;
    const r = this.r;
    const period = last.now - base.now;
    const passes = last.passes - base.passes;
    const bound = this.startNs + hangNs;
    // Every rescan of the skipped cycles must start before the bound (the loop checks it there).
    const toBound = Math.ceil((bound - last.now) / period) - 1;
    let whole = toBound;
    const change = Math.min(pins.nextChange(), mm.clock.nextTimerAt() ?? Number.POSITIVE_INFINITY);
    if (change < Number.POSITIVE_INFINITY)
      whole = Math.min(whole, Math.floor((change - last.now) / period));
    if (whole <= 0) return false;
    mm.clock.advance(whole * period);
    r.passes += whole * passes;
    r.sleeps += whole * (last.sleeps - base.sleeps);
    this.addCounts(base, last, whole);
    const end = this.ended;
    if (passes !== 1 || whole !== toBound || end === undefined) return true;
    const passNs = end.now - base.now;
    if (mm.clock.now + passNs > change) return true;
    this.addCounts(base, end, 1);
    r.lastPass = { ...end.lastPass };
    if (mm.clock.now + passNs >= bound) {
      mm.clock.advance(passNs);
    } else {
      mm.clock.advance(period);
      r.sleeps++;
    }
    r.outcome = "hang";
    return "hang";
  }

  /** Adds (to - from) `times` over to the result's and the page allocator's counters. */
  private addCounts(from: Mark, to: Mark, times: number): void {
    const { mm } = this.ctx;
    const r = this.r;
    r.attempts += times * (to.attempts - from.attempts);
    r.migrated += times * (to.migrated - from.migrated);
    r.blocked.transient += times * (to.transient - from.transient);
    r.blocked.longterm += times * (to.longterm - from.longterm);
    addMm(mm.counters, to.mm, from.mm, times);
    mm.fallbackStats.steals += times * (to.steals - from.steals);
    mm.fallbackStats.boosts += times * (to.boosts - from.boosts);
    mm.shadows += times * (to.shadows - from.shadows);
  }

  private mark(): Mark {
    const { mm } = this.ctx;
    const r = this.r;
    return {
      now: mm.clock.now,
      passes: r.passes,
      sleeps: r.sleeps,
      attempts: r.attempts,
      migrated: r.migrated,
      transient: r.blocked.transient,
      longterm: r.blocked.longterm,
      mm: { ...mm.counters },
      steals: mm.fallbackStats.steals,
      boosts: mm.fallbackStats.boosts,
      shadows: mm.shadows,
    };
  }

  /**
   * Every count a rescan may decide on: per zone the free and CMA pages, blocks on every free
   * list, LRU sizes, pages by kind, watermarks and boost, the highatomic reserve and compaction
   * deferral; swap, processes, refault shadows, the warn_alloc window, the next pin change and timer.
   */
  private fingerprint(): string {
    const { mm, pins } = this.ctx;
    const clock = mm.clock;
    const parts: (number | string)[] = [mm.swapFree, mm.shadows, mm.warnWindowEnd];
    parts.push(mm.warnedOnce.size, pins.nextChange(), clock.nextTimerAt() ?? -1);
    parts.push(clock.pendingCount, processes(mm));
    for (const z of mm.node.zones) {
      if (z.present === 0) continue;
      parts.push(z.freePages, z.freeCma, z.boost, z.nrReservedHighatomic, ...z.wmark);
      parts.push(...z.lruCount, ...deferralState(z), z.allocated.join(), z.freeCount.join());
    }
    return parts.join(",");
  }
}

/** Live processes and their RSS, as one string. */
function processes(mm: Mm): string {
  const parts: number[] = [];
  for (let pid = 0; pid < mm.alive.length; pid++)
    if (mm.alive[pid] || mm.rss[pid])
      parts.push(pid, mm.alive[pid] as number, mm.rss[pid] as number);
  return parts.join(" ");
}
