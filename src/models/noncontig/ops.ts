/**
 * Noncontig model ops as data, with their JSONL form: the page allocator's own ops (boot,
 * pressure, scopes, suspend, raw alloc/free, time), the device, and the buffer calls:
 * `snd_alloc` (ALSA snd_dma_noncontig_alloc, SNDRV_DMA_TYPE_DEV_SG), `noncontig_alloc`
 * (dma_alloc_noncontiguous itself) and `buf_free` of either.
 */
import {
  readInt,
  readOptionalBool,
  readString,
  TraceError,
  type TraceRecord,
} from "../../sim/jsonl.js";
import { parseGfp } from "../pagealloc/gfp.js";
import { decodePageallocOp, type PageallocOp } from "../pagealloc/ops.js";
import { IOMMU_KINDS, type IommuKind } from "./device.js";

/** The device the buffer calls allocate for (until the next device op). */
export interface DeviceOp {
  op: "device";
  iommu: IommuKind;
  mask_bits: number;
}
/** snd_dma_alloc_pages(SNDRV_DMA_TYPE_DEV_SG, dev, size) by task `comm`. */
export interface SndAllocOp {
  op: "snd_alloc";
  pages: number;
  comm: string;
  worker: boolean;
}
/** dma_alloc_noncontiguous(dev, size, dir, gfp, attrs). */
export interface NoncontigAllocOp {
  op: "noncontig_alloc";
  pages: number;
  gfp: string;
  single_pages: boolean;
  comm: string;
  worker: boolean;
}
/** Frees buffer `id` (the n-th buffer op of the trace that succeeded, counting from 0). */
export interface BufFreeOp {
  op: "buf_free";
  id: number;
}

export type NoncontigOp = PageallocOp | DeviceOp | SndAllocOp | NoncontigAllocOp | BufFreeOp;

const OWN_OPS = ["device", "snd_alloc", "noncontig_alloc", "buf_free"] as const;

function readComm(record: TraceRecord): string {
  return Object.hasOwn(record.fields, "comm") ? readString(record, "comm") : "kworker/u8:3";
}

/** Decodes one trace line; throws TraceError naming file and line on bad input. */
export function decodeNoncontigOp(record: TraceRecord): NoncontigOp {
  const name = record.fields.op;
  if (!OWN_OPS.includes(name as (typeof OWN_OPS)[number])) {
    const op = decodePageallocOp(record);
    if (op.op === "boot" && op.cma_mib !== 0)
      throw new TraceError(record.file, record.line, `field "cma_mib": CMA areas are not modelled`);
    return op;
  }
  switch (name as (typeof OWN_OPS)[number]) {
    case "device":
      return {
        op: "device",
        iommu: readString(record, "iommu", IOMMU_KINDS) as IommuKind,
        mask_bits: readInt(record, "mask_bits", 24, 64),
      };
    case "snd_alloc":
      return {
        op: "snd_alloc",
        pages: readInt(record, "pages", 1, 1 << 16),
        comm: readComm(record),
        worker: readOptionalBool(record, "worker", true),
      };
    case "noncontig_alloc": {
      const gfp = readString(record, "gfp");
      const mask = parseGfp(gfp);
      if (typeof mask === "string")
        throw new TraceError(record.file, record.line, `field "gfp": ${mask} in "${gfp}"`);
      return {
        op: "noncontig_alloc",
        pages: readInt(record, "pages", 1, 1 << 16),
        gfp,
        single_pages: readOptionalBool(record, "single_pages", false),
        comm: readComm(record),
        worker: readOptionalBool(record, "worker", false),
      };
    }
    case "buf_free":
      return { op: "buf_free", id: readInt(record, "id", 0) };
  }
}

/** The flat JSONL object for an op. */
export function encodeNoncontigOp(op: NoncontigOp): Record<string, unknown> {
  return { ...op };
}

/** Whether the op is the page allocator's own. */
export function isPageallocOp(op: NoncontigOp): op is PageallocOp {
  return !OWN_OPS.includes(op.op as (typeof OWN_OPS)[number]);
}
