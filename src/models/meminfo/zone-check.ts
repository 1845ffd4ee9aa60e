/**
 * __zone_watermark_ok of mm/page_alloc.c per kernel era, on a zone rebuilt from a Mem-Info dump,
 * with the kernel's own arithmetic spelled out:
 * - `v3.10` (v3.x to v4.3): ALLOC_HIGH takes min/2, ALLOC_HARDER min/4; without ALLOC_CMA the free
 *   CMA pages are not counted; then for each order below the request the pages of that order are
 *   taken away and min halves (the loop 97a16fc82a7c removed in v4.4).
 * - `v4.19` (v4.4 to v6.2): the highatomic reserve is not counted unless ALLOC_HARDER (or
 *   ALLOC_OOM, v4.15+); ALLOC_HARDER takes min/4 (ALLOC_OOM min/2); a high-order request then
 *   needs a free block of that order or above on an Unmovable, Movable or Reclaimable list (CMA
 *   with ALLOC_CMA, HighAtomic with ALLOC_HARDER).
 * - `v6.6` (v6.3+): the decision is the page allocator model's zoneWatermarkOkFree
 *   (../pagealloc/watermarks.ts: ALLOC_MIN_RESERVE, ALLOC_NON_BLOCK, ALLOC_HIGHATOMIC, ALLOC_OOM);
 *   the text here restates its steps.
 * Every era: `free_pages -= (1 << order) - 1` first, and fail when
 * `free_pages <= min + lowmem_reserve[highest_zoneidx]`.
 */
import {
  ALLOC_CMA,
  ALLOC_MIN_RESERVE,
  ALLOC_NON_BLOCK,
  ALLOC_OOM,
  ALLOC_RESERVES,
} from "../pagealloc/buddy.js";
import { ALLOC_HIGHATOMIC } from "../pagealloc/buddy.js";
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_TYPES } from "../pagealloc/gfp.js";
import { zoneWatermarkOkFree, type WatermarkZone } from "../pagealloc/watermarks.js";

/** One zone as a Mem-Info dump shows it, in pages. */
export interface ZoneSnapshot {
  node: number;
  name: string;
  /** The zone's type index (position in lowmem_reserve[]). */
  idx: number;
  free: number;
  min: number;
  low: number;
  high: number;
  highatomic: number;
  freeCma: number;
  lowmemReserve: readonly number[];
  /** Free blocks per order, or null when the per-order line is missing. */
  counts: readonly number[] | null;
  /** Per order, the migratetype letters printed (U M E H C I R), or null when none were printed. */
  types: readonly (string | null)[] | null;
}

/** The watermark flags of one request in one era (see ./alloc-flags.ts). */
export interface EraFlags {
  era: "v3.10" | "v4.19" | "v6.6";
  /** "min", "low" or "high": the mark checked. */
  mark: "min" | "low" | "high";
  /** v3.10 / v4.19: ALLOC_HIGH and ALLOC_HARDER; v6.6: the model's alloc flags. */
  high: boolean;
  harder: boolean;
  oom: boolean;
  cma: boolean;
  /** v6.6 only: ALLOC_* bits as ../pagealloc/buddy.ts defines them. */
  allocFlags: number;
}

/** The verdict on one zone, with its arithmetic. */
export interface ZoneCheck {
  zone: string;
  ok: boolean;
  /** Why it failed: the free-page test, the per-order test; null when it passed. */
  refusedBy: "free" | "order" | null;
  /** The kernel's arithmetic, e.g. "Normal: free 760 - 31 unusable = 729 <= min 735 + reserve 0". */
  text: string;
  /** Pages the zone lacked for the free-page test (0 when it passed it). */
  shortBy: number;
  /** True when the verdict rests on the assumption that unlabelled blocks are on usable lists. */
  assumedTypes: boolean;
}

const LETTER_MT: Readonly<Record<string, number>> = { U: 0, M: 1, E: 2, H: 3, C: 4, I: 5 };

function markOf(z: ZoneSnapshot, mark: EraFlags["mark"]): number {
  return mark === "min" ? z.min : mark === "low" ? z.low : z.high;
}

/** Whether order `o` has a block on a list of migratetype `mt` ("?" when letters are missing). */
function listHas(z: ZoneSnapshot, o: number, mt: number): boolean | "?" {
  const count = z.counts?.[o] ?? 0;
  if (count === 0) return false;
  const letters = z.types?.[o] ?? null;
  if (letters === null) return "?";
  for (const ch of letters) if (LETTER_MT[ch] === mt) return true;
  return false;
}

/** Adjusted min and its steps, per era. */
function adjustMin(flags: EraFlags, mark: number): { min: number; steps: string[] } {
  let min = mark;
  const steps: string[] = [];
  const cut = (by: number, why: string): void => {
    const d = Math.floor(min / by);
    min -= d;
    steps.push(`${why} -${d}`);
  };
  if (flags.era === "v6.6") {
    const f = flags.allocFlags;
    if (f & ALLOC_RESERVES) {
      if (f & ALLOC_MIN_RESERVE) {
        cut(2, "ALLOC_MIN_RESERVE");
        if (f & ALLOC_NON_BLOCK) cut(4, "ALLOC_NON_BLOCK");
      }
      if (f & ALLOC_OOM) cut(2, "ALLOC_OOM");
    }
    return { min, steps };
  }
  if (flags.high) cut(2, "ALLOC_HIGH");
  if (flags.harder) {
    if (flags.oom) cut(2, "ALLOC_OOM");
    else cut(4, "ALLOC_HARDER");
  }
  return { min, steps };
}

/** The free pages __zone_watermark_ok counts, and the parts it leaves out. */
function usable(
  z: ZoneSnapshot,
  order: number,
  flags: EraFlags,
): { free: number; parts: string[] } {
  const parts: string[] = [];
  let free = z.free;
  const tail = (1 << order) - 1;
  if (tail > 0) parts.push(`${tail} (order-${order} tail)`);
  free -= tail;
  const reserves =
    flags.era === "v6.6"
      ? (flags.allocFlags & ALLOC_RESERVES) !== 0
      : flags.era === "v4.19" && flags.harder;
  if (flags.era !== "v3.10" && !reserves && z.highatomic > 0) {
    free -= z.highatomic;
    parts.push(`${z.highatomic} highatomic`);
  }
  const cma = flags.era === "v6.6" ? (flags.allocFlags & ALLOC_CMA) !== 0 : flags.cma;
  if (!cma && z.freeCma > 0) {
    free -= z.freeCma;
    parts.push(`${z.freeCma} free CMA`);
  }
  return { free, parts };
}

/** A zone-like view for the page allocator model's zoneWatermarkOkFree (v6.6 era). */
function watermarkZone(z: ZoneSnapshot, mark: number): WatermarkZone {
  const nrFree = Int32Array.from(z.counts ?? []);
  return {
    wmark: [mark, mark, mark],
    boost: 0,
    lowmemReserve: [...z.lowmemReserve],
    nrReservedHighatomic: z.highatomic,
    freeCma: z.freeCma,
    freePages: z.free,
    nrFree,
    freeListEmpty: (o: number, mt: number) => listHas(z, o, mt) === false,
  };
}

/** Checks order `order` against zone `z` with `flags`; `highestIdx` picks the lowmem reserve. */
export function checkZone(
  z: ZoneSnapshot,
  order: number,
  flags: EraFlags,
  highestIdx: number,
): ZoneCheck {
  const mark = markOf(z, flags.mark);
  const reserve = z.lowmemReserve[highestIdx] ?? 0;
  const { min, steps } = adjustMin(flags, mark);
  const { free, parts } = usable(z, order, flags);
  const minText =
    steps.length === 0
      ? `${flags.mark} ${min}`
      : `${flags.mark} ${mark} (${steps.join(", ")}) = ${min}`;
  const lead = `${z.name}: free ${z.free}${parts.length ? ` - ${parts.join(" - ")} = ${free}` : ""}`;
  const fail = (refusedBy: "free" | "order", text: string, shortBy: number, assumed = false) => ({
    zone: z.name,
    ok: false,
    refusedBy,
    text,
    shortBy,
    assumedTypes: assumed,
  });
  let verdict: ZoneCheck;
  if (free <= min + reserve) {
    verdict = fail(
      "free",
      `${lead} <= ${minText} + lowmem_reserve ${reserve}`,
      min + reserve + 1 - free,
    );
  } else if (order === 0) {
    verdict = {
      zone: z.name,
      ok: true,
      refusedBy: null,
      text: `${lead} > ${minText} + lowmem_reserve ${reserve}`,
      shortBy: 0,
      assumedTypes: false,
    };
  } else if (flags.era === "v3.10") {
    verdict = orderLoopV3(z, order, free, min, lead, minText, reserve);
  } else {
    verdict = orderSearch(z, order, flags, `${lead} > ${minText} + lowmem_reserve ${reserve}`);
  }
  if (flags.era === "v6.6" && !verdict.assumedTypes) {
    const model = zoneWatermarkOkFree(
      watermarkZone(z, mark),
      order,
      mark,
      highestIdx,
      flags.allocFlags,
      z.free,
    );
    if (model !== verdict.ok) {
      throw new Error(
        `meminfo: ${z.name} arithmetic says ${verdict.ok}, the page allocator model ${model}`,
      );
    }
  }
  return verdict;
}

/** v3.x: `for (o = 0; o < order; o++) { free -= nr_free[o] << o; min >>= 1; if (free <= min) fail }`. */
function orderLoopV3(
  z: ZoneSnapshot,
  order: number,
  free0: number,
  min0: number,
  lead: string,
  minText: string,
  reserve: number,
): ZoneCheck {
  if (z.counts === null) {
    return {
      zone: z.name,
      ok: true,
      refusedBy: null,
      text: `${lead} > ${minText} + lowmem_reserve ${reserve}; per-order counts missing, order loop not checked`,
      shortBy: 0,
      assumedTypes: true,
    };
  }
  let free = free0;
  let min = min0;
  for (let o = 0; o < order; o++) {
    free -= (z.counts[o] ?? 0) << o;
    min >>= 1;
    if (free <= min) {
      return {
        zone: z.name,
        ok: false,
        refusedBy: "order",
        text: `${lead} > ${minText} + lowmem_reserve ${reserve}, but without the blocks of orders 0..${o}: ${free} <= min/2^${o + 1} = ${min}`,
        shortBy: min + 1 - free,
        assumedTypes: false,
      };
    }
  }
  return {
    zone: z.name,
    ok: true,
    refusedBy: null,
    text: `${lead} > ${minText} + lowmem_reserve ${reserve}, and ${free} > ${min} after orders below ${order}`,
    shortBy: 0,
    assumedTypes: false,
  };
}

/** v4.4+: the first order >= `order` with a block on a list the request may take. */
function orderSearch(z: ZoneSnapshot, order: number, flags: EraFlags, passed: string): ZoneCheck {
  const cma = flags.era === "v6.6" ? (flags.allocFlags & ALLOC_CMA) !== 0 : flags.cma;
  const atomicRes =
    flags.era === "v6.6" ? (flags.allocFlags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) !== 0 : flags.harder;
  const counts = z.counts ?? [];
  const assumed = z.counts === null;
  const others: string[] = [];
  for (let o = order; o < counts.length; o++) {
    if ((counts[o] ?? 0) === 0) continue;
    let unknown = false;
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
      const has = listHas(z, o, mt);
      if (has === "?") unknown = true;
      const allowed =
        mt < MIGRATE_HIGHATOMIC ||
        (mt === MIGRATE_CMA && cma) ||
        (mt === MIGRATE_HIGHATOMIC && atomicRes);
      if (has === true && allowed) {
        return {
          zone: z.name,
          ok: true,
          refusedBy: null,
          text: `${passed}, and order ${o} has a free ${"UMEHCI"[mt]} block`,
          shortBy: 0,
          assumedTypes: false,
        };
      }
    }
    if (unknown) {
      return {
        zone: z.name,
        ok: true,
        refusedBy: null,
        text: `${passed}, and order ${o} has ${counts[o]} free blocks (migratetypes not printed: assumed usable)`,
        shortBy: 0,
        assumedTypes: true,
      };
    }
    others.push(`${counts[o]} at order ${o} (${z.types?.[o] ?? "?"})`);
  }
  const where =
    others.length === 0
      ? `no free block at order >= ${order}`
      : `the free blocks at order >= ${order} are on lists it may not use: ${others.join(", ")}`;
  return {
    zone: z.name,
    ok: false,
    refusedBy: "order",
    text: `${passed}, but ${where}`,
    shortBy: 0,
    assumedTypes: assumed,
  };
}
