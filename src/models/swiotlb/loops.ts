/**
 * The area-search loops other than v6.6's slot budget (which stays in ./pool.ts, the hot path):
 * - v6.1's swiotlb_do_find_slots() (kernel/dma/swiotlb.c, git blob 339a990554e7): start at
 *   `wrap = wrap_area_index(ALIGN(area->index, stride))`, `do { ... } while (index != wrap)`.
 *   A +1 step (address mismatch) can leave the index off the stride's phase; after a wrap to 0
 *   the strides then never meet `wrap` again and, with nothing free, the loop spins for ever
 *   holding the area lock (replaced by the slots_checked budget before v6.6).
 * - a proposal, not a kernel release: v7.1's budget loop where a stride past the area's end
 *   restarts at the area's first index that passes the address test instead of at 0, so the
 *   budget is not spent on +1 steps back to alignment (docs/findings/).
 */
import type { SlotQuery, SwiotlbPool } from "./pool.js";

/** What searchArea() returns when the kernel's loop would never end (v6.1). */
export const SEARCH_HANG = -2;

/**
 * v6.1's loop. Its state is the index alone, so a loop that has run more than area_nslabs
 * iterations without coming back to `wrap` has repeated an index and never ends: SEARCH_HANG.
 */
export function searchUntilWrap(pool: SwiotlbPool, area: number, q: SlotQuery): number {
  const n = pool.areaNslabs;
  const base = area * n;
  const stride = q.stride;
  // ALIGN(area->index, stride) in unsigned int arithmetic, then wrap_area_index().
  const aligned = ((pool.areaIndex[area] as number) + stride - 1) & ~(stride - 1);
  const wrap = aligned >>> 0 >= n ? 0 : aligned >>> 0;
  let index = wrap;
  let examined = 0;
  do {
    if (++examined > n) {
      pool.slotsChecked += examined - 1;
      return SEARCH_HANG;
    }
    const slot = base + index;
    if (!pool.matches(slot, q)) {
      index = index + 1 >= n ? 0 : index + 1;
      continue;
    }
    if (pool.fits(slot, q)) {
      pool.slotsChecked += examined;
      pool.take(area, slot, index, q);
      return slot;
    }
    index = index + stride >= n ? 0 : index + stride;
  } while (index !== wrap);
  pool.slotsChecked += examined;
  return -1;
}

/** The first index of `area` below min(stride, area_nslabs) that passes the address test, or 0. */
export function firstAlignedIndex(pool: SwiotlbPool, area: number, q: SlotQuery): number {
  const base = area * pool.areaNslabs;
  const limit = Math.min(q.stride, pool.areaNslabs);
  for (let i = 0; i < limit; i++) if (pool.matches(base + i, q)) return i;
  return 0;
}

/** The proposal: v7.1's budget loop with an aligned restart after a stride wraps. */
export function searchRestart(pool: SwiotlbPool, area: number, q: SlotQuery): number {
  const n = pool.areaNslabs;
  const base = area * n;
  const stride = q.stride;
  const restart = firstAlignedIndex(pool, area, q);
  let index = pool.areaIndex[area] as number;
  let checked = 0;
  let examined = 0;
  while (checked < n) {
    const slot = base + index;
    examined++;
    if (!pool.matches(slot, q)) {
      index = index + 1 >= n ? 0 : index + 1;
      checked++;
      continue;
    }
    if (pool.fits(slot, q)) {
      pool.slotsChecked += examined;
      pool.take(area, slot, index, q);
      return slot;
    }
    index = index + stride >= n ? restart : index + stride;
    checked += stride;
  }
  pool.slotsChecked += examined;
  return -1;
}
