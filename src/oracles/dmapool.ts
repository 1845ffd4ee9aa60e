/**
 * Oracles for the DMA atomic pool model, fed one (op, result) pair at a time: a page request a
 * pool made from a zone without managed pages (the kdump boot warning), a pool buffer outside
 * the device's DMA mask, overlapping live pool buffers, a WARN of dma_alloc_from_pool, and the
 * model's invariants. The canary kdump-dma-pool-warn refines the boot-time GFP_DMA pool request
 * that printed warn_alloc on a machine whose ZONE_DMA has no managed pages.
 */
import type { DmapoolModel, DmapoolResult } from "../models/dmapool/model.js";
import type { DmapoolOp } from "../models/dmapool/ops.js";
import type { PoolPageRequest } from "../models/dmapool/pools.js";
import { __GFP_DMA } from "../models/pagealloc/gfp.js";
import { type Finding, findingMaker } from "./finding.js";
import { LiveRanges } from "./live-ranges.js";

export class DmapoolOracle {
  private readonly finding = findingMaker("dmapool", () => this.model.variant);
  private live = new LiveRanges();

  constructor(private readonly model: DmapoolModel) {}

  /** Checks one op's result; the first problem as a finding, else null. */
  check(op: DmapoolOp, result: DmapoolResult, index: number): Finding | null {
    switch (result.kind) {
      case "boot":
        this.live = new LiveRanges();
        return this.checkRequests(result.requests, result.hasManagedDma, index, true);
      case "advance":
        return this.checkRequests(
          result.requests,
          this.model.pages.mm.node.hasManagedDma(),
          index,
          false,
        );
      case "alloc":
        return this.checkAlloc(op, result, index);
      default:
        if (op.op === "free") this.live.removeContaining(op.pfn);
        return null;
    }
  }

  /** The model's internal invariants (call at the end of a run). */
  invariants(index: number): Finding | null {
    const problems = this.model.check();
    if (problems.length === 0) return null;
    return this.finding("invariant", index, "model-check", problems[0] as string, { problems });
  }

  private checkRequests(
    requests: readonly PoolPageRequest[],
    hasManagedDma: boolean,
    index: number,
    boot: boolean,
  ): Finding | null {
    if (hasManagedDma) return null;
    const bad = requests.filter((q) => (q.gfp & __GFP_DMA) !== 0);
    const first = bad[0];
    if (first === undefined) return null;
    const printed = bad.flatMap((q) => q.warnings);
    const canary = boot && printed.length > 0 ? "kdump-dma-pool-warn" : undefined;
    const what = `the ${first.pool} pool asked ZONE_DMA for order ${first.order}, but ZONE_DMA has no managed pages`;
    return this.finding(
      "warning",
      index,
      "unmanaged-zone-request",
      printed[0] ?? what,
      { requests: bad },
      canary,
    );
  }

  private checkAlloc(
    op: DmapoolOp,
    r: Extract<DmapoolResult, { kind: "alloc" }>,
    index: number,
  ): Finding | null {
    const evidence = { op, pool: r.pool, pfn: r.pfn, gfp: r.gfp, tried: r.tried };
    if (r.pfn !== null) {
      if (r.pfn + r.pages > r.limitPfn)
        return this.finding(
          "mask-violation",
          index,
          "pool-mask",
          `pool buffer at pfn ${r.pfn} is beyond the device's mask`,
          evidence,
        );
      const clash = this.live.claim(r.pfn, r.pfn + r.pages - 1);
      if (clash !== null)
        return this.finding(
          "overlap",
          index,
          "pool-overlap",
          `pool buffer at ${r.pfn} overlaps live [${clash[0]}, ${clash[1]}]`,
          evidence,
        );
    }
    const warning = r.warnings[0];
    return warning === undefined
      ? null
      : this.finding("warning", index, "no-suitable-pool", warning, evidence);
  }
}
