/**
 * A cma_alloc failure replayed on the CMA model. mm/cma.c cma_alloc() starts with ret = -ENOMEM
 * and loops: bitmap_find_next_zero_area_off() for a free run of `count` pages (in
 * order_per_bit units); none left ends the loop with the last ret; alloc_contig_range() on a run
 * returns 0, or -EBUSY (pages that would not migrate: `alloc_contig_range: [x, y) PFNs busy`),
 * after which the next run is tried. So -ENOMEM (-12) means no free run of that size was ever
 * found, and -EBUSY (-16) means at least one was, and every run tried had busy pages.
 */
import { cmaModel } from "../models/cma/index.js";
import { type CmaLayout, type CmaOp, DEFAULT_BOOT } from "../models/cma/ops.js";
import { VirtualClock } from "../sim/clock.js";
import { Rng } from "../sim/rng.js";
import type { CmaEvent, LogContext } from "./events.js";
import { type EventVerdict, undecided } from "./verdict.js";

const PAGE_KB = 4;

/** The CMA area the request went to, in pages, and where the size came from. */
function areaPages(ev: CmaEvent, ctx: LogContext): { pages: number; from: string } | null {
  if (ev.available !== null) return { pages: ev.available.total, from: "cma_debug_show_areas" };
  const area =
    ctx.cmaAreas.length === 1 ? ctx.cmaAreas[0] : ctx.cmaAreas.find((a) => a.name === "reserved");
  if (area !== undefined)
    return { pages: (area.mib * 1024) / PAGE_KB, from: `the ${area.mib} MiB reservation line` };
  if (ctx.memory?.cmaReservedKb)
    return { pages: ctx.memory.cmaReservedKb / PAGE_KB, from: "the Memory: line's cma-reserved" };
  return null;
}

function layoutOf(ctx: LogContext): CmaLayout {
  return ctx.arch === "rpi4" ? "rpi4" : ctx.arch === "x86_64" ? "x86_64" : "arm64";
}

/** Judges one cma_alloc failure. */
export function analyzeCma(ev: CmaEvent, ctx: LogContext): EventVerdict {
  const errno = ev.ret === -12 ? "-ENOMEM" : ev.ret === -16 ? "-EBUSY" : String(ev.ret ?? "NULL");
  const title = `cma_alloc of ${ev.pages} pages (${(ev.pages * PAGE_KB) / 1024} MiB)${ev.area ? ` from ${ev.area}` : ""} failed with ${errno}`;
  const kernel =
    ev.ret === -16
      ? "cma_alloc() found free runs but alloc_contig_range() hit busy pages in each one it tried"
      : "cma_alloc() found no free run of the requested size in the area's bitmap";
  if (ev.ret === null && ev.text.startsWith("alloc_contig_range")) {
    return undecided(
      ev,
      `cma_alloc of about ${ev.pages} pages met ${ev.busy.length} busy range${ev.busy.length === 1 ? "" : "s"}`,
      "alloc_contig_range() could not isolate or migrate pages in each range (pinned or unmovable pages); cma_alloc() moved on to the next free run",
      "the outcome of this cma_alloc is not printed, and which pages were busy is not in the log",
    );
  }
  const area = areaPages(ev, ctx);
  if (area === null)
    return undecided(
      ev,
      title,
      kernel,
      "the log gives neither the CMA area's size nor its free pages",
    );
  const maxRun = ev.available ? Math.max(0, ...ev.available.runs.map((r) => r.count)) : null;
  const assumptions: string[] = [];
  const notes: string[] = [];
  const refusedBy: string[] = [];
  let decided = true;
  let modelShouldFail = true;
  if (ev.pages > area.pages)
    refusedBy.push(
      `${ev.pages} pages requested > ${area.pages} pages in the area (from ${area.from})`,
    );
  else if (maxRun !== null && maxRun < ev.pages) {
    refusedBy.push(
      `largest free run ${maxRun} pages < ${ev.pages} requested (${ev.available?.free} free of ${ev.available?.total})`,
    );
  } else if (ev.ret === -16) {
    modelShouldFail = false;
    refusedBy.push(
      `the bitmap had room (${ev.pages} <= ${maxRun ?? area.pages} pages) so the refusal is alloc_contig_range's: ${
        ev.busy.length > 0
          ? ev.busy
              .slice(0, 3)
              .map((b) => `[${b.start.toString(16)}, ${b.end.toString(16)}) busy`)
              .join(", ")
          : "busy pages (no busy lines printed)"
      }`,
    );
    notes.push(
      "which pages were pinned or unmovable is not in the log: the replay shows the allocation on an idle area",
    );
  } else {
    decided = false;
    notes.push(
      `the area (${area.pages} pages) can hold ${ev.pages} pages: whether a free run was left depends on its other allocations, which the log does not show`,
    );
  }
  const mib = Math.max(1, Math.min(4096, Math.ceil((area.pages * PAGE_KB) / 1024)));
  // The bitmap search does not depend on RAM: a machine twice the area's size replays it.
  const ramMib = Math.min(8192, Math.max(256, mib * 2));
  const ops: CmaOp[] = [{ ...DEFAULT_BOOT, layout: layoutOf(ctx), ram_mib: ramMib, cma_mib: mib }];
  if (maxRun !== null && maxRun < ev.pages && maxRun < area.pages) {
    ops.push({ op: "alloc", count: area.pages - maxRun, align: 0, no_warn: true });
    assumptions.push(
      `the area's other allocations were placed as one block leaving its largest free run (${maxRun} pages) at the end`,
    );
  }
  ops.push({ op: "alloc", count: ev.pages, align: 0, no_warn: false });
  if (ctx.arch === null)
    assumptions.push(
      "architecture not in the log: replayed on the arm64 layout (the bitmap search does not depend on it)",
    );
  const model = cmaModel.create("fail-fast", { clock: new VirtualClock(), rng: Rng.seeded(1) });
  const trace: Record<string, unknown>[] = [];
  let last: unknown = null;
  for (const op of ops) {
    last = model.apply(op);
    trace.push({ ...cmaModel.encodeOp(op), ...cmaModel.expectationOf(op, last as never) });
  }
  const failed = (last as { outcome?: string }).outcome !== "ok";
  const agreement = !decided ? "undecided" : failed === modelShouldFail ? "agrees" : "disagrees";
  const wouldChange =
    ev.ret === -16
      ? [
          "unpinning or migrating the busy pages (FOLL_LONGTERM pins migrate out of CMA since v5.1; policy variants pin-wait, retry-5x100ms)",
          "a retry after the transient pins drop (cma variant retry-5x100ms)",
        ]
      : [
          `a CMA area of at least ${ev.pages} free contiguous pages (cma= or the reserved-memory size; ${Math.ceil((ev.pages * PAGE_KB) / 1024)} MiB plus what else lives there)`,
        ];
  return {
    event: ev,
    title,
    kernel,
    model: "cma",
    variant: "fail-fast",
    variantWhy:
      "upstream cma_alloc() tries each free run once and returns (the other variants are retry policies)",
    agreement,
    modelSays: failed
      ? "the model's cma_alloc fails too"
      : "the model's cma_alloc succeeds on the replayed area",
    refusedBy,
    wouldChange,
    assumptions,
    notes,
    trace: { model: "cma", variant: "fail-fast", ops: trace },
    cause:
      agreement === "disagrees"
        ? "model gap: the replayed area does not refuse what the logged numbers refuse"
        : null,
  };
}
