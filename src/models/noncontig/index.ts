/**
 * The noncontig model family: dma_alloc_noncontiguous (IOMMU backoff and the direct contiguous
 * path) and ALSA's SG buffer allocation under six policies, on the page allocator model (see
 * ./README.md for what is exact, simplified and left out).
 */
import type { ModelDefinition } from "../model.js";
import { pageallocExpectation } from "../pagealloc/index.js";
import { NoncontigModel, type NoncontigResult } from "./model.js";
import { decodeNoncontigOp, encodeNoncontigOp, isPageallocOp, type NoncontigOp } from "./ops.js";
import { userPolicies } from "../policy.js";
import { DEFAULT_NONCONTIG_VARIANT, findNoncontigVariant, NONCONTIG_VARIANTS } from "./variants.js";

/** The golden-trace fields of a result. */
export function noncontigExpectation(
  op: NoncontigOp,
  result: NoncontigResult,
): Record<string, unknown> {
  if (result.kind === "buffer") {
    const chunks = result.chunks.map((c) => [c.pfn, c.pages]);
    return { expect: { outcome: result.outcome, path: result.path, chunks } };
  }
  if (result.kind === "freed") return { expect: "ok" };
  return isPageallocOp(op) ? pageallocExpectation(op, result) : { expect: "ok" };
}

/** dma_alloc_noncontiguous and the ALSA memalloc policies on the page allocator model. */
export const noncontigModel: ModelDefinition<NoncontigOp, NoncontigResult> = {
  name: "noncontig",
  summary:
    "dma_alloc_noncontiguous (IOMMU backoff, direct) and ALSA SG buffers on the page allocator",
  variants: NONCONTIG_VARIANTS,
  defaultVariant: DEFAULT_NONCONTIG_VARIANT,
  decodeOp: decodeNoncontigOp,
  encodeOp: encodeNoncontigOp,
  expectationOf: noncontigExpectation,
  create(variant, context) {
    const config = findNoncontigVariant(variant);
    if (config === undefined) {
      const names = [...NONCONTIG_VARIANTS, ...userPolicies("noncontig")].map((v) => v.name);
      throw new RangeError(`unknown noncontig variant "${variant}" (known: ${names.join(", ")})`);
    }
    return new NoncontigModel(config, context);
  },
};

export { type BufferResult, NoncontigModel, type NoncontigResult } from "./model.js";
export type { NoncontigOp } from "./ops.js";
export { NONCONTIG_VARIANTS } from "./variants.js";
