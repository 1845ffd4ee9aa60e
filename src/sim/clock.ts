/**
 * The virtual clock every model runs on: nanoseconds since boot, kernel jiffies derived from them,
 * and one-shot timers fired in time order as the clock advances. Nothing here reads the wall
 * clock, so a run is a pure function of its inputs.
 */
import { mulDivCeil, mulDivFloor } from "./muldiv.js";
import { requireInt } from "./require-int.js";

const NS_PER_SEC = 1_000_000_000;
const MS_PER_SEC = 1000;

interface Timer {
  readonly at: number;
  /** Also the tie-break sequence: ids grow with every schedule() call. */
  readonly id: number;
  readonly callback: () => void;
  /** Position in the heap, kept current so that cancel() is O(log n). */
  index: number;
}

/** A discrete-event virtual clock with kernel-style jiffies and one-shot timers. */
export class VirtualClock {
  /** Kernel HZ used for jiffies conversions. */
  readonly hz: number;
  #now = 0;
  #nextId = 1;
  #advancing = false;
  /** Binary min-heap ordered by (at, id). */
  readonly #heap: Timer[] = [];
  readonly #pending = new Map<number, Timer>();

  /** Creates a clock at time 0; `hz` (default 250) must be a positive integer. */
  constructor(options?: { hz?: number }) {
    this.hz = requireInt("hz", options?.hz ?? 250, 1);
  }

  /** Nanoseconds since boot (integer JS number; safe to 2^53 ns ≈ 104 days). */
  get now(): number {
    return this.#now;
  }

  /** floor(now * hz / 1e9), computed without precision loss for the whole range. */
  get jiffies(): number {
    return mulDivFloor(this.#now, this.hz, NS_PER_SEC);
  }

  /** The kernel's msecs_to_jiffies: rounds up (e.g. 100 ms at HZ=250 -> 25, 1 ms -> 1, 0 -> 0). */
  msecsToJiffies(ms: number): number {
    return mulDivCeil(requireInt("ms", ms), this.hz, MS_PER_SEC);
  }

  /** The first nanosecond at which `jiffies` reads j (i.e. ceil(j * 1e9 / hz)). */
  jiffiesToNs(j: number): number {
    return mulDivCeil(requireInt("j", j), NS_PER_SEC, this.hz);
  }

  /**
   * Schedules `callback` at absolute time atNs (clamped to >= now); returns a timer id. Timers due
   * at the same time fire in the order they were scheduled.
   */
  schedule(atNs: number, callback: () => void): number {
    requireInt("atNs", atNs);
    const id = this.#nextId++;
    const timer: Timer = { at: Math.max(atNs, this.#now), id, callback, index: this.#heap.length };
    this.#heap.push(timer);
    this.#pending.set(id, timer);
    this.#siftUp(timer.index);
    return id;
  }

  /** Cancels a pending timer; returns whether it was pending. */
  cancel(id: number): boolean {
    const timer = this.#pending.get(id);
    if (timer === undefined) return false;
    this.#remove(timer.index);
    return true;
  }

  /** Whether timer `id` is scheduled and has not yet fired or been cancelled. */
  isPending(id: number): boolean {
    return this.#pending.has(id);
  }

  /** Number of pending timers. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Earliest pending timer time, or undefined. */
  nextTimerAt(): number | undefined {
    return this.#heap[0]?.at;
  }

  /**
   * Advances by ns >= 0, firing due timers in time order with `now` set to each timer's due time
   * before its callback runs; callbacks may schedule more timers (those due within the window fire
   * too). Ends with now = start + ns. A callback that throws leaves `now` at its due time, with
   * the timer consumed. Calling advance from a timer callback throws: time would run backwards.
   */
  advance(ns: number): void {
    requireInt("ns", ns);
    const target = requireInt("now + ns", this.#now + ns);
    if (this.#advancing) throw new Error("VirtualClock.advance called from a timer callback");
    this.#advancing = true;
    try {
      for (let top = this.#heap[0]; top !== undefined && top.at <= target; top = this.#heap[0]) {
        this.#remove(0);
        this.#now = top.at;
        top.callback();
      }
      this.#now = target;
    } finally {
      this.#advancing = false;
    }
  }

  /** Same as advance(atNs - now); atNs >= now. */
  advanceTo(atNs: number): void {
    this.advance(requireInt("atNs", atNs, this.#now) - this.#now);
  }

  #remove(index: number): void {
    const heap = this.#heap;
    const removed = heap[index] as Timer;
    const last = heap.pop() as Timer;
    this.#pending.delete(removed.id);
    if (last === removed) return;
    heap[index] = last;
    last.index = index;
    this.#siftUp(index);
    this.#siftDown(last.index);
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    const timer = heap[index] as Timer;
    let i = index;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as Timer;
      if (!before(timer, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = timer;
    timer.index = i;
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    const timer = heap[index] as Timer;
    const n = heap.length;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      let childIndex = left;
      if (left + 1 < n && before(heap[left + 1] as Timer, heap[left] as Timer))
        childIndex = left + 1;
      const child = heap[childIndex] as Timer;
      if (!before(child, timer)) break;
      heap[i] = child;
      child.index = i;
      i = childIndex;
    }
    heap[i] = timer;
    timer.index = i;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id);
}
