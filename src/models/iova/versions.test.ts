import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { type IovaDump, IovaModel, type IovaResult } from "./model.js";
import type { IovaOp } from "./ops.js";
import { findIovaVariant } from "./variants.js";

const LIMIT32 = 0xfffff;
const INIT: IovaOp = { op: "init", granule: 4096, start_pfn: 0x40000, cpus: 4 };

function model(variant: string, clock = new VirtualClock()): IovaModel {
  const config = findIovaVariant(variant);
  if (!config) throw new Error(variant);
  const m = new IovaModel(config, { clock, rng: Rng.seeded(1) });
  m.apply(INIT);
  return m;
}

function pfnOf(result: IovaResult): number | null {
  if (result.kind !== "alloc") throw new Error(`not an alloc result: ${result.kind}`);
  return result.pfn;
}

function dumpOf(m: IovaModel): IovaDump {
  const r = m.apply({ op: "dump" });
  if (r.kind !== "dump") throw new Error("no dump");
  return r.dump;
}

const alloc = (size: number, limit_pfn = LIMIT32, aligned = true): IovaOp => ({
  op: "alloc",
  size,
  limit_pfn,
  aligned,
});

describe("spec A.6: the 8-step reproducer of the max32_alloc_size bug", () => {
  function steps(variant: string) {
    const m = model(variant);
    const results = [
      pfnOf(m.apply(alloc(0x40000))),
      pfnOf(m.apply(alloc(0x20000))),
      pfnOf(m.apply(alloc(0x20000))),
      pfnOf(m.apply(alloc(0x40000))),
    ];
    m.apply({ op: "free", pfn: 0xa0000 });
    const step6 = m.apply(alloc(0x40000));
    const max32AfterStep6 = dumpOf(m).max32_alloc_size;
    m.apply({ op: "free", pfn: 0x80000 });
    const max32AfterStep7 = dumpOf(m).max32_alloc_size;
    const step8 = m.apply(alloc(0x40000));
    return { results, step6, max32AfterStep6, max32AfterStep7, step8, dump: dumpOf(m) };
  }

  it("steps 1-4 fill the domain top-down and step 6 fails legitimately in both versions", () => {
    for (const variant of ["v5.17", "v5.18"]) {
      const s = steps(variant);
      expect(s.results).toEqual([0xc0000, 0xa0000, 0x80000, 0x40000]);
      expect(pfnOf(s.step6)).toBeNull();
      expect(s.max32AfterStep6).toBe(0x40000);
    }
  });

  it("v5.17 keeps the stale estimate and refuses step 8 by the early fail", () => {
    const s = steps("v5.17");
    expect(s.max32AfterStep7).toBe(0x40000);
    expect(pfnOf(s.step8)).toBeNull();
    expect(s.step8.kind === "alloc" && s.step8.failure).toBe("early-fail");
    expect(s.dump.cached32_pfn_lo).toBe(0xc0000);
  });

  it("v5.18 resets the estimate on the low free and succeeds at pfn 0x80000", () => {
    const s = steps("v5.18");
    expect(s.max32AfterStep7).toBe(0x100000);
    expect(pfnOf(s.step8)).toBe(0x80000);
    expect(s.dump.nodes).toEqual([
      [0x40000, 0x7ffff],
      [0x80000, 0xbffff],
      [0xc0000, 0xfffff],
    ]);
    expect(s.dump.cached32_pfn_lo).toBe(0x80000);
  });
});

describe("the retry-overflow quirk (edge-01): an IOVA below start_pfn", () => {
  // A request one page larger than the 32-bit window: the retry from the anchor wraps
  // retry_pfn to 0, so low becomes 0 and the allocation lands at 0x3ffff < start_pfn.
  const oversized = alloc(0xc0001, LIMIT32, false);

  it.each(["v5.12", "v5.17", "v5.18"])("%s places it at 0x3ffff", (variant) => {
    const r = model(variant).apply(oversized);
    expect(pfnOf(r)).toBe(0x3ffff);
    expect(r.kind === "alloc" && r.retried).toBe(true);
  });

  it.each(["v6.2", "v6.7"])("%s refuses it", (variant) => {
    const r = model(variant).apply(oversized);
    expect(pfnOf(r)).toBeNull();
  });

  it("v5.10 has no retry and refuses it", () => {
    const r = model("v5.10").apply(oversized);
    expect(pfnOf(r)).toBeNull();
    expect(r.kind === "alloc" && r.failure).toBe("walk-fail");
  });

  it("alloc_iova_fast returns 0 for the node it placed at pfn 0 (the API reports failure)", () => {
    const m = model("v5.17");
    const r = m.apply({ op: "alloc_fast", size: 0xc0000, limit_pfn: LIMIT32, flush: true, cpu: 0 });
    expect(r).toMatchObject({ kind: "alloc", pfn: null, placed: 0, flushed: null });
    expect(dumpOf(m).nodes).toEqual([[0, 0xbffff]]);
  });
});

/** Allocates n one-page IOVAs through alloc_fast and frees them all to `cpu`'s magazines. */
function parkPages(m: IovaModel, n: number, cpu = 0): number[] {
  const pfns: number[] = [];
  for (let i = 0; i < n; i++) {
    const pfn = pfnOf(
      m.apply({ op: "alloc_fast", size: 1, limit_pfn: LIMIT32, flush: false, cpu }),
    );
    if (pfn === null) throw new Error("alloc_fast failed");
    pfns.push(pfn);
  }
  for (const pfn of pfns) m.apply({ op: "free_fast", pfn, size: 1, cpu });
  return pfns;
}

describe("rcache depot per version", () => {
  it("v6.7 trims its depot on the virtual clock: one magazine per 100 ms down to the CPU count", () => {
    const clock = new VirtualClock({ hz: 250 });
    const m = model("v6.7", clock);
    // 127 * 2 frees fill loaded and prev; the next one pushes the first full magazine to the
    // depot, and each further 127 push one more: 127 * (2 + k) + 1 frees leave k + 1 there.
    parkPages(m, 127 * 2 + 127 * 6 + 1);
    const depotSize = () => dumpOf(m).rcache[0]?.depot.length ?? -1;
    const nodes = () => dumpOf(m).nodes.length;
    expect(depotSize()).toBe(7);
    const before = nodes();
    m.apply({ op: "advance", ms: 99 });
    expect(depotSize()).toBe(7);
    m.apply({ op: "advance", ms: 1 });
    expect(depotSize()).toBe(6);
    expect(nodes()).toBe(before - 127);
    m.apply({ op: "advance", ms: 100 });
    expect(depotSize()).toBe(5);
    m.apply({ op: "advance", ms: 10_000 });
    expect(depotSize()).toBe(4);
    expect(nodes()).toBe(before - 3 * 127);
  });

  it("v6.2 keeps a 32-magazine array depot that never trims but evicts to the tree when full", () => {
    const m = model("v6.2");
    parkPages(m, 127 * 2 + 127 * 6 + 1);
    m.apply({ op: "advance", ms: 10_000 });
    expect(dumpOf(m).rcache[0]?.depot.length).toBe(7);

    const full = model("v6.2");
    parkPages(full, 127 * 2 + 127 * 32 + 1);
    const dump = dumpOf(full);
    expect(dump.rcache[0]?.depot.length).toBe(32);
    // The 33rd full magazine went back to the tree instead of the depot.
    expect(dump.rcache_pfns).toBe(127 * 2 + 127 * 31 + 1);
    expect(dump.nodes.length).toBe(dump.rcache_pfns);
  });

  it("v5.10's flush empties the per-CPU magazines but not the depot; v5.12's empties both", () => {
    for (const [variant, depotAfter, flushed] of [
      ["v5.10", 1, 129],
      ["v5.12", 0, 257],
    ] as const) {
      const m = model(variant);
      parkPages(m, 128 * 2 + 1);
      expect(dumpOf(m).rcache[0]?.depot.length).toBe(1);
      // A request for the whole 32-bit window fails and forces the flush.
      const r = m.apply({
        op: "alloc_fast",
        size: 0xc0000,
        limit_pfn: LIMIT32,
        flush: true,
        cpu: 1,
      });
      expect(r).toMatchObject({ kind: "alloc", pfn: null });
      expect(r.kind === "alloc" && r.flushed).toBe(flushed);
      expect(dumpOf(m).rcache[0]?.depot.length).toBe(depotAfter);
    }
  });
});

describe("alloc_iova_fast size rounding", () => {
  it("v5.12 passes the size through (dma-iommu rounds); v5.17 rounds below 32 pages", () => {
    const sizes = (variant: string) => {
      const m = model(variant);
      m.apply({ op: "alloc_fast", size: 3, limit_pfn: LIMIT32, flush: false, cpu: 0 });
      return dumpOf(m).nodes;
    };
    expect(sizes("v5.12")).toEqual([[0xffffc, 0xffffe]]);
    expect(sizes("v5.17")).toEqual([[0xffffc, 0xfffff]]);
  });
});
