/**
 * alloc_contig_range and free_contig_range (mm/page_alloc.c, v6.6) on the page allocator model,
 * for the CMA model: isolate the covering pageblocks (./isolation.ts), drain, migrate the range's
 * movable pages in batches of COMPACT_CLUSTER_MAX (__alloc_contig_migrate_range: clean page cache
 * is dropped, other LRU pages go to a target from alloc_migration_target with
 * GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL; -ENOMEM stops the loop), then
 * test_pages_isolated, take the free pages, give back the head and tail of the outer buddy
 * blocks, and undo the isolation. A pinned anonymous page is never isolated for migration
 * (isolate_migratepages_block's "(folio_ref_count - 1) > folio_mapcount" check, mm/compaction.c
 * v6.6), so it stays in the range and test_pages_isolated reports -EBUSY.
 */
import { freeOnePage } from "./buddy.js";
import { drainPagesZone } from "./pcp.js";
import { NR_CPUS } from "./pcp-state.js";
import * as G from "./gfp.js";
import { firstBusyPage, startIsolatePageRange, undoIsolatePageRange } from "./isolation.js";
import { MAX_ORDER } from "./layout.js";
import type { Block, Mm } from "./mm.js";
import { allocPages } from "./slowpath.js";
import { K_ANON, K_CMA, K_FILE, K_FREE, K_NONE, PINNED, type Zone } from "./zone.js";

export const EBUSY = -16;
export const ENOMEM = -12;

/** COMPACT_CLUSTER_MAX (SWAP_CLUSTER_MAX): pages isolated per migration batch. */
const CLUSTER = 32;
/** alloc_contig_range's migration target mask (migration_target_control in v6.6). */
const TARGET_GFP = G.GFP_USER | G.__GFP_MOVABLE | G.__GFP_RETRY_MAYFAIL;

/** Virtual-time costs of the contiguous path (assumptions, spec 3.5: ~10 us per page migrated). */
export const CONTIG_COST = {
  /** set_migratetype_isolate or unset_migratetype_isolate of one pageblock. */
  isolatePageblockNs: 1_000,
  /** lru_add_drain_all + drain_all_pages (IPIs to every CPU). */
  drainNs: 20_000,
  /** Per pfn looked at by isolate_migratepages_range or test_pages_isolated. */
  scanPageNs: 20,
  /** Per page migrated (unmap, copy, remap, TLB flush). */
  migratePageNs: 10_000,
  /** Per clean page-cache page dropped by reclaim_clean_pages_from_list. */
  reclaimPageNs: 1_000,
} as const;

/** Whether the page at local index i of z holds references migration does not expect. */
export type PinProbe = (z: Zone, i: number) => boolean;

/** What one alloc_contig_range call did. */
export interface ContigOutcome {
  /** 0, -EBUSY (-16) or -ENOMEM (-12). */
  ret: number;
  migrated: number;
  reclaimed: number;
  /** The first pfn test_pages_isolated found in use (-1 when none). */
  busyPfn: number;
  /** Log lines of failed migration-target allocations (warn_alloc). */
  warnings: string[];
}

/**
 * alloc_contig_range(start, end, MIGRATE_CMA, GFP_KERNEL) for pfns [start, end) of one zone whose
 * pageblocks are MIGRATE_CMA. On success the pages are order-0 K_CMA pages.
 */
export function allocContigRange(
  mm: Mm,
  start: number,
  end: number,
  pinned: PinProbe,
): ContigOutcome {
  const at = mm.node.locate(start);
  if (at === undefined) throw new RangeError(`pfn ${start} is in no zone`);
  const [z, s] = at;
  const e = s + (end - start);
  const out: ContigOutcome = { ret: 0, migrated: 0, reclaimed: 0, busyPfn: -1, warnings: [] };
  const blocks = startIsolatePageRange(z, s, e);
  // drain_all_pages(cc.zone): pcp pages of the isolated blocks go to the isolate lists.
  for (let cpu = 0; cpu < NR_CPUS; cpu++) drainPagesZone(z, cpu);
  mm.clock.advance(blocks * CONTIG_COST.isolatePageblockNs + CONTIG_COST.drainNs);
  out.ret = migrateRange(mm, z, s, e, pinned, out);
  if (out.ret === 0 || out.ret === EBUSY) {
    out.ret = 0;
    const outer = outerStart(z, s);
    const busy = firstBusyPage(z, outer, e);
    mm.clock.advance((e - outer) * CONTIG_COST.scanPageNs);
    if (busy >= 0) {
      out.ret = EBUSY;
      out.busyPfn = z.base + busy;
    } else {
      takeFreeRange(mm, z, outer, s, e);
    }
  }
  undoIsolatePageRange(z, s, e, G.MIGRATE_CMA);
  mm.clock.advance(blocks * CONTIG_COST.isolatePageblockNs);
  return out;
}

/** __alloc_contig_migrate_range: returns 0 or -ENOMEM (a batch that cannot move is -EBUSY). */
function migrateRange(
  mm: Mm,
  z: Zone,
  s: number,
  e: number,
  pinned: PinProbe,
  out: ContigOutcome,
): number {
  let pfn = s;
  const batch: number[] = [];
  while (pfn < e) {
    // isolate_migratepages_range: LRU pages, skipping free blocks and pinned anonymous pages.
    batch.length = 0;
    const from = pfn;
    while (pfn < e && batch.length < CLUSTER) {
      const kind = z.kind(pfn);
      if (kind === K_FREE) {
        pfn += 1 << z.order(pfn);
        continue;
      }
      if (kind === K_NONE) {
        // A tail page of a block that starts before it: none of its pages is isolated.
        pfn = Math.min(e, blockEnd(z, pfn));
        continue;
      }
      if (kind === K_FILE || (kind === K_ANON && !pinned(z, pfn))) batch.push(pfn);
      pfn++;
    }
    mm.clock.advance((pfn - from) * CONTIG_COST.scanPageNs);
    for (const i of batch) {
      if (z.kind(i) === K_FILE) {
        // reclaim_clean_pages_from_list: the model's page cache is always clean.
        mm.release(z, i);
        mm.shadows++;
        out.reclaimed++;
        mm.clock.advance(CONTIG_COST.reclaimPageNs);
        continue;
      }
      const moved = migratePage(mm, z, i, TARGET_GFP, pinned);
      if (moved === "nomem") return ENOMEM;
      if (moved !== "gone") out.migrated++;
    }
  }
  return 0;
}

/**
 * Migrates the anonymous page at local index i of z to a new page allocated with `gfp`: the
 * target takes the page's owner tag, the source is freed to its pageblock's free list. Returns
 * the new block, "nomem" when no target could be allocated, or "gone" when the source stopped
 * being a movable page while the target was allocated (reclaim or compaction moved it).
 */
export function migratePage(
  mm: Mm,
  z: Zone,
  i: number,
  gfp: number,
  pinned: PinProbe,
): Block | "nomem" | "gone" {
  const tag = z.tag(i) & ~PINNED;
  const result = allocPages(mm, { order: 0, gfp, kind: K_ANON, tag, comm: "cma", worker: false });
  if (result.outcome !== "ok" || result.pfn === null) return "nomem";
  const [tz, ti] = mm.node.locate(result.pfn) as [Zone, number];
  if (z.kind(i) !== K_ANON || pinned(z, i) || (z.tag(i) & ~PINNED) !== tag) {
    mm.release(tz, ti);
    return "gone";
  }
  mm.release(z, i);
  mm.counters.migrated++;
  mm.clock.advance(CONTIG_COST.migratePageNs);
  return { zone: tz, index: ti };
}

/** The end of the block (free or allocated) whose tail page is local index i; i + 1 if none. */
function blockEnd(z: Zone, i: number): number {
  for (let order = 1; order <= MAX_ORDER; order++) {
    const head = i & ~((1 << order) - 1);
    if (z.kind(head) === K_NONE) continue;
    const end = head + (1 << z.order(head));
    return end > i ? end : i + 1;
  }
  return i + 1;
}

/** The head of the free buddy block that covers local index s, or s (alloc_contig_range). */
function outerStart(z: Zone, s: number): number {
  if (z.kind(s) === K_FREE) return s;
  for (let order = 1; order <= MAX_ORDER; order++) {
    const head = s & ~((1 << order) - 1);
    if (z.kind(head) === K_FREE) return head + (1 << z.order(head)) > s ? head : s;
  }
  return s;
}

/**
 * isolate_freepages_range over [outer, e), then free_contig_range of the head [outer, s) and of
 * the tail past e, page by page as the kernel frees them (to the still-isolated pageblocks).
 */
function takeFreeRange(mm: Mm, z: Zone, outer: number, s: number, e: number): void {
  let outerEnd = outer;
  for (let i = outer; i < e;) {
    const order = z.order(i);
    z.delFree(i);
    i += 1 << order;
    outerEnd = i;
  }
  for (let p = s; p < e; p++) mm.claim(z, p, 0, K_CMA, 0);
  for (let p = outer; p < s; p++) freeOnePage(z, p, 0, z.blockMigratetype(p));
  for (let p = e; p < outerEnd; p++) freeOnePage(z, p, 0, z.blockMigratetype(p));
}

/** free_contig_range(pfn, count): frees the K_CMA pages one by one (cma_release). */
export function freeContigRange(mm: Mm, pfn: number, count: number): void {
  const [z, s] = mm.node.locate(pfn) as [Zone, number];
  for (let i = s; i < s + count; i++) mm.release(z, i);
}
