/**
 * The swiotlb static-pool model: kernel/dma/swiotlb.c as of v6.8 (git blob b079a9a8e087) and v6.9
 * (git blob 0de66f0ff43a), without CONFIG_SWIOTLB_DYNAMIC. swiotlb_tbl_map_single(),
 * swiotlb_tbl_unmap_single(), swiotlb_map()'s device-limit check, swiotlb_alloc() and
 * swiotlb_free() composed over one SwiotlbPool, driven by SwiotlbOp values. See ./README.md.
 */
import { type Model, type ModelContext, OpRejected } from "../model.js";
import { DMA_ATTR_NO_WARN, type FreeOp, type MapOp, type SwiotlbOp, type UnmapOp } from "./ops.js";
import {
  IO_TLB_SEGSIZE,
  IO_TLB_SHIFT,
  IO_TLB_SIZE,
  nrSlots,
  type SlotRelease,
  SwiotlbPool,
} from "./pool.js";
import { findSlots, mapSlotRequest, slotQuery } from "./search.js";
import type { SwiotlbVariant } from "./variants.js";
import { addressOverflow, bufferFull, invalidSizes, type SwiotlbWarning } from "./warnings.js";

/** The dump line's fields (golden format). */
export interface SwiotlbDump {
  list: [number, number][];
  areas: { used: number; index: number }[];
  orig_valid_slots: number;
  warnings: number;
}

/** A map or alloc outcome. */
export interface SwiotlbAllocation {
  kind: "map" | "alloc";
  /** What the API returned: the bounce address (alloc: the page's address), or null. */
  tlb: number | null;
  /** The first slot the allocation holds (padding included) and how many, or -1 and 0. */
  slot: number;
  nslots: number;
  warnings: readonly SwiotlbWarning[];
}

/** An unmap or free: the slots swiotlb_release_slots() released, rightly or not. */
export type SwiotlbRelease = SlotRelease;

export type SwiotlbResult =
  { kind: "ok" } | SwiotlbAllocation | SwiotlbRelease | { kind: "dump"; dump: SwiotlbDump };

const OK: SwiotlbResult = { kind: "ok" };
const NO_WARNINGS: readonly SwiotlbWarning[] = Object.freeze([]);

/** The default pool before any init op: IO_TLB_DEFAULT_SIZE (64 MiB) in 4 areas below 1 GiB. */
const DEFAULT_INIT = { nslabs: 32768, nareas: 4, start: 0x3c00_0000, page_size: 4096 };

export class SwiotlbModel implements Model<SwiotlbOp, SwiotlbResult> {
  /** Null until the first op: a trace that starts with init never builds the default pool. */
  private current: SwiotlbPool | null = null;
  /** PAGE_SIZE of the pool's kernel (init's page_size). */
  pageSize = DEFAULT_INIT.page_size;
  private warnings = 0;
  /** Counters for features and benchmarks. */
  readonly counters = { maps: 0, mapFailures: 0, allocs: 0, allocFailures: 0 };
  private lastFailed = false;

  constructor(
    readonly config: SwiotlbVariant,
    _context: ModelContext,
  ) {}

  get variant(): string {
    return this.config.name;
  }

  /** The live pool (for oracles and tests that look inside). */
  get swiotlbPool(): SwiotlbPool {
    return this.pool;
  }

  private get pool(): SwiotlbPool {
    this.current ??= new SwiotlbPool(DEFAULT_INIT.nslabs, DEFAULT_INIT.nareas, DEFAULT_INIT.start);
    return this.current;
  }

  apply(op: SwiotlbOp): SwiotlbResult {
    switch (op.op) {
      case "init":
        this.init(op.nslabs, op.nareas, op.start, op.page_size);
        return OK;
      case "map":
        return this.map(op);
      case "unmap":
        return this.release(op);
      case "alloc":
        return this.alloc(op.size, op.min_align_mask, op.cpu, op.seg_boundary_mask);
      case "free":
        return this.release(op);
      case "dump":
        return { kind: "dump", dump: this.dump() };
    }
  }

  /** The golden dump of the whole state. */
  dump(): SwiotlbDump {
    const p = this.pool;
    const areas: { used: number; index: number }[] = [];
    for (let a = 0; a < p.nareas; a++) {
      const used = p.areaUsed[a] as number;
      areas.push({ used: used < 0 ? used + 2 ** 64 : used, index: p.areaIndex[a] as number });
    }
    return {
      list: p.listRuns(),
      areas,
      orig_valid_slots: p.origValidSlots(),
      warnings: this.warnings,
    };
  }

  check(): string[] {
    const p = this.pool;
    const problems: string[] = [];
    const report = (message: string) => {
      if (problems.length < 20) problems.push(message);
    };
    const allocated = new Float64Array(p.nareas);
    for (let i = 0; i < p.nslabs; i++) {
      const v = p.list[i] as number;
      const next = (i + 1) % IO_TLB_SEGSIZE === 0 ? 0 : (p.list[i + 1] as number);
      const want = v === 0 ? 0 : next === 0 ? 1 : next + 1;
      if (v !== want) report(`slot ${i}: list ${v}, but the free run from it is ${want}`);
      if (v === 0) (allocated[Math.floor(i / p.areaNslabs)] as number)++;
      else if (p.origAddr[i] !== -1 || p.padSlots[i] !== 0 || p.allocSize[i] !== 0) {
        report(`slot ${i} is free but keeps orig_addr, alloc_size or pad_slots`);
      }
    }
    for (let a = 0; a < p.nareas; a++) {
      if (p.areaUsed[a] !== allocated[a]) {
        report(`area ${a}: used ${p.areaUsed[a]}, but ${allocated[a]} slots are allocated`);
      }
      if ((p.areaIndex[a] as number) >= p.areaNslabs) report(`area ${a}: index out of the area`);
    }
    return problems;
  }

  snapshot(): unknown {
    const p = this.pool;
    return { variant: this.variant, nslabs: p.nslabs, start: p.start, ...this.dump() };
  }

  features(): Record<string, number> {
    const p = this.pool;
    const used = p.used();
    return {
      usedEighths: Math.max(0, Math.min(8, Math.floor((used * 8) / p.nslabs))),
      lastFailed: this.lastFailed ? 1 : 0,
      warnings: Math.min(this.warnings, 3),
      slotsCheckedLog2: Math.min(31, Math.floor(Math.log2(p.slotsChecked + 1))),
    };
  }

  private init(nslabs: number, nareas: number, start: number, pageSize: number): void {
    this.current = new SwiotlbPool(nslabs, nareas, start);
    this.pageSize = pageSize;
    this.warnings = 0;
  }

  /** swiotlb_tbl_map_single(), then swiotlb_map()'s dma_capable() check when dma_limit is set. */
  private map(op: MapOp): SwiotlbAllocation {
    const p = this.pool;
    this.counters.maps++;
    if (op.size > op.alloc_size) return this.mapFailed(invalidSizes(op.size, op.alloc_size));
    const { request, fullOffset } = mapSlotRequest(this.config, op);
    const query = slotQuery(this.config, p, this.pageSize, request);
    const first = findSlots(p, query, op.cpu);
    if (first < 0) {
      if ((op.attrs & DMA_ATTR_NO_WARN) !== 0) return this.mapFailed(null);
      return this.mapFailed(bufferFull(op.alloc_size, p.nslabs, p.used()));
    }
    // Below 128 slots in all, so pad_slots (unsigned short) never truncates.
    const pad = fullOffset >>> IO_TLB_SHIFT;
    const offset = fullOffset & (IO_TLB_SIZE - 1);
    const index = first + pad;
    p.padSlots[index] = pad;
    p.setOrig(index, nrSlots(op.alloc_size + offset), op.orig);
    const tlb = p.start + index * IO_TLB_SIZE + offset;
    if (op.dma_limit !== 0 && tlb + op.size - 1 > op.dma_limit) {
      p.release(tlb, op.min_align_mask);
      return this.mapFailed(addressOverflow(tlb, op.size, op.dma_limit));
    }
    this.lastFailed = false;
    return { kind: "map", tlb, slot: first, nslots: query.nslots, warnings: NO_WARNINGS };
  }

  private mapFailed(warning: SwiotlbWarning | null): SwiotlbAllocation {
    this.counters.mapFailures++;
    this.lastFailed = true;
    if (warning !== null) this.warnings++;
    const warnings = warning === null ? NO_WARNINGS : [warning];
    return { kind: "map", tlb: null, slot: -1, nslots: 0, warnings };
  }

  /** swiotlb_alloc(): orig_addr 0; failures are silent. */
  private alloc(size: number, minAlignMask: number, cpu: number, boundary: number): SwiotlbResult {
    const p = this.pool;
    this.counters.allocs++;
    const query = slotQuery(this.config, p, this.pageSize, {
      orig: 0,
      allocSize: size,
      allocAlignMask: this.config.allocAlignment === "order" ? this.orderMask(size) : 0,
      minAlignMask,
      segBoundaryMask: boundary,
    });
    const slot = findSlots(p, query, cpu);
    this.lastFailed = slot < 0;
    if (slot < 0) {
      this.counters.allocFailures++;
      return { kind: "alloc", tlb: null, slot: -1, nslots: 0, warnings: NO_WARNINGS };
    }
    // pfn_to_page(PFN_DOWN(tlb_addr)): v6.8 returns the page below an odd first slot. v6.9's
    // PAGE_ALIGNED() refusal (823353b7cf0e) cannot trigger: the pool start is page-aligned and
    // the slot test clears the order's bits of the (boundary-masked) address.
    const addr = p.start + slot * IO_TLB_SIZE;
    const tlb = Math.floor(addr / this.pageSize) * this.pageSize;
    return { kind: "alloc", tlb, slot, nslots: query.nslots, warnings: NO_WARNINGS };
  }

  /** (1 << (get_order(size) + PAGE_SHIFT)) - 1, as unsigned int; all ones once it overflows. */
  private orderMask(size: number): number {
    let bytes = this.pageSize;
    while (bytes < size) bytes *= 2;
    return bytes > 2 ** 31 ? 0xffff_ffff : bytes - 1;
  }

  /** swiotlb_tbl_unmap_single() and swiotlb_free(): swiotlb_release_slots() of the address. */
  private release(op: UnmapOp | FreeOp): SwiotlbRelease {
    const p = this.pool;
    if (!p.contains(op.tlb)) {
      throw new OpRejected(`${op.op} of ${op.tlb}: not in the pool [${p.start}, ${p.end})`);
    }
    return p.release(op.tlb, op.min_align_mask);
  }
}
