/**
 * General oracles for the CMA model, fed one (op, result) pair at a time (spec section 5, CMA
 * rows): a cma_alloc that never returns (hang), an allocation outside the area, misaligned or
 * overlapping a live one, a bitmap not restored after a failure, and a spurious -EBUSY: the
 * request failed although only transient pins blocked it, confirmed by replaying the trace on a
 * fresh model with time advanced past those pins, where the same request succeeds. Canaries:
 * cma-nofail-longterm-hang (the endless __GFP_NOFAIL rescan against long-term pins on every
 * candidate) and cma-transient-ebusy (upstream's single pass failing on transient pins).
 */
import type { CmaAllocResult, CmaModel, CmaOp, CmaResult } from "../models/cma/index.js";
import type { AllocOp } from "../models/cma/ops.js";
import { type Finding, findingMaker } from "./finding.js";
import { LiveRanges } from "./live-ranges.js";

const INVARIANT_INTERVAL = 16;
const EBUSY = -16;

/** Makes a fresh model of the same variant and seed as the one under test. */
export type CmaModelFactory = () => CmaModel;

export class CmaOracle {
  private readonly finding = findingMaker("cma", () => this.model.variant);
  private live = new LiveRanges();
  /** Live allocations as pfn -> count (the caller's view). */
  private counts = new Map<number, number>();
  private readonly history: CmaOp[] = [];
  private ops = 0;

  constructor(
    private readonly model: CmaModel,
    private readonly fresh: CmaModelFactory,
  ) {}

  /** Checks one op's result; the first problem as a finding, else null. */
  check(op: CmaOp, result: CmaResult, index: number): Finding | null {
    const finding = this.step(op, result, index);
    this.history.push(op);
    return finding;
  }

  /** The model's internal invariants (call at the end of a run). */
  invariants(index: number): Finding | null {
    const problems = this.model.check();
    if (problems.length === 0) return null;
    return this.finding("invariant", index, "model-check", problems[0] as string, { problems });
  }

  private step(op: CmaOp, result: CmaResult, index: number): Finding | null {
    switch (op.op) {
      case "boot":
        this.live = new LiveRanges();
        this.counts.clear();
        return null;
      case "release":
        this.live.removeContaining(op.pfn);
        this.counts.delete(op.pfn);
        return this.periodic(index);
      case "alloc":
        return this.checkAlloc(op, result as CmaAllocResult, index) ?? this.periodic(index);
      default:
        return this.periodic(index);
    }
  }

  private periodic(index: number): Finding | null {
    return ++this.ops % INVARIANT_INTERVAL === 0 ? this.invariants(index) : null;
  }

  private checkAlloc(op: AllocOp, r: CmaAllocResult, index: number): Finding | null {
    const { policy: config } = this.model.config;
    const policy = config.kind === "user" ? config.name : config.kind;
    const evidence = {
      op,
      outcome: r.outcome,
      ret: r.ret,
      attempts: r.attempts,
      passes: r.passes,
      blocked: r.blocked,
      lastPass: r.lastPass,
      latencyNs: r.latencyNs,
    };
    if (r.outcome === "hang") {
      const cause = r.lastPass.longterm > 0 && r.lastPass.transient === 0 ? "longterm" : "other";
      const canary =
        policy === "nofail" && cause === "longterm" ? "cma-nofail-longterm-hang" : undefined;
      const secs = (r.latencyNs / 1e9).toFixed(1);
      const message = `cma_alloc of ${op.count} pages ran ${secs} s over ${r.passes} passes without returning`;
      return this.finding("hang", index, `${policy}-${cause}`, message, evidence, canary);
    }
    if (r.outcome === "ok" && r.pfn !== null) return this.checkPlacement(op, r, index, evidence);
    return this.checkBitmap(index, evidence) ?? this.checkSpurious(op, r, index, evidence);
  }

  private checkPlacement(
    op: AllocOp,
    r: CmaAllocResult,
    index: number,
    evidence: Record<string, unknown>,
  ): Finding | null {
    const area = this.model.area;
    const pfn = r.pfn as number;
    const hi = pfn + op.count - 1;
    if (!area.contains(pfn) || !area.contains(hi)) {
      const message = `[${pfn}, ${hi}] is outside the area at ${area.basePfn} (+${area.count})`;
      return this.finding("out-of-range", index, "outside-area", message, { ...evidence, pfn });
    }
    if (op.align > area.orderPerBit && pfn % 2 ** op.align !== 0) {
      const message = `pfn ${pfn} is not aligned to order ${op.align}`;
      return this.finding("mask-violation", index, "align", message, { ...evidence, pfn });
    }
    const clash = this.live.claim(pfn, hi);
    if (clash) {
      const message = `[${pfn}, ${hi}] overlaps live [${clash[0]}, ${clash[1]}]`;
      return this.finding("overlap", index, "alloc-overlap", message, { ...evidence, pfn });
    }
    this.counts.set(pfn, op.count);
    return null;
  }

  /** After a failure the bitmap holds exactly the live allocations' bits. */
  private checkBitmap(index: number, evidence: Record<string, unknown>): Finding | null {
    const area = this.model.area;
    let expected = 0;
    for (const [pfn, count] of this.counts) {
      const first = (pfn - area.basePfn) >>> area.orderPerBit;
      const bits = area.pagesToBits(count);
      expected += bits;
      for (let b = first; b < first + bits; b++) {
        if (!area.test(b)) {
          const message = `bit ${b} of the live allocation at pfn ${pfn} was cleared`;
          return this.finding("invariant", index, "bitmap-not-restored", message, evidence);
        }
      }
    }
    const weight = area.weight();
    if (weight === expected) return null;
    const message = `after a failure the bitmap has ${weight} bits set, live allocations ${expected}`;
    return this.finding("invariant", index, "bitmap-not-restored", message, evidence);
  }

  /**
   * -EBUSY with no long-term pin among the blockers: replay the trace so far on a fresh model,
   * let the pins drop, and repeat the request. Its success makes this failure spurious.
   */
  private checkSpurious(
    op: AllocOp,
    r: CmaAllocResult,
    index: number,
    evidence: Record<string, unknown>,
  ): Finding | null {
    if (r.ret !== EBUSY || r.blocked.longterm > 0) return null;
    const replay = this.fresh();
    for (const past of this.history) replay.apply(past);
    // Every transient pin pending when the request ran, even one that dropped during it.
    const dropAt = Math.max(r.pinEndNs ?? 0, replay.pins.pendingUntil());
    const waitNs = Math.max(0, dropAt - replay.mm.clock.now);
    replay.apply({ op: "advance", ms: Math.ceil(waitNs / 1e6) + 1 });
    const again = replay.apply(op) as CmaAllocResult;
    if (again.outcome !== "ok") return null;
    const message = `cma_alloc of ${op.count} pages failed with -EBUSY on transient pins only; it succeeds once they drop`;
    const canary = "cma-transient-ebusy";
    return this.finding("spurious-failure", index, "transient-ebusy", message, evidence, canary);
  }
}
