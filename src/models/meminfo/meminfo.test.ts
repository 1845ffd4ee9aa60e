import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { meminfoModel } from "./index.js";
import type { MeminfoResult } from "./model.js";
import type { MeminfoOp, ZoneOp } from "./ops.js";

const LAYOUT: MeminfoOp = { op: "layout", zones: "DMA DMA32 Normal Movable" };

function zone(fields: Partial<ZoneOp>): ZoneOp {
  return {
    op: "zone",
    node: 0,
    name: "Normal",
    free: 760,
    min: 735,
    low: 918,
    high: 1102,
    highatomic: 0,
    free_cma: 0,
    lowmem_reserve: "0 0 0 0",
    free_area: "400:UME 100:UM 30:UM 5:U 2:M 1:M 0 0 0 0 0",
    ...fields,
  };
}

function run(variant: string, ops: MeminfoOp[]) {
  const model = meminfoModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  let last: MeminfoResult = { kind: "ok" };
  for (const op of ops) last = model.apply(op);
  if (last.kind !== "alloc") throw new Error("no alloc result");
  return last;
}

describe("meminfo model: __zone_watermark_ok per era", () => {
  it("spells out the issue's worked example: free 760 - 31 at order 5 = 729 <= min 735", () => {
    const r = run("v6.6", [
      LAYOUT,
      zone({}),
      { op: "alloc", order: 5, gfp: "GFP_KERNEL", mark: "min", nodes: "all" },
    ]);
    expect(r.ok).toBe(false);
    expect(r.checks[0]?.text).toBe(
      "Normal: free 760 - 31 (order-5 tail) = 729 <= min 735 + lowmem_reserve 0",
    );
    expect(r.checks[0]?.shortBy).toBe(7);
  });

  it("GFP_NOWAIT lost its min/4 in v6.3: passes on v4.19, fails on v6.6", () => {
    const ops: MeminfoOp[] = [
      LAYOUT,
      zone({ free: 700, min: 800 }),
      { op: "alloc", order: 0, gfp: "GFP_NOWAIT|__GFP_ATOMIC", mark: "min", nodes: "all" },
    ];
    expect(run("v4.19", ops).ok).toBe(true); // ALLOC_HARDER: 800 - 200 = 600 < 700
    const nowait: MeminfoOp[] = [
      LAYOUT,
      zone({ free: 700, min: 800 }),
      { op: "alloc", order: 0, gfp: "GFP_NOWAIT", mark: "min", nodes: "all" },
    ];
    expect(run("v6.6", nowait).ok).toBe(false); // ALLOC_NON_BLOCK alone takes nothing off min
  });

  it("GFP_ATOMIC: min/2 then min/4 in every era (ALLOC_HIGH+HARDER, MIN_RESERVE+NON_BLOCK)", () => {
    for (const variant of ["v4.19", "v6.6"]) {
      const r = run(variant, [
        LAYOUT,
        zone({ free: 400, min: 800 }),
        { op: "alloc", order: 0, gfp: "GFP_ATOMIC|__GFP_ATOMIC", mark: "min", nodes: "all" },
      ]);
      expect(r.ok, variant).toBe(true); // 800 - 400 = 400, - 100 = 300 < 400
      expect(r.checks[0]?.text, variant).toContain("= 300");
    }
  });

  it("leaves free CMA pages out unless the request is movable", () => {
    const ops = (gfp: string): MeminfoOp[] => [
      LAYOUT,
      zone({ free: 2000, min: 800, free_cma: 1500 }),
      { op: "alloc", order: 0, gfp, mark: "min", nodes: "all" },
    ];
    expect(run("v6.6", ops("GFP_KERNEL")).ok).toBe(false);
    expect(run("v6.6", ops("GFP_KERNEL|__GFP_MOVABLE")).ok).toBe(true);
  });

  it("a high-order block only on CMA or HighAtomic lists does not count for GFP_KERNEL", () => {
    const area = "0 0 0 0 0 3:C 1:H 0 0 0 0";
    const r = run("v4.19", [
      LAYOUT,
      zone({ free: 5000, min: 100, free_area: area }),
      { op: "alloc", order: 5, gfp: "GFP_KERNEL", mark: "min", nodes: "all" },
    ]);
    expect(r.ok).toBe(false);
    expect(r.checks[0]?.refusedBy).toBe("order");
  });

  it("v3.10 removes the lower orders while halving min (the loop v4.4 dropped)", () => {
    const ops: MeminfoOp[] = [
      LAYOUT,
      zone({ free: 1000, min: 100, free_area: "900 40 5 0 0 0 0 0 0 0 0" }),
      { op: "alloc", order: 2, gfp: "GFP_KERNEL", mark: "min", nodes: "all" },
    ];
    const old = run("v3.10", ops);
    expect(old.ok).toBe(false); // 997 - 900 = 97 > 50, then 97 - 80 = 17 <= 25
    expect(old.checks[0]?.text).toContain("17 <= min/2^2 = 25");
    expect(run("v4.19", ops).ok).toBe(true); // order-2 blocks exist
  });

  it("lowmem_reserve of the highest allowed zone protects a lower zone", () => {
    const ops = (gfp: string): MeminfoOp[] => [
      LAYOUT,
      zone({ name: "DMA32", free: 3000, min: 500, lowmem_reserve: "0 0 2807 2807" }),
      { op: "alloc", order: 0, gfp, mark: "min", nodes: "all" },
    ];
    expect(run("v6.6", ops("GFP_KERNEL")).ok).toBe(false); // 3000 <= 500 + 2807
    expect(run("v6.6", ops("GFP_KERNEL|GFP_DMA32")).ok).toBe(true); // reserve[1] = 0
  });
});
