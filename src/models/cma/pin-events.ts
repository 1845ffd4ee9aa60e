/**
 * The events that pin user pages (spec 3.4 and 3.5; the durations are the spec's assumptions,
 * passed as boot parameters and drawn from the seeded Rng):
 * - fork: copy_one_pte (copy_present_pte since v5.10) raises _refcount before _mapcount; each
 *   page's pair is preempted with probability p, and then the window is lognormal.
 * - exit: zap_pte_range drops _mapcount at once but _refcount only when the mmu_gather batch is
 *   flushed (include/asm-generic/tlb.h: MMU_GATHER_BUNDLE 8 + MAX_GATHER_BATCH_COUNT 19 batches of
 *   MAX_GATHER_BATCH 510 pointers = 9,698 pages on 64-bit 4K), so the pages stay pinned until the
 *   flush of their batch, then are freed; the unmap takes time proportional to RSS.
 * - direct I/O: get_user_pages for the I/O, uniform duration.
 * - long-term: a driver's plain get_user_pages or vmsplice, never dropped. With FOLL_LONGTERM and
 *   the migrate-before-pin switch on (mm/gup.c check_and_migrate_movable_pages, 9a4e9f3b2d73,
 *   v5.1; d1e153fea2a8, v5.13), pages in CMA pageblocks are first migrated to non-movable memory
 *   (GFP_USER | __GFP_NOWARN); a failed migration fails the pin with -ENOMEM.
 */
import type { Rng } from "../../sim/rng.js";
import { ENOMEM, migratePage } from "../pagealloc/contig.js";
import { __GFP_NOWARN, GFP_USER, MIGRATE_CMA } from "../pagealloc/gfp.js";
import type { Block, Mm } from "../pagealloc/mm.js";
import { K_ANON, LRU_ANON, NIL, PINNED, type Zone } from "../pagealloc/zone.js";
import type { PinTable } from "./pins.js";

/** Pin timing parameters (spec 3.5), in the units the boot op gives them. */
export interface PinParams {
  /** Probability, per page, that fork is preempted inside the refcount/mapcount pair (ppm). */
  forkPreemptPpm: number;
  forkMedianUs: number;
  forkP99Us: number;
  /** Unmap cost per page of RSS, and the clamp of the whole exit window. */
  exitNsPerPage: number;
  exitMinMs: number;
  exitMaxMs: number;
  dioMinUs: number;
  dioMaxUs: number;
}

/** Pages an mmu_gather holds before it must flush (64-bit, 4 KiB pages). */
export const TLB_GATHER_PAGES = 8 + Math.floor(10000 / 510) * 510;
/** The 99th percentile of the standard normal distribution. */
const Z99 = 2.3263478740408408;

/** What a pin event did. */
export interface PinOutcome {
  /** Pages pinned. */
  pinned: number;
  /** Pages FOLL_LONGTERM migrated out of CMA first. */
  migrated: number;
  /** 0, or -ENOMEM when a FOLL_LONGTERM pin could not migrate a page out of CMA. */
  ret: number;
  /** When the last transient pin of the event ends (ns), or null. */
  untilNs: number | null;
}

/** The pfns of a process's anonymous pages, in fault (LRU) order. */
export function processPages(mm: Mm, pid: number): Int32Array {
  let total = 0;
  for (const z of mm.node.zones) total += z.lruCount[LRU_ANON] as number;
  const pfns = new Int32Array(total);
  let n = 0;
  for (const z of mm.node.zones) {
    const { w0, w1, base } = z;
    for (let i = z.lruHead[LRU_ANON] as number; i !== NIL; i = (w0[i] as number) & NIL) {
      if ((((w1[i] as number) >>> 24) & 0x7f) === pid) pfns[n++] = base + i;
    }
  }
  return pfns.subarray(0, n);
}

/**
 * `pages` consecutive pages of the process (a virtually contiguous buffer faulted in order),
 * starting at `pfn` when given (which must be one of its pages) or at a random page.
 */
export function selectPages(mm: Mm, rng: Rng, pid: number, pages: number, pfn?: number): number[] {
  const all = processPages(mm, pid);
  if (all.length === 0) return [];
  const first = pfn === undefined ? rng.int(0, all.length - 1) : all.indexOf(pfn);
  if (first < 0) return [];
  return Array.from(all.subarray(first, first + pages));
}

/** fork(): the parent's pages whose refcount/mapcount pair was preempted, each for a lognormal time. */
export function forkPins(mm: Mm, pins: PinTable, rng: Rng, p: PinParams, pid: number): PinOutcome {
  const all = processPages(mm, pid);
  const prob = p.forkPreemptPpm / 1e6;
  const mu = Math.log(p.forkMedianUs);
  const sigma = (Math.log(p.forkP99Us) - mu) / Z99;
  const pfns: number[] = [];
  const untils: number[] = [];
  for (let k = nextHit(rng, prob, -1); k < all.length; k = nextHit(rng, prob, k)) {
    const us = Math.exp(mu + sigma * normal(rng));
    pfns.push(all[k] as number);
    untils.push(mm.clock.now + Math.max(1, Math.round(us * 1000)));
  }
  if (pfns.length > 0) pins.pinTransient(Int32Array.from(pfns), Float64Array.from(untils), false);
  return {
    pinned: pfns.length,
    migrated: 0,
    ret: 0,
    untilNs: untils.length ? Math.max(...untils) : null,
  };
}

/** exit(): pages held by the mmu_gather until their batch is flushed, then freed. */
export function exitPins(mm: Mm, pins: PinTable, p: PinParams, pid: number): PinOutcome {
  const all = processPages(mm, pid);
  mm.alive[pid] = 0;
  if (all.length === 0) return { pinned: 0, migrated: 0, ret: 0, untilNs: null };
  const n = all.length;
  const windowNs = Math.min(p.exitMaxMs * 1e6, Math.max(p.exitMinMs * 1e6, n * p.exitNsPerPage));
  // zap_pte_range: the mapping (and the process's RSS) is gone; only the batch holds the page.
  let z = mm.node.zones[0] as Zone;
  for (let k = 0; k < n; k++) {
    const pfn = all[k] as number;
    if (pfn < z.base || pfn >= z.base + z.size) z = mm.node.zoneOf(pfn) as Zone;
    const w1 = z.w1;
    const i = pfn - z.base;
    w1[i] = ((w1[i] as number) & ((PINNED << 24) | NIL)) >>> 0;
  }
  mm.rss[pid] = (mm.rss[pid] as number) - n;
  mm.rss[0] = (mm.rss[0] as number) + n;
  let until = mm.clock.now;
  for (let k = 0; k < n; k += TLB_GATHER_PAGES) {
    const end = Math.min(n, k + TLB_GATHER_PAGES);
    until = mm.clock.now + Math.ceil((windowNs * end) / n);
    const batch = all.slice(k, end);
    pins.pinTransient(batch, new Float64Array(batch.length).fill(until), true);
  }
  return { pinned: n, migrated: 0, ret: 0, untilNs: until };
}

/** Direct I/O on a buffer of the process: its pages are pinned for a uniform time. */
export function dioPins(
  mm: Mm,
  pins: PinTable,
  rng: Rng,
  p: PinParams,
  pfns: readonly number[],
): PinOutcome {
  if (pfns.length === 0) return { pinned: 0, migrated: 0, ret: 0, untilNs: null };
  const us = p.dioMinUs + rng.float() * (p.dioMaxUs - p.dioMinUs);
  const until = mm.clock.now + Math.max(1, Math.round(us * 1000));
  pins.pinTransient(Int32Array.from(pfns), new Float64Array(pfns.length).fill(until), false);
  return { pinned: pfns.length, migrated: 0, ret: 0, untilNs: until };
}

/** A long-term pin; with FOLL_LONGTERM and `migrateFirst`, CMA pages are migrated out first. */
export function longtermPins(
  mm: Mm,
  pins: PinTable,
  pfns: readonly number[],
  follLongterm: boolean,
  migrateFirst: boolean,
): PinOutcome {
  const targets: Block[] = [];
  let migrated = 0;
  for (const pfn of pfns) {
    const [z, i] = mm.node.locate(pfn) as [Zone, number];
    if (!follLongterm || !migrateFirst || z.blockMigratetype(i) !== MIGRATE_CMA) {
      targets.push({ zone: z, index: i });
      continue;
    }
    // migrate_longterm_unpinnable_pages: a page that does not migrate fails the pin (-ENOMEM).
    if (pins.isPinned(z, i)) return { pinned: 0, migrated, ret: ENOMEM, untilNs: null };
    const probe = (pz: Zone, pi: number) => pins.isPinned(pz, pi);
    const moved = migratePage(mm, z, i, GFP_USER | __GFP_NOWARN, probe);
    if (moved === "nomem" || moved === "gone")
      return { pinned: 0, migrated, ret: ENOMEM, untilNs: null };
    migrated++;
    targets.push(moved);
  }
  for (const t of targets) if (t.zone.kind(t.index) === K_ANON) pins.pinLongterm(t.zone, t.index);
  return { pinned: targets.length, migrated, ret: 0, untilNs: null };
}

/** The index after k of the next page whose fork pair is preempted (geometric skip). */
function nextHit(rng: Rng, prob: number, k: number): number {
  if (prob <= 0) return Number.MAX_SAFE_INTEGER;
  if (prob >= 1) return k + 1;
  const u = 1 - rng.float();
  return k + 1 + Math.floor(Math.log(u) / Math.log(1 - prob));
}

/** A standard normal draw (Box-Muller). */
function normal(rng: Rng): number {
  const u1 = 1 - rng.float();
  const u2 = rng.float();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
