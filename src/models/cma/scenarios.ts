/**
 * Named CMA scenarios as op lists (for tests, fuzz reproducers and the latency benchmark). Every
 * one starts from the same machine: x86_64 with 256 MiB, a CMA area whose MIGRATE_CMA pageblocks
 * are filled with one process's anonymous memory (kernel memory first takes everything outside
 * the area, the process's faults then land in the area, and the kernel memory is freed again so
 * that migration targets exist).
 */
import { buildLayout } from "../pagealloc/layout.js";
import { type BootOp, type CmaOp, DEFAULT_BOOT } from "./ops.js";

/** The pid whose anonymous memory fills the area. */
export const SCENARIO_PID = 1;

/** The first pfn of the area these scenarios boot with `cmaMib`. */
export function areaBase(cmaMib: number): number {
  const range = buildLayout("x86_64", { ramMib: 256, cmaMib }).cma[0];
  if (range === undefined) throw new RangeError(`no ${cmaMib} MiB CMA area fits`);
  return range.start;
}

/** Boot and fill: the area's pages belong to process 1, the rest of RAM is free. */
export function filledArea(cmaMib: number, boot: Partial<BootOp> = {}): CmaOp[] {
  return [
    { ...DEFAULT_BOOT, ram_mib: 256, cma_mib: cmaMib, ...boot },
    { op: "fill", what: "kernel", pages: 1 << 20, pid: 1 },
    { op: "fill", what: "anon", pages: 1 << 20, pid: SCENARIO_PID },
    { op: "drop", what: "kernel", stride: 2, keep: 0 },
    { op: "drop", what: "kernel", stride: 2, keep: 1 },
  ];
}

/**
 * The spec's policy comparison on one candidate: an 8 MiB area and a request for all of it
 * (align 8), with the page at area index 100 pinned either by direct I/O (transient, 0.1-20 ms)
 * or by a driver's plain get_user_pages (long-term).
 */
export function wholeAreaPinned(pin: "transient" | "longterm"): CmaOp[] {
  const pfn = areaBase(8) + 100;
  const pinOp: CmaOp =
    pin === "transient"
      ? { op: "dio", pid: SCENARIO_PID, pages: 1, pfn }
      : { op: "longterm_pin", pid: SCENARIO_PID, pages: 1, pfn, foll_longterm: false };
  return [...filledArea(8), pinOp, { op: "alloc", count: 2048, align: 8, no_warn: false }];
}
