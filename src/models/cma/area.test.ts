import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CmaArea } from "./area.js";

describe("bitmap_find_next_zero_area_off", () => {
  it("returns the first aligned zero run at or after start (spec 3.2: mask 255 steps by 256)", () => {
    const area = new CmaArea("reserved", 0x10000, 16384, 0);
    const mask = area.alignedMask(8);
    expect(mask).toBe(255);
    expect(area.findNextZeroAreaOff(0, 256, mask, 0)).toBe(0);
    area.set(0, 512);
    expect(area.findNextZeroAreaOff(0, 256, mask, 0)).toBe(512);
    // After -EBUSY at 512 the kernel restarts at index + mask + 1.
    expect(area.findNextZeroAreaOff(512 + mask + 1, 256, mask, 0)).toBe(768);
    // A set bit inside a run moves the search past it, then back onto the alignment.
    area.set(800, 1);
    expect(area.findNextZeroAreaOff(768, 256, mask, 0)).toBe(1024);
  });

  it("aligns index + offset, where the offset comes from a base pfn not aligned to the order", () => {
    const area = new CmaArea("reserved", 0x10000 + 64, 4096, 0);
    expect(area.alignedOffset(8)).toBe(64);
    // (index + 64) must be a multiple of 256: index 192, so the pfn is 0x10100 (256-aligned).
    const no = area.findNextZeroAreaOff(0, 16, area.alignedMask(8), area.alignedOffset(8));
    expect(no).toBe(192);
    expect(area.pfnOf(no) % 256).toBe(0);
  });

  it("counts in bits of 2^order_per_bit pages and fails past maxno", () => {
    const area = new CmaArea("reserved", 0, 1024, 2);
    expect(area.maxno).toBe(256);
    expect(area.pagesToBits(5)).toBe(2);
    expect(area.alignedMask(2)).toBe(0);
    expect(area.alignedMask(4)).toBe(3);
    area.set(0, 250);
    expect(area.findNextZeroAreaOff(0, 8, 0, 0)).toBeGreaterThan(area.maxno - 1);
    expect(area.findNextZeroAreaOff(0, 6, 0, 0)).toBe(250);
  });

  it("prints cma_debug_show_areas' runs in pages at bit indices", () => {
    const area = new CmaArea("reserved", 0, 64, 1);
    area.set(0, 4);
    area.set(10, 2);
    expect(area.showAreas()).toBe(
      "cma: number of available pages: 12@4+40@12=> 52 free of 64 total pages",
    );
    expect(area.weight()).toBe(6);
  });

  it("sets and clears runs a word at a time exactly as bit by bit", () => {
    const op = fc.record({ no: fc.nat(299), n: fc.nat(300), on: fc.boolean() });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), (ops) => {
        const area = new CmaArea("reserved", 0, 300, 0);
        const model = new Array<boolean>(300).fill(false);
        for (const { no, n, on } of ops) {
          const len = Math.min(n, 300 - no);
          if (on) area.set(no, len);
          else area.clear(no, len);
          model.fill(on, no, no + len);
        }
        expect(Array.from({ length: 300 }, (_, i) => area.test(i))).toEqual(model);
        expect(area.bits[9]! >>> 12).toBe(0); // nothing past bit 300 of the last word
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
