import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { target } from "../../fuzz/targets/swiotlb.fuzz.js";
import { initialisedModel } from "../models/swiotlb/model.fixture.js";
import type { SwiotlbAllocation } from "../models/swiotlb/model.js";
import type { InitOp, MapOp } from "../models/swiotlb/ops.js";
import { thisPackage } from "../paths.js";
import { readJsonlFile } from "../sim/jsonl.js";

// Issue 21: the v6.9 campaign's minimized trace (docs/findings/swiotlb-aligned-wrap-miss.jsonl).
// The kernel's own swiotlb.c of v6.9 and v7.1 refuses its last map, 96 slots aligned to 64 KiB,
// although slots 402..497 (area 3) are free: the search of area 3 starts at its index 21, steps
// by one to the aligned index 50, strides by 32 to 82 and 114, wraps to index 0 (not aligned:
// 64 KiB boundaries fall on area indices 18, 50, 82, 114) with 125 of its 128-slot budget spent,
// and stops after three +1 steps at index 3.
const file = join(thisPackage().root, "docs/findings/swiotlb-aligned-wrap-miss.jsonl");
const trace = readJsonlFile(file).map((r) => r.fields);

describe("swiotlb: an aligned map refused while a whole area is free (issue 21)", () => {
  it.each(["v6.9", "v7.1"])("%s refuses it, and the finding says it is kernel behaviour", (v) => {
    const finding = target.replay(trace, v);
    expect(finding).toMatchObject({
      kind: "spurious-failure",
      site: "map-missed-free-run",
      opIndex: 6,
      evidence: {
        slot: 402,
        nslots: 96,
        kernelBehaviour: true,
        cause: "wrap-to-unaligned-index",
        path: { area: 3, startIndex: 21, firstAligned: 50, stride: 32, checkedAtWrap: 125 },
      },
    });
    expect(finding?.message).toContain("kernel behaviour, not a model bug");
    expect(finding?.message).toContain("wrap_area_index() returns 0, which is not aligned");
    expect(finding?.message).toContain("slots_checked budget");
  });

  it("the proposal (not a kernel release) maps it at slot 402; v6.1 to v6.8 map it too", () => {
    expect(target.replay(trace, "proposal-aligned-wrap")).toBeNull();
    // v6.6/v6.8 do not enforce the alignment (slot 262 is not 64 KiB aligned); v6.1 strides from
    // ALIGN(index, 32) and tests no alignment either.
    for (const v of ["v6.1", "v6.6", "v6.8"]) expect(target.replay(trace, v), v).toBeNull();
  });

  it("the same request succeeds from area index 0 (a fresh pool) on v6.9 and v7.1", () => {
    const init = trace[0] as unknown as InitOp;
    const map = { seg_boundary_mask: 0, dma_limit: 0, io_path: 0, ...trace[6] } as MapOp;
    for (const v of ["v6.9", "v7.1"]) {
      const m = initialisedModel(v, { ...init });
      const r = m.apply(map) as SwiotlbAllocation;
      // cpu 0 searches area 0 first: index 0 steps by one to the aligned index 18 and fits there.
      expect(r.slot, v).toBe(18);
    }
  });
});

describe("swiotlb: older versions' refusals are labelled by their own rules", () => {
  it("v6.6-v6.8 compare orig_addr under the OR-ed masks (campaign on v6.6, seed 21)", () => {
    const trace = [
      { op: "init", nslabs: 512, nareas: 4, start: 1006632960, page_size: 4096 },
      {
        op: "map",
        orig: 4295524224,
        size: 262143,
        alloc_size: 262143,
        alloc_align_mask: 0,
        min_align_mask: 0,
        cpu: 3,
        attrs: 1024,
      },
    ];
    for (const v of ["v6.6", "v6.8"]) {
      const f = target.replay(trace, v);
      expect(f, v).toMatchObject({
        kind: "spurious-failure",
        evidence: { kernelBehaviour: true, cause: "version-alignment-rules" },
      });
    }
    expect(target.replay(trace, "v6.9")).toBeNull();
  });

  it("v6.1 strides from ALIGN(area->index, stride), area-relative (campaign on v6.1, seed 21)", () => {
    const trace = [
      { op: "init", nslabs: 256, nareas: 1, start: 3392172032, page_size: 4096 },
      {
        op: "map",
        orig: 4295992192,
        size: 188416,
        alloc_size: 188416,
        alloc_align_mask: 0,
        min_align_mask: 2047,
        cpu: 7,
        attrs: 1024,
      },
      {
        op: "map",
        orig: 4295705600,
        size: 94208,
        alloc_size: 131072,
        alloc_align_mask: 65535,
        min_align_mask: 2047,
        cpu: 0,
        attrs: 1024,
      },
      {
        op: "map",
        orig: 4295225600,
        size: 2967,
        alloc_size: 65536,
        alloc_align_mask: 65535,
        min_align_mask: 2047,
        cpu: 6,
        attrs: 1024,
      },
    ];
    const f = target.replay(trace, "v6.1");
    expect(f).toMatchObject({
      opIndex: 3,
      evidence: { slot: 210, kernelBehaviour: true, cause: "v6.1-area-relative-stride" },
    });
    expect(f?.message).toContain("ALIGN(area->index 193, stride 32)");
  });
});
