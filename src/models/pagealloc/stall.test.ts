/**
 * The hang fast-forward (./stall.ts) gives the verdict, latency, counters and final state the
 * retry loop reaches when every pass runs, for loops that repeat one pass, cycles of 17 passes
 * (with and without one-jiffy sleeps), the NOFAIL loop, and mechanism B.
 */
import { describe, expect, it } from "vitest";
import { bootedModel } from "./model.fixture.js";
import type { PageallocOp } from "./ops.js";

type Setup = PageallocOp[];

const fragmented: Setup = [
  { op: "fill", what: "anon", pages: 1 << 20, pid: 1 },
  { op: "release", what: "anon", pid: 1, stride: 64, keep: 0 },
  ...Array.from({ length: 16 }, () => ({
    op: "alloc" as const,
    order: 7,
    gfp: "GFP_NOIO|__GFP_NORETRY|__GFP_NOWARN",
    comm: "x",
    worker: false,
  })),
];

/** Pinned anon counted as reclaimable (swap on), the rest kernel memory: reclaim never progresses. */
const pinnedWithSwap: Setup = [
  { op: "fill", what: "anon", pages: 40_000, pid: 2 },
  { op: "pin", pid: 2, pinned: true },
  { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 },
];

/** Runs `setup` then one allocation; the result and the whole state after it. */
function run(
  variant: string,
  ramMib: number,
  swapMib: number,
  hangMs: number,
  setup: Setup,
  last: PageallocOp,
  fastForward: boolean,
) {
  const m = bootedModel(variant, { ram_mib: ramMib, swap_mib: swapMib, hang_ms: hangMs });
  for (const op of setup) m.apply(op);
  m.mm.fastForward = fastForward;
  const result = m.apply(last);
  return { result, dump: m.dump(), now: m.mm.clock.now, problems: m.check() };
}

const cases: [string, string, number, number, number, Setup, PageallocOp][] = [
  [
    "mechanism A, a workqueue worker (period 1 after 17 passes of jiffy sleeps)",
    "v6.6",
    1024,
    0,
    3000,
    [...fragmented, { op: "scope", noio: true, nofs: false }],
    {
      op: "alloc",
      order: 7,
      gfp: "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN",
      comm: "w",
      worker: true,
    },
  ],
  [
    "order-3 GFP_KERNEL in a NOIO scope: 17 passes, then out_of_memory's fake progress",
    "v6.8",
    512,
    256,
    1500,
    [...pinnedWithSwap, { op: "scope", noio: true, nofs: false }],
    { op: "alloc", order: 3, gfp: "GFP_KERNEL", comm: "t", worker: false },
  ],
  [
    "the same 17-pass cycle on a workqueue worker (16 jiffy sleeps per cycle)",
    "v6.8",
    512,
    256,
    4000,
    [...pinnedWithSwap, { op: "scope", noio: true, nofs: false }],
    { op: "alloc", order: 2, gfp: "GFP_KERNEL", comm: "w", worker: true },
  ],
  [
    "costly __GFP_NOFAIL with nothing to reclaim or compact",
    "v6.8",
    512,
    0,
    1500,
    [{ op: "fill", what: "kernel", pages: 1 << 20, pid: 1 }],
    { op: "alloc", order: 9, gfp: "GFP_KERNEL|__GFP_NOFAIL", comm: "t", worker: false },
  ],
  [
    "mechanism B: others take every reclaimed page",
    "v6.8",
    1024,
    0,
    1000,
    [
      { op: "fill", what: "file", pages: 1 << 18, pid: 1 },
      { op: "fill", what: "anon", pages: 20_000, pid: 2 },
      { op: "stealers", pages: 4096 },
    ],
    {
      op: "alloc",
      order: 9,
      gfp: "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN",
      comm: "t",
      worker: false,
    },
  ],
];

describe("the hang fast-forward reaches the state of the loop run pass by pass", () => {
  for (const [name, variant, ram, swap, hangMs, setup, last] of cases) {
    it(name, () => {
      const fast = run(variant, ram, swap, hangMs, setup, last, true);
      const slow = run(variant, ram, swap, hangMs, setup, last, false);
      expect(slow.result).toMatchObject({ kind: "alloc", outcome: "hang" });
      expect(fast.result).toEqual(slow.result);
      expect(fast.now).toBe(slow.now);
      expect(fast.dump).toEqual(slow.dump);
      expect(fast.problems).toEqual([]);
    });
  }
});
