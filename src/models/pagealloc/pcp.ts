/**
 * Per-CPU page lists (mm/page_alloc.c v6.6 blob 85741403, v6.8 blob a6632020): rmqueue with
 * rmqueue_pcplist / __rmqueue_pcplist / rmqueue_bulk, free_the_page with free_unref_page /
 * free_unref_page_commit / free_pcppages_bulk, __free_pages_ok, drain_pages_zone,
 * decay_pcp_high (v6.8), and the pageset sizing (zone_batchsize, zone_highsize,
 * zone_set_pageset_high_and_batch). v6.6 sizes drains by `free_factor` against one `high`;
 * v6.8 (`Zone.pcpAutoTune`) refills by nr_pcp_alloc (alloc_factor), drains by free_count,
 * auto-tunes pcp->high between high_min and high_max and drains high-order frees
 * (PCPF_PREV_FREE_HIGH_ORDER). The CPU is an index into Zone.pcp.
 */
import {
  ALLOC_KSWAPD,
  type FallbackStats,
  freeOnePage,
  rmqueue as rmqueueZone,
  rmqueueBuddy,
} from "./buddy.js";
import {
  MIGRATE_CMA,
  MIGRATE_ISOLATE,
  MIGRATE_MOVABLE,
  MIGRATE_PCPTYPES,
  ZONE_MOVABLE,
} from "./gfp.js";
import {
  NR_CPUS,
  NR_PCP_LISTS,
  orderToPindex,
  PAGE_ALLOC_COSTLY_ORDER,
  PCPF_FREE_HIGH_BATCH,
  PCPF_PREV_FREE_HIGH_ORDER,
  type PerCpuPages,
  pcpAllowedOrder,
  pcpLink,
  pcpUnlink,
  pindexToOrder,
} from "./pcp-state.js";
import { WMARK_HIGH, WMARK_LOW, zoneWatermarkOk } from "./watermarks.js";
import {
  NIL,
  ZONE_BELOW_HIGH,
  ZONE_BOOSTED_WATERMARK,
  ZONE_RECLAIM_ACTIVE,
  type Zone,
} from "./zone.js";

/** CONFIG_PCP_BATCH_SCALE_MAX (v6.8 default). */
const PCP_BATCH_SCALE_MAX = 5;
/** MIN_PERCPU_PAGELIST_HIGH_FRACTION (v6.8). */
const MIN_PERCPU_PAGELIST_HIGH_FRACTION = 8;

/**
 * free_pcppages_bulk: frees `count` pages from the pcp lists to the buddy, round-robin over
 * the lists starting with `pindex`, each list from its tail.
 */
export function freePcppagesBulk(z: Zone, count: number, p: PerCpuPages, pindex: number): void {
  let left = Math.min(p.count, count);
  let at = pindex - 1;
  const isolated = z.nrIsolatePageblock > 0;
  while (left > 0) {
    do {
      if (++at > NR_PCP_LISTS - 1) at = 0;
    } while (p.head[at] === NIL);
    const order = pindexToOrder(at);
    const pages = 1 << order;
    do {
      const i = p.tail[at] as number;
      let mt = z.tag(i);
      pcpUnlink(z, p, at, i);
      left -= pages;
      p.count -= pages;
      if (isolated) mt = z.blockMigratetype(i);
      freeOnePage(z, i, order, mt);
    } while (left > 0 && p.head[at] !== NIL);
  }
}

/** __free_pages_ok / free_one_page: block i goes to the buddy with its pageblock's migratetype. */
export function freePagesOk(z: Zone, i: number, order: number, toTail = false): void {
  freeOnePage(z, i, order, z.blockMigratetype(i), toTail);
}

/**
 * free_the_page: orders 0-3 and pageblock_order through free_unref_page on `cpu`, others to
 * the buddy (__free_pages_ok). Block i's head must be clear of any owner.
 */
export function freeThePage(z: Zone, i: number, order: number, cpu: number): void {
  if (!pcpAllowedOrder(order)) {
    freePagesOk(z, i, order);
    return;
  }
  // free_unref_page_prepare: the pcp page caches its pageblock's migratetype.
  const mt = z.blockMigratetype(i);
  let pcpMt = mt;
  if (mt >= MIGRATE_PCPTYPES) {
    if (mt === MIGRATE_ISOLATE) {
      freeOnePage(z, i, order, mt);
      return;
    }
    pcpMt = MIGRATE_MOVABLE;
  }
  freeUnrefPageCommit(z, z.pcp[cpu] as PerCpuPages, i, mt, pcpMt, order);
}

/** free_unref_page_commit: onto the list of `pcpMt`, then drain above `high`. */
function freeUnrefPageCommit(
  z: Zone,
  p: PerCpuPages,
  i: number,
  mt: number,
  pcpMt: number,
  order: number,
): void {
  const pindex = orderToPindex(pcpMt, order);
  if (!z.pcpAutoTune) {
    pcpLink(z, p, pindex, i, order, mt, false);
    p.count += 1 << order;
    const freeHigh = p.freeFactor !== 0 && order !== 0 && order <= PAGE_ALLOC_COSTLY_ORDER;
    const high = nrPcpHigh66(z, p, freeHigh);
    if (p.count >= high) freePcppagesBulk(z, nrPcpFree66(p, high, freeHigh), p, pindex);
    return;
  }
  p.allocFactor >>= 1;
  pcpLink(z, p, pindex, i, order, mt, false);
  p.count += 1 << order;
  const batch = p.batch;
  let freeHigh = false;
  if (order !== 0 && order <= PAGE_ALLOC_COSTLY_ORDER) {
    freeHigh =
      p.freeCount >= batch &&
      (p.flags & PCPF_PREV_FREE_HIGH_ORDER) !== 0 &&
      (!(p.flags & PCPF_FREE_HIGH_BATCH) || p.count >= batch);
    p.flags |= PCPF_PREV_FREE_HIGH_ORDER;
  } else if (p.flags & PCPF_PREV_FREE_HIGH_ORDER) {
    p.flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
  }
  if (p.freeCount < batch << PCP_BATCH_SCALE_MAX) p.freeCount += 1 << order;
  const high = nrPcpHigh68(z, p, batch, freeHigh);
  if (p.count >= high) {
    freePcppagesBulk(z, nrPcpFree68(p, batch, high, freeHigh), p, pindex);
    if (
      z.flags & ZONE_BELOW_HIGH &&
      zoneWatermarkOk(z, 0, (z.wmark[WMARK_HIGH] as number) + z.boost, ZONE_MOVABLE, 0)
    )
      z.flags &= ~ZONE_BELOW_HIGH;
  }
}

/** clamp(val, lo, hi) as include/linux/minmax.h: min(max(val, lo), hi). */
function clamp(val: number, lo: number, hi: number): number {
  return Math.min(Math.max(val, lo), hi);
}

/** nr_pcp_free (v6.6): doubles with each free run (free_factor), leaving at least `batch`. */
function nrPcpFree66(p: PerCpuPages, high: number, freeHigh: boolean): number {
  let batch = p.batch;
  if (freeHigh) return p.count;
  if (high < batch) return 1;
  const minNrFree = batch;
  const maxNrFree = high - batch;
  batch <<= p.freeFactor;
  if (batch < maxNrFree) p.freeFactor++;
  return clamp(batch, minNrFree, maxNrFree);
}

/** nr_pcp_high (v6.6). */
function nrPcpHigh66(z: Zone, p: PerCpuPages, freeHigh: boolean): number {
  const high = p.high;
  if (high === 0 || freeHigh) return 0;
  if (!(z.flags & ZONE_RECLAIM_ACTIVE)) return high;
  return Math.min(p.batch << 2, high);
}

/** nr_pcp_free (v6.8): the consecutive free count, between batch and high - batch. */
function nrPcpFree68(p: PerCpuPages, batch: number, high: number, freeHigh: boolean): number {
  if (freeHigh) return Math.min(p.count, batch << PCP_BATCH_SCALE_MAX);
  if (high < batch) return 1;
  return clamp(p.freeCount, batch, high - batch);
}

/** nr_pcp_high (v6.8): clamps and auto-tunes pcp->high. */
function nrPcpHigh68(z: Zone, p: PerCpuPages, batch: number, freeHigh: boolean): number {
  const { highMin, highMax } = p;
  let high = (p.high = clamp(p.high, highMin, highMax));
  if (high === 0) return 0;
  if (freeHigh) {
    p.high = Math.max(high - (batch << PCP_BATCH_SCALE_MAX), highMin);
    return 0;
  }
  if (z.flags & ZONE_RECLAIM_ACTIVE) {
    const freeCount = Math.max(p.freeCount, batch);
    p.high = Math.max(high - freeCount, highMin);
    return Math.min(batch << 2, p.high);
  }
  if (highMin === highMax) return high;
  if (z.flags & ZONE_BELOW_HIGH) {
    const freeCount = Math.max(p.freeCount, batch);
    p.high = Math.max(high - freeCount, highMin);
    high = Math.max(p.count, highMin);
  } else if (p.count >= high) {
    const needHigh = p.freeCount + batch;
    if (p.high < needHigh) p.high = clamp(needHigh, highMin, highMax);
  }
  return high;
}

/** nr_pcp_alloc (v6.8): the refill size, grown by alloc_factor and pcp->high. */
function nrPcpAlloc(z: Zone, p: PerCpuPages, order: number): number {
  const baseBatch = p.batch;
  const { highMin, highMax } = p;
  let high = (p.high = clamp(p.high, highMin, highMax));
  if (high < baseBatch) return 1;
  let batch = order !== 0 ? baseBatch : baseBatch << p.allocFactor;
  if (highMin !== highMax && !(z.flags & ZONE_BELOW_HIGH))
    high = p.high = Math.min(high + batch, highMax);
  if (order === 0) {
    const maxNrAlloc = Math.max(high - p.count - baseBatch, baseBatch);
    if (batch <= maxNrAlloc && p.allocFactor < PCP_BATCH_SCALE_MAX) p.allocFactor++;
    batch = Math.min(batch, maxNrAlloc);
  }
  if (batch > 1) batch = Math.max(batch >> order, 2);
  return batch;
}

/**
 * rmqueue_bulk: up to `count` blocks from __rmqueue onto the tail of pcp list `pindex`;
 * NR_FREE_PAGES falls by all of them, NR_FREE_CMA_PAGES by those taken off a CMA list.
 */
function rmqueueBulk(
  z: Zone,
  order: number,
  count: number,
  p: PerCpuPages,
  pindex: number,
  mt: number,
  allocFlags: number,
  stats: FallbackStats,
): number {
  let n = 0;
  for (; n < count; n++) {
    const i = rmqueueZone(z, order, mt, allocFlags, stats);
    if (i === NIL) break;
    const pcpMt = z.tag(i);
    pcpLink(z, p, pindex, i, order, pcpMt, true);
    if (pcpMt === MIGRATE_CMA) z.freeCma -= 1 << order;
  }
  z.freePages -= n << order;
  return n;
}

/** rmqueue_pcplist: the head of the CPU's list, refilled from the buddy when empty; or NIL. */
function rmqueuePcplist(
  z: Zone,
  order: number,
  mt: number,
  allocFlags: number,
  cpu: number,
  stats: FallbackStats,
): number {
  const p = z.pcp[cpu] as PerCpuPages;
  if (z.pcpAutoTune) p.freeCount >>= 1;
  else p.freeFactor >>= 1;
  const pindex = orderToPindex(mt, order);
  if (p.head[pindex] === NIL) {
    let batch: number;
    if (z.pcpAutoTune) {
      batch = nrPcpAlloc(z, p, order);
    } else {
      batch = p.batch;
      if (batch > 1) batch = Math.max(batch >> order, 2);
    }
    p.count += rmqueueBulk(z, order, batch, p, pindex, mt, allocFlags, stats) << order;
    if (p.head[pindex] === NIL) return NIL;
  }
  const i = p.head[pindex] as number;
  pcpUnlink(z, p, pindex, i);
  p.count -= 1 << order;
  return i;
}

/**
 * rmqueue: a block of `order` for migratetype `mt` (< MIGRATE_PCPTYPES) from zone z on `cpu`:
 * the pcp lists for pcp orders, else (or when they come back empty) rmqueue_buddy. The head's
 * tag is the block's pcp migratetype. No watermark check. Returns the head or NIL.
 */
export function rmqueue(
  z: Zone,
  order: number,
  allocFlags: number,
  mt: number,
  cpu: number,
  stats: FallbackStats,
): number {
  let i = NIL;
  if (pcpAllowedOrder(order)) i = rmqueuePcplist(z, order, mt, allocFlags, cpu, stats);
  if (i === NIL) i = rmqueueBuddy(z, order, mt, allocFlags, stats);
  // The kswapd wakeup that goes with clearing the bit is not modelled here.
  if (allocFlags & ALLOC_KSWAPD && z.flags & ZONE_BOOSTED_WATERMARK)
    z.flags &= ~ZONE_BOOSTED_WATERMARK;
  return i;
}

/** drain_pages_zone: every page of the CPU's lists of z back to the buddy. */
export function drainPagesZone(z: Zone, cpu: number): void {
  const p = z.pcp[cpu] as PerCpuPages;
  if (p.count !== 0) freePcppagesBulk(z, p.count, p, 0);
}

/** drain_local_pages(NULL) on `cpu` (drain_pages): every populated zone. */
export function drainLocalPages(zones: readonly Zone[], cpu: number): void {
  for (const z of zones) if (z.present > 0) drainPagesZone(z, cpu);
}

/** drain_all_pages(zone or NULL): the lists of every CPU. */
export function drainAllPages(zones: readonly Zone[]): void {
  for (let cpu = 0; cpu < NR_CPUS; cpu++) drainLocalPages(zones, cpu);
}

/** Pages held on the per-CPU lists of z (every CPU). */
export function pcpPages(z: Zone): number {
  let n = 0;
  for (const p of z.pcp) n += p.count;
  return n;
}

/** decay_pcp_high (v6.8): lowers pcp->high by an eighth and drains what lies above it. */
export function decayPcpHigh(z: Zone, p: PerCpuPages): number {
  let todo = 0;
  const { highMin, batch } = p;
  if (p.high > highMin) {
    p.high = Math.max(p.count - (batch << PCP_BATCH_SCALE_MAX), p.high - (p.high >> 3), highMin);
    if (p.high > highMin) todo++;
  }
  const toDrain = p.count - p.high;
  if (toDrain > 0) {
    freePcppagesBulk(z, toDrain, p, 0);
    todo++;
  }
  return todo;
}

/** zone_batchsize: ~0.1% of the zone or 1 MiB, /4, rounded to 2^n - 1. */
export function zoneBatchsize(z: Zone): number {
  let batch = Math.min(Math.floor(z.managed / 1024), 256);
  batch = Math.floor(batch / 4);
  if (batch < 1) batch = 1;
  const n = batch + Math.floor(batch / 2);
  return 2 ** Math.floor(Math.log2(n)) - 1;
}

/** zone_highsize with cpu_online 0: the low watermark (or managed / fraction) per CPU, >= 4 batches. */
function zoneHighsize(z: Zone, batch: number, fraction: number): number {
  const total =
    fraction === 0 ? (z.wmark[WMARK_LOW] as number) + z.boost : Math.floor(z.managed / fraction);
  return Math.max(Math.floor(total / NR_CPUS), batch << 2);
}

/**
 * zone_set_pageset_high_and_batch(zone, 0): new batch and high (v6.6) or high_min/high_max
 * (v6.8, pcp->high untouched) for every CPU, unless they equal the zone's current ones.
 */
export function zonePcpUpdate(z: Zone): void {
  const batch = Math.max(1, zoneBatchsize(z));
  const highMin = zoneHighsize(z, batch, 0);
  const highMax = z.pcpAutoTune ? zoneHighsize(z, batch, MIN_PERCPU_PAGELIST_HIGH_FRACTION) : 0;
  const s = z.pageset;
  if (s[0] === highMin && s[1] === highMax && s[2] === batch) return;
  s[0] = highMin;
  s[1] = highMax;
  s[2] = batch;
  for (const p of z.pcp) {
    p.batch = batch;
    if (z.pcpAutoTune) {
      p.highMin = highMin;
      p.highMax = highMax;
    } else {
      p.high = highMin;
    }
  }
}

/** setup_zone_pageset: fresh per-CPU pagesets (per_cpu_pages_init), then their sizes. */
export function setupZonePageset(z: Zone, autoTune: boolean): void {
  z.pcpAutoTune = autoTune;
  z.pageset.splice(0, 3, 0, 0, 1);
  for (const p of z.pcp) p.init();
  zonePcpUpdate(z);
}
