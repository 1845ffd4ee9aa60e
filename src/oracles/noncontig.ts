/**
 * Oracles for the noncontig model, fed one (op, result) pair at a time: a buffer allocation that
 * hangs, a request made from a zone without managed pages, a non-IOMMU buffer chunk outside the
 * device's DMA mask (not a Xen PV coherent chunk, whose bus address is a machine address), chunks
 * that do not add up to the requested size, overlapping live buffers; the page allocator's own
 * oracle for the page ops; the model's invariants. The canary
 * alsa-noncontig-resume-hang refines a hang of ALSA's buffer allocation whose stuck request is a
 * costly __GFP_RETRY_MAYFAIL one without __GFP_IO (mechanism A of spec 1.8 reached from ALSA).
 */
import {
  __GFP_DMA,
  __GFP_FS,
  __GFP_IO,
  __GFP_NORETRY,
  __GFP_RETRY_MAYFAIL,
  parseGfp,
} from "../models/pagealloc/gfp.js";
import type { PageallocResult } from "../models/pagealloc/model.js";
import { limitPfn } from "../models/noncontig/device.js";
import type { BufferResult, NoncontigModel, NoncontigResult } from "../models/noncontig/model.js";
import { isPageallocOp, type NoncontigOp } from "../models/noncontig/ops.js";
import { type Finding, findingMaker } from "./finding.js";
import { LiveRanges } from "./live-ranges.js";
import { PageallocOracle } from "./pagealloc.js";
import {
  hangCause,
  hangExplanation,
  hangReferences,
  isDocumentedBehaviour,
} from "./pagealloc-hang.js";

const COSTLY_ORDER = 3;

export class NoncontigOracle {
  private readonly finding = findingMaker("noncontig", () => this.model.variant);
  private readonly pages: PageallocOracle;
  private live = new LiveRanges();
  private noio = false;
  private nofs = false;
  private suspended = false;

  constructor(private readonly model: NoncontigModel) {
    this.pages = new PageallocOracle(model.pages);
  }

  /** Checks one op's result; the first problem as a finding, else null. */
  check(op: NoncontigOp, result: NoncontigResult, index: number): Finding | null {
    if (isPageallocOp(op)) {
      if (op.op === "boot") {
        this.live = new LiveRanges();
        this.heads = new Map();
      }
      if (op.op === "scope") {
        this.noio = op.noio;
        this.nofs = op.nofs;
      }
      if (op.op === "suspend") this.suspended = op.on;
      const f = this.pages.check(op, result as PageallocResult, index);
      return f === null ? null : { ...f, model: "noncontig", variant: this.model.variant };
    }
    if (op.op === "buf_free") {
      for (const pfn of this.heads.get(op.id) ?? []) this.live.removeContaining(pfn);
      this.heads.delete(op.id);
      return null;
    }
    return result.kind === "buffer" ? this.checkBuffer(op, result, index) : null;
  }

  /** First pfn of each chunk of each live buffer, by id. */
  private heads = new Map<number, number[]>();

  /** The model's internal invariants (call at the end of a run). */
  invariants(index: number): Finding | null {
    const problems = this.model.check();
    if (problems.length === 0) return null;
    return this.finding("invariant", index, "model-check", problems[0] as string, { problems });
  }

  private checkBuffer(op: NoncontigOp, r: BufferResult, index: number): Finding | null {
    const evidence = {
      op,
      outcome: r.outcome,
      path: r.path,
      calls: r.calls,
      latencyNs: r.latencyNs,
    };
    const noIo = this.noio || this.suspended;
    const zoneDma = r.calls.some((c) => ((parseGfp(c.gfp) as number) & __GFP_DMA) !== 0);
    if (zoneDma && !this.model.pages.mm.node.hasManagedDma()) {
      return this.finding(
        "warning",
        index,
        "unmanaged-zone-request",
        `${r.op} asked ZONE_DMA, which has no managed pages`,
        evidence,
      );
    }
    if (r.outcome === "hang") {
      const stuck = r.calls.at(-1);
      const gfp = stuck === undefined ? 0 : (parseGfp(stuck.gfp) as number);
      const effective = noIo ? gfp & ~(__GFP_IO | __GFP_FS) : this.nofs ? gfp & ~__GFP_FS : gfp;
      const mechanismA =
        stuck !== undefined &&
        stuck.order > COSTLY_ORDER &&
        (effective & __GFP_RETRY_MAYFAIL) !== 0 &&
        (effective & (__GFP_NORETRY | __GFP_IO)) === 0;
      // Mechanism A keeps its own site; any other loop is named by the page allocator's cause.
      const counters = stuck?.hangCounters;
      const cause = mechanismA || counters === undefined ? null : hangCause(effective, counters);
      const site = `${r.op}-${stuck?.site ?? "none"}-${mechanismA ? "costly-mayfail-noio" : (cause ?? "other")}`;
      const canary = r.op === "snd_alloc" && mechanismA ? "alsa-noncontig-resume-hang" : undefined;
      const what = `${r.op} of ${r.pages} pages (${r.path}) ran ${(r.latencyNs / 1e9).toFixed(1)} s without returning`;
      if (cause === null) return this.finding("hang", index, site, what, evidence, canary);
      const why = `${what}; its order-${stuck?.order} page request: ${hangExplanation(cause, effective)}`;
      const kernel = hangReferences(cause);
      const more = { cause, kernelBehaviour: isDocumentedBehaviour(cause), kernel };
      return this.finding("hang", index, site, why, { ...evidence, ...more }, canary);
    }
    if (r.outcome !== "ok") return null;
    const total = r.chunks.reduce((n, c) => n + c.pages, 0);
    if (total !== r.pages) {
      return this.finding(
        "accounting",
        index,
        `${r.path}-chunk-sum`,
        `${r.path} chunks hold ${total} pages for a ${r.pages}-page buffer`,
        evidence,
      );
    }
    const limit = limitPfn(r.device.maskBits);
    if (r.device.iommu === "none") {
      // A Xen PV chunk's pfn is pseudo-physical: the device sees a machine address that
      // xen_swiotlb_alloc_coherent keeps under the mask (drivers/xen/swiotlb-xen.c, v6.6/v6.8).
      const out = r.chunks.find((c) => c.xenMachine !== true && c.pfn + c.pages > limit);
      if (out !== undefined)
        return this.finding(
          "mask-violation",
          index,
          `${r.path}-mask`,
          `chunk at pfn ${out.pfn} (+${out.pages}) is beyond the ${r.device.maskBits}-bit mask`,
          evidence,
        );
    }
    for (const c of r.chunks) {
      const clash = this.live.claim(c.pfn, c.pfn + c.pages - 1);
      if (clash !== null)
        return this.finding(
          "overlap",
          index,
          "buffer-overlap",
          `chunk at pfn ${c.pfn} overlaps live [${clash[0]}, ${clash[1]}]`,
          evidence,
        );
    }
    if (r.id !== null)
      this.heads.set(
        r.id,
        r.chunks.map((c) => c.pfn),
      );
    return null;
  }
}
