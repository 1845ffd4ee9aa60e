/**
 * The hang verdict without real-time spinning. At the end of every pass through the slowpath's
 * retry loop the detector checks the latency against the hang bound and records a fingerprint of
 * everything the next pass decides on: the slowpath's own loop state and decisions (the key),
 * and per zone the free pages, free CMA pages, blocks on every free list (order x migratetype),
 * LRU sizes, watermark boost, highatomic reserve and compaction deferral state, plus free swap
 * and the OOM killer's candidates. When a fingerprint comes back (a cycle of one pass or of
 * several, such as the 17 passes from one fake OOM "progress" to the next), the loop can only
 * repeat that cycle, so the remaining passes up to the bound are accounted in one step: whole
 * cycles at the observed cost and counters, then the leading passes of one more cycle until the
 * bound is passed, exactly as the loop would have counted them. A cycle that contains one-jiffy
 * sleeps must also start at the same offset inside a jiffy, so that its sleeps last as long.
 *
 * One approximation (mechanism B): when WEAK_WINDOW passes in a row take the same decisions and
 * leave every count but the per-list free block counts unchanged (others keep taking what reclaim
 * frees, so only the pfns of the free pages move), the last WEAK_WINDOW passes are taken as the
 * cycle. "Unchanged" is up to a period: counts that themselves cycle, such as compaction's
 * deferral counter (compact_considered counts up to 1 << compact_defer_shift and restarts), make
 * the coarse fingerprint repeat every p passes instead of every pass; the cycle taken is then a
 * whole number of periods. The detector also runs mechanism B's "others": tasks that take the pages a
 * direct-reclaim pass has just freed (as page cache they fault in) before the requester can.
 */
import { ALLOC_CMA } from "./buddy.js";
import { takeOrder0Run } from "./bulk.js";
import { deferralState } from "./compaction.js";
import { MIGRATE_MOVABLE, ZONE_MOVABLE } from "./gfp.js";
import { MAX_PID, type Mm, type MmCounters } from "./mm.js";
import type { AllocCounters, AllocResult, AllocTrace } from "./result.js";
import { WMARK_MIN } from "./watermarks.js";
import { K_FILE, type Zone } from "./zone.js";

/** The stealers' page-cache faults: get_page_from_freelist at MIN, CMA allowed. */
const STEAL = [WMARK_MIN | ALLOC_CMA] as const;
/** Passes remembered for cycle detection; cycles up to half of this are always found. */
const WINDOW = 512;
/**
 * Mechanism B is taken as stationary after this many passes with the same decisions and counts
 * that have also reclaimed as many pages as the LRUs held (every page has been round once).
 */
const WEAK_WINDOW = 64;
/** Longest period of mechanism B's coarse fingerprints: a few periods must fit in the window. */
const MAX_WEAK_PERIOD = WINDOW / 4;

/** What the counters and clock read at the end of one pass. */
interface Mark {
  now: number;
  /** Nanoseconds since the last jiffy tick (a one-jiffy sleep ends on the next tick). */
  phase: number;
  counters: AllocCounters;
  mm: MmCounters;
  shadows: number;
}

/** A pass whose counts repeat an earlier one, with the page-level state at its end. */
interface Candidate {
  at: number;
  period: number;
  fingerprint: string;
  state: PageState;
}

/** Everything a pass reads that counts do not show: page words, list ends, processes. */
export interface PageState {
  zones: {
    w0: Uint32Array;
    w1: Uint32Array;
    blockMt: Uint8Array;
    freeHead: Uint32Array;
    freeTail: Uint32Array;
    lru: number[];
    /** Per-CPU list ends and counters, zone flags (pcpState). */
    pcp: number[];
  }[];
  rss: Float64Array;
  alive: Uint8Array;
}

/** A copy of the page-level state of every zone and the processes. */
export function snapshot(mm: Mm): PageState {
  return {
    zones: mm.node.zones.map((z) => ({
      w0: z.w0.slice(),
      w1: z.w1.slice(),
      blockMt: z.blockMt.slice(),
      freeHead: z.freeHead.slice(),
      freeTail: z.freeTail.slice(),
      lru: [...z.lruHead, ...z.lruTail],
      pcp: pcpState(z),
    })),
    rss: mm.rss.slice(),
    alive: mm.alive.slice(),
  };
}

/** A zone's per-CPU list ends and counters and its flags, as numbers. */
function pcpState(z: Zone): number[] {
  const out = [z.flags];
  for (const p of z.pcp) {
    out.push(p.count, p.high, p.highMin, p.highMax, p.batch, p.freeFactor, p.flags);
    out.push(p.allocFactor, p.freeCount, ...p.head, ...p.tail);
  }
  return out;
}

/** Whether the page-level state is exactly `s`. */
export function sameState(s: PageState, mm: Mm): boolean {
  if (!sameArray(s.rss, mm.rss) || !sameArray(s.alive, mm.alive)) return false;
  return mm.node.zones.every((z, k) => {
    const a = s.zones[k];
    return (
      a !== undefined &&
      sameArray(a.lru, [...z.lruHead, ...z.lruTail]) &&
      sameArray(a.pcp, pcpState(z)) &&
      sameArray(a.freeHead, z.freeHead) &&
      sameArray(a.freeTail, z.freeTail) &&
      sameArray(a.blockMt, z.blockMt) &&
      sameArray(a.w0, z.w0) &&
      sameArray(a.w1, z.w1)
    );
  });
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  // Integer typed arrays of one type: equal elements are equal bytes, compared natively (not
  // floats: -0 equals 0 and NaN differs from itself).
  if (a instanceof Uint32Array && b instanceof Uint32Array) return bytesOf(a).equals(bytesOf(b));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesOf(a).equals(bytesOf(b));
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Watches one allocation's retry loop. */
export class StallDetector {
  /** Marks at the end of the passes of the current window, oldest first. */
  private marks: Mark[] = [];
  /** Fingerprint -> index in marks. */
  private readonly seen = new Map<string, number>();
  /** A count-level repeat waiting one more cycle for its page-level confirmation. */
  private candidate: Candidate | undefined;
  /** No new candidate before this pass (backing off after failed confirmations). */
  private confirmAfter = 0;
  private backoff = 16;
  /** The current run of passes whose coarse fingerprint repeats every `period` (mechanism B). */
  private weak: { period: number; from: number; lru: number; reclaimed: number } | undefined;
  /** Coarse fingerprints of the window's passes by index, and the last index of each. */
  private coarses: string[] = [];
  private readonly coarseAt = new Map<string, number>();

  constructor(
    private readonly mm: Mm,
    private readonly trace: AllocTrace,
  ) {}

  beginIteration(): void {
    this.trace.counters.retries++;
  }

  /** Mechanism B: other allocators take up to stealersPerPass of the pages just reclaimed. */
  othersSteal(reclaimed: number): void {
    const mm = this.mm;
    const n = Math.min(mm.stealersPerPass, reclaimed);
    let k = 0;
    while (k < n) {
      const run = takeOrder0Run(mm, STEAL, ZONE_MOVABLE, MIGRATE_MOVABLE, K_FILE, 0, n - k);
      if (run > 0) k += run;
      else if (mm.getPageFromFreelist(0, STEAL[0], ZONE_MOVABLE, MIGRATE_MOVABLE, K_FILE, 0)) k++;
      else break;
    }
    mm.counters.stolenByOthers += k;
    this.trace.counters.stolenPages += k;
  }

  /**
   * Ends a pass whose loop state and decisions `key` describes: a hang verdict when the bound
   * is passed or the loop is cycling, undefined to go on.
   */
  endIteration(key: string): AllocResult | undefined {
    const mm = this.mm;
    const t = this.trace;
    if (mm.clock.now - t.start >= mm.hangNs) return t.hang();
    if (!mm.fastForward) return undefined;
    const timer = mm.clock.nextTimerAt();
    if (timer !== undefined && timer <= t.start + mm.hangNs) return undefined;
    const mark = this.mark();
    const coarse = `${key}|${this.coarseState()}`;
    const fingerprint = `${coarse}|${this.freeLists()}`;
    const at = this.marks.length;
    const c = this.candidate;
    if (c !== undefined && at === c.at + c.period) {
      this.candidate = undefined;
      if (fingerprint === c.fingerprint && this.samePhase(c.at, mark) && sameState(c.state, mm))
        return this.fastForward(c.at, mark);
      this.confirmAfter = at + this.backoff;
      this.backoff = Math.min(this.backoff * 2, WINDOW);
    }
    const j = this.seen.get(fingerprint);
    if (j !== undefined && this.candidate === undefined && at >= this.confirmAfter) {
      if (this.samePhase(j, mark))
        this.candidate = { at, period: at - j, fingerprint, state: snapshot(mm) };
    }
    const weak = this.weakStep(coarse, mark);
    if (weak !== undefined) return this.fastForward(weak, mark);
    if (this.marks.length >= WINDOW) {
      this.marks = [];
      this.seen.clear();
      this.candidate = undefined;
      this.confirmAfter = 0;
      this.weak = undefined;
      this.coarses = [];
      this.coarseAt.clear();
    }
    this.seen.set(fingerprint, this.marks.length);
    this.marks.push(mark);
    return undefined;
  }

  /** A cycle from marks[j] to `mark` either has no jiffy sleep or starts at the same phase. */
  private samePhase(j: number, mark: Mark): boolean {
    const from = this.marks[j] as Mark;
    return mark.counters.sleeps === from.counters.sleeps || mark.phase === from.phase;
  }

  /**
   * Mechanism B: counts the passes whose coarse fingerprint is that of the pass one period before
   * (period 1: the same as the pass before); returns the index of the mark the approximate cycle
   * starts from, a whole number of periods back, once the run is long enough.
   */
  private weakStep(coarse: string, mark: Mark): number | undefined {
    const at = this.marks.length;
    const w = this.weak;
    const last = this.coarseAt.get(coarse);
    this.coarses[at] = coarse;
    this.coarseAt.set(coarse, at);
    // A run of equal passes is a run of period 1 (from its first pass) whatever came before it.
    const same = last === at - 1;
    const goesOn =
      w !== undefined &&
      (same ? w.period === 1 : w.period > 1 && this.coarses[at - w.period] === coarse);
    if (!goesOn) {
      let lru = 0;
      for (const z of this.mm.node.zones)
        lru += (z.lruCount[0] as number) + (z.lruCount[1] as number);
      const repeats = last !== undefined && at - last <= MAX_WEAK_PERIOD;
      const from = repeats ? last : at;
      const reclaimed = (this.marks[from] ?? mark).counters.reclaimedPages;
      this.weak = { period: Math.max(1, at - from), from, lru, reclaimed };
      return undefined;
    }
    const passes = at - w.from;
    const rotated = mark.counters.reclaimedPages - w.reclaimed >= Math.max(1, w.lru);
    if ((passes >= WEAK_WINDOW && rotated) || passes >= WINDOW - 1)
      return at - (passes - (passes % w.period));
    return undefined;
  }

  /**
   * The passes after marks[j] up to `last` (the current pass) form a cycle: runs whole cycles,
   * then the first passes of one more, until the bound is passed, and returns the hang.
   */
  private fastForward(j: number, last: Mark): AllocResult {
    const mm = this.mm;
    const t = this.trace;
    const base = this.marks[j] as Mark;
    const cycle = this.marks.slice(j + 1);
    cycle.push(last);
    const period = Math.max(1, last.now - base.now);
    const remaining = t.start + mm.hangNs - last.now;
    const whole = Math.floor(remaining / period);
    const rest = remaining - whole * period;
    let partial: Mark | undefined;
    if (rest > 0) partial = cycle.find((m) => m.now - base.now >= rest);
    addCounters(t.counters, last.counters, base.counters, whole);
    addMm(mm.counters, last.mm, base.mm, whole);
    mm.shadows += (last.shadows - base.shadows) * whole;
    let dt = period * whole;
    if (partial !== undefined) {
      addCounters(t.counters, partial.counters, base.counters, 1);
      addMm(mm.counters, partial.mm, base.mm, 1);
      mm.shadows += partial.shadows - base.shadows;
      dt += partial.now - base.now;
    }
    mm.clock.advance(dt);
    return t.hang();
  }

  private mark(): Mark {
    const c = this.trace.counters;
    const clock = this.mm.clock;
    return {
      now: clock.now,
      phase: clock.now - clock.jiffiesToNs(clock.jiffies),
      counters: { ...c, compactResults: { ...c.compactResults }, exits: { ...c.exits } },
      mm: { ...this.mm.counters },
      shadows: this.mm.shadows,
    };
  }

  /** Every count a pass decides on, except the per-list free block counts. */
  private coarseState(): string {
    const mm = this.mm;
    let alive = 0;
    let rss = 0;
    for (let pid = 1; pid <= MAX_PID; pid++) {
      if (!mm.alive[pid]) continue;
      alive++;
      rss += mm.rss[pid] as number;
    }
    const parts: number[] = [mm.swapFree, alive, rss];
    for (const z of mm.node.zones) {
      if (z.present === 0) continue;
      parts.push(z.freePages, z.freeCma, z.lruCount[0] as number, z.lruCount[1] as number);
      parts.push(z.boost, z.nrReservedHighatomic, z.flags, ...deferralState(z));
      for (const p of z.pcp) parts.push(p.count, p.high);
    }
    return parts.join(",");
  }

  /** Blocks on every free list of every populated zone. */
  private freeLists(): string {
    const parts: string[] = [];
    for (const z of this.mm.node.zones) if (z.present > 0) parts.push(z.freeCount.join(","));
    return parts.join(";");
  }
}

/** to += (now - base) * times, for every per-allocation counter. */
function addCounters(to: AllocCounters, now: AllocCounters, base: AllocCounters, times: number) {
  to.reclaimRounds += (now.reclaimRounds - base.reclaimRounds) * times;
  to.reclaimedPages += (now.reclaimedPages - base.reclaimedPages) * times;
  to.compactAttempts += (now.compactAttempts - base.compactAttempts) * times;
  to.oomKills += (now.oomKills - base.oomKills) * times;
  to.sleeps += (now.sleeps - base.sleeps) * times;
  to.retries += (now.retries - base.retries) * times;
  to.fakeProgress += (now.fakeProgress - base.fakeProgress) * times;
  to.stolenPages += (now.stolenPages - base.stolenPages) * times;
  addRecord(to.compactResults, now.compactResults, base.compactResults, times);
  addRecord(to.exits, now.exits, base.exits, times);
}

/** to[k] += (now[k] - base[k]) * times for every key of a sparse count record. */
function addRecord<K extends string>(
  to: Partial<Record<K, number>>,
  now: Partial<Record<K, number>>,
  base: Partial<Record<K, number>>,
  times: number,
) {
  for (const [key, n] of Object.entries(now) as [K, number][]) {
    const d = n - (base[key] ?? 0);
    if (d !== 0) to[key] = (to[key] ?? 0) + d * times;
  }
}

/** to += (now - base) * times, for every whole-model counter. */
export function addMm(to: MmCounters, now: MmCounters, base: MmCounters, times: number) {
  for (const key of Object.keys(to) as (keyof MmCounters)[])
    to[key] += (now[key] - base[key]) * times;
}
