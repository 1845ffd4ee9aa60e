/**
 * The ops of the golden traces recorded from the kernel's own page_alloc.c (golden/pagealloc,
 * see its README): zone-level calls rather than gfp requests. `init` boots synthetic zones,
 * `alloc` with a `zone` field is rmqueue() on one zone and CPU (decoded as `zone_alloc`), `free`
 * with a `ref` field is __free_pages() of that alloc on a CPU (decoded as `zone_free`), then
 * watermark_ok, drain, decay_pcp_high, reserve_highatomic and unreserve_highatomic.
 */
import { readBool, readInt, readString, TraceError, type TraceRecord } from "../../sim/jsonl.js";
import { MAX_ORDER } from "./layout.js";
import { NR_CPUS } from "./pcp-state.js";

/** Zone names of the traces, by zone index. */
export const KERNEL_ZONE_NAMES = ["DMA", "DMA32", "Normal"] as const;
export type KernelZoneName = (typeof KERNEL_ZONE_NAMES)[number];
/** Migratetype names of the traces, by value. */
export const MIGRATETYPE_NAMES = [
  "UNMOVABLE",
  "MOVABLE",
  "RECLAIMABLE",
  "HIGHATOMIC",
  "CMA",
  "ISOLATE",
] as const;
/** ALLOC_* flag names and values (mm/internal.h). */
export const ALLOC_FLAG_VALUES: Readonly<Record<string, number>> = {
  ALLOC_WMARK_MIN: 0,
  ALLOC_WMARK_LOW: 1,
  ALLOC_WMARK_HIGH: 2,
  ALLOC_NO_WATERMARKS: 0x04,
  ALLOC_OOM: 0x08,
  ALLOC_NON_BLOCK: 0x10,
  ALLOC_MIN_RESERVE: 0x20,
  ALLOC_CPUSET: 0x40,
  ALLOC_CMA: 0x80,
  ALLOC_NOFRAGMENT: 0x100,
  ALLOC_HIGHATOMIC: 0x200,
  ALLOC_KSWAPD: 0x800,
};
const MARKS = ["min", "low", "high"] as const;

/** Boots zones [start_pfn, end_pfn) with reserved and CMA pfn ranges (half-open). */
export interface InitOp {
  op: "init";
  zones: { name: KernelZoneName; start_pfn: number; end_pfn: number }[];
  reserved: [number, number][];
  cma: [number, number][];
  min_free_kbytes: number | null;
}
/** rmqueue(zone, zone, order, 0, alloc_flags, migratetype) on `cpu`; trace op "alloc". */
export interface ZoneAllocOp {
  op: "zone_alloc";
  id: number;
  zone: KernelZoneName;
  order: number;
  migratetype: "UNMOVABLE" | "MOVABLE" | "RECLAIMABLE";
  alloc_flags: string[];
  cpu: number;
}
/** __free_pages(pfn_to_page(pfn), order) on `cpu` of alloc `ref`; trace op "free". */
export interface ZoneFreeOp {
  op: "zone_free";
  ref: number;
  order: number;
  cpu: number;
  pfn: number | null;
}
/** zone_watermark_ok and zone_watermark_fast at a mark. */
export interface WatermarkOkOp {
  op: "watermark_ok";
  zone: KernelZoneName;
  order: number;
  mark: (typeof MARKS)[number];
  alloc_flags: string[];
  highest_zoneidx: number;
}
/** drain_local_pages(NULL) on `cpu`. */
export interface DrainOp {
  op: "drain";
  cpu: number;
}
/** decay_pcp_high(zone, pcp of cpu) (v6.8). */
export interface DecayPcpHighOp {
  op: "decay_pcp_high";
  zone: KernelZoneName;
  cpu: number;
}
/** reserve_highatomic_pageblock on alloc `ref`'s page. */
export interface ReserveHighatomicOp {
  op: "reserve_highatomic";
  ref: number;
  pfn: number | null;
}
/** unreserve_highatomic_pageblock(ac, force). */
export interface UnreserveHighatomicOp {
  op: "unreserve_highatomic";
  migratetype: (typeof MIGRATETYPE_NAMES)[number];
  force: boolean;
  highest_zoneidx: number;
}

export type KernelOp =
  | InitOp
  | ZoneAllocOp
  | ZoneFreeOp
  | WatermarkOkOp
  | DrainOp
  | DecayPcpHighOp
  | ReserveHighatomicOp
  | UnreserveHighatomicOp;

/** Trace op names that are kernel ops whatever their fields. */
export const KERNEL_OP_NAMES = [
  "init",
  "watermark_ok",
  "drain",
  "decay_pcp_high",
  "reserve_highatomic",
  "unreserve_highatomic",
] as const;

const MAX_PFN = 2 ** 32;

/** Whether a trace line is a kernel op (`alloc` with `zone`, `free` with `ref`, or a kernel name). */
export function isKernelRecord(record: TraceRecord): boolean {
  const op = record.fields.op;
  if (op === "alloc") return Object.hasOwn(record.fields, "zone");
  if (op === "free") return Object.hasOwn(record.fields, "ref");
  return (KERNEL_OP_NAMES as readonly unknown[]).includes(op);
}

function fail(record: TraceRecord, why: string): never {
  throw new TraceError(record.file, record.line, why);
}

function readPfnRanges(record: TraceRecord, key: string): [number, number][] {
  const v = record.fields[key];
  if (!Array.isArray(v)) fail(record, `field "${key}" must be a list of [lo, hi] pfn ranges`);
  return v.map((r) => {
    if (
      !Array.isArray(r) ||
      r.length !== 2 ||
      !Number.isSafeInteger(r[0]) ||
      !Number.isSafeInteger(r[1]) ||
      (r[0] as number) < 0 ||
      (r[0] as number) > (r[1] as number) ||
      (r[1] as number) > MAX_PFN
    )
      fail(record, `field "${key}": ${JSON.stringify(r)} is not a [lo, hi] pfn range`);
    return [r[0], r[1]] as [number, number];
  });
}

function readFlags(record: TraceRecord): string[] {
  const v = record.fields.alloc_flags;
  if (!Array.isArray(v)) fail(record, `field "alloc_flags" must be a list of ALLOC_* names`);
  for (const f of v)
    if (typeof f !== "string" || !Object.hasOwn(ALLOC_FLAG_VALUES, f))
      fail(record, `field "alloc_flags": unknown flag ${JSON.stringify(f)}`);
  return v as string[];
}

function readNullablePfn(record: TraceRecord): number | null {
  return record.fields.pfn === null ? null : readInt(record, "pfn", 0, MAX_PFN);
}

function readZones(record: TraceRecord): InitOp["zones"] {
  const v = record.fields.zones;
  if (!Array.isArray(v) || v.length === 0) fail(record, `field "zones" must be a non-empty list`);
  return v.map((z) => {
    const o = z as Record<string, unknown>;
    const name = o?.name;
    const s = o?.start_pfn;
    const e = o?.end_pfn;
    if (
      !(KERNEL_ZONE_NAMES as readonly unknown[]).includes(name) ||
      !Number.isSafeInteger(s) ||
      !Number.isSafeInteger(e) ||
      (s as number) % 1024 !== 0 ||
      (e as number) % 1024 !== 0 ||
      (s as number) >= (e as number) ||
      (e as number) > MAX_PFN
    )
      fail(
        record,
        `field "zones": ${JSON.stringify(z)} is not {name, start_pfn, end_pfn} (1024-aligned)`,
      );
    return { name: name as KernelZoneName, start_pfn: s as number, end_pfn: e as number };
  });
}

/** Decodes a kernel-op line (see {@link isKernelRecord}); throws TraceError on bad input. */
export function decodeKernelOp(record: TraceRecord): KernelOp {
  const op = readString(record, "op");
  const zoneName = () => readString(record, "zone", KERNEL_ZONE_NAMES) as KernelZoneName;
  const cpu = () => readInt(record, "cpu", 0, NR_CPUS - 1);
  switch (op) {
    case "init": {
      const mfk = record.fields.min_free_kbytes;
      return {
        op,
        zones: readZones(record),
        reserved: readPfnRanges(record, "reserved"),
        cma: readPfnRanges(record, "cma"),
        min_free_kbytes:
          mfk === null || mfk === undefined ? null : readInt(record, "min_free_kbytes", 0, 1 << 30),
      };
    }
    case "alloc":
      return {
        op: "zone_alloc",
        id: readInt(record, "id", 0, 2 ** 40),
        zone: zoneName(),
        order: readInt(record, "order", 0, MAX_ORDER),
        migratetype: readString(
          record,
          "migratetype",
          MIGRATETYPE_NAMES.slice(0, 3),
        ) as ZoneAllocOp["migratetype"],
        alloc_flags: readFlags(record),
        cpu: cpu(),
      };
    case "free":
      return {
        op: "zone_free",
        ref: readInt(record, "ref", 0, 2 ** 40),
        order: readInt(record, "order", 0, MAX_ORDER),
        cpu: cpu(),
        pfn: readNullablePfn(record),
      };
    case "watermark_ok":
      return {
        op,
        zone: zoneName(),
        order: readInt(record, "order", 0, MAX_ORDER),
        mark: readString(record, "mark", MARKS) as WatermarkOkOp["mark"],
        alloc_flags: readFlags(record),
        highest_zoneidx: readInt(record, "highest_zoneidx", 0, 3),
      };
    case "drain":
      return { op, cpu: cpu() };
    case "decay_pcp_high":
      return { op, zone: zoneName(), cpu: cpu() };
    case "reserve_highatomic":
      return { op, ref: readInt(record, "ref", 0, 2 ** 40), pfn: readNullablePfn(record) };
    case "unreserve_highatomic":
      return {
        op,
        migratetype: readString(
          record,
          "migratetype",
          MIGRATETYPE_NAMES,
        ) as UnreserveHighatomicOp["migratetype"],
        force: readBool(record, "force"),
        highest_zoneidx: readInt(record, "highest_zoneidx", 0, 3),
      };
    default:
      return fail(record, `"${op}" is not a kernel page-allocator op`);
  }
}

/** The JSONL object of a kernel op (trace names: zone_alloc is "alloc", zone_free is "free"). */
export function encodeKernelOp(op: KernelOp): Record<string, unknown> {
  if (op.op === "zone_alloc") return { ...op, op: "alloc" };
  if (op.op === "zone_free") return { ...op, op: "free" };
  return { ...op };
}

/** The alloc_flags value of flag names. */
export function allocFlagsValue(names: readonly string[]): number {
  let flags = 0;
  for (const n of names) flags |= ALLOC_FLAG_VALUES[n] as number;
  return flags;
}
