/**
 * Fuzz target for the CMA model. `fuzz(data)` follows the jsfuzz / Jazzer.js convention (throws on
 * a finding; the variant comes from DMAFUZZ_VARIANT); `target` is what dmafuzz's engine drives.
 */
import { type CmaModel, type CmaOp, type CmaResult, cmaModel } from "../../src/models/cma/index.js";
import { CmaOracle } from "../../src/oracles/cma.js";
import { CMA_RECORD_BYTES, CmaDecoder } from "./cma-decode.js";
import { freshContext, fuzzEntry, type ModelTargetSpec, modelTarget } from "./model-target.js";
import { cmaProgress } from "./progress.js";

const newModel = (variant: string) => cmaModel.create(variant, freshContext()) as CmaModel;

/** The CMA target's parts (the deep-bug benchmark builds variants of it). */
export const spec: ModelTargetSpec<CmaOp, CmaResult, CmaModel> = {
  def: cmaModel,
  recordBytes: CMA_RECORD_BYTES,
  newModel,
  // The spurious -EBUSY oracle replays the run so far on a model made the same way.
  newOracle: (model) => new CmaOracle(model, () => newModel(model.variant)),
  newDecoder: (records, model) => new CmaDecoder(records, model),
  progress: cmaProgress,
};

/** The cma target for dmafuzz's engine. */
export const target = modelTarget(spec);

/** The common fuzz entry point: throws a FindingError on a finding. */
export const fuzz = fuzzEntry(target);
