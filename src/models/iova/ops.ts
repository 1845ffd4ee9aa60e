/**
 * IOVA ops as data: the JSONL trace format of golden/iova/README.md, plus `advance`
 * (virtual time, for v6.7's depot trimming). Op field names are the trace's field names.
 */
import {
  readBool,
  readInt,
  readOptionalInt,
  readString,
  TraceError,
  type TraceRecord,
} from "../../sim/jsonl.js";

/** init_iova_domain(granule, start_pfn) on `cpus` possible and online CPUs (default 4). */
export interface InitOp {
  op: "init";
  granule: number;
  start_pfn: number;
  cpus: number;
}
/** alloc_iova(size, limit_pfn, aligned); limit_pfn is inclusive. */
export interface AllocOp {
  op: "alloc";
  size: number;
  limit_pfn: number;
  aligned: boolean;
}
/** free_iova(pfn): frees the IOVA containing pfn. */
export interface FreeOp {
  op: "free";
  pfn: number;
}
/** reserve_iova(lo, hi), inclusive. */
export interface ReserveOp {
  op: "reserve";
  lo: number;
  hi: number;
}
/** alloc_iova_fast(size, limit_pfn, flush) on CPU `cpu`. */
export interface AllocFastOp {
  op: "alloc_fast";
  size: number;
  limit_pfn: number;
  flush: boolean;
  cpu: number;
}
/** free_iova_fast(pfn, size) on CPU `cpu`; size is the caller's, unrounded. */
export interface FreeFastOp {
  op: "free_fast";
  pfn: number;
  size: number;
  cpu: number;
}
/** Lets virtual time pass (delayed work runs). */
export interface AdvanceOp {
  op: "advance";
  ms: number;
}
/** Reports the whole state (the golden traces' last line). */
export interface DumpOp {
  op: "dump";
}

export type IovaOp =
  InitOp | AllocOp | FreeOp | ReserveOp | AllocFastOp | FreeFastOp | AdvanceOp | DumpOp;

export const IOVA_OP_NAMES = [
  "init",
  "alloc",
  "free",
  "reserve",
  "alloc_fast",
  "free_fast",
  "advance",
  "dump",
] as const;

/** Highest CPU id a trace may name; the model checks it against the domain's CPU count. */
export const MAX_CPUS = 64;
const MAX_PFN = Number.MAX_SAFE_INTEGER;

/** Decodes one trace line; throws TraceError naming file and line on bad input. */
export function decodeIovaOp(record: TraceRecord): IovaOp {
  // Each case returns the op name as a literal: an interned constant, so switching on it later
  // compares pointers rather than the characters of a string from JSON.parse.
  const op = readString(record, "op", IOVA_OP_NAMES) as IovaOp["op"];
  switch (op) {
    case "init": {
      const granule = readInt(record, "granule", 1, 4096);
      if ((granule & (granule - 1)) !== 0) {
        throw new TraceError(
          record.file,
          record.line,
          `field "granule": expected a power of two, got ${granule}`,
        );
      }
      return {
        op: "init",
        granule,
        start_pfn: readInt(record, "start_pfn", 0, MAX_PFN),
        cpus: readOptionalInt(record, "cpus", 4, 1, MAX_CPUS),
      };
    }
    case "alloc":
      return {
        op: "alloc",
        size: readInt(record, "size", 1, MAX_PFN),
        limit_pfn: readInt(record, "limit_pfn", 0, MAX_PFN - 1),
        aligned: readBool(record, "aligned"),
      };
    case "free":
      return { op: "free", pfn: readInt(record, "pfn", 0, MAX_PFN) };
    case "reserve": {
      const lo = readInt(record, "lo", 0, MAX_PFN);
      const hi = readInt(record, "hi", lo, MAX_PFN);
      return { op: "reserve", lo, hi };
    }
    case "alloc_fast":
      return {
        op: "alloc_fast",
        size: readInt(record, "size", 1, MAX_PFN),
        limit_pfn: readInt(record, "limit_pfn", 0, MAX_PFN - 1),
        flush: readBool(record, "flush"),
        cpu: readInt(record, "cpu", 0, MAX_CPUS - 1),
      };
    case "free_fast":
      return {
        op: "free_fast",
        pfn: readInt(record, "pfn", 0, MAX_PFN),
        size: readInt(record, "size", 1, MAX_PFN),
        cpu: readInt(record, "cpu", 0, MAX_CPUS - 1),
      };
    case "advance":
      return { op: "advance", ms: readInt(record, "ms", 0, 1e9) };
    case "dump":
      return { op: "dump" };
  }
}

/**
 * The flat JSONL object for an op (no expectation fields). Ops already are trace objects, so
 * this returns the op itself (fuzz runs encode every op; nothing mutates ops) except for an
 * init whose CPU count is the default and so is left out.
 */
export function encodeIovaOp(op: IovaOp): Record<string, unknown> {
  if (op.op === "init" && op.cpus === 4) {
    return { op: op.op, granule: op.granule, start_pfn: op.start_pfn };
  }
  return op as unknown as Record<string, unknown>;
}
