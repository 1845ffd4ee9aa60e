/**
 * The page allocator model family: zones, buddy orders, migratetypes, watermarks and the GFP
 * slowpath (reclaim, compaction, OOM) on virtual time, v6.6 and v6.8 (see ./README.md for what
 * is exact, simplified and left out).
 */
import type { ModelDefinition } from "../model.js";
import { PageallocModel, type PageallocResult } from "./model.js";
import { decodePageallocOp, encodePageallocOp, type PageallocOp } from "./ops.js";
import { DEFAULT_PAGEALLOC_VARIANT, findPageallocVariant, PAGEALLOC_VARIANTS } from "./variants.js";

/** The golden-trace fields of a result. */
export function pageallocExpectation(
  _op: PageallocOp,
  result: PageallocResult,
): Record<string, unknown> {
  switch (result.kind) {
    case "ok":
      return { expect: "ok" };
    case "kernel":
      return { expect: result.expect };
    case "alloc":
      return { expect: { outcome: result.outcome, pfn: result.pfn } };
    case "count":
      return { expect: { n: result.n } };
    case "dump": {
      const { zones, ...rest } = result.dump;
      return { expect: zones, ...rest };
    }
  }
}

/** The Linux page allocator (mm/page_alloc.c and its reclaim, compaction and OOM helpers). */
export const pagealloc: ModelDefinition<PageallocOp, PageallocResult> = {
  name: "pagealloc",
  summary:
    "Page allocator: zones, buddy, migratetypes, watermarks, GFP slowpath with reclaim/compaction/OOM",
  variants: PAGEALLOC_VARIANTS,
  defaultVariant: DEFAULT_PAGEALLOC_VARIANT,
  decodeOp: decodePageallocOp,
  encodeOp: encodePageallocOp,
  expectationOf: pageallocExpectation,
  create(variant, context) {
    const config = findPageallocVariant(variant);
    if (config === undefined) {
      const names = PAGEALLOC_VARIANTS.map((v) => v.name).join(", ");
      throw new RangeError(`unknown pagealloc variant "${variant}" (known: ${names})`);
    }
    return new PageallocModel(config, context);
  },
};

export { PageallocModel, type PageallocResult } from "./model.js";
export type { PageallocOp } from "./ops.js";
export type { AllocResult } from "./result.js";
export { PAGEALLOC_VARIANTS } from "./variants.js";
export * from "./dma-pages.js";
export * from "./contig.js";
