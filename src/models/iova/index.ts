/**
 * The IOVA model family: drivers/iommu/iova.c from v5.10 to v6.7 (see ./README.md for what is
 * exact, simplified and left out).
 */
import { type ModelDefinition, requireVariant } from "../model.js";
import { IovaModel, type IovaResult } from "./model.js";
import { decodeIovaOp, encodeIovaOp, type IovaOp } from "./ops.js";
import { DEFAULT_IOVA_VARIANT, IOVA_VARIANTS } from "./variants.js";

/** The golden-trace fields of a result: `expect`, plus the dump line's extra fields. */
export function iovaExpectation(_op: IovaOp, result: IovaResult): Record<string, unknown> {
  switch (result.kind) {
    case "ok":
      return { expect: "ok" };
    case "reserve":
      return { expect: result.ok ? "ok" : { pfn: null } };
    case "alloc":
      return { expect: { pfn: result.pfn } };
    case "dump": {
      const { nodes, ...rest } = result.dump;
      return { expect: nodes, ...rest };
    }
  }
}

/** The IOVA allocator (drivers/iommu/iova.c). */
export const iovaModel: ModelDefinition<IovaOp, IovaResult> = {
  name: "iova",
  summary: "IOMMU IOVA allocator: rbtree walk, cached nodes, max32_alloc_size, per-CPU rcache",
  variants: IOVA_VARIANTS,
  defaultVariant: DEFAULT_IOVA_VARIANT,
  decodeOp: decodeIovaOp,
  encodeOp: encodeIovaOp,
  expectationOf: iovaExpectation,
  create(variant, context) {
    return new IovaModel(requireVariant("iova", IOVA_VARIANTS, variant), context);
  },
};

export { IovaModel, type IovaResult } from "./model.js";
export type { IovaOp } from "./ops.js";
export { IOVA_VARIANTS } from "./variants.js";
