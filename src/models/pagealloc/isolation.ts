/**
 * Pageblock isolation for alloc_contig_range (mm/page_isolation.c, v6.6): set_migratetype_isolate
 * (MIGRATE_ISOLATE, free pages moved to the isolate lists; a MIGRATE_CMA pageblock has no
 * unmovable pages for a CMA caller, so it never fails), isolate_single_pageblock's split of a free
 * block that straddles an isolation boundary not MAX_ORDER aligned, test_pages_isolated, and
 * unset_migratetype_isolate (a free pageblock-order block whose buddy is not isolated is taken off
 * and re-freed so that it merges; otherwise move_freepages_block).
 */
import { freeOnePage, moveFreepagesBlock } from "./buddy.js";
import { MIGRATE_ISOLATE } from "./gfp.js";
import { MAX_ORDER, MAX_ORDER_NR_PAGES, PAGEBLOCK_NR_PAGES, PAGEBLOCK_ORDER } from "./layout.js";
import { K_FREE, type Zone } from "./zone.js";

/** The pageblock-aligned local span [start, end) that isolating [start, end) covers. */
export function isolationSpan(start: number, end: number): [number, number] {
  const lo = start & ~(PAGEBLOCK_NR_PAGES - 1);
  const hi = Math.ceil(end / PAGEBLOCK_NR_PAGES) * PAGEBLOCK_NR_PAGES;
  return [lo, hi];
}

/**
 * start_isolate_page_range for local [start, end) of one zone; returns the pageblocks isolated.
 * The caller must restore every one with {@link undoIsolatePageRange}.
 */
export function startIsolatePageRange(z: Zone, start: number, end: number): number {
  const [lo, hi] = isolationSpan(start, end);
  for (let b = lo; b < hi; b += PAGEBLOCK_NR_PAGES) {
    if (z.blockMt[b >>> PAGEBLOCK_ORDER] !== MIGRATE_ISOLATE) z.nrIsolatePageblock++;
    z.blockMt[b >>> PAGEBLOCK_ORDER] = MIGRATE_ISOLATE;
    moveFreepagesBlock(z, b, MIGRATE_ISOLATE, false, true);
  }
  splitStraddling(z, lo);
  splitStraddling(z, hi);
  return (hi - lo) / PAGEBLOCK_NR_PAGES;
}

/**
 * isolate_single_pageblock: a free block of order above pageblock_order that crosses `boundary`
 * would leave part of it on the wrong list, so it is split into its two pageblock-order halves,
 * each freed with its own pageblock's migratetype (split_free_page).
 */
function splitStraddling(z: Zone, boundary: number): void {
  if (boundary % MAX_ORDER_NR_PAGES === 0) return;
  const head = boundary - PAGEBLOCK_NR_PAGES;
  if (!z.has(head) || z.kind(head) !== K_FREE || z.order(head) !== MAX_ORDER) return;
  z.delFree(head);
  freeOnePage(z, head, PAGEBLOCK_ORDER, z.blockMigratetype(head));
  freeOnePage(z, boundary, PAGEBLOCK_ORDER, z.blockMigratetype(boundary));
}

/**
 * test_pages_isolated: every page of local [start, end) is free (on an isolate list). Returns the
 * first local index that is not, or -1 when the range is clear.
 */
export function firstBusyPage(z: Zone, start: number, end: number): number {
  for (let i = start; i < end;) {
    if (z.kind(i) === K_FREE) {
      i += 1 << z.order(i);
      continue;
    }
    return i;
  }
  return -1;
}

/** undo_isolate_page_range: every pageblock of the span goes back to `mt`, merging as it can. */
export function undoIsolatePageRange(z: Zone, start: number, end: number, mt: number): void {
  const [lo, hi] = isolationSpan(start, end);
  for (let b = lo; b < hi; b += PAGEBLOCK_NR_PAGES) unsetMigratetypeIsolate(z, b, mt);
}

/** unset_migratetype_isolate for the pageblock at local index b. */
function unsetMigratetypeIsolate(z: Zone, b: number, mt: number): void {
  const block = b >>> PAGEBLOCK_ORDER;
  if (z.blockMt[block] !== MIGRATE_ISOLATE) return;
  let reFree = false;
  if (z.kind(b) === K_FREE && z.order(b) === PAGEBLOCK_ORDER) {
    const buddy = b ^ PAGEBLOCK_NR_PAGES;
    reFree =
      z.has(buddy) &&
      z.kind(buddy) === K_FREE &&
      z.order(buddy) === PAGEBLOCK_ORDER &&
      z.blockMigratetype(buddy) !== MIGRATE_ISOLATE;
  }
  if (reFree) z.delFree(b);
  else moveFreepagesBlock(z, b, mt, false, true);
  z.blockMt[block] = mt;
  z.nrIsolatePageblock--;
  if (reFree) freeOnePage(z, b, PAGEBLOCK_ORDER, mt);
}
