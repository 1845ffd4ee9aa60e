/**
 * The meminfo model family: a Mem-Info dump's zones and one request checked against them with
 * __zone_watermark_ok as three kernel eras wrote it (see ./README.md).
 */
import { type ModelDefinition, requireVariant } from "../model.js";
import { MeminfoModel, type MeminfoResult } from "./model.js";
import { decodeMeminfoOp, encodeMeminfoOp, type MeminfoOp } from "./ops.js";
import { DEFAULT_MEMINFO_VARIANT, MEMINFO_VARIANTS } from "./variants.js";

/** The golden-trace fields of a result: the verdict and the zone that would serve the request. */
export function meminfoExpectation(_op: MeminfoOp, result: MeminfoResult): Record<string, unknown> {
  switch (result.kind) {
    case "ok":
      return { expect: "ok" };
    case "alloc":
      return { expect: { ok: result.ok, zone: result.zone } };
    case "dump":
      return { expect: { zones: result.zones } };
  }
}

/** Zones rebuilt from a kernel log's Mem-Info dump, and the watermark check per kernel era. */
export const meminfoModel: ModelDefinition<MeminfoOp, MeminfoResult> = {
  name: "meminfo",
  summary: "zones from a Mem-Info dump checked with __zone_watermark_ok per kernel era",
  variants: MEMINFO_VARIANTS,
  defaultVariant: DEFAULT_MEMINFO_VARIANT,
  decodeOp: decodeMeminfoOp,
  encodeOp: encodeMeminfoOp,
  expectationOf: meminfoExpectation,
  create(variant, context) {
    return new MeminfoModel(requireVariant("meminfo", MEMINFO_VARIANTS, variant), context);
  },
};

export { MeminfoModel, type MeminfoResult } from "./model.js";
export type { MeminfoOp } from "./ops.js";
export { MEMINFO_VARIANTS, variantForVersion } from "./variants.js";
