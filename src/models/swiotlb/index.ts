/**
 * The swiotlb model family: kernel/dma/swiotlb.c of v6.1, v6.6, v6.8, v6.9 and v7.1, static and
 * dynamic, and proposals (see ./README.md for what is exact, simplified and left out).
 */
import { type ModelDefinition, requireVariant } from "../model.js";
import { SwiotlbModel, type SwiotlbResult } from "./model.js";
import { decodeSwiotlbOp, encodeSwiotlbOp, type SwiotlbOp } from "./ops.js";
import { DEFAULT_SWIOTLB_VARIANT, SWIOTLB_VARIANTS } from "./variants.js";

/**
 * The golden-trace fields of a result: `expect` (with `warn` for printed warnings), `info` for a
 * successful map or alloc, and the dump line's fields.
 */
export function swiotlbExpectation(_op: SwiotlbOp, result: SwiotlbResult): Record<string, unknown> {
  switch (result.kind) {
    case "ok":
    case "release":
      return { expect: "ok" };
    case "skipped":
      return { expect: "skipped" };
    case "map":
    case "alloc": {
      if (result.hang === true) return { expect: { hang: true } };
      const warn = result.warnings.map((w) => w.kind);
      if (result.tlb === null) {
        return { expect: warn.length === 0 ? { tlb: null } : { tlb: null, warn } };
      }
      const expect = warn.length === 0 ? { tlb: result.tlb } : { tlb: result.tlb, warn };
      return { expect, info: { slot: result.slot, nslots: result.nslots } };
    }
    case "dump":
      return { ...result.dump };
  }
}

/** The swiotlb bounce-buffer slot allocator (kernel/dma/swiotlb.c, static pool). */
export const swiotlbModel: ModelDefinition<SwiotlbOp, SwiotlbResult> = {
  name: "swiotlb",
  summary: "swiotlb static pool: areas, next-fit slot search, alignment masks, segment merging",
  variants: SWIOTLB_VARIANTS,
  defaultVariant: DEFAULT_SWIOTLB_VARIANT,
  decodeOp: decodeSwiotlbOp,
  encodeOp: encodeSwiotlbOp,
  expectationOf: swiotlbExpectation,
  create(variant, context) {
    return new SwiotlbModel(requireVariant("swiotlb", SWIOTLB_VARIANTS, variant), context);
  },
};

export { SwiotlbModel, type SwiotlbResult } from "./model.js";
export type { SwiotlbOp } from "./ops.js";
export { SWIOTLB_VARIANTS } from "./variants.js";
