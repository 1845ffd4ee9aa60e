/**
 * CMA model ops as data, with their JSONL form. `alloc` and `release` are cma_alloc and
 * cma_release on the default area; `fill`/`drop` put and take memory through the page allocator
 * (anonymous and page-cache faults are movable and land in MIGRATE_CMA pageblocks once the
 * allocator's CMA rule lets them); `fork`, `exit`, `dio` and `longterm_pin` pin a process's pages.
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
import { MAX_PID } from "../pagealloc/mm.js";

/** Layouts that can hold a CMA area. */
export const CMA_LAYOUTS = ["x86_64", "arm64", "rpi4"] as const;
export type CmaLayout = (typeof CMA_LAYOUTS)[number];

/** Boots a machine with a default CMA area (replaces the current one). */
export interface BootOp {
  op: "boot";
  layout: CmaLayout;
  ram_mib: number;
  cma_mib: number;
  order_per_bit: number;
  swap_mib: number;
  hang_ms: number;
  /** FOLL_LONGTERM pins migrate pages out of CMA first (upstream since v5.1). */
  longterm_migrate: boolean;
  fork_preempt_ppm: number;
  fork_median_us: number;
  fork_p99_us: number;
  exit_ns_per_page: number;
  exit_min_ms: number;
  exit_max_ms: number;
  dio_min_us: number;
  dio_max_us: number;
}
/** cma_alloc(area, count, align, no_warn). */
export interface AllocOp {
  op: "alloc";
  count: number;
  align: number;
  no_warn: boolean;
}
/** cma_release(area, pfn, count) of an allocation an `alloc` op returned. */
export interface ReleaseOp {
  op: "release";
  pfn: number;
  count: number;
}
/** What `fill` and `drop` work on. */
export type MemoryKind = "anon" | "file" | "kernel";
export const MEMORY_KINDS: readonly MemoryKind[] = ["anon", "file", "kernel"];
/** Faults in up to `pages` order-0 pages of `what` (anon for process `pid`). */
export interface FillOp {
  op: "fill";
  what: MemoryKind;
  pages: number;
  pid: number;
}
/** Frees page cache or kernel memory whose pfn % stride != keep (anon leaves only by exit). */
export interface DropOp {
  op: "drop";
  what: "file" | "kernel";
  stride: number;
  keep: number;
}
/** The process forks: preempted refcount/mapcount pairs pin some of its pages briefly. */
export interface ForkOp {
  op: "fork";
  pid: number;
}
/** The process exits: its pages stay pinned until the TLB-batch flush frees them. */
export interface ExitOp {
  op: "exit";
  pid: number;
}
/** Direct I/O on `pages` pages of the process (from `pfn` when given, else a random page). */
export interface DioOp {
  op: "dio";
  pid: number;
  pages: number;
  pfn?: number;
}
/** A pin that never drops: a driver's get_user_pages or vmsplice, or FOLL_LONGTERM (VFIO, RDMA). */
export interface LongtermPinOp {
  op: "longterm_pin";
  pid: number;
  pages: number;
  pfn?: number;
  foll_longterm: boolean;
}
/** Lets virtual time pass: pins drop, exit batches are freed, kswapd balances. */
export interface AdvanceOp {
  op: "advance";
  ms: number;
}
/** Reports the state. */
export interface DumpOp {
  op: "dump";
}

export type CmaOp =
  | BootOp
  | AllocOp
  | ReleaseOp
  | FillOp
  | DropOp
  | ForkOp
  | ExitOp
  | DioOp
  | LongtermPinOp
  | AdvanceOp
  | DumpOp;

export const CMA_OP_NAMES = [
  "boot",
  "alloc",
  "release",
  "fill",
  "drop",
  "fork",
  "exit",
  "dio",
  "longterm_pin",
  "advance",
  "dump",
] as const;

/** The boot op the model starts from: 256 MiB x86_64, a 64 MiB area, the spec's pin timing. */
export const DEFAULT_BOOT: BootOp = {
  op: "boot",
  layout: "x86_64",
  ram_mib: 256,
  cma_mib: 64,
  order_per_bit: 0,
  swap_mib: 0,
  hang_ms: 120_000,
  longterm_migrate: true,
  fork_preempt_ppm: 1000,
  fork_median_us: 2000,
  fork_p99_us: 50_000,
  exit_ns_per_page: 2000,
  exit_min_ms: 10,
  exit_max_ms: 500,
  dio_min_us: 100,
  dio_max_us: 20_000,
};

const MAX_PAGES = 1 << 25;
const MAX_PFN = 2 ** 40;
const US = 3_600_000_000;

/** Decodes one trace line; throws TraceError naming file and line on bad input. */
export function decodeCmaOp(record: TraceRecord): CmaOp {
  const op = readString(record, "op", CMA_OP_NAMES) as CmaOp["op"];
  const pid = () => readInt(record, "pid", 1, MAX_PID);
  const optPfn = () =>
    Object.hasOwn(record.fields, "pfn") ? { pfn: readInt(record, "pfn", 0, MAX_PFN) } : {};
  switch (op) {
    case "boot":
      return decodeBoot(record);
    case "alloc":
      return {
        op,
        count: readInt(record, "count", 0, MAX_PAGES),
        align: readOptionalInt(record, "align", 0, 0, 20),
        no_warn: readOptionalBool(record, "no_warn", false),
      };
    case "release":
      return {
        op,
        pfn: readInt(record, "pfn", 0, MAX_PFN),
        count: readInt(record, "count", 1, MAX_PAGES),
      };
    case "fill":
      return {
        op,
        what: readString(record, "what", MEMORY_KINDS) as MemoryKind,
        pages: readInt(record, "pages", 0, MAX_PAGES),
        pid: readOptionalInt(record, "pid", 1, 1, MAX_PID),
      };
    case "drop":
      return {
        op,
        what: readString(record, "what", ["file", "kernel"]) as DropOp["what"],
        stride: readInt(record, "stride", 1, 1 << 20),
        keep: readOptionalInt(record, "keep", 0, 0, 1 << 20),
      };
    case "fork":
    case "exit":
      return { op, pid: pid() };
    case "dio":
      return { op, pid: pid(), pages: readInt(record, "pages", 1, MAX_PAGES), ...optPfn() };
    case "longterm_pin":
      return {
        op,
        pid: pid(),
        pages: readInt(record, "pages", 1, MAX_PAGES),
        ...optPfn(),
        foll_longterm: readOptionalBool(record, "foll_longterm", false),
      };
    case "advance":
      return { op, ms: readInt(record, "ms", 0, 1e9) };
    case "dump":
      return { op };
  }
}

function decodeBoot(record: TraceRecord): BootOp {
  const d = DEFAULT_BOOT;
  const int = (key: keyof BootOp, min: number, max: number) =>
    readOptionalInt(record, key, d[key] as number, min, max);
  const boot: BootOp = {
    op: "boot",
    layout: readString(record, "layout", CMA_LAYOUTS) as CmaLayout,
    ram_mib: readInt(record, "ram_mib", 64, 65536),
    cma_mib: readInt(record, "cma_mib", 1, 4096),
    order_per_bit: int("order_per_bit", 0, 10),
    swap_mib: int("swap_mib", 0, 65536),
    hang_ms: int("hang_ms", 1, 86_400_000),
    longterm_migrate: Object.hasOwn(record.fields, "longterm_migrate")
      ? readBool(record, "longterm_migrate")
      : d.longterm_migrate,
    fork_preempt_ppm: int("fork_preempt_ppm", 0, 1_000_000),
    fork_median_us: int("fork_median_us", 1, US),
    fork_p99_us: int("fork_p99_us", 1, US),
    exit_ns_per_page: int("exit_ns_per_page", 0, 1e9),
    exit_min_ms: int("exit_min_ms", 0, 3_600_000),
    exit_max_ms: int("exit_max_ms", 0, 3_600_000),
    dio_min_us: int("dio_min_us", 1, US),
    dio_max_us: int("dio_max_us", 1, US),
  };
  for (const [lo, hi] of [
    ["fork_median_us", "fork_p99_us"],
    ["exit_min_ms", "exit_max_ms"],
    ["dio_min_us", "dio_max_us"],
  ] as const) {
    if (boot[lo] > boot[hi])
      throw new TraceError(record.file, record.line, `field "${hi}" must be at least "${lo}"`);
  }
  return boot;
}

/** The flat JSONL object for an op (no expectation fields). */
export function encodeCmaOp(op: CmaOp): Record<string, unknown> {
  return { ...op };
}
