/**
 * General oracles for the page allocator model, fed one (op, result) pair at a time: hangs,
 * OOM kills the kernel's rules forbid, __GFP_NOFAIL returning NULL, a request that cannot
 * sleep sleeping, warn_alloc under __GFP_NOWARN, pages outside the zones the gfp allows,
 * overlapping live blocks, kernel warnings and internal invariants. A hang's site and message name
 * its loop (./pagealloc-hang.ts), e.g. the order <= 3 NOFS/NOIO requests that out_of_memory's
 * progress without a kill keeps retrying, which the kernel really does. The canary
 * pagealloc-noio-costly-hang refines a hang of a costly __GFP_RETRY_MAYFAIL request without
 * __GFP_IO whose every compaction attempt was skipped (mechanism A of spec 1.8, which
 * 803de9000f33 ends), whether its reclaim progress was fake or stolen by others.
 */
import {
  __GFP_DIRECT_RECLAIM,
  __GFP_DMA,
  __GFP_DMA32,
  __GFP_FS,
  __GFP_IO,
  __GFP_NOFAIL,
  __GFP_NORETRY,
  __GFP_NOWARN,
  __GFP_RETRY_MAYFAIL,
  parseGfp,
} from "../models/pagealloc/gfp.js";
import type { AllocResult } from "../models/pagealloc/index.js";
import type { PageallocModel, PageallocResult } from "../models/pagealloc/model.js";
import type { AllocOp, PageallocOp } from "../models/pagealloc/ops.js";
import { type Finding, findingMaker } from "./finding.js";
import { LiveRanges } from "./live-ranges.js";
import {
  hangCause,
  hangExplanation,
  hangReferences,
  isDocumentedBehaviour,
} from "./pagealloc-hang.js";

/** PAGE_ALLOC_COSTLY_ORDER: orders above it are "costly". */
const COSTLY_ORDER = 3;
const INVARIANT_INTERVAL = 16;
/** Zones a zone modifier allows, by the zone names the model reports. */
const DMA_ZONES = new Set(["DMA"]);
const DMA32_ZONES = new Set(["DMA", "DMA32"]);

export class PageallocOracle {
  private readonly finding = findingMaker("pagealloc", () => this.model.variant);
  private live = new LiveRanges();
  private noio = false;
  private nofs = false;
  private suspended = false;
  private ops = 0;

  constructor(private readonly model: PageallocModel) {}

  /** Checks one op's result; the first problem as a finding, else null. */
  check(op: PageallocOp, result: PageallocResult, index: number): Finding | null {
    switch (op.op) {
      case "boot":
        this.live = new LiveRanges();
        return null;
      case "scope":
        this.noio = op.noio;
        this.nofs = op.nofs;
        return null;
      case "suspend":
        this.suspended = op.on;
        return null;
      case "free":
        this.live.removeContaining(op.pfn);
        return null;
      case "alloc":
        return this.checkAlloc(op, result as AllocResult, index) ?? this.periodic(index);
      default:
        return this.periodic(index);
    }
  }

  /** The model's internal invariants (call at the end of a run). */
  invariants(index: number): Finding | null {
    const problems = this.model.check();
    if (problems.length === 0) return null;
    return this.finding("invariant", index, "model-check", problems[0] as string, { problems });
  }

  private periodic(index: number): Finding | null {
    return ++this.ops % INVARIANT_INTERVAL === 0 ? this.invariants(index) : null;
  }

  /** The gfp the allocator really sees: NOIO/NOFS scopes and the suspend mask applied. */
  private effectiveGfp(op: AllocOp): number {
    let gfp = parseGfp(op.gfp) as number;
    if (this.noio || this.suspended) gfp &= ~(__GFP_IO | __GFP_FS);
    if (this.nofs) gfp &= ~__GFP_FS;
    return gfp;
  }

  private checkAlloc(op: AllocOp, r: AllocResult, index: number): Finding | null {
    const gfp = this.effectiveGfp(op);
    const costly = op.order > COSTLY_ORDER;
    const has = (flag: number) => (gfp & flag) !== 0;
    const evidence = { op, gfp, outcome: r.outcome, latencyNs: r.latencyNs, counters: r.counters };
    if (r.outcome === "hang") {
      const retry = has(__GFP_NOFAIL)
        ? "nofail"
        : has(__GFP_RETRY_MAYFAIL)
          ? "mayfail"
          : has(__GFP_NORETRY)
            ? "noretry"
            : "default";
      const cause = hangCause(gfp, r.counters);
      const site = `${cause}-${costly ? "costly" : "small"}-${retry}-${has(__GFP_IO) ? "io" : "noio"}`;
      const attempts = r.counters.compactAttempts;
      const compactionSkipped =
        attempts > 0 && (r.counters.compactResults.skipped ?? 0) === attempts;
      const mechanismA = costly && retry === "mayfail" && !has(__GFP_IO) && compactionSkipped;
      const canary = mechanismA ? "pagealloc-noio-costly-hang" : undefined;
      return this.finding(
        "hang",
        index,
        site,
        `order-${op.order} ${op.gfp} ran ${(r.latencyNs / 1e9).toFixed(1)} s without returning: ${hangExplanation(cause, gfp)}`,
        {
          ...evidence,
          cause,
          kernelBehaviour: isDocumentedBehaviour(cause),
          kernel: hangReferences(cause),
        },
        canary,
      );
    }
    if (r.counters.oomKills > 0) {
      // __alloc_pages_may_oom: never for costly orders, RETRY_MAYFAIL, lowmem zones or while
      // suspended; without __GFP_FS out_of_memory claims progress without killing.
      const forbidden =
        costly ||
        has(__GFP_RETRY_MAYFAIL) ||
        has(__GFP_NORETRY) ||
        has(__GFP_DMA) ||
        has(__GFP_DMA32) ||
        this.suspended ||
        !has(__GFP_FS);
      if (forbidden)
        return this.finding(
          "oom-forbidden",
          index,
          "oom-kill",
          `order-${op.order} ${op.gfp} killed ${r.counters.oomKills} process(es)`,
          evidence,
        );
    }
    if (r.outcome === "fail" && has(__GFP_NOFAIL)) {
      return this.finding(
        "invariant",
        index,
        "nofail-null",
        `__GFP_NOFAIL order-${op.order} returned NULL`,
        evidence,
      );
    }
    if (r.slept && !has(__GFP_DIRECT_RECLAIM)) {
      return this.finding(
        "invariant",
        index,
        "atomic-slept",
        `${op.gfp} cannot sleep but slept`,
        evidence,
      );
    }
    const warnAlloc = r.warnings.find((w) => w.includes("page allocation failure"));
    if (warnAlloc !== undefined && has(__GFP_NOWARN)) {
      return this.finding(
        "invariant",
        index,
        "nowarn-printed",
        `warn_alloc printed under __GFP_NOWARN: ${warnAlloc}`,
        evidence,
      );
    }
    if (r.outcome === "ok" && r.pfn !== null) {
      const zones = has(__GFP_DMA) ? DMA_ZONES : has(__GFP_DMA32) ? DMA32_ZONES : null;
      if (zones !== null && !zones.has(r.zone ?? "")) {
        return this.finding(
          "mask-violation",
          index,
          "zone",
          `${op.gfp} got a page in ZONE_${r.zone}`,
          { ...evidence, zone: r.zone, pfn: r.pfn },
        );
      }
      const hi = r.pfn + 2 ** op.order - 1;
      const clash = this.live.claim(r.pfn, hi);
      if (clash)
        return this.finding(
          "overlap",
          index,
          "alloc-overlap",
          `order-${op.order} block at ${r.pfn} overlaps live [${clash[0]}, ${clash[1]}]`,
          evidence,
        );
    }
    const warning = r.warnings[0];
    if (warning !== undefined) {
      const site = warning.includes("page allocation failure")
        ? "page-allocation-failure"
        : warning.includes("oom")
          ? "oom-killer"
          : "warn-on";
      return this.finding("warning", index, site, warning, evidence);
    }
    return null;
  }
}
