/**
 * Watermarks, lowmem_reserve and the watermark checks (mm/page_alloc.c v6.6, same in v6.8):
 * calculate_min_free_kbytes, __setup_per_zone_wmarks (watermark_scale_factor 10),
 * setup_per_zone_lowmem_reserve (sysctl_lowmem_reserve_ratio 256/256/32), __zone_watermark_ok with
 * __zone_watermark_unusable_free, and zone_watermark_fast. Left out: khugepaged's recommended
 * min_free_kbytes (THP), user-set min_free_kbytes, highmem.
 */
import { MIGRATE_CMA, MIGRATE_HIGHATOMIC, MIGRATE_PCPTYPES, ZONE_MOVABLE } from "./gfp.js";
import {
  ALLOC_CMA,
  ALLOC_HIGHATOMIC,
  ALLOC_MIN_RESERVE,
  ALLOC_NON_BLOCK,
  ALLOC_OOM,
  ALLOC_RESERVES,
  ALLOC_WMARK_MASK,
} from "./buddy.js";
import { MAX_ORDER } from "./layout.js";
import type { Zone } from "./zone.js";

/**
 * What the watermark checks read of a zone: a live {@link Zone}, or a zone rebuilt from a
 * Mem-Info dump (src/models/meminfo).
 */
export type WatermarkZone = Pick<
  Zone,
  "wmark" | "boost" | "lowmemReserve" | "nrReservedHighatomic" | "freeCma" | "freePages" | "nrFree"
> & { freeListEmpty(order: number, mt: number): boolean };

export const WMARK_MIN = 0;
export const WMARK_LOW = 1;
export const WMARK_HIGH = 2;
export const WMARK_PROMO = 3;
/** sysctl_lowmem_reserve_ratio for DMA, DMA32, NORMAL, MOVABLE. */
export const LOWMEM_RESERVE_RATIO = [256, 256, 32, 0] as const;
const WATERMARK_SCALE_FACTOR = 10;

/** int_sqrt: floor of the square root, exact for integers below 2^53. */
export function intSqrt(x: number): number {
  let r = Math.floor(Math.sqrt(x));
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

/** calculate_min_free_kbytes: clamp(int_sqrt(lowmem_kbytes * 16), 128, 262144). */
export function minFreeKbytes(lowmemPages: number): number {
  return Math.min(Math.max(intSqrt(lowmemPages * 4 * 16), 128), 262144);
}

/** mult_frac(x, n, d) as the kernel computes it, without overflow. */
function multFrac(x: number, n: number, d: number): number {
  return Math.floor(x / d) * n + Math.floor(((x % d) * n) / d);
}

/** __setup_per_zone_wmarks: MIN proportional to managed pages; LOW and HIGH one gap apart each. */
export function setupPerZoneWmarks(zones: readonly Zone[], minFreeKb: number): void {
  const pagesMin = minFreeKb >>> 2;
  let lowmem = 0;
  for (const z of zones) if (z.idx !== ZONE_MOVABLE) lowmem += z.managed;
  for (const z of zones) {
    const min = lowmem === 0 ? 0 : Math.floor((pagesMin * z.managed) / lowmem);
    const gap = Math.max(min >>> 2, multFrac(z.managed, WATERMARK_SCALE_FACTOR, 10000));
    z.wmark[WMARK_MIN] = min;
    z.wmark[WMARK_LOW] = min + gap;
    z.wmark[WMARK_HIGH] = min + 2 * gap;
    z.wmark[WMARK_PROMO] = min + 3 * gap;
    z.boost = 0;
  }
}

/**
 * calculate_totalreserve_pages: per zone the largest lowmem_reserve at or above it plus the
 * (boosted) high watermark, capped by its managed pages.
 */
export function totalreservePages(zones: readonly Zone[]): number {
  let total = 0;
  for (const z of zones) {
    let max = 0;
    for (let j = z.idx; j < z.lowmemReserve.length; j++)
      max = Math.max(max, z.lowmemReserve[j] as number);
    max += (z.wmark[WMARK_HIGH] as number) + z.boost;
    total += Math.min(max, z.managed);
  }
  return total;
}

/** setup_per_zone_lowmem_reserve: zone i holds back (managed of zones i+1..j) / ratio[i]. */
export function setupLowmemReserve(zones: readonly Zone[]): void {
  for (let i = 0; i < zones.length; i++) {
    const z = zones[i] as Zone;
    const ratio = LOWMEM_RESERVE_RATIO[i] ?? 0;
    const clear = ratio === 0 || z.managed === 0;
    let upper = 0;
    for (let j = 0; j < zones.length; j++) {
      if (j <= i) {
        z.lowmemReserve[j] = 0;
        continue;
      }
      upper += (zones[j] as Zone).managed;
      z.lowmemReserve[j] = clear ? 0 : Math.floor(upper / ratio);
    }
  }
}

/**
 * The mark for ALLOC_WMARK_{MIN,LOW,HIGH}, boost included: wmark_pages(), and also
 * min_wmark_pages(), low_wmark_pages(), high_wmark_pages() (include/linux/mmzone.h v6.6, v6.8
 * macros, all `_watermark[i] + watermark_boost`).
 */
export function wmarkPages(z: WatermarkZone, allocFlags: number): number {
  return (z.wmark[allocFlags & ALLOC_WMARK_MASK] as number) + z.boost;
}

/** __zone_watermark_unusable_free: the order's tail, highatomic and (without ALLOC_CMA) CMA. */
function unusableFree(z: WatermarkZone, order: number, allocFlags: number): number {
  let unusable = (1 << order) - 1;
  if (!(allocFlags & ALLOC_RESERVES)) unusable += z.nrReservedHighatomic;
  if (!(allocFlags & ALLOC_CMA)) unusable += Math.max(z.freeCma, 0); // zone_page_state
  return unusable;
}

/** __zone_watermark_ok with an explicit free page count (as should_reclaim_retry passes). */
export function zoneWatermarkOkFree(
  z: WatermarkZone,
  order: number,
  mark: number,
  highestZoneidx: number,
  allocFlags: number,
  freePages: number,
): boolean {
  let min = mark;
  const free = freePages - unusableFree(z, order, allocFlags);
  if (allocFlags & ALLOC_RESERVES) {
    if (allocFlags & ALLOC_MIN_RESERVE) {
      min -= Math.floor(min / 2);
      if (allocFlags & ALLOC_NON_BLOCK) min -= Math.floor(min / 4);
    }
    if (allocFlags & ALLOC_OOM) min -= Math.floor(min / 2);
  }
  if (free <= min + (z.lowmemReserve[highestZoneidx] as number)) return false;
  if (order === 0) return true;
  for (let o = order; o <= MAX_ORDER; o++) {
    if (z.nrFree[o] === 0) continue;
    for (let mt = 0; mt < MIGRATE_PCPTYPES; mt++) if (!z.freeListEmpty(o, mt)) return true;
    if (allocFlags & ALLOC_CMA && !z.freeListEmpty(o, MIGRATE_CMA)) return true;
    if (allocFlags & (ALLOC_HIGHATOMIC | ALLOC_OOM) && !z.freeListEmpty(o, MIGRATE_HIGHATOMIC)) {
      return true;
    }
  }
  return false;
}

/** zone_watermark_ok: __zone_watermark_ok on NR_FREE_PAGES. */
export function zoneWatermarkOk(
  z: WatermarkZone,
  order: number,
  mark: number,
  highestZoneidx: number,
  allocFlags: number,
): boolean {
  return zoneWatermarkOkFree(z, order, mark, highestZoneidx, allocFlags, Math.max(z.freePages, 0));
}

/**
 * zone_watermark_fast: the order-0 shortcut, the full check, then MIN without boost for HIGH.
 * `free` (default NR_FREE_PAGES) lets a caller ask about a zone with fewer free pages.
 */
export function zoneWatermarkFast(
  z: WatermarkZone,
  order: number,
  mark: number,
  highestZoneidx: number,
  allocFlags: number,
  free = Math.max(z.freePages, 0),
): boolean {
  if (order === 0) {
    const reserved = unusableFree(z, 0, allocFlags);
    const usable = free - Math.min(free, reserved);
    if (usable > mark + (z.lowmemReserve[highestZoneidx] as number)) return true;
  }
  if (zoneWatermarkOkFree(z, order, mark, highestZoneidx, allocFlags, free)) return true;
  if (
    order === 0 &&
    allocFlags & ALLOC_MIN_RESERVE &&
    z.boost > 0 &&
    (allocFlags & ALLOC_WMARK_MASK) === WMARK_MIN
  ) {
    return zoneWatermarkOkFree(
      z,
      0,
      z.wmark[WMARK_MIN] as number,
      highestZoneidx,
      allocFlags,
      free,
    );
  }
  return false;
}
