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
import { explainWrapMiss, untilWrapVisits } from "./swiotlb-miss.js";
import { LiveRanges } from "./live-ranges.js";

const INVARIANT_INTERVAL = 32;
/** The largest mapping one segment can hold: IO_TLB_SEGSIZE slots (256 KiB). */
export const MAX_MAPPING_BYTES = IO_TLB_SEGSIZE * IO_TLB_SIZE;
/**
 * The reference alignment rules: v6.9's, after Deacon's fixes; variants that compute their own
 * search size (v6.10 on) are their own reference, so that no slot count differs.
 */
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

  /**
   * A refused map although some pool holds a suitable free run. When the budget loop's wrap to an
   * unaligned index 0 explains the miss (v6.9, v7.1), the message says it is kernel behaviour.
   */
  private missedFreeRun(op: MapOp, index: number): Finding | null {
    const free = freeRunFor(this.model, op);
    if (free !== null) {
      const { pool, slot, query } = free;
      let explained = null;
      const { areaLoop, slotSearch } = this.model.config;
      if (areaLoop === "slot-budget" && slotSearch === "split-masks") {
        for (let a = 0; a < pool.nareas && explained === null; a++) {
          const from = a * pool.areaNslabs;
          const inArea = firstFit(pool, query, from, from + pool.areaNslabs);
          if (inArea >= 0) explained = explainWrapMiss(pool, query, inArea);
        }
      }
      const own = this.ownRulesMiss(op, pool, slot, index);
      if (own !== null) return own;
      if (areaLoop === "until-wrap") {
        const v61 = this.v61Miss(op, pool, slot, index);
        if (v61 !== null) return v61;
      }
      const at = explained === null ? slot : explained.path.area * pool.areaNslabs;
      const run = `slots ${slot}..${slot + query.nslots - 1} of the pool at ${pool.start} are free and suitably aligned`;
      const evidence = { op, pool: pool.start, slot, nslots: query.nslots };
      if (explained === null) {
        return this.finding(
          "spurious-failure",
          index,
          "map-missed-free-run",
          `map of ${op.alloc_size} bytes failed although ${run}`,
          evidence,
        );
      }
      return this.finding(
        "spurious-failure",
        index,
        "map-missed-free-run",
        `map of ${op.alloc_size} bytes failed although ${run} (area starting at slot ${at}): ${explained.message}`,
        {
          ...evidence,
          kernelBehaviour: true,
          cause: "wrap-to-unaligned-index",
          path: explained.path,
        },
      );
    }
    return null;
  }

  /**
   * The variant's own address test rejects the free run the reference rules accept (v6.1's
   * min_align_mask-only test, v6.6-v6.8's orig_addr comparison under the OR-ed masks): kernel
   * behaviour of that version. Null when its own rules accept the run.
   */
  private ownRulesMiss(op: MapOp, pool: SwiotlbPool, slot: number, index: number): Finding | null {
    const config = this.model.config;
    if (config === referenceFor(config)) return null;
    const own = slotQuery(config, pool, this.model.pageSize, mapSlotRequest(config, op).request);
    if (pool.matches(slot, own) && pool.fits(slot, own)) return null;
    const rule =
      config.slotSearch === "or-masks"
        ? "compare orig_addr with the slot's address under min_align_mask | alloc_align_mask (| PAGE_SIZE - 1 for a page or more), so a run whose address differs from orig_addr in those bits is no candidate (v6.9's 51b30ecb73b4 and 14cebf689a78 changed that)"
        : "test only the min_align_mask bits above 2 KiB against orig_addr, with the stride from alloc_align_mask, so this run is no candidate of its search";
    return this.finding(
      "spurious-failure",
      index,
      "map-missed-free-run",
      `map of ${op.alloc_size} bytes failed although slots ${slot}..${slot + own.nslots - 1} of the pool at ${pool.start} are free and aligned as v6.9 would align them: kernel behaviour, not a model bug: ${config.name}'s rules ${rule}`,
      { op, pool: pool.start, slot, kernelBehaviour: true, cause: "version-alignment-rules" },
    );
  }

  /**
   * v6.1: the free run's first slot is not among the area indices its loop examines (they are in
   * the phase of ALIGN(area->index, stride), whatever the pool's physical alignment): kernel
   * behaviour. Null when the loop does examine it.
   */
  private v61Miss(op: MapOp, pool: SwiotlbPool, slot: number, index: number): Finding | null {
    const config = this.model.config;
    const own = slotQuery(config, pool, this.model.pageSize, mapSlotRequest(config, op).request);
    const area = Math.floor(slot / pool.areaNslabs);
    const target = slot - area * pool.areaNslabs;
    if (untilWrapVisits(pool, area, own).has(target)) return null;
    return this.finding(
      "spurious-failure",
      index,
      "map-missed-free-run",
      `map of ${op.alloc_size} bytes failed although slots ${slot}..${slot + own.nslots - 1} of the pool at ${pool.start} are free and aligned: kernel behaviour, not a model bug: ${config.name}'s swiotlb_do_find_slots() examines area ${area} from ALIGN(area->index ${pool.areaIndex[area]}, stride ${own.stride}) in steps of the stride (and +1 steps on a min_align_mask mismatch), area-relative and wrapping to 0, so area index ${target} is never a candidate`,
      {
        op,
        pool: pool.start,
        slot,
        nslots: own.nslots,
        kernelBehaviour: true,
        cause: "v6.1-area-relative-stride",
      },
    );
  }

  /** v6.1's search loop never returned: kernel behaviour, with the reason. */
  private hang(op: MapOp | AllocOp, index: number): Finding {
    return this.finding(
      "hang",
      index,
      "find-slots-loop",
      `kernel behaviour, not a model bug: ${this.model.variant}'s swiotlb_do_find_slots() loops until the index comes back to wrap = ALIGN(area->index, stride); a +1 step for the min_align_mask test left the index off the stride's phase, and after wrap_area_index() returned 0 the strides never meet wrap again: the CPU spins with the area lock held (the slots_checked budget replaced this loop before v6.6)`,
      { op, kernelBehaviour: true, cause: "do-while-never-meets-wrap" },
    );
  }

  /**
   * A bounce buffer that ends past its pool: v6.6's transient pools of less than a segment, whose
   * list[] (IO_TLB_SEGSIZE - io_tlb_offset(i)) advertises free slots past the pool's end.
   */
  private beyondPoolEnd(
    op: MapOp | AllocOp,
    result: SwiotlbAllocation,
    index: number,
  ): Finding | null {
    if (result.tlb === null || result.where === "dyn-buffer") return null;
    const lo = result.tlb;
    const pools = this.model.pools;
    const entry = pools.all().find((e) => e.pool.contains(lo));
    if (entry === undefined) return null;
    const hi = lo + op.size - 1;
    const p = entry.pool;
    if (hi < p.end && result.slot + result.nslots <= p.nslabs) return null;
    const what = entry.transient ? "transient pool" : "pool";
    return this.finding(
      "out-of-range",
      index,
      "beyond-pool-end",
      `${op.op} returned [${lo}, ${hi}] in slots ${result.slot}..${result.slot + result.nslots - 1}, past the end ${p.end} of its ${what} of ${p.nslabs} slots at ${p.start}` +
        (p.clampList
          ? ""
          : `: kernel behaviour, not a model bug: v6.6's swiotlb_init_io_tlb_pool() sets list[i] = IO_TLB_SEGSIZE - io_tlb_offset(i), which for a pool smaller than a segment counts free slots past its end, and the search took slots ${result.slot}..${result.slot + result.nslots - 1} (list[] was clamped to the pool's size after v6.6)`),
      {
        op,
        tlb: lo,
        slot: result.slot,
        nslots: result.nslots,
        pool: p.start,
        end: p.end,
        kernelBehaviour: !p.clampList,
      },
    );
  }

  private checkAllocation(
    op: MapOp | AllocOp,
    result: SwiotlbAllocation,
    index: number,
  ): Finding | null {
    const pageSize = this.model.pageSize;
    if (result.hang === true) return this.hang(op, index);
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
      const overrun = this.beyondPoolEnd(op, result, index);
      if (overrun !== null) return overrun;
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
      const missed = this.missedFreeRun(op, index);
      if (missed !== null) return missed;
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
    // v6.10's dev_WARN_ONCE() on alloc_align_mask > ~PAGE_MASK is advice printed by design on
    // every dma-iommu bounce with a granule over PAGE_SIZE: kept in the results, not a finding.
    const warning = result.warnings.find((w) => w.kind !== "other");
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

/**
 * The first free run, in any pool of `model`, where `op` fits under the reference rules (an
 * exhaustive scan, not next-fit), or null: what a refused map "fits in some area" means.
 */
export function freeRunFor(
  model: SwiotlbModel,
  op: MapOp,
): { pool: SwiotlbPool; slot: number; query: SlotQuery } | null {
  const reference = referenceFor(model.config);
  const request = mapSlotRequest(reference, op).request;
  for (const { pool } of model.pools.pools) {
    const query = slotQuery(reference, pool, model.pageSize, request);
    const slot = firstFit(pool, query);
    if (slot >= 0) return { pool, slot, query };
  }
  return null;
}

/** The reference variant of the spurious-failure check for `variant`. */
function referenceFor(variant: SwiotlbVariant): SwiotlbVariant {
  return variant.mapSize === "aligned" ? variant : REFERENCE;
}

/** Low 32 bits of a safe integer (the kernel's unsigned int masks). */
function low32(x: number): number {
  return (x % 2 ** 32) >>> 0;
}

/**
 * The reference: the first slot of any area where `query` fits (address test, segment boundary,
 * a free run of nslots within the segment), by exhaustive scan rather than next-fit; -1 if none.
 */
export function firstFit(pool: SwiotlbPool, q: SlotQuery, from = 0, to = pool.nslabs): number {
  for (let slot = from; slot < to; slot++) {
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
