/**
 * The DMA atomic pool model family: kernel/dma/pool.c's three gen_pools (kernel, dma, dma32) on
 * the page allocator model, before and after has_managed_dma() (see ./README.md for what is
 * exact, simplified and left out).
 */
import { type ModelDefinition, requireVariant } from "../model.js";
import { DmapoolModel, type DmapoolResult } from "./model.js";
import { decodeDmapoolOp, type DmapoolOp, encodeDmapoolOp } from "./ops.js";
import { DEFAULT_DMAPOOL_VARIANT, DMAPOOL_VARIANTS } from "./variants.js";

/** The golden-trace fields of a result. */
export function dmapoolExpectation(_op: DmapoolOp, result: DmapoolResult): Record<string, unknown> {
  switch (result.kind) {
    case "ok":
      return { expect: "ok" };
    case "count":
      return { expect: { n: result.n } };
    case "boot":
      return { expect: { sizes: result.sizes, log: result.log } };
    case "alloc":
      return { expect: { pfn: result.pfn, pool: result.pool } };
    case "advance":
      return { expect: { log: result.log } };
    case "dump":
      return { expect: { sizes: result.sizes, avail: result.avail } };
  }
}

/** The DMA atomic pools (kernel/dma/pool.c) on the page allocator model. */
export const dmapoolModel: ModelDefinition<DmapoolOp, DmapoolResult> = {
  name: "dmapool",
  summary: "DMA atomic pools: sizing, gen_pool first-fit-order-align, expansion, kdump ZONE_DMA",
  variants: DMAPOOL_VARIANTS,
  defaultVariant: DEFAULT_DMAPOOL_VARIANT,
  decodeOp: decodeDmapoolOp,
  encodeOp: encodeDmapoolOp,
  expectationOf: dmapoolExpectation,
  create(variant, context) {
    return new DmapoolModel(requireVariant("dmapool", DMAPOOL_VARIANTS, variant), context);
  },
};

export { DmapoolModel, type DmapoolResult } from "./model.js";
export type { DmapoolOp } from "./ops.js";
export { DMAPOOL_VARIANTS } from "./variants.js";
