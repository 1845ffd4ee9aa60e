/**
 * DMA atomic pool ops as data, with their JSONL form: boot a machine (the pools are created by
 * the postcore initcall), atomic allocations through dma_alloc_from_pool, frees, time passing
 * (the expansion work runs), and page-allocator pressure so that expansion can fail.
 */
import { readInt, readOptionalInt, readString, type TraceRecord } from "../../sim/jsonl.js";
import {
  decodePageallocOp,
  type ExitOp,
  type FillOp,
  readGfp,
  type ReleaseOp,
} from "../pagealloc/ops.js";

/** The layouts the pools are booted on (the page allocator's presets). */
export const DMAPOOL_LAYOUTS = ["x86_64", "x86_64-kdump", "rpi4", "arm64"] as const;
export type DmapoolLayout = (typeof DMAPOOL_LAYOUTS)[number];

/** Boots a machine: RAM (for kdump, crashkernel=), and coherent_pool= in KiB (0 = default). */
export interface DmapoolBootOp {
  op: "boot";
  layout: DmapoolLayout;
  ram_mib: number;
  coherent_pool_kib: number;
}
/** A non-blocking coherent allocation that needs the pool, for a device with a DMA mask. */
export interface DmapoolAllocOp {
  op: "alloc";
  pages: number;
  /** The caller's gfp, e.g. GFP_ATOMIC; zone modifiers are replaced by those of the mask. */
  gfp: string;
  mask_bits: number;
  dev: string;
}
/** dma_free_from_pool of a range an alloc op returned. */
export interface DmapoolFreeOp {
  op: "free";
  pfn: number;
  pages: number;
}
/** Virtual time passes: due expansion work runs, then kswapd. */
export interface DmapoolAdvanceOp {
  op: "advance";
  ms: number;
}
export interface DmapoolDumpOp {
  op: "dump";
}

export type DmapoolOp =
  | DmapoolBootOp
  | DmapoolAllocOp
  | DmapoolFreeOp
  | DmapoolAdvanceOp
  | DmapoolDumpOp
  | FillOp
  | ReleaseOp
  | ExitOp;

export const DMAPOOL_OP_NAMES = [
  "boot",
  "alloc",
  "free",
  "advance",
  "dump",
  "fill",
  "release",
  "exit",
] as const;

/** Decodes one trace line; throws TraceError naming file and line on bad input. */
export function decodeDmapoolOp(record: TraceRecord): DmapoolOp {
  const op = readString(record, "op", DMAPOOL_OP_NAMES) as DmapoolOp["op"];
  switch (op) {
    case "boot":
      return {
        op,
        layout: readString(record, "layout", DMAPOOL_LAYOUTS) as DmapoolLayout,
        ram_mib: readInt(record, "ram_mib", 16, 65536),
        coherent_pool_kib: readOptionalInt(record, "coherent_pool_kib", 0, 0, 1 << 20),
      };
    case "alloc": {
      const gfp = readGfp(record);
      return {
        op,
        pages: readInt(record, "pages", 1, 1 << 20),
        gfp,
        mask_bits: readInt(record, "mask_bits", 20, 64),
        dev: Object.hasOwn(record.fields, "dev") ? readString(record, "dev") : "0000:00:1f.3",
      };
    }
    case "free":
      return { op, pfn: readInt(record, "pfn", 0, 2 ** 40), pages: readInt(record, "pages", 1) };
    case "advance":
      return { op, ms: readInt(record, "ms", 0, 1e9) };
    case "dump":
      return { op };
    default:
      return decodePageallocOp(record) as FillOp | ReleaseOp | ExitOp;
  }
}

/** The flat JSONL object for an op. */
export function encodeDmapoolOp(op: DmapoolOp): Record<string, unknown> {
  return { ...op };
}
