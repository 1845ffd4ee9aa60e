/**
 * One NUMA node booted from a Layout (mm/mm_init.c and mm/memblock.c, v6.6 and v6.8): zones
 * spanning the present RAM, every pageblock MIGRATE_MOVABLE (memmap_init_range), reserved pages
 * kept out, the rest but the CMA ranges freed in the largest aligned chunks to the free lists'
 * tails (__free_pages_memory -> memblock_free_pages -> __free_pages_core, FPI_TO_TAIL), then each
 * CMA pageblock activated (init_cma_reserved_pageblock: MIGRATE_CMA, __free_pages(page, 9)
 * through the boot pageset, which hands it straight to the buddy), then min_free_kbytes,
 * watermarks and lowmem_reserve (init_per_zone_wmark_min). The per-CPU pagesets of a variant are
 * set up by Mm (setup_zone_pageset, ./pcp.ts). Also the page-state view and accounting used by
 * the CMA model and by check().
 */
import { freePagesOk, freeThePage } from "./pcp.js";
import {
  MAX_NR_ZONES,
  MIGRATE_CMA,
  MIGRATE_MOVABLE,
  MIGRATE_TYPES,
  ZONE_NAMES,
  ZONE_NORMAL,
} from "./gfp.js";
import {
  type Layout,
  MAX_ORDER,
  PAGEBLOCK_NR_PAGES,
  PAGEBLOCK_ORDER,
  type PfnRange,
  zoneSpan,
} from "./layout.js";
import { findTopByte, topByteTable } from "../../sim/word-scan.js";
import {
  minFreeKbytes,
  setupLowmemReserve,
  setupPerZoneWmarks,
  totalreservePages,
} from "./watermarks.js";
import { K_FREE, K_HOLE, K_NONE, K_PCP, K_RESERVED, NIL, Zone } from "./zone.js";
import { NR_PCP_LISTS, pindexToOrder } from "./pcp-state.js";

/** A booted node: its zones (index = zone idx) and boot figures. */
export class Node {
  readonly zones: Zone[] = [];
  /** min_free_kbytes (calculate_min_free_kbytes, or a value the user wrote). */
  minFreeKbytes: number;
  /** totalreserve_pages (calculate_totalreserve_pages). */
  totalreservePages: number;

  /** Boots `layout`; with `from` (a node booted from the same layout), copies its state instead. */
  constructor(
    readonly layout: Layout,
    from?: Node,
  ) {
    if (from !== undefined) {
      for (const z of from.zones) this.zones.push(z.clone());
      this.minFreeKbytes = from.minFreeKbytes;
      this.totalreservePages = from.totalreservePages;
      return;
    }
    const usable = layout.ram.flatMap((r) => unreserved(r, layout.reserved));
    for (let idx = 0; idx < MAX_NR_ZONES; idx++) {
      const span = zoneSpan(layout, idx);
      const name = ZONE_NAMES[idx] as string;
      this.zones.push(
        new Zone(idx, name, span.start, span.end, MAX_NR_ZONES, wordsEnd(span, usable)),
      );
    }
    for (const r of layout.ram)
      this.forEachZoneRange(r.start, r.end, (z, s, e) => {
        z.w0.fill(K_NONE, s, e);
        z.present += e - s;
      });
    for (const r of layout.reserved) this.markReserved(r.start, r.end);
    for (const z of this.zones) z.blockMt.fill(MIGRATE_MOVABLE);
    // memblock_free_all: CMA areas are memblock-reserved until cma_init_reserved_areas.
    const held = [...layout.reserved, ...layout.cma].sort((a, b) => a.start - b.start);
    for (const r of layout.ram)
      for (const f of unreserved(r, held))
        this.forEachZoneRange(f.start, f.end, (z, s, e) => this.freeRange(z, s, e));
    for (const z of this.zones) z.managed = z.freePages;
    for (const r of layout.cma) {
      this.forEachZoneRange(r.start, r.end, (z, s, e) => {
        for (let b = s; b < e; b += PAGEBLOCK_NR_PAGES) {
          z.blockMt[b >>> PAGEBLOCK_ORDER] = MIGRATE_CMA;
          freeThePage(z, b, PAGEBLOCK_ORDER, 0);
          z.managed += PAGEBLOCK_NR_PAGES;
          z.cmaPages += PAGEBLOCK_NR_PAGES;
        }
      });
    }
    let lowmem = 0;
    for (const z of this.zones) if (z.idx <= ZONE_NORMAL) lowmem += z.managed;
    this.minFreeKbytes = minFreeKbytes(lowmem);
    setupPerZoneWmarks(this.zones, this.minFreeKbytes);
    setupLowmemReserve(this.zones);
    this.totalreservePages = totalreservePages(this.zones);
  }

  /**
   * Hands the zones' page words back for reuse by the next machine of this size in this thread
   * (see page-words.ts); the node must not be used afterwards.
   */
  release(): void {
    for (const z of this.zones) z.release();
  }

  /** An independent copy of this node. */
  clone(): Node {
    return new Node(this.layout, this);
  }

  /** The zone and local index of a pfn, or undefined outside every zone's arrays. */
  locate(pfn: number): [Zone, number] | undefined {
    const z = this.zoneOf(pfn);
    return z === undefined ? undefined : [z, pfn - z.base];
  }

  /** The zone whose arrays hold a pfn (its local index is pfn - base), without allocating. */
  zoneOf(pfn: number): Zone | undefined {
    for (const z of this.zones) {
      const i = pfn - z.base;
      if (i >= 0 && i < z.size) return z;
    }
    return undefined;
  }

  /** Sum of managed pages over all zones. */
  get managed(): number {
    return this.zones.reduce((sum, z) => sum + z.managed, 0);
  }

  /** has_managed_dma(): ZONE_DMA has managed pages. */
  hasManagedDma(): boolean {
    return (this.zones[0] as Zone).managed > 0;
  }

  private forEachZoneRange(
    start: number,
    end: number,
    fn: (z: Zone, localStart: number, localEnd: number) => void,
  ): void {
    for (const z of this.zones) {
      const s = Math.max(start, z.spanStart);
      const e = Math.min(end, z.spanEnd);
      if (s < e) fn(z, s - z.base, e - z.base);
    }
  }

  private markReserved(start: number, end: number): void {
    this.forEachZoneRange(start, end, (z, s, e) => {
      const w0 = z.w0;
      // The part past the words is the zone's reserved tail: count its present pages.
      let n = presentPages(this.layout.ram, z.base + Math.max(s, z.size), z.base + e);
      for (let i = s; i < Math.min(e, z.size); i++) {
        const w = w0[i] as number;
        if (w >>> 28 !== K_HOLE) {
          w0[i] = ((K_RESERVED << 28) | (w & NIL)) >>> 0; // setHead(i, K_RESERVED, 0)
          n++;
        }
      }
      z.allocated[K_RESERVED] = (z.allocated[K_RESERVED] as number) + n;
    });
  }

  /**
   * __free_pages_memory over unreserved [s, e): the largest naturally aligned chunks, each to
   * the tail of its free list (__free_pages_core -> __free_pages_ok(FPI_TO_TAIL)).
   */
  private freeRange(z: Zone, s: number, e: number): void {
    let i = s;
    while (i < e) {
      let order = Math.min(MAX_ORDER, i === 0 ? MAX_ORDER : ctz(i));
      while (i + (1 << order) > e) order--;
      freePagesOk(z, i, order, true);
      i += 1 << order;
    }
  }

  /**
   * Accounting and structure problems, as messages: free + allocated = managed per zone; free
   * blocks aligned, inside present RAM, not overlapping, merged where the buddy is free; the
   * free lists agree with the per-page marks.
   */
  check(): string[] {
    const problems: string[] = [];
    for (const z of this.zones) {
      const { free, used } = checkBlocks(z, problems);
      if (free !== z.freePages)
        problems.push(`${z.name}: ${free} free pages marked, ${z.freePages} counted`);
      if (free + used !== z.managed) {
        problems.push(`${z.name}: free ${free} + allocated ${used} != managed ${z.managed}`);
      }
      const listed = checkLists(z, problems);
      if (listed !== z.freePages)
        problems.push(`${z.name}: free lists hold ${listed} pages, ${z.freePages} counted`);
      z.pcp.forEach((p, cpu) => {
        let held = 0;
        for (let pindex = 0; pindex < NR_PCP_LISTS; pindex++)
          for (let i = p.head[pindex] as number; i !== NIL; i = z.next(i)) {
            if (z.kind(i) !== K_PCP)
              problems.push(
                `${z.name}: cpu ${cpu} list ${pindex} holds ${z.base + i}, not a pcp page`,
              );
            held += 1 << pindexToOrder(pindex);
          }
        if (held !== p.count)
          problems.push(`${z.name}: cpu ${cpu} lists hold ${held} pages, ${p.count} counted`);
      });
    }
    return problems;
  }
}

/** Machines up to this many pages of words keep a pristine copy of their boot (8 B a page). */
const BOOT_CACHE_MAX_PAGES = 1 << 19;
/** How many pristine boots are kept (the oldest goes first). */
const BOOT_CACHE_ENTRIES = 16;
const bootCache = new Map<string, Node>();

/**
 * A booted node for `layout`: a copy of a pristine boot of the same layout when one is cached
 * (typed-array copies instead of memblock_free_all page by page: fuzz targets boot per input),
 * else a fresh boot, kept as the pristine copy when the machine is small.
 */
export function bootNode(layout: Layout): Node {
  const key = JSON.stringify(layout);
  const cached = bootCache.get(key);
  if (cached !== undefined) return cached.clone();
  const node = new Node(layout);
  if (node.zones.reduce((n, z) => n + z.size, 0) > BOOT_CACHE_MAX_PAGES) return node;
  if (bootCache.size >= BOOT_CACHE_ENTRIES)
    bootCache.delete(bootCache.keys().next().value as string);
  bootCache.set(key, node);
  return node.clone();
}

/**
 * Page words by top byte (kind and order): what ends a run of allocated order-0 pages (kind
 * strictly between K_FREE and K_RESERVED, order 0), and what ends a block's tail (not K_NONE).
 */
const NOT_OWNED_ORDER0 = topByteTable(
  (b) => !(b >>> 4 > K_FREE && b >>> 4 < K_RESERVED && (b & 15) === 0),
);
const NOT_TAIL = topByteTable((b) => b >>> 4 !== K_NONE);

/** check()'s walk over z's blocks: free and allocated page totals; problems as messages. */
function checkBlocks(z: Zone, problems: string[]): { free: number; used: number } {
  const w0 = z.w0;
  const size = z.size;
  let free = 0;
  let used = 0;
  const blockFree = new Uint16Array(z.blockFree.length);
  for (let i = 0; i < size;) {
    // Allocated order-0 pages (most of a full machine) in one scan.
    const run = i;
    i = findTopByte(w0, i, size, NOT_OWNED_ORDER0);
    used += i - run;
    if (i === size) break;
    const w = w0[i] as number;
    const kind = w >>> 28;
    const pages = 1 << ((w >>> 24) & 15);
    if (kind === K_NONE) {
      problems.push(`${z.name}: pfn ${z.base + i} belongs to no block`);
      i++;
      continue;
    }
    if (kind === K_FREE) {
      free += pages;
      blockFree[i >>> PAGEBLOCK_ORDER] = (blockFree[i >>> PAGEBLOCK_ORDER] as number) + pages;
      checkFreeBlock(z, i, problems);
    } else if (kind !== K_HOLE && kind !== K_RESERVED) {
      used += pages;
    }
    const end = Math.min(i + pages, size);
    for (
      let j = findTopByte(w0, i + 1, end, NOT_TAIL);
      j < end;
      j = findTopByte(w0, j + 1, end, NOT_TAIL)
    )
      problems.push(`${z.name}: block ${z.base + i} overlaps ${z.base + j}`);
    i += pages;
  }
  const off = blockFree.findIndex((n, b) => n !== z.blockFree[b]);
  if (off >= 0) problems.push(`${z.name}: free page index of pageblock ${off} out of step`);
  return { free, used };
}

/** check()'s walk over z's free lists: the pages they hold; wrongly marked members as messages. */
function checkLists(z: Zone, problems: string[]): number {
  const w0 = z.w0;
  const w1 = z.w1;
  let listed = 0;
  for (let o = 0; o <= MAX_ORDER; o++) {
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
      // A free head reads kind K_FREE, order o in word0 and tag mt in word1.
      const head = ((K_FREE << 28) | (o << 24)) >>> 0;
      const tag = (mt << 24) >>> 0;
      for (let i = z.firstFree(o, mt); i !== NIL; i = (w0[i] as number) & NIL) {
        listed += 1 << o;
        if (((w0[i] as number) & ~NIL) >>> 0 !== head || ((w1[i] as number) & ~NIL) >>> 0 !== tag) {
          problems.push(`${z.name}: list ${o}/${mt} holds ${z.base + i} with a wrong mark`);
          break;
        }
      }
    }
  }
  return listed;
}

/**
 * A free block is aligned and, below pageblock order, not beside a free buddy of its order
 * (__free_one_page merges those unconditionally). From pageblock order up, free buddies can
 * stay apart in the kernel too: __free_one_page keeps a highatomic (or isolated, CMA) block from
 * its buddy, and when unreserve_highatomic_pageblock or steal_suitable_fallback later retypes the
 * block, move_freepages_block moves its free pages to the new list without merging them (v6.8
 * mm/page_alloc.c), so two mergeable buddies can sit side by side until one is allocated.
 */
function checkFreeBlock(z: Zone, i: number, problems: string[]): void {
  const order = z.order(i);
  if ((i & ((1 << order) - 1)) !== 0)
    problems.push(`${z.name}: free block ${z.base + i} misaligned`);
  const buddy = i ^ (1 << order);
  if (
    order < PAGEBLOCK_ORDER &&
    z.has(buddy) &&
    z.kind(buddy) === K_FREE &&
    z.order(buddy) === order
  ) {
    problems.push(`${z.name}: free block ${z.base + i} order ${order} not merged with its buddy`);
  }
}

/** The parts of `range` outside every reservation (both sorted and disjoint), in order. */
function unreserved(range: PfnRange, reserved: readonly PfnRange[]): PfnRange[] {
  const out: PfnRange[] = [];
  let start = range.start;
  for (const r of reserved) {
    if (r.end <= start) continue;
    if (r.start >= range.end) break;
    if (r.start > start) out.push({ start, end: r.start });
    start = Math.max(start, r.end);
  }
  if (start < range.end) out.push({ start, end: range.end });
  return out;
}

/**
 * Where zone `span`'s page words may stop: the end of its last page outside every reservation
 * (the span's end when it has none, so a wholly reserved zone keeps its words).
 */
function wordsEnd(span: PfnRange, usable: readonly PfnRange[]): number {
  let end = span.start;
  for (const f of usable) {
    const e = Math.min(f.end, span.end);
    if (Math.max(f.start, span.start) < e) end = Math.max(end, e);
  }
  return end > span.start ? end : span.end;
}

/** Present pages of `ram` in [start, end). */
function presentPages(ram: readonly PfnRange[], start: number, end: number): number {
  let n = 0;
  for (const r of ram) n += Math.max(0, Math.min(r.end, end) - Math.max(r.start, start));
  return n;
}

/** Count of trailing zero bits of a positive safe integer. */
function ctz(x: number): number {
  let n = 0;
  let v = x;
  while (v % 2 === 0) {
    v /= 2;
    n++;
  }
  return n;
}
