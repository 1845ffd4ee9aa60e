import { describe, expect, it } from "vitest";
import { bootedModel } from "./model.fixture.js";
import type { PageallocModel } from "./model.js";
import { pcpPages } from "./pcp.js";
import type { Zone } from "./zone.js";

function allocPfn(m: PageallocModel, order: number): number {
  const r = m.apply({ op: "alloc", order, gfp: "GFP_KERNEL", comm: "t", worker: false });
  if (r.kind !== "alloc" || r.pfn === null) throw new Error("allocation failed");
  return r.pfn;
}

/** ZONE_DMA32: all of a 1 GiB x86_64 machine above 16 MiB, where GFP_KERNEL lands. */
function dma32(m: PageallocModel): Zone {
  return m.mm.node.zones[1] as Zone;
}

describe("per-CPU page lists on the gfp path (the same code the golden traces check)", () => {
  for (const variant of ["v6.6", "v6.8"]) {
    it(`${variant}: a refill takes a batch off the buddy; a freed page comes back first (LIFO)`, () => {
      const m = bootedModel(variant);
      const z = dma32(m);
      const free = z.freePages;
      const a = allocPfn(m, 0);
      const held = pcpPages(z);
      // rmqueue_bulk moved a batch to CPU 0's list (NR_FREE_PAGES falls by all of it) and the
      // request took its head.
      expect(held).toBeGreaterThan(0);
      expect(z.freePages).toBe(free - held - 1);
      m.apply({ op: "free", pfn: a, order: 0 });
      expect(pcpPages(z)).toBe(held + 1);
      expect(allocPfn(m, 0)).toBe(a);
      expect(m.check()).toEqual([]);
    });

    it(`${variant}: drain_local_pages gives every listed page back to the buddy`, () => {
      const m = bootedModel(variant);
      const z = dma32(m);
      const free = z.freePages;
      // Each order's refill leaves blocks on its list. (Freeing them all after the allocations
      // would drain everything on v6.6: a high-order free after a free is `free_high`.)
      for (const order of [0, 1, 2, 3, 9]) m.apply({ op: "free", pfn: allocPfn(m, order), order });
      expect(pcpPages(z)).toBeGreaterThan(0);
      m.apply({ op: "drain", cpu: 0 });
      expect(pcpPages(z)).toBe(0);
      expect(z.freePages).toBe(free);
      expect(m.check()).toEqual([]);
    });
  }
});
