/** The CMA model's dump: the area, its bitmap, what occupies its pages, and the pins. */
import type { Mm } from "../pagealloc/mm.js";
import { K_ANON, K_CMA, K_FILE, K_FREE, type Zone } from "../pagealloc/zone.js";
import type { CmaArea } from "./area.js";
import type { PinTable } from "./pins.js";

/** The dump line's fields. */
export interface CmaDump {
  area: { name: string; base_pfn: number; count: number; order_per_bit: number; used_bits: number };
  /** cma_debug_show_areas' line. */
  available: string;
  /** Live allocations as [pfn, count], lowest pfn first. */
  live: [number, number][];
  /** What the area's pages hold. */
  pages: { free: number; cma: number; anon: number; file: number; pinned: number };
  longtermPinnedPages: number;
  migrated: number;
}

/** Builds the dump of the area and its pages. */
export function dumpCma(mm: Mm, area: CmaArea, pins: PinTable, live: Map<number, number>): CmaDump {
  const pages = { free: 0, cma: 0, anon: 0, file: 0, pinned: 0 };
  const [z, s] = mm.node.locate(area.basePfn) as [Zone, number];
  for (let i = s; i < s + area.count;) {
    const kind = z.kind(i);
    if (kind === K_FREE) {
      const n = Math.min(1 << z.order(i), s + area.count - i);
      pages.free += n;
      i += n;
      continue;
    }
    if (kind === K_CMA) pages.cma++;
    else if (kind === K_ANON) pages.anon++;
    else if (kind === K_FILE) pages.file++;
    if (pins.isPinned(z, i)) pages.pinned++;
    i++;
  }
  return {
    area: {
      name: area.name,
      base_pfn: area.basePfn,
      count: area.count,
      order_per_bit: area.orderPerBit,
      used_bits: area.weight(),
    },
    available: area.showAreas(),
    live: [...live.entries()].sort((a, b) => a[0] - b[0]),
    pages,
    longtermPinnedPages: pins.longtermPages,
    migrated: mm.counters.migrated,
  };
}
