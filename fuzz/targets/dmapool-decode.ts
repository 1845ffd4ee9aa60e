/**
 * Bytes to DMA atomic pool ops: a boot layout (x86_64, the kdump kernel, RPi4, arm64) with the
 * default or a coherent_pool= size, atomic allocations of boundary sizes for devices with 24-,
 * 30-, 32- and 64-bit masks, frees of live buffers, time for the expansion work, and page
 * allocator pressure so that expansion can fail.
 */
import type { DmapoolResult } from "../../src/models/dmapool/model.js";
import type { DmapoolBootOp, DmapoolLayout, DmapoolOp } from "../../src/models/dmapool/ops.js";
import type { PressureKind } from "../../src/models/pagealloc/ops.js";
import type { StepDecoder } from "./model-target.js";
import { boundarySize, type Records } from "./records.js";

/** Bytes per record (header and ops). */
export const DMAPOOL_RECORD_BYTES = 5;

const BOOTS: readonly [DmapoolLayout, number][] = [
  ["x86_64", 1024],
  ["x86_64", 512],
  ["x86_64-kdump", 256],
  ["rpi4", 1024],
  ["arm64", 512],
];
const COHERENT_KIB = [0, 0, 64, 256] as const;
const MASKS = [64, 32, 30, 24] as const;
const GFPS = ["GFP_ATOMIC", "GFP_NOWAIT", "GFP_ATOMIC|__GFP_NOWARN"] as const;
const WHAT: readonly PressureKind[] = ["anon", "kernel"];
const KINDS = ["alloc", "alloc", "alloc", "free", "free", "advance", "fill", "release"] as const;

/** Decodes one input into ops step by step, tracking live pool buffers from results. */
export class DmapoolDecoder implements StepDecoder<DmapoolOp, DmapoolResult> {
  private readonly live: { pfn: number; pages: number }[] = [];
  readonly init: DmapoolBootOp;
  private readonly pages: number;

  constructor(private readonly records: Records) {
    const [layout, ram] = BOOTS[records.header(0) % BOOTS.length] as [DmapoolLayout, number];
    this.pages = ram * 256;
    this.init = {
      op: "boot",
      layout,
      ram_mib: ram,
      coherent_pool_kib: COHERENT_KIB[records.header(1) % COHERENT_KIB.length] as number,
    };
  }

  /** The op for record i, or null when there is nothing to free. */
  op(i: number): DmapoolOp | null {
    const r = this.records;
    const b1 = r.byte(i, 1);
    const b2 = r.byte(i, 2);
    switch (KINDS[r.byte(i, 0) % KINDS.length]) {
      case "alloc":
        return {
          op: "alloc",
          pages: boundarySize(b1, r.u16(i, 2), 6),
          gfp: GFPS[b2 % GFPS.length] as string,
          mask_bits: MASKS[r.byte(i, 4) % MASKS.length] as number,
          dev: "fuzz",
        };
      case "free": {
        if (this.live.length === 0) return null;
        const [b] = this.live.splice(r.u16(i, 1) % this.live.length, 1);
        return b === undefined ? null : { op: "free", pfn: b.pfn, pages: b.pages };
      }
      case "advance":
        return { op: "advance", ms: 1 + (b1 % 50) };
      case "fill":
        return {
          op: "fill",
          what: WHAT[b1 % WHAT.length] as PressureKind,
          pages: Math.floor((this.pages * (1 + (b2 % 4))) / 4),
          pid: 1,
        };
      default:
        return {
          op: "release",
          what: WHAT[b1 % WHAT.length] as PressureKind,
          pid: 1,
          stride: 64,
          keep: 0,
        };
    }
  }

  /** Learns a live pool buffer from its result. */
  observe(_op: DmapoolOp, _index: number, result: DmapoolResult): void {
    if (result.kind === "alloc" && result.pfn !== null)
      this.live.push({ pfn: result.pfn, pages: result.pages });
  }
}
