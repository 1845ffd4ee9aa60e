/**
 * cma_alloc (mm/cma.c, v5.9-v6.14 single pass; read in the v6.1/v6.6-era raspberrypi/linux copy
 * and the 2020 patch mails) with the retry policies of ./variants.ts:
 * 1. NULL when count is 0 or needs more bits than the bitmap has (no log line).
 * 2. mask, offset and nbits from order_per_bit; ret = -ENOMEM; start = 0.
 * 3. Loop: bitmap_find_next_zero_area_off at or after start; none -> end of the pass. Set the
 *    bits, alloc_contig_range; 0 -> done; else clear the bits; ret != -EBUSY -> stop; else
 *    start = index + mask + 1.
 * 4. A candidate that failed with -EBUSY: the policy's cma_alloc_busy hook moves on (upstream)
 *    or waits on the busy page's pin and retries the same candidate (pin-wait).
 * 5. End of a pass with ret == -EBUSY: the policy's cma_alloc hook fails (upstream) or sleeps
 *    and rescans from 0 with ret = -ENOMEM (retry(n, ms) and nofail, Goldsworthy v1 and v3/v4).
 * 6. Failure without no_warn logs "cma: cma_alloc: <name>: alloc failed, req-size: N pages, ret: R"
 *    and the free runs (cma_debug_show_areas).
 * A loop that passes the hang bound is a hang. Rescans that start from a state an earlier one
 * started from repeat its cycle of passes: whole cycles are accounted at once (./pass-cycle.ts),
 * unless the policy's decisions read the pass number, the elapsed time, the clock or its random
 * stream (then every pass runs).
 */
import { allocContigRange, EBUSY, ENOMEM } from "../pagealloc/contig.js";
import type { Mm } from "../pagealloc/mm.js";
import type { Zone } from "../pagealloc/zone.js";
import type { CmaArea } from "./area.js";
import type { PinTable } from "./pins.js";
import { __GFP_NOWARN, GFP_KERNEL } from "../pagealloc/gfp.js";
import type { PolicyRuntime } from "../policy.js";
import { PassCycle } from "./pass-cycle.js";
import type { CmaBusyArgs, CmaHooks, CmaPassArgs, PinKind } from "./policy.js";

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
  hooks: CmaHooks;
  /** The hooks' context (clock, random stream). */
  runtime: PolicyRuntime;
  hangNs: number;
  /** Account repeated cycles of rescans at once; false runs every pass (for tests). */
  fastForward: boolean;
}

/** Virtual-time cost of one bitmap search under cma->lock (an assumption). */
const BITMAP_SEARCH_NS = 200;
const MAX_TRIED = 64;

/** Runs cma_alloc(area, count, align, no_warn) under the context's policy. */
export function cmaAlloc(ctx: CmaContext, req: CmaRequest): CmaAllocResult {
  const { mm, area, pins, hooks, runtime } = ctx;
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
  let cycle = ctx.fastForward ? new PassCycle(ctx, r, startNs) : null;
  const gfp = req.noWarn ? GFP_KERNEL | __GFP_NOWARN : GFP_KERNEL;
  const history = { read: false };
  runtime.volatile = false;
  let start = 0;
  let retriedFree = -1;
  for (;;) {
    mm.clock.advance(BITMAP_SEARCH_NS);
    const no = area.findNextZeroAreaOff(start, nbits, mask, offset);
    if (no >= area.maxno) {
      if (r.ret !== EBUSY) break;
      const sleepMs = hooks.cma_alloc(
        new PassArgs(r, req, gfp, mm.clock.now - startNs, history),
        runtime,
      );
      if (sleepMs === false) break;
      // A decision that read the pass number, the time or the random stream may change in the
      // next cycle: no cycle is skipped in this call from here on.
      if (history.read || runtime.volatile) cycle = null;
      cycle?.passEnd();
      if (hung(ctx, r, startNs)) return finish(ctx, r, startNs);
      msleep(mm, sleepMs);
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
    const busy = new BusyArgs(pin.kind, pin.kind === "transient" ? pin.until : -1);
    busy.retried = retriedFree === no;
    busy.bitmap_no = no;
    busy.fill(r, mm.clock.now - startNs, history);
    if (hooks.cma_alloc_busy(busy, runtime) === "wait") {
      // Sleep on the page until its holder lets go (at once if it already has), then retry the
      // same candidate.
      if (history.read || runtime.volatile) cycle = null;
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

/** The cma_alloc hook's arguments; reading the pass number or the time marks `history`. */
class PassArgs implements CmaPassArgs {
  readonly count: number;
  readonly align: number;
  readonly busy_transient: number;
  readonly busy_longterm: number;
  readonly pin_end_ns: number;

  constructor(
    private readonly _r: CmaAllocResult,
    req: CmaRequest,
    readonly gfp: number,
    private readonly _elapsed: number,
    private readonly _history: { read: boolean },
  ) {
    this.count = req.count;
    this.align = req.align;
    this.busy_transient = _r.lastPass.transient;
    this.busy_longterm = _r.lastPass.longterm;
    this.pin_end_ns = _r.pinEndNs ?? -1;
  }

  get attempt(): number {
    this._history.read = true;
    return this._r.passes;
  }

  get elapsed_ns(): number {
    this._history.read = true;
    return this._elapsed;
  }
}

/** The cma_alloc_busy hook's arguments; reading the pass number or the time marks `history`. */
class BusyArgs implements CmaBusyArgs {
  retried = false;
  bitmap_no = 0;
  private _passes = 0;
  private _elapsed = 0;
  private _history: { read: boolean } = { read: false };

  constructor(
    readonly pin: PinKind,
    pinUntil: number,
  ) {
    this.pin_end_ns = pin === "longterm" ? Number.POSITIVE_INFINITY : pinUntil;
  }

  readonly pin_end_ns: number;

  fill(r: CmaAllocResult, elapsed: number, history: { read: boolean }): void {
    this._passes = r.passes;
    this._elapsed = elapsed;
    this._history = history;
  }

  get attempt(): number {
    this._history.read = true;
    return this._passes;
  }

  get elapsed_ns(): number {
    this._history.read = true;
    return this._elapsed;
  }
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
