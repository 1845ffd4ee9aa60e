/**
 * Bytes to noncontig ops: a device (IOMMU kind, mask), ALSA SG buffer allocations of firmware and
 * period sizes (boundary sizes around orders and the costly edge), raw dma_alloc_noncontiguous
 * calls with the gfp masks drivers pass, frees of live buffers, and the pressure that makes the
 * paths differ: anon fills, fragmenting releases, high-order holders, NOIO scopes, suspend, time.
 */
import type { BootOp, PressureKind } from "../../src/models/pagealloc/ops.js";
import type { NoncontigResult } from "../../src/models/noncontig/model.js";
import type { NoncontigOp } from "../../src/models/noncontig/ops.js";
import { IOMMU_KINDS, type IommuKind } from "../../src/models/noncontig/device.js";
import type { StepDecoder } from "./model-target.js";
import { boundarySize, type Records } from "./records.js";

/** Bytes per record (header and ops). */
export const NONCONTIG_RECORD_BYTES = 6;

const RAM_MIB = [256, 512] as const;
const MASKS = [64, 32, 30, 24] as const;
const GFPS = [
  "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN",
  "GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN",
  "GFP_KERNEL",
  "GFP_NOIO|__GFP_RETRY_MAYFAIL",
] as const;
const WHAT: readonly PressureKind[] = ["anon", "file", "kernel"];
const STRIDES = [8, 64, 512] as const;
const KINDS = [
  "snd_alloc",
  "snd_alloc",
  "snd_alloc",
  "noncontig_alloc",
  "buf_free",
  "buf_free",
  "fill",
  "fill",
  "release",
  "hold",
  "suspend",
  "scope",
  "device",
  "advance",
] as const;

/** Decodes one input into ops step by step, tracking live buffer ids from results. */
export class NoncontigDecoder implements StepDecoder<NoncontigOp, NoncontigResult> {
  private readonly ids: number[] = [];
  readonly init: BootOp;
  private readonly pages: number;

  constructor(private readonly records: Records) {
    const ram = RAM_MIB[records.header(0) % RAM_MIB.length] as number;
    this.pages = ram * 256;
    this.init = {
      op: "boot",
      layout: "x86_64",
      ram_mib: ram,
      swap_mib: (records.header(1) & 1) * 128,
      cma_mib: 0,
      hang_ms: 120_000,
    };
  }

  /** The op for record i, or null when there is no live buffer to free. */
  op(i: number): NoncontigOp | null {
    const r = this.records;
    const b1 = r.byte(i, 1);
    const b2 = r.byte(i, 2);
    const b3 = r.byte(i, 3);
    const worker = (b3 & 1) === 1;
    switch (KINDS[r.byte(i, 0) % KINDS.length]) {
      case "snd_alloc":
        return { op: "snd_alloc", pages: boundarySize(b1, r.u16(i, 2), 9), comm: "fuzz", worker };
      case "noncontig_alloc":
        return {
          op: "noncontig_alloc",
          pages: boundarySize(b1, r.u16(i, 2), 9),
          gfp: GFPS[r.byte(i, 4) % GFPS.length] as string,
          single_pages: (b3 & 2) === 2,
          comm: "fuzz",
          worker,
        };
      case "buf_free": {
        if (this.ids.length === 0) return null;
        const [id] = this.ids.splice(r.u16(i, 1) % this.ids.length, 1);
        return id === undefined ? null : { op: "buf_free", id };
      }
      case "fill":
        return {
          op: "fill",
          what: WHAT[b1 % 3] as PressureKind,
          pages: Math.floor((this.pages * (1 + (b2 % 4))) / 4),
          pid: 1 + (b3 % 4),
        };
      case "release":
        return {
          op: "release",
          what: WHAT[b1 % 3] as PressureKind,
          pid: 1 + (b3 % 4),
          stride: STRIDES[b2 % STRIDES.length] as number,
          keep: 0,
        };
      case "hold":
        return {
          op: "alloc",
          order: 4 + (b1 % 7),
          gfp: "GFP_NOWAIT|__GFP_NOWARN",
          comm: "hold",
          worker: false,
        };
      case "suspend":
        return { op: "suspend", on: (b1 & 1) === 1 };
      case "scope":
        return { op: "scope", noio: (b1 & 1) === 1, nofs: false };
      case "device":
        return {
          op: "device",
          iommu: IOMMU_KINDS[b1 % IOMMU_KINDS.length] as IommuKind,
          mask_bits: MASKS[b2 % MASKS.length] as number,
        };
      default:
        return { op: "advance", ms: 10 * (1 + (b1 % 100)) };
    }
  }

  /** Learns a live buffer's id from its result. */
  observe(_op: NoncontigOp, _index: number, result: NoncontigResult): void {
    if (result.kind === "buffer" && result.id !== null) this.ids.push(result.id);
  }
}
