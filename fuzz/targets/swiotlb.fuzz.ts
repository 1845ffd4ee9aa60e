/**
 * Fuzz target for the swiotlb model. `fuzz(data)` follows the jsfuzz / Jazzer.js convention
 * (throws on a finding; the variant comes from DMAFUZZ_VARIANT); `target` is what dmafuzz's
 * engine drives.
 */
import { swiotlbModel } from "../../src/models/swiotlb/index.js";
import type { SwiotlbModel, SwiotlbResult } from "../../src/models/swiotlb/model.js";
import type { SwiotlbOp } from "../../src/models/swiotlb/ops.js";
import { SwiotlbOracle } from "../../src/oracles/swiotlb.js";
import { freshContext, fuzzEntry, type ModelTargetSpec, modelTarget } from "./model-target.js";
import { swiotlbProgress } from "./progress.js";
import { SWIOTLB_RECORD_BYTES, SwiotlbDecoder } from "./swiotlb-decode.js";

/** The swiotlb target's parts (the deep-bug benchmark builds variants of it). */
export const spec: ModelTargetSpec<SwiotlbOp, SwiotlbResult, SwiotlbModel> = {
  def: swiotlbModel,
  recordBytes: SWIOTLB_RECORD_BYTES,
  newModel: (variant) => swiotlbModel.create(variant, freshContext()) as SwiotlbModel,
  newOracle: (model) => new SwiotlbOracle(model),
  newDecoder: (records) => new SwiotlbDecoder(records),
  progress: swiotlbProgress,
};

/** The swiotlb target for dmafuzz's engine. */
export const target = modelTarget(spec);

/** The common fuzz entry point: throws a FindingError on a finding. */
export const fuzz = fuzzEntry(target);
