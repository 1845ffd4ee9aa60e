/**
 * The CMA model family: cma_alloc / cma_release over MIGRATE_CMA pageblocks of the page allocator
 * model, alloc_contig_range's isolate-and-migrate, page pins on the virtual clock, and the retry
 * policies of the 2020 cma_alloc debate (see ./README.md for what is exact, simplified and left
 * out).
 */
import type { ModelDefinition } from "../model.js";
import { userPolicies } from "../policy.js";
import { CmaModel, type CmaResult } from "./model.js";
import { type CmaOp, decodeCmaOp, encodeCmaOp } from "./ops.js";
import { CMA_VARIANTS, DEFAULT_CMA_VARIANT, findCmaVariant } from "./variants.js";

/** The golden-trace fields of a result. */
export function cmaExpectation(_op: CmaOp, result: CmaResult): Record<string, unknown> {
  switch (result.kind) {
    case "ok":
      return { expect: "ok" };
    case "cma_alloc":
      return {
        expect: {
          outcome: result.outcome,
          pfn: result.pfn,
          ret: result.ret,
          attempts: result.attempts,
        },
      };
    case "count":
      return { expect: { n: result.n } };
    case "pins":
      return { expect: { pinned: result.pinned, ret: result.ret } };
    case "dump": {
      const { live, ...rest } = result.dump;
      return { expect: live, ...rest };
    }
  }
}

/** The Contiguous Memory Allocator (mm/cma.c) with pins and retry policies. */
export const cmaModel: ModelDefinition<CmaOp, CmaResult> = {
  name: "cma",
  summary: "CMA: cma_alloc bitmap passes, alloc_contig_range migration, page pins, retry policies",
  variants: CMA_VARIANTS,
  defaultVariant: DEFAULT_CMA_VARIANT,
  decodeOp: decodeCmaOp,
  encodeOp: encodeCmaOp,
  expectationOf: cmaExpectation,
  create(variant, context) {
    const config = findCmaVariant(variant);
    if (config === undefined) {
      const names = [...CMA_VARIANTS, ...userPolicies("cma")].map((v) => v.name).join(", ");
      throw new RangeError(`unknown cma variant "${variant}" (known: ${names}, retry-<n>x<ms>ms)`);
    }
    return new CmaModel(config, context);
  },
};

export { CmaModel, type CmaResult } from "./model.js";
export type { CmaOp } from "./ops.js";
export type { CmaAllocResult } from "./cma-alloc.js";
export { CMA_VARIANTS } from "./variants.js";
