/**
 * Why a next-fit search refused a request that fits: replays v6.6-v7.1's area loop
 * (swiotlb_search_pool_area(), kernel/dma/swiotlb.c, slots_checked budget) on one area without
 * side effects and reports where the slot budget went. The case the v6.9 campaign found: the
 * search steps by one from the area's index to an aligned index, strides past the area's end,
 * wrap_area_index() returns 0, which need not be aligned, and the +1 steps back to alignment use
 * up the budget (area_nslabs) before the stride reaches the free run again.
 */
import type { SlotQuery, SwiotlbPool } from "../models/swiotlb/pool.js";

/** The budget loop's path through one area, for a finding's evidence and message. */
export interface MissPath {
  area: number;
  /** area->index where the search started (area-relative). */
  startIndex: number;
  /** The first index that passed the address test (area-relative), or -1. */
  firstAligned: number;
  /** Slots counted as checked when a stride wrapped to 0, or -1 when none did. */
  checkedAtWrap: number;
  /** True when index 0 of the area fails the address test. */
  zeroUnaligned: boolean;
  /** Slots counted after the wrap's +1 steps reached an aligned index again, or -1. */
  checkedAfterRealign: number;
  /** True when the loop examined `target` (area-relative) before the budget ran out. */
  reachedTarget: boolean;
  stride: number;
  areaNslabs: number;
}

/** Replays the budget loop of `area` for `q` up to `target` (area-relative) or the budget's end. */
export function budgetPath(
  pool: SwiotlbPool,
  area: number,
  q: SlotQuery,
  target: number,
): MissPath {
  const n = pool.areaNslabs;
  const base = area * n;
  const path: MissPath = {
    area,
    startIndex: pool.areaIndex[area] as number,
    firstAligned: -1,
    checkedAtWrap: -1,
    zeroUnaligned: !pool.matches(base, q),
    checkedAfterRealign: -1,
    reachedTarget: false,
    stride: q.stride,
    areaNslabs: n,
  };
  let index = path.startIndex;
  let checked = 0;
  let wrapped = false;
  while (checked < n) {
    if (index === target) {
      path.reachedTarget = true;
      break;
    }
    if (!pool.matches(base + index, q)) {
      index = index + 1 >= n ? 0 : index + 1;
      checked++;
      continue;
    }
    if (path.firstAligned < 0) path.firstAligned = index;
    if (wrapped && path.checkedAfterRealign < 0) path.checkedAfterRealign = checked;
    if (index + q.stride >= n) {
      if (!wrapped) path.checkedAtWrap = checked + q.stride;
      wrapped = true;
      index = 0;
    } else {
      index += q.stride;
    }
    checked += q.stride;
  }
  return path;
}

/**
 * The kernel-behaviour explanation of a refusal whose free run starts at `slot`, when the budget
 * loop's wrap to an unaligned index 0 is what kept the search from reaching it; null otherwise.
 */
export function explainWrapMiss(
  pool: SwiotlbPool,
  q: SlotQuery,
  slot: number,
): { message: string; path: MissPath } | null {
  const area = Math.floor(slot / pool.areaNslabs);
  const target = slot - area * pool.areaNslabs;
  const path = budgetPath(pool, area, q, target);
  if (path.reachedTarget || path.checkedAtWrap < 0 || !path.zeroUnaligned) return null;
  const message =
    `kernel behaviour, not a model bug: swiotlb_search_pool_area() starts area ${area} at its ` +
    `index ${path.startIndex}, steps by one to the aligned index ${path.firstAligned}, strides by ` +
    `${path.stride} past the area's end, where wrap_area_index() returns 0, which is not aligned ` +
    `for this request; the +1 steps back to alignment spend the slots_checked budget ` +
    `(area_nslabs ${path.areaNslabs}) before the stride reaches slot ${slot}`;
  return { message, path };
}

/**
 * What the area search of `q`'s loop (`slot-budget` or `aligned-restart`) would return on `area`
 * now, without taking anything: the first slot it would take, or -1. The early reject on the
 * area's used count is left out: a caller asks only of areas that hold a fitting run.
 */
export function dryRunArea(pool: SwiotlbPool, area: number, q: SlotQuery): number {
  const n = pool.areaNslabs;
  const base = area * n;
  let restart = 0;
  if (q.loop === "aligned-restart") {
    while (restart < Math.min(q.stride, n) && !pool.matches(base + restart, q)) restart++;
    if (restart === Math.min(q.stride, n)) restart = 0;
  }
  let index = pool.areaIndex[area] as number;
  for (let checked = 0; checked < n;) {
    const slot = base + index;
    if (!pool.matches(slot, q)) {
      index = index + 1 >= n ? 0 : index + 1;
      checked++;
      continue;
    }
    if (pool.fits(slot, q)) return slot;
    index = index + q.stride >= n ? restart : index + q.stride;
    checked += q.stride;
  }
  return -1;
}

/**
 * v6.1 (`until-wrap`): the area indices its loop examines for `q` before it stops (or repeats an
 * index). It starts at ALIGN(area->index, stride) and strides from there, so its candidates are
 * area indices in that phase, not slots whose address is aligned.
 */
export function untilWrapVisits(pool: SwiotlbPool, area: number, q: SlotQuery): Set<number> {
  const n = pool.areaNslabs;
  const base = area * n;
  const aligned = ((pool.areaIndex[area] as number) + q.stride - 1) & ~(q.stride - 1);
  const wrap = aligned >>> 0 >= n ? 0 : aligned >>> 0;
  const seen = new Set<number>();
  let index = wrap;
  do {
    if (seen.has(index)) break;
    seen.add(index);
    if (!pool.matches(base + index, q)) {
      index = index + 1 >= n ? 0 : index + 1;
      continue;
    }
    index = index + q.stride >= n ? 0 : index + q.stride;
  } while (index !== wrap);
  return seen;
}
