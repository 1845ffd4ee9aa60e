/**
 * Machine memory layouts as data: present RAM ranges, zone boundaries and memblock-style
 * reservations, in 4 KiB page frame numbers. Sources: arch/x86/mm/init.c zone_sizes_init
 * (MAX_DMA_PFN = 16 MiB, MAX_DMA32_PFN = 4 GiB), arch/x86/kernel/setup.c (the low 1 MiB is always
 * memblock-reserved since a799c2bd29d1, v5.13), arch/arm64/mm/init.c zone_sizes_init and
 * max_zone_phys (v6.6: ZONE_DMA ends at min(zone_dma_bits limit, end of DRAM), ZONE_DMA32 at
 * 4 GiB), and the spec's section 1.2 and 4 (kdump: RAM is the crashkernel region).
 */
import { MAX_NR_ZONES, ZONE_DMA, ZONE_DMA32, ZONE_NORMAL } from "./gfp.js";

export const PAGE_SHIFT = 12;
export const PAGES_PER_MIB = 256;
/** MAX_PAGE_ORDER (v6.8) / MAX_ORDER (v6.4-v6.7): orders 0..10. */
export const MAX_ORDER = 10;
export const NR_PAGE_ORDERS = MAX_ORDER + 1;
export const MAX_ORDER_NR_PAGES = 1 << MAX_ORDER;
/** pageblock_order on x86_64 and 4K arm64 (HPAGE_PMD_ORDER). */
export const PAGEBLOCK_ORDER = 9;
export const PAGEBLOCK_NR_PAGES = 1 << PAGEBLOCK_ORDER;
/** sizeof(struct page): the memmap costs 64 bytes per 4 KiB page. */
const STRUCT_PAGE_BYTES = 64;

/** A half-open pfn range [start, end). */
export interface PfnRange {
  start: number;
  end: number;
}

/** A memblock reservation: never handed to the buddy allocator. */
export interface Reservation extends PfnRange {
  what: string;
}

/** The layout names that {@link buildLayout} knows. */
export const LAYOUT_NAMES = ["x86_64", "arm64", "rpi4", "x86_64-kdump", "flat"] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

/** A machine: RAM, zone limits and reservations. All ranges are pfns, sorted, disjoint. */
export interface Layout {
  name: string;
  /** Present RAM (e820 / DT memory nodes as the kernel sees them). */
  ram: readonly PfnRange[];
  /**
   * Exclusive upper pfn of ZONE_DMA, ZONE_DMA32 and ZONE_NORMAL (ZONE_MOVABLE is empty: no
   * kernelcore=/movablecore=). An empty zone has the same limit as the one below it.
   */
  zoneEnd: readonly [number, number, number];
  reserved: readonly Reservation[];
  /** MIGRATE_CMA ranges (pageblock aligned), freed to the buddy as CMA pageblocks. */
  cma: readonly PfnRange[];
}

/** Options of the preset layouts. */
export interface LayoutOptions {
  /** RAM size in MiB (256 to 65536; for kdump, the crashkernel size). */
  ramMib: number;
  /** A default CMA area of this many MiB (0 = none), placed top-down below 4 GiB. */
  cmaMib?: number;
  /** kdump only: where the crashkernel region starts (MiB, default 768). */
  crashBaseMib?: number;
}

const MIB = PAGES_PER_MIB;
const GIB = 1024 * MIB;

/** Builds a preset layout; throws RangeError on sizes outside the supported range. */
export function buildLayout(name: LayoutName, options: LayoutOptions): Layout {
  const { ramMib } = options;
  if (!Number.isSafeInteger(ramMib) || ramMib < 16 || ramMib > 65536) {
    throw new RangeError(`ram_mib must be an integer in [16, 65536], got ${ramMib}`);
  }
  const pages = ramMib * MIB;
  switch (name) {
    case "x86_64":
      return x86(name, pages, options.cmaMib ?? 0);
    case "x86_64-kdump":
      return kdump(pages, (options.crashBaseMib ?? 768) * MIB);
    case "arm64": {
      // QEMU virt: DRAM at 1 GiB; no DT/IORT limit, so zone_dma_bits = 32 and DMA32 is empty.
      const base = GIB;
      const ram = [{ start: base, end: base + pages }];
      const dmaEnd = Math.min(4 * GIB, base + pages);
      return finish(name, ram, [dmaEnd, dmaEnd, base + pages], base, options.cmaMib ?? 0);
    }
    case "rpi4": {
      // DRAM from 0 with the VideoCore carve-out [948 MiB, 1 GiB); dma-ranges give 30 bits.
      const low = Math.min(pages, 948 * MIB);
      const ram = [{ start: 0, end: low }];
      if (pages > low) ram.push({ start: GIB, end: GIB + (pages - low) });
      const end = (ram.at(-1) as PfnRange).end;
      const zoneEnd: [number, number, number] = [Math.min(GIB, end), Math.min(4 * GIB, end), end];
      return finish(name, ram, zoneEnd, 0, options.cmaMib ?? 0);
    }
    case "flat":
      return flatLayout(pages);
  }
}

/** One ZONE_NORMAL from pfn 0 with nothing reserved: the spec's "one 8 GiB zone" examples. */
export function flatLayout(pages: number): Layout {
  return {
    name: "flat",
    ram: [{ start: 0, end: pages }],
    zoneEnd: [0, 0, pages],
    reserved: [],
    cma: [],
  };
}

/** x86_64 PC: RAM below 3 GiB, the PCI hole, the rest from 4 GiB; the 640 KiB-1 MiB legacy hole. */
function x86(name: string, pages: number, cmaMib: number): Layout {
  const below = Math.min(pages, 3 * GIB);
  const ram = [
    { start: 0, end: 160 },
    { start: MIB, end: below },
  ];
  if (pages > below) ram.push({ start: 4 * GIB, end: 4 * GIB + (pages - below) });
  const end = (ram.at(-1) as PfnRange).end;
  const zoneEnd: [number, number, number] = [Math.min(16 * MIB, end), Math.min(4 * GIB, end), end];
  return finish(name, ram, zoneEnd, 16 * MIB, cmaMib);
}

/**
 * The x86_64 kdump kernel: the first kernel passes the low 640 KiB and the crashkernel region.
 * The low 1 MiB is memblock-reserved, so ZONE_DMA is present but has no managed pages.
 */
function kdump(pages: number, base: number): Layout {
  if (base < 16 * MIB || base % MAX_ORDER_NR_PAGES !== 0) {
    throw new RangeError("the crashkernel region must start at or above 16 MiB, 4 MiB aligned");
  }
  const ram = [
    { start: 0, end: 160 },
    { start: base, end: base + pages },
  ];
  const end = base + pages;
  const zoneEnd: [number, number, number] = [16 * MIB, Math.min(4 * GIB, end), end];
  return finish("x86_64-kdump", ram, zoneEnd, base, 0);
}

/** Adds the common reservations: low 1 MiB (x86), kernel image, memmap at the top, CMA. */
function finish(
  name: string,
  ram: PfnRange[],
  zoneEnd: [number, number, number],
  kernelAt: number,
  cmaMib: number,
): Layout {
  const reserved: Reservation[] = [];
  if (name.startsWith("x86_64")) reserved.push({ start: 0, end: MIB, what: "low 1 MiB" });
  reserved.push({ start: kernelAt, end: kernelAt + 32 * MIB, what: "kernel image" });
  const present = ram.reduce((sum, r) => sum + r.end - r.start, 0);
  const memmapPages = Math.ceil((present * STRUCT_PAGE_BYTES) / 4096);
  const top = ram.at(-1) as PfnRange;
  reserved.push({ start: top.end - memmapPages, end: top.end, what: "memmap" });
  const cma: PfnRange[] = [];
  if (cmaMib > 0) {
    const limit = Math.min(4 * GIB, top.end - memmapPages);
    const holder = [...ram].reverse().find((r) => r.start < limit);
    const end =
      Math.floor(Math.min(limit, holder?.end ?? 0) / PAGEBLOCK_NR_PAGES) * PAGEBLOCK_NR_PAGES;
    const start = end - cmaMib * MIB;
    if (holder === undefined || start < Math.max(holder.start, kernelAt + 32 * MIB)) {
      throw new RangeError(`no room for a ${cmaMib} MiB CMA area below 4 GiB`);
    }
    cma.push({ start, end });
  }
  reserved.sort((a, b) => a.start - b.start);
  return { name, ram, zoneEnd, reserved, cma };
}

/** The pfn span [start, end) of zone `idx`, clipped to present RAM; empty when start >= end. */
export function zoneSpan(layout: Layout, idx: number): PfnRange {
  if (idx >= MAX_NR_ZONES - 1) return { start: 0, end: 0 };
  const lo = idx === ZONE_DMA ? 0 : (layout.zoneEnd[idx - 1] as number);
  const hi = layout.zoneEnd[idx] as number;
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  for (const r of layout.ram) {
    const s = Math.max(r.start, lo);
    const e = Math.min(r.end, hi);
    if (s < e) {
      start = Math.min(start, s);
      end = Math.max(end, e);
    }
  }
  return start < end ? { start, end } : { start: 0, end: 0 };
}

/** Zone indices in the order the layout's zone limits name them (for reports). */
export const LAYOUT_ZONES = [ZONE_DMA, ZONE_DMA32, ZONE_NORMAL] as const;
