/**
 * General oracles for the swiotlb model, fed one (op, result) pair at a time: overlap of live
 * bounce buffers (every pool and the RFC's dynamic buffers), a mapping that loses the device's
 * min_align_mask offset or an allocation that is not page-aligned, a bounce buffer the device
 * cannot reach, spurious map failures (an exhaustive scan of the pools finds a free run that meets
 * the request under the fixed kernel's alignment rules, which next-fit missed), a page allocation
 * that may sleep and start I/O made from the block I/O path (the deadlock Hellwig objected to in
 * the RFC v1), kernel warnings and slot accounting. Canaries: swiotlb-oversize-mapping refines
 * the "buffer is full" warning of a mapping over 256 KiB (the Raspberry Pi 4 dma-buf failure);
 * swiotlb-rfc-sleeping-alloc-in-io-path the I/O-path allocation.
 */
import type { SwiotlbAllocation, SwiotlbModel, SwiotlbResult } from "../models/swiotlb/model.js";
import type { AllocOp, MapOp, SwiotlbOp } from "../models/swiotlb/ops.js";
import { gfpClass } from "../models/swiotlb/page-source.js";
import { formatGfp } from "../models/pagealloc/gfp.js";
import {
  IO_TLB_SEGSIZE,
  IO_TLB_SIZE,
  type SlotQuery,
  type SwiotlbPool,
} from "../models/swiotlb/pool.js";
import { mapSlotRequest, slotQuery } from "../models/swiotlb/search.js";
import { findSwiotlbVariant, type SwiotlbVariant } from "../models/swiotlb/variants.js";
import { type Finding, findingMaker } from "./finding.js";
import { LiveRanges } from "./live-ranges.js";

const INVARIANT_INTERVAL = 32;
/** The largest mapping one segment can hold: IO_TLB_SEGSIZE slots (256 KiB). */
export const MAX_MAPPING_BYTES = IO_TLB_SEGSIZE * IO_TLB_SIZE;
/** The reference alignment rules: v6.9's, after Deacon's fixes. */
const REFERENCE = findSwiotlbVariant("v6.9") as SwiotlbVariant;

export class SwiotlbOracle {
  private readonly finding = findingMaker("swiotlb", () => this.model.variant);
  private live = new LiveRanges();
  private ops = 0;

  constructor(private readonly model: SwiotlbModel) {}

  /** Checks one op's result; the first problem as a finding, else null. */
  check(op: SwiotlbOp, result: SwiotlbResult, index: number): Finding | null {
    switch (op.op) {
      case "init":
        this.live = new LiveRanges();
        return null;
      case "map":
      case "alloc":
        return this.checkAllocation(op, result as SwiotlbAllocation, index) ?? this.periodic(index);
      case "unmap":
      case "free":
        if (op.tlb !== null) this.live.removeContaining(op.tlb);
        return this.periodic(index);
      default:
        return null;
    }
  }

  /** The model's slot accounting and list[] invariants (call at the end of a run). */
  invariants(index: number): Finding | null {
    const problems = this.model.check();
    if (problems.length === 0) return null;
    return this.finding("accounting", index, "slot-accounting", problems[0] as string, {
      problems,
    });
  }

  private periodic(index: number): Finding | null {
    return ++this.ops % INVARIANT_INTERVAL === 0 ? this.invariants(index) : null;
  }

  private checkAllocation(
    op: MapOp | AllocOp,
    result: SwiotlbAllocation,
    index: number,
  ): Finding | null {
    const pageSize = this.model.pageSize;
    if (result.tlb !== null) {
      const lo = result.tlb;
      const hi = lo + op.size - 1;
      const evidence = {
        op,
        tlb: lo,
        slot: result.slot,
        nslots: result.nslots,
        where: result.where,
      };
      if (op.op === "map" && low32(lo & op.min_align_mask) !== low32(op.orig & op.min_align_mask)) {
        return this.finding(
          "mask-violation",
          index,
          "min-align-lost",
          `map returned ${lo}, whose min_align_mask bits differ from orig ${op.orig}`,
          evidence,
        );
      }
      if (op.op === "alloc" && lo % pageSize !== 0) {
        return this.finding(
          "mask-violation",
          index,
          "alloc-unaligned",
          `swiotlb_alloc returned ${lo}, not page-aligned`,
          evidence,
        );
      }
      if (op.op === "map" && op.dma_limit !== 0 && hi > op.dma_limit) {
        return this.finding(
          "out-of-range",
          index,
          "beyond-device-limit",
          `map returned [${lo}, ${hi}], beyond the device's DMA limit ${op.dma_limit}`,
          evidence,
        );
      }
      const clash = this.live.claim(lo, hi);
      if (clash) {
        return this.finding(
          "overlap",
          index,
          `${op.op}-overlap`,
          `${op.op} returned [${lo}, ${hi}] overlapping live [${clash[0]}, ${clash[1]}]`,
          { ...evidence, live: clash },
        );
      }
    } else if (op.op === "map" && op.alloc_size <= MAX_MAPPING_BYTES) {
      const request = mapSlotRequest(REFERENCE, op).request;
      for (const { pool } of this.model.pools.pools) {
        const query = slotQuery(REFERENCE, pool, pageSize, request);
        const slot = firstFit(pool, query);
        if (slot >= 0) {
          return this.finding(
            "spurious-failure",
            index,
            "map-missed-free-run",
            `map of ${op.alloc_size} bytes failed although slots ${slot}..${slot + query.nslots - 1} of the pool at ${pool.start} are free and suitably aligned`,
            { op, pool: pool.start, slot, nslots: query.nslots },
          );
        }
      }
    }
    if (op.op === "map" && op.io_path === 1) {
      const sleeping = result.pageCalls.find(
        (c) => c.caller === "map" && gfpClass(c.gfp) === "kernel",
      );
      if (sleeping !== undefined) {
        return this.finding(
          "deadlock-risk",
          index,
          "io-path-sleeping-alloc",
          `map in the I/O path allocated order-${sleeping.order} pages with ${formatGfp(sleeping.gfp)}: reclaim can issue I/O and wait on this path (deadlock risk)`,
          { op, call: { ...sleeping, gfp: formatGfp(sleeping.gfp) } },
          "swiotlb-rfc-sleeping-alloc-in-io-path",
        );
      }
    }
    const warning = result.warnings[0];
    if (warning === undefined) return null;
    // The Raspberry Pi 4 case: an unconstrained streaming mapping over one segment of the default
    // pool, refused by the segment cap itself. A design that tried pages for it (the RFC) failed
    // for want of memory.
    const oversize =
      warning.kind === "full" &&
      this.model.poolKind === "default" &&
      op.op === "map" &&
      op.alloc_size > MAX_MAPPING_BYTES &&
      op.alloc_align_mask === 0 &&
      op.min_align_mask === 0 &&
      !result.pageCalls.some((c) => c.caller === "map");
    return this.finding(
      "warning",
      index,
      warning.kind,
      warning.message,
      { op, warning },
      oversize ? "swiotlb-oversize-mapping" : undefined,
    );
  }
}

/** Low 32 bits of a safe integer (the kernel's unsigned int masks). */
function low32(x: number): number {
  return (x % 2 ** 32) >>> 0;
}

/**
 * The reference: the first slot of any area where `query` fits (address test, segment boundary,
 * a free run of nslots within the segment), by exhaustive scan rather than next-fit; -1 if none.
 */
export function firstFit(pool: SwiotlbPool, q: SlotQuery): number {
  for (let slot = 0; slot < pool.nslabs; slot++) {
    if (((q.tblLow + slot * IO_TLB_SIZE) & q.matchMask) !== q.matchValue) continue;
    if (
      q.boundarySlots !== 0 &&
      ((q.boundaryBase + slot) % q.boundarySlots) + q.nslots > q.boundarySlots
    )
      continue;
    if ((pool.list[slot] as number) >= q.nslots) return slot;
  }
  return -1;
}
