/**
 * `swiotlb buffer is full` replayed on the swiotlb model: the pool rebuilt from the printed total
 * (or the `software IO TLB: mapped ... (N MB)` line) and areas, the used slots filled in, then
 * the failing mapping. swiotlb_tbl_map_single() (kernel/dma/swiotlb.c) needs
 * nr_slots(size) = ALIGN(size, IO_TLB_SIZE) >> IO_TLB_SHIFT contiguous free slots inside one
 * IO_TLB_SEGSIZE (128-slot) segment, so a mapping over 256 KiB never fits, and one that needs more
 * slots than are free cannot either; with enough free slots only their placement can refuse it,
 * which the log does not show.
 */
import { swiotlbModel } from "../models/swiotlb/index.js";
import type { SwiotlbOp } from "../models/swiotlb/ops.js";
import { VirtualClock } from "../sim/clock.js";
import { Rng } from "../sim/rng.js";
import type { LogContext, SwiotlbEvent } from "./events.js";
import { type EventVerdict, nearestVariant, parseVersion, undecided } from "./verdict.js";

const SLOT = 2048;
const SEGSIZE = 128;
const MAX_MAPPING = SLOT * SEGSIZE;
/** Pools and fills beyond these are judged by arithmetic only (the model's init limit, trace size). */
const MAX_NSLABS = 2 ** 22;
const MAX_FILL_OPS = 8192;

function mapOp(size: number): SwiotlbOp {
  return {
    op: "map",
    orig: 0x1_0000_0000,
    size,
    alloc_size: size,
    alloc_align_mask: 0,
    min_align_mask: 0,
    cpu: 0,
    seg_boundary_mask: 0,
    attrs: 0,
    dma_limit: 0,
    io_path: 0,
  };
}

/** The trace: init, `used` slots taken by whole-segment mappings, the failing mapping. */
function traceOps(total: number, areas: number, used: number, size: number): SwiotlbOp[] {
  const ops: SwiotlbOp[] = [
    { op: "init", nslabs: total, nareas: areas, start: 0x4000_0000, page_size: 4096 },
  ];
  for (let left = Math.min(used, total); left > 0; left -= SEGSIZE) {
    ops.push(mapOp(Math.min(left, SEGSIZE) * SLOT));
  }
  ops.push(mapOp(size));
  return ops;
}

/** Judges one `swiotlb buffer is full`. */
export function analyzeSwiotlb(
  ev: SwiotlbEvent,
  ctx: LogContext,
  logVersion: string | null,
): EventVerdict {
  const slots = Math.ceil(ev.size / SLOT);
  const title = `${ev.device ?? "a device"}: swiotlb mapping of ${ev.size} bytes (${slots} slots) refused`;
  const kernel = "swiotlb_tbl_map_single() found no free run of slots and the mapping failed";
  const poolSlots =
    ev.totalSlots ??
    (ctx.swiotlb && ctx.swiotlb.mib > 0 ? (ctx.swiotlb.mib * 1024 * 1024) / SLOT : null);
  const oversize = ev.size > MAX_MAPPING;
  if (poolSlots === null && !oversize) {
    return undecided(ev, title, kernel, "neither the pool size nor its used slots are in the log");
  }
  const total = poolSlots ?? 32768;
  const areas = ctx.swiotlb?.areas ?? 1;
  const assumptions: string[] = [];
  const notes: string[] = [];
  if (poolSlots === null)
    assumptions.push(
      "pool size not in the log: the default 64 MiB (32768 slots) was used (the verdict does not depend on it: no pool maps more than 256 KiB at once)",
    );
  if (ctx.swiotlb?.areas == null)
    assumptions.push(
      "one area (the log prints no `area num` line; areas change where a search starts, not whether a run exists)",
    );
  const used = ev.usedSlots ?? 0;
  if (ev.usedSlots === null && !oversize) {
    return undecided(
      ev,
      title,
      kernel,
      `the log gives the pool (${total} slots) but not its used slots`,
    );
  }
  const names = swiotlbModel.variants.map((v) => v.name);
  const chosen = nearestVariant(names, parseVersion(logVersion), "swiotlb") ?? {
    name: swiotlbModel.defaultVariant,
    why: "default variant",
  };
  const free = total - used;
  const nareas = total % (SEGSIZE * areas) === 0 ? areas : 1;
  const replayable =
    total >= SEGSIZE &&
    total <= MAX_NSLABS &&
    (oversize || free >= slots || used / SEGSIZE <= MAX_FILL_OPS);
  const trace: Record<string, unknown>[] = [];
  let last: unknown = { tlb: oversize || total - used < slots ? null : 0 };
  if (replayable) {
    // The used slots matter only when they decide the refusal: an oversize mapping fails on
    // an empty pool, and a placement question is shown on a pool without the fill.
    const fill = !oversize && total - used < slots ? used : 0;
    // An oversize mapping fails on any pool: a large one is replayed at 64 MiB.
    const slotsReplayed = oversize
      ? Math.min(total - (total % SEGSIZE), 32768)
      : total - (total % SEGSIZE);
    if (slotsReplayed < total - (total % SEGSIZE))
      notes.push(`replayed on a 64 MiB pool: no pool maps more than ${MAX_MAPPING} bytes at once`);
    const ops = traceOps(
      slotsReplayed,
      slotsReplayed % (SEGSIZE * nareas) === 0 ? nareas : 1,
      fill,
      ev.size,
    );
    const model = swiotlbModel.create(chosen.name, {
      clock: new VirtualClock(),
      rng: Rng.seeded(1),
    });
    for (const op of ops) {
      const r = model.apply(op);
      trace.push({ ...swiotlbModel.encodeOp(op), ...swiotlbModel.expectationOf(op, r) });
      last = r;
    }
  } else
    notes.push(
      `a pool of ${total} slots with ${used} used is outside what the model replays: judged by the arithmetic alone`,
    );
  const mapped = (last as { tlb?: number | null }).tlb != null;
  const refusedBy: string[] = [];
  let decided = true;
  if (oversize)
    refusedBy.push(
      `${ev.size} bytes need ${slots} slots > IO_TLB_SEGSIZE ${SEGSIZE} (at most ${MAX_MAPPING} bytes per mapping)`,
    );
  else if (free < slots)
    refusedBy.push(`free slots ${total} - ${used} used = ${free} < ${slots} needed`);
  else {
    decided = false;
    assumptions.push(
      `where the ${used} used slots lie is not in the log; the trace maps the request on the empty pool to show it fits one`,
    );
    notes.push(
      `${free} slots were free but no run of ${slots} contiguous slots within a segment was: fragmentation (or alignment) refused it`,
    );
  }
  const agreement = !decided ? "undecided" : mapped ? "disagrees" : "agrees";
  const wouldChange: string[] = [];
  if (oversize)
    wouldChange.push(
      `the driver splitting the buffer (dma_max_mapping_size() is ${MAX_MAPPING} bytes with swiotlb)`,
    );
  else {
    const need = used + slots;
    wouldChange.push(
      `a bigger pool: swiotlb=${Math.ceil(need / SEGSIZE) * SEGSIZE} slots (${Math.ceil((need * SLOT) / 1048576)} MiB) or more`,
    );
    wouldChange.push(
      "CONFIG_SWIOTLB_DYNAMIC (v6.6+): a transient pool for the mapping when the default pool is full (variant v6.9-dynamic)",
    );
  }
  return {
    event: ev,
    title,
    kernel,
    model: "swiotlb",
    variant: chosen.name,
    variantWhy: chosen.why,
    agreement,
    modelSays: mapped ? "the model maps it" : "the model refuses the mapping too",
    refusedBy,
    wouldChange,
    assumptions,
    notes,
    trace: replayable ? { model: "swiotlb", variant: chosen.name, ops: trace } : null,
    cause:
      agreement === "disagrees"
        ? "model gap: the model maps what the numbers say cannot fit"
        : null,
  };
}
