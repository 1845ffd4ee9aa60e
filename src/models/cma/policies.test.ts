import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { cmaModel } from "./index.js";
import type { CmaAllocResult, CmaModel, CmaOp } from "./index.js";
import { areaBase, filledArea, SCENARIO_PID, wholeAreaPinned } from "./scenarios.js";
import { findCmaVariant } from "./variants.js";

const MS = 1e6;

function last(variant: string, ops: CmaOp[]): { model: CmaModel; r: CmaAllocResult } {
  const model = cmaModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  let result: unknown;
  for (const op of ops) result = model.apply(op);
  return { model: model as CmaModel, r: result as CmaAllocResult };
}

describe("policies with (a) transient pins only: a DIO pin of 0.1-20 ms on the only candidate", () => {
  const trace = wholeAreaPinned("transient");

  it("fail-fast fails with -EBUSY after one attempt", () => {
    const { r } = last("fail-fast", trace);
    expect(r).toMatchObject({ outcome: "fail", ret: -16, attempts: 1, passes: 1, sleeps: 0 });
    expect(r.blocked).toEqual({ transient: 1, longterm: 0 });
  });

  it("retry-5x100ms and nofail succeed on the rescan after one msleep(100) (26 jiffies at HZ 250)", () => {
    for (const variant of ["retry-5x100ms", "nofail"]) {
      const { r } = last(variant, trace);
      expect(r, variant).toMatchObject({ outcome: "ok", attempts: 2, passes: 2, sleeps: 1 });
      expect(r.latencyNs, variant).toBeGreaterThan(104 * MS);
      expect(r.latencyNs, variant).toBeLessThan(140 * MS);
    }
  });

  it("pin-wait sleeps just until the pin drops and retries the same candidate", () => {
    const { r } = last("pin-wait", trace);
    expect(r).toMatchObject({ outcome: "ok", attempts: 2, passes: 1, waits: 1, sleeps: 0 });
    expect(r.latencyNs).toBeLessThan(50 * MS);
  });
});

describe("policies with (b) one long-term pin (a driver's get_user_pages) on the only candidate", () => {
  const trace = wholeAreaPinned("longterm");

  it("fail-fast fails at once and never hangs", () => {
    const { r } = last("fail-fast", trace);
    expect(r).toMatchObject({ outcome: "fail", ret: -16, attempts: 1, passes: 1 });
    expect(r.latencyNs).toBeLessThan(100 * MS);
  });

  it("retry-5x100ms gives up after 6 passes and 5 sleeps", () => {
    const { r } = last("retry-5x100ms", trace);
    expect(r).toMatchObject({ outcome: "fail", ret: -16, attempts: 6, passes: 6, sleeps: 5 });
    expect(r.latencyNs).toBeGreaterThan(5 * 104 * MS);
    expect(r.latencyNs).toBeLessThan(700 * MS);
  });

  it("nofail hangs: it rescans every ~104 ms until the 120 s bound, fast-forwarded", () => {
    const { r, model } = last("nofail", trace);
    expect(r.outcome).toBe("hang");
    expect(r.latencyNs).toBeGreaterThanOrEqual(120_000 * MS);
    expect(r.passes).toBeGreaterThan(1100);
    expect(r.attempts).toBe(r.passes);
    expect(r.lastPass).toEqual({ transient: 0, longterm: 1 });
    expect(model.area.weight()).toBe(0);
  });

  it("pin-wait hangs on the pin that never drops", () => {
    const { r } = last("pin-wait", trace);
    expect(r).toMatchObject({ outcome: "hang", attempts: 1, waits: 1 });
    expect(r.latencyNs).toBe(120_000 * MS);
  });

  it("a general retry(n, sleep) makes n + 1 passes with msleep(sleep) between them", () => {
    expect(findCmaVariant("retry-2x40ms")?.policy).toEqual({
      kind: "retry",
      retries: 2,
      sleepMs: 40,
    });
    const { r } = last("retry-2x40ms", trace);
    expect(r).toMatchObject({ outcome: "fail", passes: 3, sleeps: 2 });
    expect(findCmaVariant("retry-x")).toBeUndefined();
  });
});

describe("nofail with a long-term pin that does not cover every candidate", () => {
  it("succeeds on another candidate in the first pass: the hang needs every candidate pinned", () => {
    const base = areaBase(8);
    const { r } = last("nofail", [
      ...filledArea(8),
      { op: "longterm_pin", pid: SCENARIO_PID, pages: 1, pfn: base + 100, foll_longterm: false },
      { op: "alloc", count: 256, align: 8, no_warn: false },
    ]);
    expect(r).toMatchObject({ outcome: "ok", pfn: base + 256, attempts: 2, passes: 1 });
  });
});

describe("the FOLL_LONGTERM migrate-before-pin switch", () => {
  const pinned = (migrate: boolean): CmaOp[] => {
    const base = areaBase(8);
    return [
      ...filledArea(8, { longterm_migrate: migrate }),
      { op: "longterm_pin", pid: SCENARIO_PID, pages: 1, pfn: base + 100, foll_longterm: true },
      { op: "alloc", count: 2048, align: 8, no_warn: false },
    ];
  };

  it("on (upstream since v5.1): the page leaves CMA before it is pinned, so the area is free", () => {
    const { r, model } = last("fail-fast", pinned(true));
    expect(r.outcome).toBe("ok");
    expect(model.pins.longtermPages).toBe(1);
  });

  it("off (before 9a4e9f3b2d73, or a residual hole): the pin stays in CMA and blocks it", () => {
    const { r } = last("fail-fast", pinned(false));
    expect(r).toMatchObject({ outcome: "fail", ret: -16 });
    expect(r.blocked.longterm).toBe(1);
  });
});

describe("transient pin sources", () => {
  it("an exit holds the process's pages until the TLB batch flush, then frees them", () => {
    const { model } = last("fail-fast", [...filledArea(8)]);
    const rss = model.mm.rss[SCENARIO_PID] as number;
    const out = model.apply({ op: "exit", pid: SCENARIO_PID });
    // 2,047 pages in one mmu_gather: the window is the 10 ms floor of the exit clamp.
    expect(out).toMatchObject({ kind: "pins", pinned: rss, untilNs: model.mm.clock.now + 10 * MS });
    // The whole area: the held pages are somewhere in it (pages that sat on the per-CPU lists
    // when the fill stopped are free once alloc_contig_range drains them).
    const busy = model.apply({ op: "alloc", count: 2048, align: 8, no_warn: false });
    expect(busy).toMatchObject({ outcome: "fail", ret: -16 });
    const freed = model.apply({ op: "advance", ms: 11 });
    expect((freed as { n: number }).n).toBeGreaterThanOrEqual(rss - 256);
    expect(model.apply({ op: "alloc", count: 256, align: 8, no_warn: false })).toMatchObject({
      outcome: "ok",
      migrated: 0,
    });
    expect(model.check()).toEqual([]);
  });

  it("fork pins each page with the preemption probability, for lognormal times (seeded)", () => {
    const ops = filledArea(8, { fork_preempt_ppm: 100_000 });
    const a = last("fail-fast", ops).model.apply({ op: "fork", pid: SCENARIO_PID });
    const b = last("fail-fast", ops).model.apply({ op: "fork", pid: SCENARIO_PID });
    expect(a).toEqual(b);
    const pinned = (a as { pinned: number }).pinned;
    // About 10% of ~2,047 pages in the area.
    expect(pinned).toBeGreaterThan(140);
    expect(pinned).toBeLessThan(270);
  });
});
