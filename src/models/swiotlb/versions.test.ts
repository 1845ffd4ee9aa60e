import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageGoldenDir, thisPackage } from "../../paths.js";
import { VirtualClock } from "../../sim/clock.js";
import { readJsonlFile } from "../../sim/jsonl.js";
import { Rng } from "../../sim/rng.js";
import { swiotlbModel } from "./index.js";
import { type SwiotlbDump, SwiotlbModel, type SwiotlbResult } from "./model.js";
import type { MapOp, SwiotlbOp } from "./ops.js";
import { initialisedModel, mapOp } from "./model.fixture.js";

const START = 0x8000_0000;

const model = (variant: string, nslabs = 1024, nareas = 1, start = START): SwiotlbModel =>
  initialisedModel(variant, { nslabs, nareas, start, page_size: 4096 });

const map = (size: number, fields: Partial<MapOp> = {}) => mapOp(0x10_0000_0000, size, fields);

const alloc = (size: number): SwiotlbOp => ({
  op: "alloc",
  size,
  min_align_mask: 0,
  cpu: 0,
  seg_boundary_mask: 0,
});

function allocation(result: SwiotlbResult) {
  if (result.kind !== "map" && result.kind !== "alloc") throw new Error(result.kind);
  return result;
}

function dumpOf(m: SwiotlbModel): SwiotlbDump {
  const r = m.apply({ op: "dump" });
  if (r.kind !== "dump") throw new Error("no dump");
  return r.dump;
}

const FRESH_1024 = Array.from({ length: 8 }, () => [128, 128]);

describe("adversarial-06: swiotlb_alloc() double allocation", () => {
  /** Replays the golden ops and reports every live caller range that overlaps another. */
  function overlaps(variant: string, suffix: string) {
    const dir = join(packageGoldenDir(thisPackage().root), "swiotlb");
    const path = join(dir, `adversarial-06-coherent-order-alignment.${suffix}.jsonl`);
    const m = swiotlbModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
    const live = new Map<number, [number, number]>();
    const found: [number, number][] = [];
    let firstInconsistent = -1;
    readJsonlFile(path).forEach((record, index) => {
      const op = swiotlbModel.decodeOp(record);
      const r = m.apply(op);
      if ((r.kind === "map" || r.kind === "alloc") && r.tlb !== null && "size" in op) {
        const range: [number, number] = [r.tlb, r.tlb + op.size];
        for (const [other, [lo, hi]] of live) {
          if (range[0] < hi && lo < range[1]) found.push([index, other]);
        }
        live.set(index, range);
      }
      if (op.op === "unmap" || op.op === "free") live.delete(op.ref);
      if (firstInconsistent < 0 && m.check().length > 0) firstInconsistent = index;
    });
    return { found, firstInconsistent };
  }

  it("v6.8 hands out bytes that a live mapping holds, first at op 6, and corrupts list[]", () => {
    const { found, firstInconsistent } = overlaps("v6.8", "buggy");
    // Op 6 allocates 128 KiB from odd slot 13 and returns the page at slot 12, the last slot of
    // the map made by op 5.
    expect(found[0]).toEqual([6, 5]);
    expect(found).toHaveLength(18);
    expect(firstInconsistent).toBe(24);
  });

  it("v6.9 never does, and its slot accounting stays consistent", () => {
    expect(overlaps("v6.9", "fixed")).toEqual({ found: [], firstInconsistent: -1 });
  });
});

describe("swiotlb_alloc() alignment per version", () => {
  // One slot mapped at slot 0 leaves the area index at 1, an odd slot.
  function afterOneSlot(variant: string) {
    const m = model(variant);
    expect(allocation(m.apply(map(2048))).slot).toBe(0);
    return m;
  }

  it("v6.8 takes odd slot 1 and returns the page below it, which slot 0's mapping holds", () => {
    const m = afterOneSlot("v6.8");
    const r = allocation(m.apply(alloc(12288)));
    expect(r).toMatchObject({ tlb: START, slot: 1, nslots: 6 });
    // swiotlb_free() of that page releases slot 0, the live mapping's, and leaves slots 1-6 held.
    expect(m.apply({ op: "free", ref: 1, tlb: START, size: 12288, min_align_mask: 0 })).toEqual({
      kind: "release",
      slot: 0,
      nslots: 1,
    });
    expect(dumpOf(m).list.slice(0, 2)).toEqual([
      [1, 1],
      [0, 6],
    ]);
    // Unmapping finds alloc_size 0 at slot 0 and releases nothing: six slots leak for good.
    const unmap = { op: "unmap", ref: 0, tlb: START, size: 2048, min_align_mask: 0 } as const;
    expect(m.apply(unmap)).toEqual({ kind: "release", slot: 0, nslots: 0 });
    expect(dumpOf(m).areas).toEqual([{ used: 6, index: 7 }]);
  });

  it("v6.9 aligns to the allocation's order (16 KiB for 3 pages) and frees what it took", () => {
    const m = afterOneSlot("v6.9");
    const r = allocation(m.apply(alloc(12288)));
    expect(r).toMatchObject({ tlb: START + 16384, slot: 8, nslots: 6 });
    m.apply({ op: "free", ref: 1, tlb: START + 16384, size: 12288, min_align_mask: 0 });
    expect(m.check()).toEqual([]);
    expect(dumpOf(m).areas).toEqual([{ used: 1, index: 14 }]);
  });
});

describe("pre-padding up to alloc_align_mask (af133562d5af)", () => {
  // dma-iommu bouncing for NVMe: 4 KiB granule, min_align_mask 0xfff, orig offset 0xc40 (bit 11).
  const nvme = map(512, {
    orig: 0x12_3456_7c40,
    alloc_size: 4096,
    alloc_align_mask: 0xfff,
    min_align_mask: 0xfff,
  });

  it("v6.8 starts at odd slot 1, leaving slot 0 (half of the IOMMU granule) to others", () => {
    const r = allocation(model("v6.8").apply(nvme));
    expect(r).toMatchObject({ tlb: START + 2048 + 0x440, slot: 1, nslots: 3 });
  });

  it("v6.9 holds the whole granule: slot 0 is a padding slot released with the mapping", () => {
    const m = model("v6.9");
    const r = allocation(m.apply(nvme));
    expect(r).toMatchObject({ tlb: START + 2048 + 0x440, slot: 0, nslots: 4 });
    expect(m.swiotlbPool.padSlots[1]).toBe(1);
    expect(dumpOf(m).orig_valid_slots).toBe(3);
    m.apply({ op: "unmap", ref: 0, tlb: START + 2048 + 0x440, size: 512, min_align_mask: 0xfff });
    expect(dumpOf(m).list).toEqual(FRESH_1024);
    expect(dumpOf(m).areas[0]?.used).toBe(0);
  });
});

describe.each(["v6.8", "v6.9"])("%s: size limits and warnings", (variant) => {
  it("fails every mapping above 256 KiB with the buffer-full warning, even on an empty pool", () => {
    const m = model(variant);
    const r = allocation(m.apply(map(262145)));
    expect(r.tlb).toBeNull();
    expect(r.warnings).toEqual([
      {
        kind: "full",
        message: "swiotlb buffer is full (sz: 262145 bytes), total 1024 (slots), used 0 (slots)",
      },
    ]);
    expect(swiotlbModel.expectationOf(map(262145), r)).toEqual({
      expect: { tlb: null, warn: ["full"] },
    });
    expect(allocation(m.apply(map(262144))).tlb).toBe(START);
    expect(dumpOf(m).warnings).toBe(1);
  });

  it("DMA_ATTR_NO_WARN fails silently; swiotlb_alloc() failures are silent", () => {
    const m = model(variant);
    expect(allocation(m.apply(map(300_000, { attrs: 256 }))).warnings).toEqual([]);
    expect(allocation(m.apply(alloc(524288)))).toMatchObject({ tlb: null, warnings: [] });
    expect(dumpOf(m).warnings).toBe(0);
  });

  it("refuses mapping_size > alloc_size with the invalid-sizes warning", () => {
    const r = allocation(model(variant).apply(map(4096, { alloc_size: 2048 })));
    expect(r.tlb).toBeNull();
    expect(r.warnings.map((w) => w.kind)).toEqual(["invalid-sizes"]);
  });

  it("swiotlb_map() releases slots above the device limit and warns; the index stays moved", () => {
    const m = model(variant);
    const r = allocation(m.apply(map(4096, { dma_limit: START + 4094 })));
    expect(r.tlb).toBeNull();
    expect(r.warnings.map((w) => w.kind)).toEqual(["overflow"]);
    const dump = dumpOf(m);
    expect(dump.list).toEqual(FRESH_1024);
    expect(dump.areas).toEqual([{ used: 0, index: 2 }]);
    expect(allocation(m.apply(map(4096, { dma_limit: START + 0x1_0000 }))).tlb).toBe(START + 4096);
  });

  it("keeps a run inside the device's segment boundary (pool 24 KiB past a 64 KiB boundary)", () => {
    const start = 0x7000_6000;
    const m = model(variant, 1024, 1, start);
    // nr_slots(0x6000) = 12, so only slots with (12 + slot) % 32 == 0 start a 32-slot run.
    const r = allocation(m.apply(map(65536, { seg_boundary_mask: 0xffff })));
    expect(r.tlb).toBe(start + 20 * 2048);
    expect(allocation(m.apply(map(65536))).tlb).toBe(start + 52 * 2048);
  });

  it("tries areas from cpu & (nareas - 1), resets the index to 0 at the area end", () => {
    const m = model(variant, 256, 2);
    expect(allocation(m.apply(map(100 * 2048, { cpu: 2 }))).slot).toBe(0);
    expect(allocation(m.apply(map(28 * 2048, { cpu: 4 }))).slot).toBe(100);
    expect(dumpOf(m).areas[0]).toEqual({ used: 128, index: 0 });
    // Area 0 is full: the early reject hands over to area 1.
    expect(allocation(m.apply(map(2048, { cpu: 0 }))).slot).toBe(128);
    expect(allocation(m.apply(map(2048, { cpu: 3 }))).slot).toBe(129);
  });
});
