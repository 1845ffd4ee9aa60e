import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { pcpPages } from "../pagealloc/pcp.js";
import { cmaModel } from "./index.js";
import type { CmaAllocResult, CmaModel, CmaOp } from "./index.js";
import { areaBase, filledArea, SCENARIO_PID } from "./scenarios.js";

function run(variant: string, ops: CmaOp[]): { model: CmaModel; last: unknown } {
  const model = cmaModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  let last: unknown;
  for (const op of ops) last = model.apply(op);
  return { model: model as CmaModel, last };
}

const MIB_ALIGN8: CmaOp = { op: "alloc", count: 256, align: 8, no_warn: false };

describe("cma_alloc's single pass (spec 3.2)", () => {
  it("the numeric example: a pin at index 600 fails candidate 512 only; the retry starts at 768", () => {
    const base = areaBase(64);
    const { model, last } = run("fail-fast", [
      ...filledArea(64),
      MIB_ALIGN8,
      MIB_ALIGN8,
      { op: "longterm_pin", pid: SCENARIO_PID, pages: 1, pfn: base + 600, foll_longterm: false },
      MIB_ALIGN8,
    ]);
    const r = last as CmaAllocResult;
    expect(r).toMatchObject({ outcome: "ok", pfn: base + 768, attempts: 2, passes: 1 });
    expect(r.tried).toEqual([512, 768]);
    expect(r.blocked).toEqual({ transient: 0, longterm: 1 });
    expect([...model.live.keys()]).toEqual([base, base + 256, base + 768]);
    // The failed candidate's bits were cleared again: 512..767 is free, the pinned page stays.
    expect(model.area.test(512) || model.area.test(767)).toBe(false);
    expect(model.check()).toEqual([]);
  });

  it("with align 0 the step is one page, so one pin costs a failed attempt per covering start", () => {
    const base = areaBase(64);
    const { last } = run("fail-fast", [
      ...filledArea(64),
      { op: "longterm_pin", pid: SCENARIO_PID, pages: 1, pfn: base + 100, foll_longterm: false },
      { op: "alloc", count: 256, align: 0, no_warn: false },
    ]);
    const r = last as CmaAllocResult;
    expect(r).toMatchObject({ outcome: "ok", pfn: base + 101, attempts: 102 });
    expect(r.blocked.longterm).toBe(101);
  });

  it("returns NULL after one pass with the kernel's log line and the free runs", () => {
    const base = areaBase(8);
    const { model, last } = run("fail-fast", [
      ...filledArea(8),
      { op: "longterm_pin", pid: SCENARIO_PID, pages: 1, pfn: base + 100, foll_longterm: false },
      { op: "alloc", count: 2048, align: 8, no_warn: false },
    ]);
    const r = last as CmaAllocResult;
    expect(r).toMatchObject({ outcome: "fail", pfn: null, ret: -16, attempts: 1, passes: 1 });
    expect(r.log).toEqual([
      "cma: cma_alloc: reserved: alloc failed, req-size: 2048 pages, ret: -16",
      "cma: number of available pages: 2048@0=> 2048 free of 2048 total pages",
    ]);
    expect(model.area.weight()).toBe(0);
    // Without a free run of the size there is no attempt at all, and ret is -ENOMEM.
    const again = model.apply({ op: "alloc", count: 4096, align: 8, no_warn: false });
    expect(again).toMatchObject({ outcome: "fail", attempts: 0, log: [] });
    const none = model.apply({ op: "alloc", count: 256, align: 8, no_warn: true });
    expect(none).toMatchObject({ outcome: "ok" });
    const full = run("fail-fast", [
      ...filledArea(8),
      { op: "alloc", count: 2048, align: 8, no_warn: false },
    ]);
    const after = full.model.apply({ op: "alloc", count: 1, align: 0, no_warn: false });
    expect(after).toMatchObject({ outcome: "fail", ret: -12, attempts: 0 });
    expect((after as CmaAllocResult).log[0]).toContain("ret: -12");
  });

  it("cma_release frees the pages and the bits; a release of pages never allocated is rejected", () => {
    const base = areaBase(8);
    const { model, last } = run("fail-fast", [...filledArea(8), MIB_ALIGN8]);
    expect(last).toMatchObject({ outcome: "ok", pfn: base });
    // Freed pages go through the per-CPU lists (free_unref_page): count those as free too.
    const freeBefore = model.mm.node.zones.reduce((s, z) => s + z.freePages + pcpPages(z), 0);
    model.apply({ op: "release", pfn: base, count: 256 });
    expect(model.area.weight()).toBe(0);
    expect(model.mm.node.zones.reduce((s, z) => s + z.freePages + pcpPages(z), 0)).toBe(
      freeBefore + 256,
    );
    expect(() => model.apply({ op: "release", pfn: base, count: 256 })).toThrow(/not a live/);
    expect(model.check()).toEqual([]);
  });

  it("user pages really sit in the area, so a success migrates them", () => {
    const { model, last } = run("fail-fast", [...filledArea(8), MIB_ALIGN8]);
    expect((last as CmaAllocResult).migrated).toBeGreaterThan(250);
    const dump = model.apply({ op: "dump" });
    expect(dump).toMatchObject({ kind: "dump", dump: { pages: { cma: 256 } } });
  });
});
