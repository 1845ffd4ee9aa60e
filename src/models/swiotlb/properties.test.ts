import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { SwiotlbModel } from "./model.js";
import type { SwiotlbOp } from "./ops.js";
import { findSwiotlbVariant } from "./variants.js";

// A 1024-slot pool in 2 areas, 24 KiB past a 64 KiB boundary; sizes near slot and page edges.
const START = 0x7000_6000;
const size = fc.oneof(
  fc.integer({ min: 1, max: 70_000 }),
  fc.integer({ min: 0, max: 18 }).map((k) => 2 ** k),
  fc.integer({ min: 11, max: 18 }).map((k) => 2 ** k + 1),
  fc.integer({ min: 11, max: 18 }).map((k) => 2 ** k - 1),
);
const mapArb = fc
  .record({
    size,
    orig: fc.integer({ min: 1, max: 2 ** 40 }),
    alignMask: fc.constantFrom(0, 0, 0xfff, 0x3fff, 0xffff),
    min_align_mask: fc.constantFrom(0, 0xfff),
    cpu: fc.integer({ min: 0, max: 7 }),
    seg_boundary_mask: fc.constantFrom(0, 0, 0xffff),
  })
  .map(({ alignMask, ...r }): SwiotlbOp => ({
    op: "map",
    ...r,
    // dma-iommu passes the size rounded up to the granule with the granule's mask.
    alloc_size: Math.ceil(r.size / (alignMask + 1)) * (alignMask + 1),
    alloc_align_mask: alignMask,
    attrs: 0,
    dma_limit: 0,
    io_path: 0,
  }));
const allocArb = fc.record({
  op: fc.constant("alloc" as const),
  size: fc.integer({ min: 1, max: 40 }).map((pages) => pages * 4096),
  min_align_mask: fc.constantFrom(0, 0xfff),
  cpu: fc.integer({ min: 0, max: 7 }),
  seg_boundary_mask: fc.constant(0),
});
const releaseArb = fc.record({ op: fc.constant("release" as const), nth: fc.nat() });

interface Live {
  op: SwiotlbOp & { op: "map" | "alloc" };
  tlb: number;
  slot: number;
  nslots: number;
}

function model(variant: string): SwiotlbModel {
  const config = findSwiotlbVariant(variant);
  if (!config) throw new Error(variant);
  const m = new SwiotlbModel(config, { clock: new VirtualClock(), rng: Rng.seeded(3) });
  m.apply({ op: "init", nslabs: 1024, nareas: 2, start: START, page_size: 4096 });
  return m;
}

/** Applies the steps, releasing the nth live allocation for a `release` step. */
function run(
  variant: string,
  steps: readonly (SwiotlbOp | { op: "release"; nth: number })[],
  afterEach: (m: SwiotlbModel, live: readonly Live[]) => void = () => {},
): SwiotlbModel {
  const m = model(variant);
  const live: Live[] = [];
  for (const step of steps) {
    if (step.op === "release") {
      const [victim] = live.splice(step.nth % Math.max(live.length, 1), 1);
      if (victim === undefined) continue;
      const { op } = victim;
      const kind = op.op === "map" ? "unmap" : "free";
      m.apply({
        op: kind,
        ref: 0,
        tlb: victim.tlb,
        size: op.size,
        min_align_mask: op.min_align_mask,
      });
    } else if (step.op === "map" || step.op === "alloc") {
      const before = m.snapshot();
      const r = m.apply(step);
      if (r.kind !== "map" && r.kind !== "alloc") throw new Error(r.kind);
      if (r.tlb === null) {
        // A failed search changes nothing but the warning count.
        const after = m.snapshot() as { warnings: number };
        expect({ ...after, warnings: 0 }).toEqual({ ...(before as object), warnings: 0 });
      } else live.push({ op: step, tlb: r.tlb, slot: r.slot, nslots: r.nslots });
    }
    afterEach(m, live);
  }
  return m;
}

function usedSlots(m: SwiotlbModel): number {
  return m.swiotlbPool.used();
}

function noOverlap(live: readonly Live[]): void {
  const sorted = [...live].sort((a, b) => a.slot - b.slot);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as Live;
    expect((sorted[i] as Live).slot).toBeGreaterThanOrEqual(prev.slot + prev.nslots);
  }
}

/** The bytes a caller uses lie in its slots, and min_align_mask bits of orig_addr survive. */
function inItsSlots(l: Live): void {
  const first = START + l.slot * 2048;
  expect(l.tlb).toBeGreaterThanOrEqual(first);
  expect(l.tlb + l.op.size).toBeLessThanOrEqual(first + l.nslots * 2048);
  if (l.op.op === "map") {
    const mask = l.op.min_align_mask;
    expect(Number(BigInt(l.tlb) & BigInt(mask))).toBe(Number(BigInt(l.op.orig) & BigInt(mask)));
  }
}

describe("swiotlb model properties (fixed seeds)", () => {
  it("v6.9: accounting, list[] invariants, no overlap, alignment of every allocation", () => {
    const step = fc.oneof(
      { weight: 5, arbitrary: mapArb },
      { weight: 2, arbitrary: allocArb },
      { weight: 5, arbitrary: releaseArb },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), (steps) => {
        run("v6.9", steps, (m, live) => {
          expect(m.check()).toEqual([]);
          expect(usedSlots(m)).toBe(live.reduce((sum, l) => sum + l.nslots, 0));
          noOverlap(live);
          const last = live.at(-1);
          if (last === undefined) return;
          inItsSlots(last);
          const { op } = last;
          if (op.op === "alloc") {
            // Aligned to PAGE_SIZE << get_order(size).
            const order = 2 ** Math.ceil(Math.log2(op.size / 4096)) * 4096;
            expect((last.tlb - START + 0x6000) % order).toBe(0);
          } else if (op.alloc_align_mask !== 0) {
            expect((START + last.slot * 2048) % (op.alloc_align_mask + 1)).toBe(0);
          }
        });
      }),
      { seed: 20240325, numRuns: 150 },
    );
  });

  it("v6.8 with streaming and dma-iommu maps only: accounting and list[] stay consistent", () => {
    const step = fc.oneof({ weight: 5, arbitrary: mapArb }, { weight: 4, arbitrary: releaseArb });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 150 }), (steps) => {
        run("v6.8", steps, (m, live) => {
          expect(m.check()).toEqual([]);
          expect(usedSlots(m)).toBe(live.reduce((sum, l) => sum + l.nslots, 0));
          noOverlap(live);
          const last = live.at(-1);
          if (last !== undefined) inItsSlots(last);
        });
      }),
      { seed: 20240226, numRuns: 150 },
    );
  });

  it("releasing everything returns either version's pool to its initial list[]", () => {
    for (const variant of ["v6.8", "v6.9"]) {
      fc.assert(
        fc.property(fc.array(mapArb, { maxLength: 60 }), (maps) => {
          const releases = maps.map(() => ({ op: "release" as const, nth: 0 }));
          const emptied = run(variant, [...maps, ...releases]).dump();
          expect(emptied.list).toEqual(model(variant).dump().list);
          expect(emptied.areas.map((a) => a.used)).toEqual([0, 0]);
          expect(emptied.orig_valid_slots).toBe(0);
        }),
        { seed: 7, numRuns: 60 },
      );
    }
  });
});
