/**
 * Pressure and workload events on a booted machine: faulting in anonymous memory, page cache and
 * unmovable kernel memory through the allocator (so they reclaim and fall back like the real
 * thing), releasing them in a pfn pattern (the way freed page cache leaves holes), GUP pins,
 * refaults of evicted page cache, process exit, and kswapd when time passes.
 */
import { findTopByte, topByteTable } from "../../sim/word-scan.js";
import { allocOrder0Bulk } from "./bulk.js";
import * as G from "./gfp.js";
import type { Mm } from "./mm.js";
import { killProcess } from "./oom.js";
import type { PressureKind } from "./ops.js";
import { decayPcpHigh } from "./pcp.js";
import { kswapdBalance } from "./reclaim.js";
import { allocPages } from "./slowpath.js";
import { WMARK_LOW } from "./watermarks.js";
import { K_ANON, K_FILE, K_KERNEL, LRU_ANON, NIL, PINNED } from "./zone.js";

const KIND: Record<PressureKind, number> = { anon: K_ANON, file: K_FILE, kernel: K_KERNEL };
/** Per kind, the page-word top bytes of that kind (any order). */
const HEADS_OF_KIND = [K_KERNEL, K_ANON, K_FILE].reduce<Uint8Array[]>((tables, kind) => {
  tables[kind] = topByteTable((b) => b >>> 4 === kind);
  return tables;
}, []);
/** Faults use the fault path's masks, made to give up quickly so a fill stops at exhaustion. */
const FILL_GFP: Record<PressureKind, number> = {
  anon: G.GFP_HIGHUSER_MOVABLE | G.__GFP_NORETRY | G.__GFP_NOWARN,
  file: G.GFP_HIGHUSER_MOVABLE | G.__GFP_NORETRY | G.__GFP_NOWARN,
  kernel: G.GFP_KERNEL | G.__GFP_NORETRY | G.__GFP_NOWARN,
};

/** Allocates up to `pages` order-0 pages of `what`; returns how many it got. */
export function fill(mm: Mm, what: PressureKind, pages: number, pid: number): number {
  if (what === "anon") mm.alive[pid] = 1;
  const req = {
    order: 0,
    gfp: FILL_GFP[what],
    kind: KIND[what],
    tag: what === "anon" ? pid : 0,
    comm: `proc${pid}`,
    worker: false,
  };
  let n = 0;
  while (n < pages) {
    const bulk = allocOrder0Bulk(mm, req, pages - n);
    if (bulk > 0) n += bulk;
    else if (allocPages(mm, req).outcome === "ok") n++;
    else return n;
  }
  return pages;
}

/** Frees the pages of `what` (of `pid` for anon) whose pfn % stride != keep; returns the count. */
export function release(
  mm: Mm,
  what: PressureKind,
  pid: number,
  stride: number,
  keep: number,
): number {
  const kind = KIND[what];
  const pidTag = kind === K_ANON ? pid : -1;
  const ofKind = HEADS_OF_KIND[kind] as Uint8Array;
  let freed = 0;
  for (const z of mm.node.zones) {
    // The scan is most of a suspend/resume benchmark's time: word reads, no accessor calls.
    const { w0, w1, size, base } = z;
    for (
      let i = findTopByte(w0, 0, size, ofKind);
      i < size;
      i = findTopByte(w0, i + 1, size, ofKind)
    ) {
      if (pidTag >= 0 && (((w1[i] as number) >>> 24) & 0x7f) !== pidTag) continue;
      if ((base + i) % stride === keep) continue;
      freed += 1 << (((w0[i] as number) >>> 24) & 15);
      mm.release(z, i);
    }
  }
  return freed;
}

/** Sets or clears the GUP pin on every anonymous page of `pid`; returns the pages touched. */
export function pin(mm: Mm, pid: number, pinned: boolean): number {
  let n = 0;
  for (const z of mm.node.zones) {
    for (let i = z.lruHead[LRU_ANON] as number; i !== NIL; i = z.next(i)) {
      if ((z.tag(i) & 0x7f) !== pid) continue;
      z.setTag(i, pinned ? pid | PINNED : pid);
      n++;
    }
  }
  return n;
}

/** Refaults: re-reads up to `pages` evicted page-cache pages; returns how many came back. */
export function refault(mm: Mm, pages: number): number {
  const done = fill(mm, "file", Math.min(pages, mm.shadows), 0);
  mm.shadows -= done;
  mm.counters.refaults += done;
  return done;
}

/** exit(): frees the process's anonymous memory. */
export function exitProcess(mm: Mm, pid: number): number {
  return killProcess(mm, pid);
}

/** Runs of vmstat_update per CPU are at most this many per advance (pcp->high has decayed by then). */
const MAX_DECAY_ROUNDS = 64;

/**
 * Time passes: on v6.8 vmstat_update (once a second per CPU) decays every pcp->high
 * (decay_pcp_high); kswapd (freezable, so idle while suspended) reclaims zones below their low
 * watermark, or boosted, up to high. Returns the pages it reclaimed.
 */
export function advance(mm: Mm, ms: number): number {
  if (mm.variant.pcpHighAutoTune) {
    // One round per virtual-second boundary the advance crosses.
    const now = mm.clock.now;
    const crossed = Math.floor((now + ms * 1_000_000) / 1e9) - Math.floor(now / 1e9);
    const rounds = Math.min(crossed, MAX_DECAY_ROUNDS);
    for (let r = 0; r < rounds; r++)
      for (const z of mm.node.zones) if (z.present > 0) for (const p of z.pcp) decayPcpHigh(z, p);
  }
  mm.clock.advance(ms * 1_000_000);
  if (G.pmSuspendedStorage(mm.gfpAllowed)) return 0;
  const needy = mm.node.zones.some(
    (z) => z.managed > 0 && (z.boost > 0 || z.freePages < (z.wmark[WMARK_LOW] as number)),
  );
  return needy ? kswapdBalance(mm, G.GFP_KERNEL) : 0;
}
