import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bootedModel } from "./model.fixture.js";
import {
  formatGfp,
  GFP_KERNEL,
  MIGRATE_CMA,
  MIGRATE_MOVABLE,
  gfpMode,
  gfpZone,
  parseGfp,
  ZONE_DMA,
  ZONE_MOVABLE,
  ZONE_NORMAL,
} from "./gfp.js";
import { buildLayout, flatLayout, MAX_ORDER } from "./layout.js";
import { bootNode, Node } from "./node.js";
import { K_RESERVED, type Zone } from "./zone.js";

describe("gfp names", () => {
  it("parses trace names and prints them the way warn_alloc's %pGg does", () => {
    expect(parseGfp("GFP_KERNEL|__GFP_NOWARN")).toBe(GFP_KERNEL | 0x2000);
    expect(formatGfp(parseGfp("GFP_KERNEL | GFP_DMA") as number)).toBe("GFP_KERNEL|GFP_DMA");
    expect(gfpMode(parseGfp("GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN") as number)).toBe(
      "0x6cc0(GFP_KERNEL|__GFP_NOWARN|__GFP_RETRY_MAYFAIL)",
    );
    expect(formatGfp(parseGfp("GFP_NOIO|__GFP_IO") as number)).toBe("GFP_NOFS");
    expect(parseGfp("GFP_BOGUS")).toBe('unknown gfp flag "GFP_BOGUS"');
  });

  it("derives the highest zone as GFP_ZONE_TABLE does", () => {
    expect(gfpZone(parseGfp("GFP_KERNEL|GFP_DMA") as number)).toBe(ZONE_DMA);
    expect(gfpZone(parseGfp("GFP_HIGHUSER_MOVABLE") as number)).toBe(ZONE_MOVABLE);
    expect(gfpZone(parseGfp("GFP_KERNEL|__GFP_MOVABLE") as number)).toBe(ZONE_NORMAL);
    expect(gfpZone(parseGfp("GFP_DMA|GFP_DMA32") as number)).toBe(-1);
  });
});

describe("spec 1.4 watermarks and 1.2 lowmem_reserve", () => {
  it("one 8 GiB zone: min_free_kbytes 11585, MIN 2896, LOW 4993, HIGH 7090", () => {
    const node = new Node(flatLayout(8 * 262144));
    expect(node.minFreeKbytes).toBe(11585);
    expect(node.zones[ZONE_NORMAL]?.wmark).toEqual([2896, 4993, 7090, 9187]);
  });

  it("8 GiB x86_64: DMA's reserve against NORMAL exceeds its managed pages; DMA32's is about 5.1K", () => {
    const node = new Node(buildLayout("x86_64", { ramMib: 8192 }));
    const [dma, dma32] = node.zones;
    expect(dma?.managed).toBe(3840);
    expect(dma?.lowmemReserve[ZONE_NORMAL]).toBeGreaterThan(dma?.managed ?? 0);
    // The spec's ~5.1K ignores the memmap (64 B per page) that memblock takes from NORMAL.
    expect(dma32?.lowmemReserve[ZONE_NORMAL]).toBeGreaterThan(4900);
    expect(dma32?.lowmemReserve[ZONE_NORMAL]).toBeLessThan(5200);
  });

  it("arm64 without DMA limits has an empty DMA32; the Raspberry Pi 4 has a 1 GiB DMA zone", () => {
    const arm = new Node(buildLayout("arm64", { ramMib: 4096 }));
    expect(arm.zones[1]?.present).toBe(0);
    const rpi = new Node(buildLayout("rpi4", { ramMib: 4096 }));
    expect(rpi.layout.zoneEnd[0]).toBe(262144);
    expect(rpi.zones[0]?.spanEnd).toBe(948 * 256); // the VideoCore carve-out ends the RAM below 1 GiB
    expect(rpi.zones[1]?.spanStart).toBe(262144);
  });
});

describe("page words", () => {
  it("stop at the memblock-reserved memmap on top of RAM, which stays reserved and unlocatable", () => {
    const node = new Node(buildLayout("x86_64", { ramMib: 8192 }));
    const normal = node.zones[ZONE_NORMAL];
    const memmap = node.layout.reserved.find((r) => r.what === "memmap");
    if (normal === undefined || memmap === undefined) throw new Error("no NORMAL zone or memmap");
    expect(memmap.end).toBe(normal.spanEnd);
    // 8 GiB of RAM carry 128 MiB of memmap: the words stop at the MAX_ORDER block holding its start.
    const wordsEnd = Math.ceil(memmap.start / 1024) * 1024;
    expect(memmap.end - wordsEnd).toBe(31 * 1024);
    expect(normal.base + normal.size).toBe(wordsEnd);
    expect(node.locate(wordsEnd)).toBeUndefined();
    expect(node.locate(wordsEnd - 1)).toEqual([normal, normal.size - 1]);
    expect(normal.kind(normal.size - 1)).toBe(K_RESERVED);
    expect(normal.managed).toBe(normal.present - (memmap.end - memmap.start));
    expect(normal.allocated[K_RESERVED]).toBe(memmap.end - memmap.start);
    expect(node.check()).toEqual([]);
  });

  it("cover a wholly reserved zone (kdump's ZONE_DMA), so its pages read as reserved", () => {
    const node = new Node(buildLayout("x86_64-kdump", { ramMib: 256 }));
    const dma = node.zones[ZONE_DMA];
    expect(dma?.managed).toBe(0);
    expect(dma?.size).toBe(1024);
    expect(dma?.kind(100)).toBe(K_RESERVED);
  });
});

/** Zone state equality: typed arrays byte for byte (fast), everything else deeply. */
function expectSameZone(a: Zone, b: Zone): void {
  const arrays = ["w0", "w1", "blockMt", "freeHead", "freeTail", "freeCount", "nrFree"] as const;
  const bytes = (z: Zone, k: (typeof arrays)[number]) =>
    Buffer.from(z[k].buffer, z[k].byteOffset, z[k].byteLength);
  for (const k of arrays) expect(bytes(a, k).equals(bytes(b, k)), k).toBe(true);
  const rest = (z: Zone) => ({ ...z, ...Object.fromEntries(arrays.map((k) => [k, null])) });
  expect(rest(a)).toEqual(rest(b));
}

describe("boot snapshots", () => {
  it("a cached boot is a copy equal to a fresh boot, and changing it leaves the next boot alone", () => {
    const layout = buildLayout("x86_64", { ramMib: 512, cmaMib: 16 });
    const fresh = new Node(layout);
    const first = bootNode(layout);
    const second = bootNode(layout);
    expect(second === first).toBe(false);
    for (const node of [first, second]) {
      expect(node.minFreeKbytes).toBe(fresh.minFreeKbytes);
      node.zones.forEach((z, k) => expectSameZone(z, fresh.zones[k] as Zone));
    }
    const normal = second.zones.find((z) => z.managed > 0 && z.idx === ZONE_DMA + 1) as Zone;
    const i = normal.firstFree(MAX_ORDER, MIGRATE_MOVABLE);
    normal.delFree(i);
    normal.blockMt[0] = MIGRATE_CMA;
    normal.wmark[0] = 1;
    expect(second.check()).not.toEqual([]);
    const third = bootNode(layout);
    third.zones.forEach((z, k) => expectSameZone(z, fresh.zones[k] as Zone));
    expect(third.check()).toEqual([]);
  });
});

describe("buddy invariants under random alloc/free sequences", () => {
  it("free + allocated == managed, no overlap, aligned and merged blocks (seeded)", () => {
    const op = fc.record({
      order: fc.integer({ min: 0, max: 10 }),
      gfp: fc.constantFrom(
        "GFP_KERNEL",
        "GFP_HIGHUSER_MOVABLE",
        "GFP_KERNEL|__GFP_RECLAIMABLE",
        "GFP_ATOMIC",
        "GFP_KERNEL|GFP_DMA32",
      ),
      free: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (steps) => {
        const m = bootedModel("v6.8", { ram_mib: 64 });
        const live: [number, number][] = [];
        for (const s of steps) {
          const r = m.apply({
            op: "alloc",
            order: s.order,
            gfp: `${s.gfp}|__GFP_NORETRY|__GFP_NOWARN`,
            comm: "t",
            worker: false,
          });
          if (r.kind === "alloc" && r.pfn !== null) live.push([r.pfn, s.order]);
          if (s.free % 3 === 0 && live.length > 0) {
            const [pfn, order] = live.splice(s.free % live.length, 1)[0] as [number, number];
            m.apply({ op: "free", pfn, order });
          }
        }
        expect(m.check()).toEqual([]);
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});
