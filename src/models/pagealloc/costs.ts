/**
 * Virtual-time costs of the allocator's work. These are modelling assumptions, not kernel
 * constants: they set how fast a retry loop eats into the hang bound, not which branch it takes.
 * The orders of magnitude follow the spec (section 1.8: one direct-reclaim pass dominates an
 * iteration; compaction is cheap when it is SKIPPED; one-jiffy sleeps on workqueues).
 */

/** Costs in nanoseconds. */
export const COST = {
  /** One get_page_from_freelist walk. */
  freelistNs: 200,
  /** Entering try_to_free_pages (throttle checks, scan_control setup, shrinker calls). */
  reclaimPassNs: 50_000,
  /** Per LRU page scanned by shrink_node. */
  scanPageNs: 100,
  /** Per clean page-cache page reclaimed. */
  reclaimFilePageNs: 500,
  /** Per anonymous page swapped out (zram compression). */
  swapOutPageNs: 10_000,
  /** Entering try_to_compact_pages for one zone. */
  compactZoneNs: 10_000,
  /** Per page looked at by the compaction scanners. */
  compactScanPageNs: 20,
  /** Per page migrated (copy, rmap walk, TLB flush). */
  migratePageNs: 4_000,
  /** out_of_memory with a kill, through the OOM reaper freeing the victim. */
  oomKillNs: 20_000_000,
} as const;

/** The default hang bound: the hung-task / DPM watchdog timeout (120 s). */
export const DEFAULT_HANG_NS = 120_000_000_000;
