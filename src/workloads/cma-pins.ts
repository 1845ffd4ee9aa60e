/**
 * CMA allocation rounds under page pins, for the `cma-pins` benchmark (spec 3.4-3.5 and 5). A
 * 64 MiB x86_64 machine with an 8 MiB default CMA area; each round refills the area with the
 * anonymous memory of four holder processes (the previous holders exit first and their exit
 * batches drain), lets a window of 200-1000 ms pass in which the workload's pin events arrive as
 * Poisson processes, then asks cma_alloc for the whole area (align 8, the spec's example) and
 * releases it again. The pin timings are the spec's assumptions (the CMA model's boot defaults).
 */
import type { CmaAllocResult, CmaOp } from "../models/cma/index.js";
import { type BootOp, DEFAULT_BOOT } from "../models/cma/ops.js";
import type { Rng } from "../sim/rng.js";

/** One workload: pin event rates per second of virtual time, and whether a long-term pin sits in the area. */
export interface CmaPinMix {
  name: string;
  description: string;
  dioPerSec: number;
  forkPerSec: number;
  exitPerSec: number;
  longterm: boolean;
  /** Pin timings instead of the CMA model's boot defaults (sampled machines). */
  boot?: Partial<BootOp>;
}

/** The pin mixes compared. */
export const CMA_PIN_MIXES: readonly CmaPinMix[] = [
  {
    name: "transient",
    description:
      "Transient pins only: direct I/O on 1-16 pages of a holder at 100/s (each pinned 0.1-20 ms) and forks at 5/s (each page pair preempted with p = 1e-3, pinned ~2 ms median, 50 ms p99)",
    dioPerSec: 100,
    forkPerSec: 5,
    exitPerSec: 0,
    longterm: false,
  },
  {
    name: "transient+longterm",
    description:
      "The same transient pins, plus one page of a long-running process in the area held by a driver's plain get_user_pages (not FOLL_LONGTERM, so never migrated out first): it never drops",
    dioPerSec: 100,
    forkPerSec: 5,
    exitPerSec: 0,
    longterm: true,
  },
  {
    name: "churn-low",
    description:
      "Fork/exit churn, low: holders fork at 5/s and exit at 1/s (an exiting holder's pages stay pinned until its TLB batch flushes, at least 10 ms, then are freed)",
    dioPerSec: 0,
    forkPerSec: 5,
    exitPerSec: 1,
    longterm: false,
  },
  {
    name: "churn-high",
    description: "Fork/exit churn, high: holders fork at 50/s and exit at 4/s",
    dioPerSec: 0,
    forkPerSec: 50,
    exitPerSec: 4,
    longterm: false,
  },
];

/** Area size in pages (8 MiB) and the holders that fill it. */
export const AREA_PAGES = 2048;
const HOLDERS = [2, 3, 4, 5];
/** The long-running process whose page carries the long-term pin. */
const LONGTERM_PID = 6;

/** The ops of a CMA pin trial, generated round by round; `alloc` results are fed back. */
export class CmaPinRounds {
  private round = 0;

  constructor(
    private readonly mix: CmaPinMix,
    private readonly rng: Rng,
    private readonly rounds: number,
  ) {}

  /** The machine: boot, plus the long-term pinned process when the mix has one. */
  setup(): CmaOp[] {
    const ops: CmaOp[] = [
      { ...DEFAULT_BOOT, ram_mib: 64, cma_mib: AREA_PAGES / 256, ...this.mix.boot },
    ];
    if (this.mix.longterm) {
      ops.push(
        { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 },
        { op: "fill", what: "anon", pages: 64, pid: LONGTERM_PID },
        { op: "drop", what: "kernel", stride: 1, keep: 1 },
        { op: "longterm_pin", pid: LONGTERM_PID, pages: 1, foll_longterm: false },
      );
    }
    return ops;
  }

  /** The next round's ops up to and including its cma_alloc, or null after the last round. */
  nextRound(alive: (pid: number) => boolean): CmaOp[] | null {
    if (this.round >= this.rounds) return null;
    this.round++;
    const ops: CmaOp[] = [];
    for (const pid of HOLDERS) if (alive(pid)) ops.push({ op: "exit", pid });
    // Exit windows are at most 500 ms: every batch is flushed and freed before the refill.
    ops.push({ op: "advance", ms: 600 });
    // Kernel memory takes everything outside the area, so the holders' faults land in it; it is
    // freed again so that migration has targets.
    ops.push({ op: "fill", what: "kernel", pages: 1 << 20, pid: 1 });
    for (const pid of HOLDERS) {
      ops.push({ op: "fill", what: "anon", pages: AREA_PAGES / HOLDERS.length, pid });
    }
    ops.push({ op: "drop", what: "kernel", stride: 1, keep: 1 });
    ops.push(...this.window());
    ops.push({ op: "alloc", count: AREA_PAGES, align: 8, no_warn: true });
    return ops;
  }

  /** The release of a successful allocation. */
  static release(result: CmaAllocResult): CmaOp[] {
    return result.pfn === null ? [] : [{ op: "release", pfn: result.pfn, count: result.count }];
  }

  /** Pin events of one window, in time order, with the advances between them. */
  private window(): CmaOp[] {
    const { rng, mix } = this;
    const windowMs = rng.int(200, 1000);
    const events: { ms: number; kind: "dio" | "fork" | "exit" }[] = [];
    const arrivals = (perSec: number, kind: "dio" | "fork" | "exit") => {
      if (perSec <= 0) return;
      for (let t = expMs(rng, perSec); t < windowMs; t += expMs(rng, perSec)) {
        events.push({ ms: t, kind });
      }
    };
    arrivals(mix.dioPerSec, "dio");
    arrivals(mix.forkPerSec, "fork");
    arrivals(mix.exitPerSec, "exit");
    events.sort((a, b) => a.ms - b.ms);
    const ops: CmaOp[] = [];
    const living = new Set(HOLDERS);
    let now = 0;
    for (const event of events) {
      const pids = [...living];
      if (pids.length === 0) break;
      const pid = rng.pick(pids);
      const ms = Math.floor(event.ms);
      if (ms > now) ops.push({ op: "advance", ms: ms - now });
      now = Math.max(now, ms);
      if (event.kind === "dio") ops.push({ op: "dio", pid, pages: rng.int(1, 16) });
      else ops.push({ op: event.kind, pid });
      if (event.kind === "exit") living.delete(pid);
    }
    if (windowMs > now) ops.push({ op: "advance", ms: windowMs - now });
    return ops;
  }
}

/** An exponential inter-arrival time in ms for a rate per second. */
function expMs(rng: Rng, perSec: number): number {
  return (-1000 / perSec) * Math.log(1 - rng.float());
}
