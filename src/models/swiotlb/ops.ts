/**
 * swiotlb ops as data: the JSONL trace format of golden/swiotlb/README.md. Op field names
 * are the trace's field names. Two optional fields go beyond the golden format: `seg_boundary_mask`
 * on `alloc` (the device's dma_get_seg_boundary(), as on `map`) and `dma_limit` on `map`
 * (min_not_zero(dma_mask, bus_dma_limit) for swiotlb_map()'s device-limit check).
 */
import { LAYOUT_NAMES, type LayoutName } from "../pagealloc/layout.js";
import {
  readInt,
  readOptionalInt,
  readString,
  TraceError,
  type TraceRecord,
} from "../../sim/jsonl.js";

/**
 * Sets up one pool of `nslabs` 2 KiB slots in `nareas` areas at physical address `start`. Beyond
 * the golden format (all optional): `kind` (`default`, or `restricted`: a restricted-dma-pool,
 * which never grows and never takes RFC dynamic buffers), and for the dynamic designs the machine
 * their pages come from (`layout`, `ram_mib`: a page allocator layout) and mem->phys_limit for
 * growth pools (`phys_limit`, default ARCH_LOW_ADDRESS_LIMIT of the layout).
 */
export interface InitOp {
  op: "init";
  nslabs: number;
  nareas: number;
  start: number;
  page_size: number;
  kind?: PoolKind;
  layout?: LayoutName;
  ram_mib?: number;
  phys_limit?: number;
}

/** The kinds of io_tlb_mem an init op can set up. */
export const POOL_KINDS = ["default", "restricted"] as const;
export type PoolKind = (typeof POOL_KINDS)[number];
/** swiotlb_tbl_map_single(dev, orig, size, alloc_size, alloc_align_mask, DMA_TO_DEVICE, attrs). */
export interface MapOp {
  op: "map";
  orig: number;
  size: number;
  alloc_size: number;
  alloc_align_mask: number;
  min_align_mask: number;
  cpu: number;
  /** The device's segment boundary mask; 0 means none (ULONG_MAX). */
  seg_boundary_mask: number;
  attrs: number;
  /** min_not_zero(*dma_mask, bus_dma_limit) checked by swiotlb_map(); 0 means no check. */
  dma_limit: number;
  /**
   * 1 when the caller is in the block I/O path (a storage driver's submission): an allocation
   * there that may sleep and start I/O (GFP_KERNEL) risks deadlock. Not a kernel argument.
   */
  io_path: number;
}
/**
 * swiotlb_tbl_unmap_single(dev, tlb, size, ...) releasing the map at op index `ref`. `tlb` null:
 * the map at `ref` failed in this version, so no call is made (the golden `"expect":"skipped"`).
 */
export interface UnmapOp {
  op: "unmap";
  ref: number;
  tlb: number | null;
  size: number;
  min_align_mask: number;
}
/** swiotlb_alloc(dev, size), the restricted-pool coherent allocator. */
export interface AllocOp {
  op: "alloc";
  size: number;
  min_align_mask: number;
  cpu: number;
  seg_boundary_mask: number;
}
/** swiotlb_free(dev, page of tlb, size) releasing the alloc at op index `ref`; `tlb` as unmap's. */
export interface FreeOp {
  op: "free";
  ref: number;
  tlb: number | null;
  size: number;
  min_align_mask: number;
}
/** dma_direct_sync_single_for_device() of the map at op index `ref`: pool lookups, a bounce. */
export interface SyncOp {
  op: "sync";
  ref: number;
  tlb: number;
}
/** Virtual time passes (the growth work runs when it falls due). */
export interface AdvanceOp {
  op: "advance";
  ms: number;
}
/** Reports the whole state (the golden traces' last line). */
export interface DumpOp {
  op: "dump";
}

export type SwiotlbOp = InitOp | MapOp | UnmapOp | AllocOp | FreeOp | SyncOp | AdvanceOp | DumpOp;

export const SWIOTLB_OP_NAMES = [
  "init",
  "map",
  "unmap",
  "alloc",
  "free",
  "sync",
  "advance",
  "dump",
] as const;

/** DMA_ATTR_NO_WARN: a failed map prints nothing. */
export const DMA_ATTR_NO_WARN = 256;
/**
 * DMA_ATTR_MAY_SLEEP of the RFC v1 (patch 1/4): the caller can sleep, so dynamic buffers are
 * allocated GFP_KERNEL. (1UL << 10), as patch 1/4 of the RFC defines it.
 */
export const DMA_ATTR_MAY_SLEEP = 1024;

const U32_MAX = 0xffff_ffff;
const MAX_ADDR = Number.MAX_SAFE_INTEGER;
/** Sizes stay below 4 GiB so that nr_slots() fits the kernel's `unsigned int nslots`. */
const MAX_SIZE = U32_MAX;
/** 2^22 slots = 8 GiB of bounce buffer, 92 MiB of model state. */
export const MAX_NSLABS = 2 ** 22;
const MAX_NAREAS = 1024;
const MAX_CPU = 4095;

function isPowerOfTwo(x: number): boolean {
  return Number.isSafeInteger(x) && x > 0 && 2 ** Math.round(Math.log2(x)) === x;
}

function fail(record: TraceRecord, reason: string): never {
  throw new TraceError(record.file, record.line, reason);
}

/** A segment boundary mask must be 0 (none) or 2^k - 1: iommu_is_span_boundary() BUG()s otherwise. */
function readBoundary(record: TraceRecord): number {
  const mask = readOptionalInt(record, "seg_boundary_mask", 0, 0, MAX_ADDR);
  if (mask !== 0 && !isPowerOfTwo(mask + 1)) {
    fail(record, `field "seg_boundary_mask": expected 0 or 2^k - 1, got ${mask}`);
  }
  return mask;
}

function readInit(record: TraceRecord): InitOp {
  const page_size = readOptionalInt(record, "page_size", 4096, 4096, 65536);
  if (!isPowerOfTwo(page_size)) {
    fail(record, `field "page_size": expected a power of two, got ${page_size}`);
  }
  const nareas = readInt(record, "nareas", 1, MAX_NAREAS);
  if (!isPowerOfTwo(nareas)) fail(record, `field "nareas": expected a power of two, got ${nareas}`);
  const nslabs = readInt(record, "nslabs", 128, MAX_NSLABS);
  if (nslabs % (128 * nareas) !== 0) {
    fail(record, `field "nslabs": expected a multiple of 128 * nareas = ${128 * nareas}`);
  }
  const start = readInt(record, "start", 0, MAX_ADDR - nslabs * 2048);
  if (start % page_size !== 0) {
    fail(record, `field "start": expected a multiple of page_size ${page_size}, got ${start}`);
  }
  const op: InitOp = { op: "init", nslabs, nareas, start, page_size };
  if (record.fields.kind !== undefined)
    op.kind = readString(record, "kind", POOL_KINDS) as PoolKind;
  if (record.fields.layout !== undefined)
    op.layout = readString(record, "layout", LAYOUT_NAMES) as LayoutName;
  if (record.fields.ram_mib !== undefined) op.ram_mib = readInt(record, "ram_mib", 256, 65536);
  if (record.fields.phys_limit !== undefined) {
    op.phys_limit = readInt(record, "phys_limit", 0xfffff, MAX_ADDR);
  }
  return op;
}

/** The fields `unmap` and `free` share. */
function readRelease(record: TraceRecord): Omit<UnmapOp, "op"> {
  return {
    ref: readInt(record, "ref", 0),
    tlb: record.fields.tlb === null ? null : readInt(record, "tlb", 0, MAX_ADDR),
    size: readInt(record, "size", 1, MAX_SIZE),
    min_align_mask: readInt(record, "min_align_mask", 0, U32_MAX),
  };
}

/** Decodes one trace line; throws TraceError naming file and line on bad input. */
export function decodeSwiotlbOp(record: TraceRecord): SwiotlbOp {
  // Each case returns the op name as a literal (an interned constant), see ../iova/ops.ts.
  const op = readString(record, "op", SWIOTLB_OP_NAMES) as SwiotlbOp["op"];
  switch (op) {
    case "init":
      return readInit(record);
    case "map":
      return {
        op: "map",
        orig: readInt(record, "orig", 0, MAX_ADDR),
        size: readInt(record, "size", 1, MAX_SIZE),
        alloc_size: readInt(record, "alloc_size", 1, MAX_SIZE),
        alloc_align_mask: readInt(record, "alloc_align_mask", 0, U32_MAX),
        min_align_mask: readInt(record, "min_align_mask", 0, U32_MAX),
        cpu: readInt(record, "cpu", 0, MAX_CPU),
        seg_boundary_mask: readBoundary(record),
        attrs: readOptionalInt(record, "attrs", 0, 0, U32_MAX),
        dma_limit: readOptionalInt(record, "dma_limit", 0, 0, MAX_ADDR),
        io_path: readOptionalInt(record, "io_path", 0, 0, 1),
      };
    case "unmap":
      return { op: "unmap", ...readRelease(record) };
    case "free":
      return { op: "free", ...readRelease(record) };
    case "alloc":
      return {
        op: "alloc",
        size: readInt(record, "size", 1, MAX_SIZE),
        min_align_mask: readInt(record, "min_align_mask", 0, U32_MAX),
        cpu: readInt(record, "cpu", 0, MAX_CPU),
        seg_boundary_mask: readBoundary(record),
      };
    case "sync":
      return {
        op: "sync",
        ref: readInt(record, "ref", 0),
        tlb: readInt(record, "tlb", 0, MAX_ADDR),
      };
    case "advance":
      return { op: "advance", ms: readInt(record, "ms", 0, 3_600_000) };
    case "dump":
      return { op: "dump" };
  }
}

/** The flat JSONL object for an op (no expectation fields); optional fields at 0 are left out. */
export function encodeSwiotlbOp(op: SwiotlbOp): Record<string, unknown> {
  const out: Record<string, unknown> = { ...op };
  for (const key of ["seg_boundary_mask", "attrs", "dma_limit", "io_path"]) {
    if (out[key] === 0) delete out[key];
  }
  return out;
}
