/**
 * cma_alloc (mm/cma.c, v5.9-v6.14 single pass; read in the v6.1/v6.6-era raspberrypi/linux copy
 * and the 2020 patch mails) with the retry policies of ./variants.ts:
 * 1. NULL when count is 0 or needs more bits than the bitmap has (no log line).
 * 2. mask, offset and nbits from order_per_bit; ret = -ENOMEM; start = 0.
 * 3. Loop: bitmap_find_next_zero_area_off at or after start; none -> end of the pass. Set the
 *    bits, alloc_contig_range; 0 -> done; else clear the bits; ret != -EBUSY -> stop; else
 *    start = index + mask + 1.
 * 4. End of a pass with ret == -EBUSY: fail-fast stops; retry(n, ms) and nofail (Goldsworthy
 *    v1 and v3/v4) msleep(ms) and rescan from 0 with ret = -ENOMEM; pin-wait never gets here,
 *    it waits on the busy page's pin and retries the same candidate.
 * 5. Failure without no_warn logs "cma: cma_alloc: <name>: alloc failed, req-size: N pages, ret: R"
 *    and the free runs (cma_debug_show_areas).
 * A loop that passes the hang bound is a hang. Rescans that start from a state an earlier one
 * started from repeat its cycle of passes: whole cycles are accounted at once (./pass-cycle.ts).
 */
import { allocContigRange, EBUSY, ENOMEM } from "../pagealloc/contig.js";
import type { Mm } from "../pagealloc/mm.js";
import type { Zone } from "../pagealloc/zone.js";
import type { CmaArea } from "./area.js";
import type { PinTable } from "./pins.js";
import { PassCycle } from "./pass-cycle.js";
import type { CmaPolicy } from "./variants.js";

/** One cma_alloc call. */
export interface CmaRequest {
  count: number;
  align: number;
  noWarn: boolean;
}

/** Failed candidates by what held their busy page. */
export interface BlockCounts {
  transient: number;
  longterm: number;
}

/** The outcome of one cma_alloc call. */
export interface CmaAllocResult {
  kind: "cma_alloc";
  outcome: "ok" | "fail" | "hang";
  pfn: number | null;
  count: number;
  /** The last alloc_contig_range result: 0, -EBUSY (-16) or -ENOMEM (-12, also "no free run"). */
  ret: number;
  /** alloc_contig_range calls. */
  attempts: number;
  /** Scans of the bitmap from index 0. */
  passes: number;
  sleeps: number;
  /** pin-wait: waits on a pinned page. */
  waits: number;
  /** Bitmap indices of the first pass's candidates (at most 64). */
  tried: number[];
  /** Failed candidates over the whole call, and in its last pass. */
  blocked: BlockCounts;
  lastPass: BlockCounts;
  /** The latest end of a transient pin that failed a candidate (ns), or null. */
  pinEndNs: number | null;
  migrated: number;
  latencyNs: number;
  log: string[];
}

/** Everything cma_alloc works on. */
export interface CmaContext {
  mm: Mm;
  area: CmaArea;
  pins: PinTable;
  policy: CmaPolicy;
  hangNs: number;
  /** Account repeated cycles of rescans at once; false runs every pass (for tests). */
  fastForward: boolean;
}

/** Virtual-time cost of one bitmap search under cma->lock (an assumption). */
const BITMAP_SEARCH_NS = 200;
const MAX_TRIED = 64;

/** Runs cma_alloc(area, count, align, no_warn) under the context's policy. */
export function cmaAlloc(ctx: CmaContext, req: CmaRequest): CmaAllocResult {
  const { mm, area, pins, policy } = ctx;
  const startNs = mm.clock.now;
  const r: CmaAllocResult = {
    kind: "cma_alloc",
    outcome: "fail",
    pfn: null,
    count: req.count,
    ret: ENOMEM,
    attempts: 0,
    passes: 1,
    sleeps: 0,
    waits: 0,
    tried: [],
    blocked: { transient: 0, longterm: 0 },
    lastPass: { transient: 0, longterm: 0 },
    pinEndNs: null,
    migrated: 0,
    latencyNs: 0,
    log: [],
  };
  const nbits = area.pagesToBits(req.count);
  if (req.count === 0 || nbits > area.maxno) return r;
  const mask = area.alignedMask(req.align);
  const offset = area.alignedOffset(req.align);
  const probe = (z: Zone, i: number) => pins.isPinned(z, i);
  const cycle = ctx.fastForward ? new PassCycle(ctx, r, startNs) : null;
  let start = 0;
  let retriedFree = -1;
  for (;;) {
    mm.clock.advance(BITMAP_SEARCH_NS);
    const no = area.findNextZeroAreaOff(start, nbits, mask, offset);
    if (no >= area.maxno) {
      if (r.ret !== EBUSY || !anotherPass(policy, r.passes)) break;
      cycle?.passEnd();
      if (hung(ctx, r, startNs)) return finish(ctx, r, startNs);
      msleep(mm, policy.kind === "retry" || policy.kind === "nofail" ? policy.sleepMs : 0);
      r.sleeps++;
      if (hung(ctx, r, startNs)) return finish(ctx, r, startNs);
      start = 0;
      r.ret = ENOMEM;
      r.passes++;
      r.lastPass = { transient: 0, longterm: 0 };
      if (cycle?.rescan()) return finish(ctx, r, startNs);
      continue;
    }
    area.set(no, nbits);
    const pfn = area.pfnOf(no);
    if (r.passes === 1 && r.tried.length < MAX_TRIED) r.tried.push(no);
    pins.expire();
    const out = allocContigRange(mm, pfn, pfn + req.count, probe);
    r.attempts++;
    r.migrated += out.migrated;
    r.ret = out.ret;
    if (out.ret === 0) {
      r.pfn = pfn;
      r.outcome = "ok";
      break;
    }
    area.clearPages(pfn, req.count);
    if (out.ret !== EBUSY) break;
    const pin = pins.stateOf(out.busyPfn);
    const kind = pin.kind === "longterm" ? "longterm" : "transient";
    r.blocked[kind]++;
    r.lastPass[kind]++;
    if (pin.kind === "transient") r.pinEndNs = Math.max(r.pinEndNs ?? 0, pin.until);
    if (policy.kind === "pin-wait" && (pin.kind !== "none" || retriedFree !== no)) {
      // Sleep on the page until its holder lets go (at once if it already has), then retry the
      // same candidate. A page that is busy with no pin on it is retried once, then passed by.
      r.waits++;
      retriedFree = pin.kind === "none" ? no : -1;
      const wake =
        pin.kind === "longterm"
          ? Number.POSITIVE_INFINITY
          : pin.kind === "transient"
            ? pin.until
            : 0;
      mm.clock.advanceTo(Math.max(mm.clock.now, Math.min(wake, startNs + ctx.hangNs)));
      if (hung(ctx, r, startNs)) return finish(ctx, r, startNs);
      start = no;
      continue;
    }
    start = no + mask + 1;
  }
  return finish(ctx, r, startNs);
}

/** Whether the policy rescans after a pass that ended with -EBUSY (`passes` done so far). */
function anotherPass(policy: CmaPolicy, passes: number): boolean {
  if (policy.kind === "nofail") return true;
  if (policy.kind === "retry") return passes - 1 < policy.retries;
  return false;
}

/** msleep(ms): schedule_timeout_uninterruptible(msecs_to_jiffies(ms) + 1), woken on a tick. */
function msleep(mm: Mm, ms: number): void {
  const clock = mm.clock;
  clock.advanceTo(clock.jiffiesToNs(clock.jiffies + clock.msecsToJiffies(ms) + 1));
}

/** Marks the result a hang once the call has run for the hang bound. */
function hung(ctx: CmaContext, r: CmaAllocResult, startNs: number): boolean {
  if (ctx.mm.clock.now - startNs < ctx.hangNs) return false;
  r.outcome = "hang";
  return true;
}

/** Latency, hang clamping and the failure log. */
function finish(ctx: CmaContext, r: CmaAllocResult, startNs: number): CmaAllocResult {
  const { mm, area } = ctx;
  if (r.outcome === "hang") {
    if (mm.clock.now < startNs + ctx.hangNs) mm.clock.advanceTo(startNs + ctx.hangNs);
    r.ret = EBUSY;
  }
  r.latencyNs = mm.clock.now - startNs;
  if (r.outcome === "fail" && r.count > 0 && area.pagesToBits(r.count) <= area.maxno) {
    r.log.push(
      `cma: cma_alloc: ${area.name}: alloc failed, req-size: ${r.count} pages, ret: ${r.ret}`,
      area.showAreas(),
    );
  }
  return r;
}
