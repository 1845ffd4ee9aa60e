/**
 * The golden traces' driver (golden/pagealloc/README.md): each kernel op calls the model's own
 * zone, buddy and per-CPU list code (./pcp.ts, ./buddy.ts, ./watermarks.ts, Mm) as the
 * recording harness called the kernel's: init boots a Node through the same memblock and CMA
 * path as every layout, alloc is rmqueue() on one zone and CPU, free is Mm.release
 * (__free_pages -> free_the_page), and the dump prints zone, free-area, pcp and pageblock state
 * as the harness printed it.
 */
import { OpRejected } from "../model.js";
import type { VirtualClock } from "../../sim/clock.js";
import type { Rng } from "../../sim/rng.js";
import { reserveHighatomicPageblock, unreserveHighatomic } from "./buddy.js";
import { DEFAULT_HANG_NS } from "./costs.js";
import { MIGRATE_MOVABLE, MIGRATE_TYPES } from "./gfp.js";
import {
  allocFlagsValue,
  type InitOp,
  KERNEL_ZONE_NAMES,
  type KernelOp,
  MIGRATETYPE_NAMES,
} from "./kernel-ops.js";
import type { Layout, PfnRange, Reservation } from "./layout.js";
import { MAX_ORDER, PAGEBLOCK_ORDER } from "./layout.js";
import { Mm } from "./mm.js";
import { bootNode } from "./node.js";
import { NR_PCP_LISTS } from "./pcp-state.js";
import { decayPcpHigh, drainLocalPages, rmqueue, zonePcpUpdate } from "./pcp.js";
import type { PageallocVariant } from "./variants.js";
import {
  setupPerZoneWmarks,
  totalreservePages,
  WMARK_HIGH,
  WMARK_LOW,
  WMARK_MIN,
  WMARK_PROMO,
  zoneWatermarkFast,
  zoneWatermarkOk,
} from "./watermarks.js";
import { CALLER_LRU, K_CALLER, NIL, type Zone } from "./zone.js";

const MARK_INDEX = { min: WMARK_MIN, low: WMARK_LOW, high: WMARK_HIGH } as const;

/** The layout of an init op: RAM = the zones' spans, zone limits, reservations, CMA ranges. */
export function initLayout(op: InitOp): Layout {
  const ends: [number, number, number] = [0, 0, 0];
  let last = 0;
  for (let idx = 0; idx < 3; idx++) {
    const z = op.zones.find((zz) => zz.name === KERNEL_ZONE_NAMES[idx]);
    if (z !== undefined) last = z.end_pfn;
    ends[idx] = last;
  }
  const spans = [...op.zones].sort((a, b) => a.start_pfn - b.start_pfn);
  const ram: PfnRange[] = [];
  for (const z of spans) {
    const prev = ram.at(-1);
    if (prev !== undefined && prev.end >= z.start_pfn) prev.end = Math.max(prev.end, z.end_pfn);
    else ram.push({ start: z.start_pfn, end: z.end_pfn });
  }
  const reserved: Reservation[] = [];
  for (const [lo, hi] of [...op.reserved].sort((a, b) => a[0] - b[0])) {
    if (lo === hi) continue;
    const prev = reserved.at(-1);
    if (prev !== undefined && prev.end >= lo) prev.end = Math.max(prev.end, hi);
    else reserved.push({ start: lo, end: hi, what: "reserved" });
  }
  const cma = op.cma.map(([start, end]) => ({ start, end }));
  return { name: "golden", ram, zoneEnd: ends, reserved, cma };
}

/** Boots the machine of an init op on `variant` and applies its min_free_kbytes. */
export function bootInit(op: InitOp, variant: PageallocVariant, clock: VirtualClock, rng: Rng): Mm {
  let mm: Mm;
  try {
    mm = new Mm(bootNode(initLayout(op)), variant, clock, rng, 0, DEFAULT_HANG_NS);
  } catch (error) {
    throw new OpRejected((error as Error).message);
  }
  if (op.min_free_kbytes !== null) {
    // min_free_kbytes_sysctl_handler: setup_per_zone_wmarks() with the written value.
    const node = mm.node;
    node.minFreeKbytes = op.min_free_kbytes;
    setupPerZoneWmarks(node.zones, node.minFreeKbytes);
    node.totalreservePages = totalreservePages(node.zones);
    for (const z of node.zones) zonePcpUpdate(z);
  }
  return mm;
}

function populated(mm: Mm): Zone[] {
  return mm.node.zones.filter((z) => z.present > 0);
}

function zoneNamed(mm: Mm, name: string): Zone {
  const z = mm.node.zones[KERNEL_ZONE_NAMES.indexOf(name as never)];
  if (z === undefined || z.present === 0) throw new OpRejected(`zone ${name} is not populated`);
  return z;
}

/** The expect value of an init op. */
export function initExpect(mm: Mm): unknown {
  const v68 = mm.variant.pcpHighAutoTune;
  return {
    min_free_kbytes: mm.node.minFreeKbytes,
    totalreserve_pages: mm.node.totalreservePages,
    zones: populated(mm).map((z) => {
      const p = z.pcp[0];
      const pcp = v68
        ? { pcp_high_min: p?.highMin, pcp_high_max: p?.highMax }
        : { pcp_high: p?.high };
      return {
        name: z.name,
        managed: z.managed,
        cma_pages: z.cmaPages,
        min: z.wmark[WMARK_MIN],
        low: z.wmark[WMARK_LOW],
        high: z.wmark[WMARK_HIGH],
        promo: z.wmark[WMARK_PROMO],
        lowmem_reserve: [...z.lowmemReserve],
        free: z.freePages,
        free_cma: z.freeCma,
        pcp_batch: p?.batch,
        ...pcp,
      };
    }),
  };
}

/** Applies one kernel op other than init; returns its expect value. */
export function applyKernelOp(mm: Mm, op: Exclude<KernelOp, InitOp>): unknown {
  switch (op.op) {
    case "zone_alloc": {
      const z = zoneNamed(mm, op.zone);
      const mt = MIGRATETYPE_NAMES.indexOf(op.migratetype);
      const flags = allocFlagsValue(op.alloc_flags);
      const i = rmqueue(z, op.order, flags, mt, op.cpu, mm.fallbackStats);
      if (i === NIL) return { pfn: null };
      // post_alloc_hook; the harness puts the pages of a MOVABLE allocation on the LRU.
      mm.claim(z, i, op.order, K_CALLER, mt === MIGRATE_MOVABLE ? mt | CALLER_LRU : mt);
      return { pfn: z.base + i };
    }
    case "zone_free": {
      if (op.pfn === null) return "skipped";
      const [z, i] = callerBlock(mm, op.pfn, op.order);
      mm.cpu = op.cpu;
      mm.release(z, i);
      return "ok";
    }
    case "watermark_ok": {
      const z = zoneNamed(mm, op.zone);
      const mark = (z.wmark[MARK_INDEX[op.mark]] as number) + z.boost;
      const flags = allocFlagsValue(op.alloc_flags);
      return {
        ok: zoneWatermarkOk(z, op.order, mark, op.highest_zoneidx, flags),
        fast: zoneWatermarkFast(z, op.order, mark, op.highest_zoneidx, flags),
        mark_pages: mark,
      };
    }
    case "drain":
      drainLocalPages(mm.node.zones, op.cpu);
      return "ok";
    case "decay_pcp_high": {
      const z = zoneNamed(mm, op.zone);
      if (!mm.variant.pcpHighAutoTune) return { todo: null };
      return { todo: decayPcpHigh(z, z.pcp[op.cpu] as NonNullable<(typeof z.pcp)[number]>) };
    }
    case "reserve_highatomic": {
      if (op.pfn === null) return "skipped";
      const [z, i] = callerBlock(mm, op.pfn, -1);
      reserveHighatomicPageblock(z, i, mm.variant.highatomicAlignedCap);
      return { nr_reserved_highatomic: z.nrReservedHighatomic };
    }
    case "unreserve_highatomic": {
      const mt = MIGRATETYPE_NAMES.indexOf(op.migratetype);
      for (const z of mm.zonelist(op.highest_zoneidx))
        if (unreserveHighatomic(z, mt, op.force)) return { ret: true };
      return { ret: false };
    }
  }
}

/** The zone and index of a live caller block at pfn (of `order`, or any order for -1). */
function callerBlock(mm: Mm, pfn: number, order: number): [Zone, number] {
  const z = mm.node.zoneOf(pfn);
  const i = z === undefined ? -1 : pfn - z.base;
  if (z === undefined || z.kind(i) !== K_CALLER || (order >= 0 && z.order(i) !== order))
    throw new OpRejected(`pfn ${pfn} is not a live block an alloc op returned`);
  return [z, i];
}

/** The dump of the golden traces: per populated zone, counters, free areas, pcp, pageblocks. */
export function kernelDump(mm: Mm): unknown {
  const v68 = mm.variant.pcpHighAutoTune;
  return {
    zones: populated(mm).map((z) => {
      const freeArea = [];
      for (let o = 0; o <= MAX_ORDER; o++) {
        const area: Record<string, unknown> = { order: o, nr_free: z.nrFree[o] };
        for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
          const pfns = [];
          for (let i = z.firstFree(o, mt); i !== NIL; i = z.next(i)) pfns.push(z.base + i);
          if (pfns.length > 0) area[MIGRATETYPE_NAMES[mt] as string] = pfns;
        }
        freeArea.push(area);
      }
      const pcp = z.pcp.map((p, cpu) => {
        const lists: Record<string, number[]> = {};
        for (let pindex = 0; pindex < NR_PCP_LISTS; pindex++) {
          const pfns = [];
          for (let i = p.head[pindex] as number; i !== NIL; i = z.next(i)) pfns.push(z.base + i);
          if (pfns.length > 0) lists[String(pindex)] = pfns;
        }
        const tune = v68
          ? {
              high_min: p.highMin,
              high_max: p.highMax,
              flags: p.flags,
              alloc_factor: p.allocFactor,
              free_count: p.freeCount,
            }
          : { free_factor: p.freeFactor };
        return { cpu, count: p.count, high: p.high, batch: p.batch, ...tune, lists };
      });
      const pageblocks: Record<string, string> = {};
      const first = Math.max(0, z.spanStart - z.base) >>> PAGEBLOCK_ORDER;
      const last = Math.min(z.spanEnd - z.base, z.size) >>> PAGEBLOCK_ORDER;
      for (let b = first; b < last; b++) {
        const mt = z.blockMt[b] as number;
        if (mt !== MIGRATE_MOVABLE)
          pageblocks[String(z.base + (b << PAGEBLOCK_ORDER))] = MIGRATETYPE_NAMES[mt] as string;
      }
      return {
        name: z.name,
        NR_FREE_PAGES: z.freePages,
        NR_FREE_CMA_PAGES: z.freeCma,
        nr_reserved_highatomic: z.nrReservedHighatomic,
        watermark_boost: z.boost,
        flags: z.flags,
        free_area: freeArea,
        pcp,
        pageblocks,
      };
    }),
  };
}
