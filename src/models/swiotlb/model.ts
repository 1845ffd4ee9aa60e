/**
 * The swiotlb model: kernel/dma/swiotlb.c as of v6.1, v6.6, v6.8, v6.9 and v7.1 (git blobs in
 * ./variants.ts), without and with CONFIG_SWIOTLB_DYNAMIC, the RFC v1 of March 2023, and
 * proposals that are not kernel releases.
 * swiotlb_tbl_map_single(), swiotlb_tbl_unmap_single(), swiotlb_map()'s device-limit check,
 * swiotlb_alloc(), swiotlb_free() and the sync lookups composed over a PoolList (./dynamic.ts),
 * the RFC's buffers (./rfc.ts) and a page allocator (./page-source.ts), driven by SwiotlbOp
 * values. See ./README.md.
 */
import { type Model, type ModelContext, OpRejected } from "../model.js";
import { type Found, PoolList, type PoolCounters, type PoolEntry } from "./dynamic.js";
import {
  DMA_ATTR_MAY_SLEEP,
  DMA_ATTR_NO_WARN,
  type FreeOp,
  type InitOp,
  type MapOp,
  type PoolKind,
  type SwiotlbOp,
  type UnmapOp,
} from "./ops.js";
import { NO_LIMIT, type PageCall, PageSource } from "./page-source.js";
import {
  IO_TLB_SHIFT,
  IO_TLB_SIZE,
  nrSlots,
  SEARCH_HANG,
  type SlotRelease,
  SwiotlbPool,
} from "./pool.js";
import { checkState, dumpState, type SwiotlbDump } from "./inspect.js";
import { type DynBuffer, RfcBuffers } from "./rfc.js";
import { mapSlotRequest, type SlotRequest } from "./search.js";
import type { SwiotlbVariant } from "./variants.js";
import {
  addressOverflow,
  alignmentWarning,
  bufferFull,
  invalidSizes,
  type SwiotlbWarning,
} from "./warnings.js";

/** A map or alloc outcome. */
export interface SwiotlbAllocation {
  kind: "map" | "alloc";
  /** What the API returned: the bounce address (alloc: the page's address), or null. */
  tlb: number | null;
  /** The first slot the allocation holds (padding included) and how many, or -1 and 0. */
  slot: number;
  nslots: number;
  warnings: readonly SwiotlbWarning[];
  /** Page allocations made during the op (dynamic designs; the growth worker's included). */
  pageCalls: readonly PageCall[];
  /** Where the buffer is: a pool's start (the defpool's for static builds) or an RFC buffer. */
  where: "pool" | "transient" | "dyn-buffer" | null;
  /** True when the slot search never returns (v6.1's loop): the op hangs, tlb is null. */
  hang?: boolean;
}

/** An unmap or free: the slots swiotlb_release_slots() released, rightly or not. */
export type SwiotlbRelease = SlotRelease;

export type { SwiotlbDump } from "./inspect.js";

export type SwiotlbResult =
  | { kind: "ok" }
  | { kind: "skipped" }
  | SwiotlbAllocation
  | SwiotlbRelease
  | { kind: "dump"; dump: SwiotlbDump };

const OK: SwiotlbResult = { kind: "ok" };
/** An unmap or free of an allocation that failed (the golden traces' `"expect":"skipped"`). */
const SKIPPED: SwiotlbResult = { kind: "skipped" };
const NO_WARNINGS: readonly SwiotlbWarning[] = Object.freeze([]);
const NO_CALLS: readonly PageCall[] = Object.freeze([]);

/** The default pool before any init op: IO_TLB_DEFAULT_SIZE (64 MiB) in 4 areas below 1 GiB. */
const DEFAULT_INIT: InitOp = {
  op: "init",
  nslabs: 32768,
  nareas: 4,
  start: 0x3c00_0000,
  page_size: 4096,
};
/** The machine of the dynamic designs unless init names one: a small PC, quick to boot. */
const DEFAULT_MACHINE = { layout: "x86_64", ramMib: 256 } as const;

export class SwiotlbModel implements Model<SwiotlbOp, SwiotlbResult> {
  /** Null until the first op: a trace that starts with init never builds the default pool. */
  private current: PoolList | null = null;
  /** The page allocator of the dynamic designs (null for static builds). */
  private source: PageSource | null = null;
  /** RFC v1's dynamic buffers (rfc-v1 with a default pool only). */
  private dyn: RfcBuffers | null = null;
  /** PAGE_SIZE of the pool's kernel (init's page_size). */
  pageSize = DEFAULT_INIT.page_size;
  /** The io_tlb_mem set up: the default one or a restricted-dma-pool. */
  poolKind: PoolKind = "default";
  private warnings = 0;
  /** Counters for features and benchmarks. */
  readonly counters = { maps: 0, mapFailures: 0, allocs: 0, allocFailures: 0 };
  private lastFailed = false;
  /** The index of the op whose slot search never returned (v6.1), or -1. */
  private hungAt = -1;
  private opIndex = 0;

  constructor(
    readonly config: SwiotlbVariant,
    private readonly context: ModelContext,
  ) {}

  get variant(): string {
    return this.config.name;
  }

  /** The boot-time pool (for oracles and tests that look inside). */
  get swiotlbPool(): SwiotlbPool {
    return this.pools.defpool;
  }

  /** io_tlb_mem's pool list (one pool in a static build). */
  get pools(): PoolList {
    this.current ??= this.init(DEFAULT_INIT);
    return this.current;
  }

  /** The page allocator behind the dynamic designs, or null. */
  get pageSource(): PageSource | null {
    void this.pools;
    return this.source;
  }

  /** RFC v1's live dynamic buffers, or null. */
  get rfcBuffers(): RfcBuffers | null {
    void this.pools;
    return this.dyn;
  }

  /** Pool-list and RFC costs so far. */
  get poolCounters(): PoolCounters {
    return this.pools.counters;
  }

  apply(op: SwiotlbOp): SwiotlbResult {
    const index = this.opIndex++;
    if (op.op === "init") {
      this.current = this.init(op);
      this.hungAt = -1;
      return OK;
    }
    if (this.hungAt >= 0 && op.op !== "dump") {
      throw new OpRejected(
        `${op.op} after op ${this.hungAt}, whose slot search never returned (the CPU spins holding the area lock)`,
      );
    }
    if ((op.op === "unmap" || op.op === "free") && op.tlb === null) return SKIPPED;
    const result = this.applyOp(op);
    if ((result.kind === "map" || result.kind === "alloc") && result.hang === true) {
      this.hungAt = index;
    }
    return result;
  }

  private applyOp(op: Exclude<SwiotlbOp, InitOp>): SwiotlbResult {
    const pools = this.pools;
    if (pools.workDueNs !== null && pools.workDueNs <= this.context.clock.now) {
      pools.runGrowthWork();
    }
    switch (op.op) {
      case "map":
        return this.map(op);
      case "unmap":
        return this.release(op);
      case "alloc":
        return this.alloc(op.size, op.min_align_mask, op.cpu, op.seg_boundary_mask);
      case "free":
        return this.release(op);
      case "sync":
        this.lookup(op.tlb, op.op);
        return OK;
      case "advance":
        this.advance(op.ms);
        return OK;
      case "dump":
        return { kind: "dump", dump: this.dump() };
    }
  }

  /** The golden dump of the boot-time pool, plus the dynamic designs' pools and buffers. */
  dump(): SwiotlbDump {
    return dumpState(this.pools, this.dyn, this.warnings, this.config.design !== "static");
  }

  check(): string[] {
    return checkState(this.pools, this.source, this.dyn);
  }

  snapshot(): unknown {
    const p = this.pools.defpool;
    return { variant: this.variant, nslabs: p.nslabs, start: p.start, ...this.dump() };
  }

  features(): Record<string, number> {
    const pools = this.pools;
    const p = pools.defpool;
    const used = p.used();
    return {
      usedEighths: Math.max(0, Math.min(8, Math.floor((used * 8) / p.nslabs))),
      lastFailed: this.lastFailed ? 1 : 0,
      warnings: Math.min(this.warnings, 3),
      slotsCheckedLog2: Math.min(31, Math.floor(Math.log2(p.slotsChecked + 1))),
      pools: Math.min(pools.pools.length, 4),
      transients: Math.min(pools.transients.length, 4),
      dynBuffers: Math.min(this.dyn?.live ?? 0, 4),
    };
  }

  /** Bytes of bounce buffer held: every pool (transient ones included) and RFC buffers. */
  reservedBytes(): number {
    return this.pools.reservedBytes() + (this.dyn?.reservedBytes() ?? 0);
  }

  private init(op: InitOp): PoolList {
    const defpool = new SwiotlbPool(op.nslabs, op.nareas, op.start);
    this.pageSize = op.page_size;
    this.warnings = 0;
    this.poolKind = op.kind ?? "default";
    const restricted = this.poolKind === "restricted";
    const design = this.config.design;
    this.source = null;
    this.dyn = null;
    if (design !== "static") {
      if (op.page_size !== 4096) {
        throw new OpRejected(`init: the ${design} design runs on 4 KiB pages (page_size 4096)`);
      }
      const machine = {
        layout: op.layout ?? DEFAULT_MACHINE.layout,
        ramMib: op.ram_mib ?? DEFAULT_MACHINE.ramMib,
      };
      this.source = new PageSource(machine, { start: op.start, end: defpool.end }, this.context);
      if (design === "rfc-v1" && !restricted) this.dyn = new RfcBuffers(this.source, op.page_size);
    }
    // ARCH_LOW_ADDRESS_LIMIT: arm64's is the DMA zone limit (1 GiB on the RPi4), x86's 4 GiB.
    const physLimit = op.phys_limit ?? (op.layout === "rpi4" ? 0x3fff_ffff : 0xffff_ffff);
    const canGrow = design === "dynamic" && !restricted;
    const dynamic = design === "dynamic";
    return new PoolList(defpool, dynamic, canGrow, canGrow ? this.source : null, physLimit);
  }

  /** swiotlb_tbl_map_single(), then swiotlb_map()'s dma_capable() check when dma_limit is set. */
  private map(op: MapOp): SwiotlbAllocation {
    this.counters.maps++;
    const aligned = this.config.mapSize === "aligned";
    if (!aligned && op.size > op.alloc_size) {
      return this.mapFailed([invalidSizes(op.size, op.alloc_size)]);
    }
    // v6.10 on: dev_WARN_ONCE(), counted on every occurrence as the golden harness counts it.
    const before: SwiotlbWarning[] = [];
    if (this.config.alignWarning && op.alloc_align_mask > this.pageSize - 1) {
      before.push(alignmentWarning());
      this.warnings++;
    }
    const limit = op.dma_limit === 0 ? NO_LIMIT : op.dma_limit;
    const dyn = this.dyn;
    if (dyn !== null && dyn.eligible(op.alloc_size, op.alloc_align_mask, op.min_align_mask)) {
      const buffer = dyn.map(op.alloc_size, (op.attrs & DMA_ATTR_MAY_SLEEP) !== 0, limit);
      if (buffer !== null) return this.mapped(buffer.start, -1, 0, "dyn-buffer");
    }
    const { request, fullOffset } = mapSlotRequest(this.config, op);
    if (request.allocSize === 0) {
      throw new OpRejected(
        `map: ALIGN(size + offset, alloc_align_mask + 1) is 0 for alloc_align_mask ${op.alloc_align_mask}: BUG_ON(!nslots)`,
      );
    }
    const found = this.findSlots(request, op.cpu, limit);
    if (found === null || found.slot === SEARCH_HANG) {
      const hang = found !== null;
      if (hang || (op.attrs & DMA_ATTR_NO_WARN) !== 0) return this.mapFailed(before, hang);
      const sz = aligned ? request.allocSize : op.alloc_size;
      const full = bufferFull(sz, this.pools.nslabs, this.pools.used());
      return this.mapFailed([...before, full]);
    }
    const entry = found.entry;
    const first = found.slot;
    const p = entry.pool;
    // Below 128 slots in all, so pad_slots (unsigned short) never truncates.
    const pad = fullOffset >>> IO_TLB_SHIFT;
    const offset = fullOffset & (IO_TLB_SIZE - 1);
    const index = first + pad;
    p.padSlots[index] = pad;
    const origSlots = aligned ? nrSlots(request.allocSize) - pad : nrSlots(op.alloc_size + offset);
    p.setOrig(index, origSlots, op.orig);
    const tlb = p.start + index * IO_TLB_SIZE + offset;
    const dynamic = this.config.design === "dynamic";
    // swiotlb_bounce(DMA_TO_DEVICE) looks the pool up again (a walk in a dynamic build).
    if (dynamic) this.pools.findPool(tlb);
    if (op.dma_limit !== 0 && tlb + op.size - 1 > op.dma_limit) {
      // swiotlb_tbl_unmap_single(): swiotlb_del_transient() and swiotlb_release_slots() walk.
      if (dynamic && !entry.transient) this.pools.repeatLookup(1);
      this.releaseIn(entry, tlb, op.min_align_mask);
      return this.mapFailed([...before, addressOverflow(tlb, op.size, op.dma_limit)]);
    }
    const nslots = nrSlots(request.allocSize);
    return this.mapped(tlb, first, nslots, entry.transient ? "transient" : "pool", before);
  }

  private mapped(
    tlb: number,
    slot: number,
    nslots: number,
    where: SwiotlbAllocation["where"],
    warnings: readonly SwiotlbWarning[] = NO_WARNINGS,
  ): SwiotlbAllocation {
    this.lastFailed = false;
    const pageCalls = this.source?.take() ?? NO_CALLS;
    return { kind: "map", tlb, slot, nslots, warnings, pageCalls, where };
  }

  /** A failed map; `warnings` are those printed by this op (each counted here unless counted). */
  private mapFailed(warnings: readonly SwiotlbWarning[], hang = false): SwiotlbAllocation {
    this.counters.mapFailures++;
    this.lastFailed = true;
    for (const w of warnings) if (w.kind !== "other") this.warnings++;
    const pageCalls = this.source?.take() ?? NO_CALLS;
    const result: SwiotlbAllocation = {
      kind: "map",
      tlb: null,
      slot: -1,
      nslots: 0,
      warnings: warnings.length === 0 ? NO_WARNINGS : warnings,
      pageCalls,
      where: null,
    };
    if (hang) result.hang = true;
    return result;
  }

  /** swiotlb_find_slots() for a request over the pool list. */
  private findSlots(request: SlotRequest, cpu: number, limit: number): Found | null {
    return this.pools.findSlots({
      variant: this.config,
      pageSize: this.pageSize,
      request,
      cpu,
      limit,
      now: this.context.clock.now,
    });
  }

  /** swiotlb_alloc(): orig_addr 0; failures are silent. */
  private alloc(size: number, minAlignMask: number, cpu: number, boundary: number): SwiotlbResult {
    this.counters.allocs++;
    const request = {
      orig: 0,
      allocSize: size,
      allocAlignMask: this.config.allocAlignment === "order" ? this.orderMask(size) : 0,
      minAlignMask,
      segBoundaryMask: boundary,
    };
    const found = this.findSlots(request, cpu, NO_LIMIT);
    const failed = found === null || found.slot === SEARCH_HANG;
    this.lastFailed = failed;
    const pageCalls = this.source?.take() ?? NO_CALLS;
    if (failed) {
      this.counters.allocFailures++;
      const result: SwiotlbAllocation = {
        kind: "alloc",
        tlb: null,
        slot: -1,
        nslots: 0,
        warnings: NO_WARNINGS,
        pageCalls,
        where: null,
      };
      if (found !== null) result.hang = true;
      return result;
    }
    // pfn_to_page(PFN_DOWN(tlb_addr)): v6.8 returns the page below an odd first slot. v6.9's
    // PAGE_ALIGNED() refusal (823353b7cf0e) cannot trigger: the pool start is page-aligned and
    // the slot test clears the order's bits of the (boundary-masked) address.
    const addr = found.entry.pool.start + found.slot * IO_TLB_SIZE;
    const tlb = Math.floor(addr / this.pageSize) * this.pageSize;
    const where = found.entry.transient ? "transient" : "pool";
    return {
      kind: "alloc",
      tlb,
      slot: found.slot,
      nslots: nrSlots(size),
      warnings: NO_WARNINGS,
      pageCalls,
      where,
    };
  }

  /** (1 << (get_order(size) + PAGE_SHIFT)) - 1, as unsigned int; all ones once it overflows. */
  private orderMask(size: number): number {
    let bytes = this.pageSize;
    while (bytes < size) bytes *= 2;
    return bytes > 2 ** 31 ? 0xffff_ffff : bytes - 1;
  }

  /** Time passes; the growth work runs when it falls due on the way. */
  private advance(ms: number): void {
    const clock = this.context.clock;
    const target = clock.now + ms * 1_000_000;
    const pools = this.pools;
    if (pools.workDueNs !== null && pools.workDueNs <= target) {
      clock.advanceTo(Math.max(pools.workDueNs, clock.now));
      pools.runGrowthWork();
    }
    clock.advanceTo(Math.max(target, clock.now));
  }

  /**
   * The lookups of an unmap, sync or free as dma-direct makes them in v6.9 (DMA_TO_DEVICE maps,
   * unmapped without DMA_ATTR_SKIP_CPU_SYNC): is_swiotlb_buffer() twice per unmap (once in
   * dma_direct_sync_single_for_cpu()), once per sync and free, then swiotlb.c's own
   * swiotlb_find_pool() calls (sync: swiotlb_bounce(); unmap: swiotlb_del_transient() and, unless
   * transient, swiotlb_release_slots(); free: swiotlb_release_slots()). A static build's
   * is_swiotlb_buffer() is a range check and its swiotlb_find_pool() costs nothing; a dynamic
   * build walks the pools each time; the RFC looks its tree up for addresses off the fixed pool.
   * "missed": an RFC buffer the tree does not find (./rfc.ts), which dma-direct then leaves alone.
   * Bad input when nothing holds the address.
   */
  private lookup(addr: number, what: "unmap" | "sync" | "free"): PoolEntry | DynBuffer | "missed" {
    const dyn = this.dyn;
    // The RFC's swiotlb_free() checks the fixed pool only.
    if (dyn !== null && what !== "free" && !this.pools.defpool.contains(addr)) {
      const buffer = dyn.lookup(addr);
      if (buffer !== null) {
        dyn.lookup(addr, what === "unmap" ? 2 : 1);
        return buffer;
      }
      if (dyn.containing(addr) !== null) {
        if (what === "unmap") dyn.lookup(addr);
        return "missed";
      }
    }
    const pools = this.pools;
    const entry = pools.findPool(addr);
    if (entry === null) throw new OpRejected(`${what} of ${addr}: not a swiotlb buffer`);
    if (this.config.design === "dynamic") {
      pools.repeatLookup(what !== "unmap" ? 1 : entry.transient ? 2 : 3);
    } else if (what === "unmap") {
      pools.repeatLookup(1);
    }
    return entry;
  }

  /** swiotlb_tbl_unmap_single() and swiotlb_free(). */
  private release(op: UnmapOp | FreeOp): SwiotlbRelease {
    const tlb = op.tlb as number;
    const where = this.lookup(tlb, op.op);
    if (where === "missed") return { kind: "release", slot: -1, nslots: 0 };
    if (!("pool" in where)) {
      (this.dyn as RfcBuffers).unmap(where);
      return { kind: "release", slot: -1, nslots: 0 };
    }
    return this.releaseIn(where, tlb, op.min_align_mask);
  }

  /** swiotlb_del_transient() for a transient pool's buffer, else swiotlb_release_slots(). */
  private releaseIn(entry: PoolEntry, tlb: number, minAlignMask: number): SwiotlbRelease {
    if (entry.transient) {
      this.pools.deleteTransient(entry);
      return { kind: "release", slot: 0, nslots: entry.pool.nslabs };
    }
    return entry.pool.release(tlb, minAlignMask);
  }
}
