/**
 * Fuzz target for the IOVA model. `fuzz(data)` follows the jsfuzz / Jazzer.js convention (throws
 * on a finding; the variant comes from DMAFUZZ_VARIANT); `target` is what dmafuzz's engine drives.
 */
import { iovaModel } from "../../src/models/iova/index.js";
import type { IovaModel, IovaResult } from "../../src/models/iova/model.js";
import type { IovaOp } from "../../src/models/iova/ops.js";
import { IovaOracle } from "../../src/oracles/iova.js";
import { IOVA_RECORD_BYTES, IovaDecoder } from "./iova-decode.js";
import { freshContext, fuzzEntry, type ModelTargetSpec, modelTarget } from "./model-target.js";
import { iovaProgress } from "./progress.js";

/** The IOVA target's parts (the deep-bug benchmark builds variants of it). */
export const spec: ModelTargetSpec<IovaOp, IovaResult, IovaModel> = {
  def: iovaModel,
  recordBytes: IOVA_RECORD_BYTES,
  newModel: (variant) => iovaModel.create(variant, freshContext()) as IovaModel,
  newOracle: (model) => new IovaOracle(model),
  newDecoder: (records, model) => new IovaDecoder(records, model.config),
  progress: iovaProgress,
};

/** The iova target for dmafuzz's engine. */
export const target = modelTarget(spec);

/** The common fuzz entry point: throws a FindingError on a finding. */
export const fuzz = fuzzEntry(target);
