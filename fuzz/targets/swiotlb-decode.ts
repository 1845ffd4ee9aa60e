/**
 * Bytes to swiotlb ops, as drivers issue them: streaming maps of boundary sizes (slot and
 * segment edges, 256 KiB, and the multi-MiB dma-buf segments of the Raspberry Pi 4) with the
 * masks of real devices (NVMe's min_align_mask 0xfff, dma-iommu's alloc_align_mask for untrusted
 * devices), restricted-pool allocations, and releases that consume live handles. For the
 * dynamic designs: a restricted or default pool (header byte 3), maps that may sleep
 * (DMA_ATTR_MAY_SLEEP) or come from the block I/O path (op byte 4's high bits), and time passing
 * so the growth worker runs.
 */
import type { SwiotlbResult } from "../../src/models/swiotlb/model.js";
import { DMA_ATTR_MAY_SLEEP, type InitOp, type SwiotlbOp } from "../../src/models/swiotlb/ops.js";
import type { StepDecoder } from "./model-target.js";
import type { Records } from "./records.js";

/** Bytes per record (header and ops). */
export const SWIOTLB_RECORD_BYTES = 8;

const NSLABS = [256, 512, 1024, 2048] as const;
const NAREAS = [1, 2, 4] as const;
/** Pool starts: below 1 GiB (RPi4), the golden traces' start, and a 4 KiB-but-not-64 KiB one. */
const STARTS = [0x3c000000, 3392172032, 0x10001000, 0x7fff0000] as const;
const ALLOC_ALIGN_MASKS = [0, 0, 0, 0xfff, 0xffff, 0x3fff] as const;
const MIN_ALIGN_MASKS = [0, 0, 0xfff, 0x7ff, 0xfff, 0x1fff] as const;
/** Oversize requests seen on the RPi4 (512 KiB, 796 KiB) and dma-buf frame segments. */
const OVERSIZE = [524288, 815104, 1048576, 262145, 4 * 1024 * 1024] as const;
const KINDS = ["map", "map", "map", "unmap", "unmap", "alloc", "free", "advance"] as const;
const ORIG_BASE = 0x1_0000_0000;

interface Handle {
  ref: number;
  tlb: number;
  size: number;
  min_align_mask: number;
  alloc: boolean;
}

/** A mapping size that favours slot, page and segment edges. */
function mapSize(shape: number, value: number): number {
  switch (shape % 8) {
    case 0:
      return (value % 4096) + 1;
    case 1:
      return 2048 * ((value % 128) + 1);
    case 2:
      return 2048 * ((value % 128) + 1) + 1;
    case 3:
      return 2048 * ((value % 128) + 1) - 1;
    case 4:
      return 4096 * ((value % 64) + 1);
    case 5:
      return 262144 + (value % 3) - 1;
    case 6:
      return OVERSIZE[value % OVERSIZE.length] as number;
    default:
      return value + 1;
  }
}

/** Decodes one input into ops step by step, tracking the live handles from results. */
export class SwiotlbDecoder implements StepDecoder<SwiotlbOp, SwiotlbResult> {
  private readonly handles: Handle[] = [];
  readonly init: InitOp;

  constructor(private readonly records: Records) {
    const nareas = NAREAS[records.header(1) % NAREAS.length] as number;
    const nslabs = Math.max(NSLABS[records.header(0) % NSLABS.length] as number, 128 * nareas);
    const start = STARTS[records.header(2) % STARTS.length] as number;
    this.init = { op: "init", nslabs, nareas, start, page_size: 4096 };
    // One input in four sets up a restricted-dma-pool (1 area, never grows, no RFC buffers).
    if (records.header(3) % 4 === 3) Object.assign(this.init, { kind: "restricted", nareas: 1 });
  }

  /** The op for record i, or null when there is nothing to release. */
  op(i: number): SwiotlbOp | null {
    const r = this.records;
    const cpu = r.byte(i, 7) & 7;
    const minAlign = MIN_ALIGN_MASKS[r.byte(i, 5) % MIN_ALIGN_MASKS.length] as number;
    switch (KINDS[r.byte(i, 0) % KINDS.length]) {
      case "map": {
        const size = mapSize(r.byte(i, 1), r.u16(i, 2));
        const flags = r.byte(i, 4);
        const alignMask = ALLOC_ALIGN_MASKS[(flags & 15) % ALLOC_ALIGN_MASKS.length] as number;
        const allocSize =
          alignMask === 0 ? size : Math.ceil(size / (alignMask + 1)) * (alignMask + 1);
        const orig = ORIG_BASE + r.byte(i, 6) * 4096 + (r.byte(i, 7) >> 3) * 128;
        return {
          op: "map",
          orig,
          size,
          alloc_size: allocSize,
          alloc_align_mask: alignMask,
          min_align_mask: minAlign,
          cpu,
          seg_boundary_mask: 0,
          attrs: flags & 16 ? DMA_ATTR_MAY_SLEEP : 0,
          dma_limit: 0,
          io_path: flags & 32 ? 1 : 0,
        };
      }
      case "advance":
        return { op: "advance", ms: r.byte(i, 1) % 8 };
      case "alloc":
        return {
          op: "alloc",
          size: 4096 * ((r.byte(i, 1) % 32) + 1),
          min_align_mask: minAlign,
          cpu,
          seg_boundary_mask: 0,
        };
      case "unmap": {
        const h = this.take(r.u16(i, 1), false);
        return (
          h && {
            op: "unmap",
            ref: h.ref,
            tlb: h.tlb,
            size: h.size,
            min_align_mask: h.min_align_mask,
          }
        );
      }
      default: {
        const h = this.take(r.u16(i, 1), true);
        return (
          h && {
            op: "free",
            ref: h.ref,
            tlb: h.tlb,
            size: h.size,
            min_align_mask: h.min_align_mask,
          }
        );
      }
    }
  }

  /** Learns a successful map or alloc, made by the op at trace index `ref`, from its result. */
  observe(op: SwiotlbOp, ref: number, result: SwiotlbResult): void {
    if ((result.kind !== "map" && result.kind !== "alloc") || result.tlb === null) return;
    if (op.op !== "map" && op.op !== "alloc") return;
    this.handles.push({
      ref,
      tlb: result.tlb,
      size: op.size,
      min_align_mask: op.min_align_mask,
      alloc: op.op === "alloc",
    });
  }

  private take(pick: number, alloc: boolean): Handle | null {
    const candidates = this.handles.filter((h) => h.alloc === alloc);
    if (candidates.length === 0) return null;
    const h = candidates[pick % candidates.length] as Handle;
    this.handles.splice(this.handles.indexOf(h), 1);
    return h;
  }
}
