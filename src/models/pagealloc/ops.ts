/**
 * Page allocator ops as data, with their JSONL form. Field names are the trace's field names;
 * gfp masks are written the way the kernel prints them ("GFP_KERNEL|__GFP_NOWARN").
 */
import {
  readBool,
  readInt,
  readOptionalBool,
  readOptionalInt,
  readString,
  TraceError,
  type TraceRecord,
} from "../../sim/jsonl.js";
import { gfpZone, parseGfp } from "./gfp.js";
import {
  decodeKernelOp,
  encodeKernelOp,
  isKernelRecord,
  KERNEL_OP_NAMES,
  type KernelOp,
} from "./kernel-ops.js";
import { LAYOUT_NAMES, type LayoutName, MAX_ORDER } from "./layout.js";
import { MAX_PID } from "./mm.js";

/** Boots a machine (replaces the current one). */
export interface BootOp {
  op: "boot";
  layout: LayoutName;
  ram_mib: number;
  swap_mib: number;
  cma_mib: number;
  hang_ms: number;
}
/** alloc_pages(gfp, order) by a task called `comm` (a workqueue worker if `worker`). */
export interface AllocOp {
  op: "alloc";
  order: number;
  gfp: string;
  comm: string;
  worker: boolean;
}
/** __free_pages(pfn, order) of a block an `alloc` op returned. */
export interface FreeOp {
  op: "free";
  pfn: number;
  order: number;
}
/** What a pressure op works on: a process's anon memory, page cache, or unmovable kernel memory. */
export type PressureKind = "anon" | "file" | "kernel";
export const PRESSURE_KINDS: readonly PressureKind[] = ["anon", "file", "kernel"];
/** Faults in `pages` order-0 pages of `what` (pid for anon), stopping at the first failure. */
export interface FillOp {
  op: "fill";
  what: PressureKind;
  pages: number;
  pid: number;
}
/** Frees every page of `what` (of `pid` for anon) except those with pfn % stride == keep. */
export interface ReleaseOp {
  op: "release";
  what: PressureKind;
  pid: number;
  stride: number;
  keep: number;
}
/** The process exits: its anonymous memory is freed. */
export interface ExitOp {
  op: "exit";
  pid: number;
}
/** GUP-pins (or unpins) every anonymous page of the process: migration then fails on them. */
export interface PinOp {
  op: "pin";
  pid: number;
  pinned: boolean;
}
/** Re-reads up to `pages` evicted page-cache pages (refaults). */
export interface RefaultOp {
  op: "refault";
  pages: number;
}
/** memalloc_noio_save/restore and memalloc_nofs_save/restore for the allocating task. */
export interface ScopeOp {
  op: "scope";
  noio: boolean;
  nofs: boolean;
}
/** pm_restrict_gfp_mask() (on) / pm_restore_gfp_mask() (off). */
export interface SuspendOp {
  op: "suspend";
  on: boolean;
}
/** Mechanism B: other tasks take up to `pages` reclaimed pages after each direct reclaim pass. */
export interface StealersOp {
  op: "stealers";
  pages: number;
}
/** Lets virtual time pass; kswapd balances the zones. */
export interface AdvanceOp {
  op: "advance";
  ms: number;
}
/** Reports the state. */
export interface DumpOp {
  op: "dump";
}

export type PageallocOp =
  | BootOp
  | AllocOp
  | FreeOp
  | FillOp
  | ReleaseOp
  | ExitOp
  | PinOp
  | RefaultOp
  | ScopeOp
  | SuspendOp
  | StealersOp
  | AdvanceOp
  | DumpOp
  | KernelOp;

export const PAGEALLOC_OP_NAMES = [
  ...KERNEL_OP_NAMES,
  "boot",
  "alloc",
  "free",
  "fill",
  "release",
  "exit",
  "pin",
  "refault",
  "scope",
  "suspend",
  "stealers",
  "advance",
  "dump",
] as const;

const MAX_PAGES = 1 << 25;
const MAX_PFN = 2 ** 40;

/** A `gfp` field of flag names ("GFP_KERNEL|__GFP_NOWARN"), checked for unknown names and conflicting zones. */
export function readGfp(record: TraceRecord): string {
  const gfp = readString(record, "gfp");
  const mask = parseGfp(gfp);
  if (typeof mask === "string" || gfpZone(mask) < 0) {
    const why = typeof mask === "string" ? mask : "conflicting zone modifiers";
    throw new TraceError(record.file, record.line, `field "gfp": ${why} in "${gfp}"`);
  }
  return gfp;
}

/** Decodes one trace line; throws TraceError naming file and line on bad input. */
export function decodePageallocOp(record: TraceRecord): PageallocOp {
  const op = readString(record, "op", PAGEALLOC_OP_NAMES) as (typeof PAGEALLOC_OP_NAMES)[number];
  if (isKernelRecord(record)) return decodeKernelOp(record);
  switch (op) {
    case "boot":
      return {
        op,
        layout: readString(record, "layout", LAYOUT_NAMES) as LayoutName,
        ram_mib: readInt(record, "ram_mib", 16, 65536),
        swap_mib: readOptionalInt(record, "swap_mib", 0, 0, 65536),
        cma_mib: readOptionalInt(record, "cma_mib", 0, 0, 4096),
        hang_ms: readOptionalInt(record, "hang_ms", 120_000, 1, 86_400_000),
      };
    case "alloc": {
      const gfp = readGfp(record);
      return {
        op,
        order: readInt(record, "order", 0, MAX_ORDER + 1),
        gfp,
        comm: Object.hasOwn(record.fields, "comm") ? readString(record, "comm") : "dmafuzz",
        worker: readOptionalBool(record, "worker", false),
      };
    }
    case "free":
      return {
        op,
        pfn: readInt(record, "pfn", 0, MAX_PFN),
        order: readInt(record, "order", 0, MAX_ORDER),
      };
    case "fill":
      return {
        op,
        what: readString(record, "what", PRESSURE_KINDS) as PressureKind,
        pages: readInt(record, "pages", 0, MAX_PAGES),
        pid: readOptionalInt(record, "pid", 1, 1, MAX_PID),
      };
    case "release":
      return {
        op,
        what: readString(record, "what", PRESSURE_KINDS) as PressureKind,
        pid: readOptionalInt(record, "pid", 1, 1, MAX_PID),
        stride: readInt(record, "stride", 1, 1 << 20),
        keep: readOptionalInt(record, "keep", 0, 0, 1 << 20),
      };
    case "exit":
      return { op, pid: readInt(record, "pid", 1, MAX_PID) };
    case "pin":
      return { op, pid: readInt(record, "pid", 1, MAX_PID), pinned: readBool(record, "pinned") };
    case "refault":
      return { op, pages: readInt(record, "pages", 0, MAX_PAGES) };
    case "scope":
      return {
        op,
        noio: readOptionalBool(record, "noio", false),
        nofs: readOptionalBool(record, "nofs", false),
      };
    case "suspend":
      return { op, on: readBool(record, "on") };
    case "stealers":
      return { op, pages: readInt(record, "pages", 0, 1 << 16) };
    case "advance":
      return { op, ms: readInt(record, "ms", 0, 1e9) };
    case "dump":
      return { op };
    default:
      return decodeKernelOp(record);
  }
}

/** The flat JSONL object for an op (no expectation fields). */
export function encodePageallocOp(op: PageallocOp): Record<string, unknown> {
  switch (op.op) {
    case "init":
    case "zone_alloc":
    case "zone_free":
    case "watermark_ok":
    case "drain":
    case "decay_pcp_high":
    case "reserve_highatomic":
    case "unreserve_highatomic":
      return encodeKernelOp(op);
    default:
      return { ...op };
  }
}
