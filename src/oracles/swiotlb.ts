/**
 * General oracles for the swiotlb model, fed one (op, result) pair at a time: overlap of live
 * bounce buffers, a mapping that loses the device's min_align_mask offset or an allocation that
 * is not page-aligned, spurious map failures (an exhaustive scan finds a free run that meets the
 * request under the fixed kernel's alignment rules, which next-fit missed), kernel warnings and
 * slot accounting. The canary swiotlb-oversize-mapping refines the "buffer is full" warning of a
 * mapping over 256 KiB: the Raspberry Pi 4 dma-buf failure.
 */
import type { SwiotlbAllocation, SwiotlbModel, SwiotlbResult } from "../models/swiotlb/model.js";
import type { AllocOp, MapOp, SwiotlbOp } from "../models/swiotlb/ops.js";
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
        this.live.removeContaining(op.tlb);
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
      const evidence = { op, tlb: lo, slot: result.slot, nslots: result.nslots };
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
      const pool = this.model.swiotlbPool;
      const query = slotQuery(REFERENCE, pool, pageSize, mapSlotRequest(REFERENCE, op).request);
      const slot = firstFit(pool, query);
      if (slot >= 0) {
        return this.finding(
          "spurious-failure",
          index,
          "map-missed-free-run",
          `map of ${op.alloc_size} bytes failed although slots ${slot}..${slot + query.nslots - 1} are free and suitably aligned`,
          { op, slot, nslots: query.nslots },
        );
      }
    }
    const warning = result.warnings[0];
    if (warning === undefined) return null;
    const oversize =
      warning.kind === "full" && op.op === "map" && op.alloc_size > MAX_MAPPING_BYTES;
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
