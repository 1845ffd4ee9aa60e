/**
 * Bytes to IOVA ops, as a dma-iommu-like caller would issue them: allocations with boundary
 * sizes and the usual limits, frees that consume live handles (free_fast only for alloc_fast
 * handles, with the caller's size), reservations only before the first allocation (as
 * iova_reserve_iommu_regions does at domain setup), CPU choice and virtual time.
 */
import type { IovaResult } from "../../src/models/iova/model.js";
import type { IovaVariant } from "../../src/models/iova/variants.js";
import type { InitOp, IovaOp } from "../../src/models/iova/ops.js";
import { roundupPowOfTwo } from "../../src/sim/u64.js";
import type { StepDecoder } from "./model-target.js";
import { boundarySize, type Records } from "./records.js";

/** Bytes per record (header and ops). */
export const IOVA_RECORD_BYTES = 8;

const START_PFNS = [0x40000, 1, 0x100, 0xff000] as const;
/** Inclusive limits: the 32-bit path (most), 64-bit, and narrower device masks. */
const LIMITS = [
  0xfffff,
  0xfffff,
  0xfffff,
  2 ** 36 - 1,
  0x7ffff,
  0xfffffff,
  0x4ffff,
  0x100fff,
] as const;
const RESERVE_BASES = [0x40000, 0xfee00, 0xfff00, 0x80000, 0xe0000, 0xfffff] as const;
const ADVANCE_MS = [1, 50, 99, 100, 101, 250, 1000, 5000] as const;
const KINDS = [
  "alloc",
  "alloc",
  "alloc",
  "alloc_fast",
  "alloc_fast",
  "alloc_fast",
  "free",
  "free",
  "free",
  "free_fast",
  "free_fast",
  "reserve",
  "advance",
] as const;

/** An IOVA the caller holds. */
interface Handle {
  pfn: number;
  /** The size the caller asked for (free_iova_fast takes it unrounded). */
  size: number;
  fast: boolean;
}

/** Decodes one input into ops, step by step, tracking the caller's handles from results. */
export class IovaDecoder implements StepDecoder<IovaOp, IovaResult> {
  private readonly handles: Handle[] = [];
  private allocated = false;
  readonly init: InitOp;

  constructor(
    private readonly records: Records,
    private readonly variant: IovaVariant,
  ) {
    this.init = {
      op: "init",
      granule: 4096,
      start_pfn: START_PFNS[records.header(0) % START_PFNS.length] as number,
      cpus: 1 + (records.header(1) % 4),
    };
  }

  /** The op for record i, or null when the record has nothing to act on (e.g. no live handle). */
  op(i: number): IovaOp | null {
    const r = this.records;
    const kind = KINDS[r.byte(i, 0) % KINDS.length] as (typeof KINDS)[number];
    const limit_pfn = LIMITS[r.byte(i, 4) % LIMITS.length] as number;
    const cpu = r.byte(i, 6) % this.init.cpus;
    switch (kind) {
      case "alloc":
        return { op: "alloc", size: this.size(i), limit_pfn, aligned: r.byte(i, 5) % 4 !== 0 };
      case "alloc_fast": {
        // Before v5.17 the caller (dma-iommu) rounds cacheable sizes up to a power of two.
        const size = this.size(i);
        const callerSize =
          !this.variant.fastPathRoundsSize && size < 32 ? roundupPowOfTwo(size) : size;
        return {
          op: "alloc_fast",
          size: callerSize,
          limit_pfn,
          flush: (r.byte(i, 5) & 1) === 1,
          cpu,
        };
      }
      case "free": {
        const h = this.take(r.u16(i, 1), false);
        return h && { op: "free", pfn: h.pfn + (r.byte(i, 3) % h.size) };
      }
      case "free_fast": {
        const h = this.take(r.u16(i, 1), true);
        return h && { op: "free_fast", pfn: h.pfn, size: h.size, cpu };
      }
      case "reserve": {
        if (this.allocated) return null;
        const lo =
          (RESERVE_BASES[r.byte(i, 1) % RESERVE_BASES.length] as number) + (r.u16(i, 2) % 0x100);
        return { op: "reserve", lo, hi: lo + boundarySize(r.byte(i, 4), r.byte(i, 5), 12) - 1 };
      }
      case "advance":
        return { op: "advance", ms: ADVANCE_MS[r.byte(i, 1) % ADVANCE_MS.length] as number };
    }
  }

  /** Learns a successful allocation's handle from its result. */
  observe(op: IovaOp, _index: number, result: IovaResult): void {
    if (result.kind !== "alloc" || (op.op !== "alloc" && op.op !== "alloc_fast")) return;
    this.allocated = true;
    if (result.pfn !== null)
      this.handles.push({ pfn: result.pfn, size: op.size, fast: op.op === "alloc_fast" });
  }

  private size(i: number): number {
    return boundarySize(this.records.byte(i, 1), this.records.u16(i, 2), 20);
  }

  /** Removes and returns a live handle chosen by `pick` (only alloc_fast ones when `fast`). */
  private take(pick: number, fast: boolean): Handle | null {
    const handles = this.handles;
    let candidates = handles.length;
    if (fast) {
      candidates = 0;
      for (const h of handles) if (h.fast) candidates++;
    }
    if (candidates === 0) return null;
    // The (pick mod candidates)-th candidate in handle order, found without a filtered copy.
    let k = pick % candidates;
    let at = 0;
    for (; at < handles.length; at++) {
      if (fast && !(handles[at] as Handle).fast) continue;
      if (k-- === 0) break;
    }
    return handles.splice(at, 1)[0] as Handle;
  }
}
