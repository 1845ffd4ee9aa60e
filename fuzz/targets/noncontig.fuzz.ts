/**
 * Fuzz target for the noncontig model (dma_alloc_noncontiguous and the ALSA memalloc policies on
 * the page allocator). `fuzz(data)` follows the jsfuzz / Jazzer.js convention; `target` is what
 * dmafuzz's engine drives.
 */
import { noncontigModel } from "../../src/models/noncontig/index.js";
import type { NoncontigModel, NoncontigResult } from "../../src/models/noncontig/model.js";
import type { NoncontigOp } from "../../src/models/noncontig/ops.js";
import { NoncontigOracle } from "../../src/oracles/noncontig.js";
import { freshContext, fuzzEntry, type ModelTargetSpec, modelTarget } from "./model-target.js";
import { noncontigProgress } from "./progress.js";
import { NONCONTIG_RECORD_BYTES, NoncontigDecoder } from "./noncontig-decode.js";

/** The noncontig target's parts (the deep-bug benchmark builds variants of it). */
export const spec: ModelTargetSpec<NoncontigOp, NoncontigResult, NoncontigModel> = {
  def: noncontigModel,
  recordBytes: NONCONTIG_RECORD_BYTES,
  newModel: (variant) => noncontigModel.create(variant, freshContext()) as NoncontigModel,
  newOracle: (model) => new NoncontigOracle(model),
  newDecoder: (records) => new NoncontigDecoder(records),
  progress: noncontigProgress,
};

/** The noncontig target for dmafuzz's engine. */
export const target = modelTarget(spec);

/** The common fuzz entry point: throws a FindingError on a finding. */
export const fuzz = fuzzEntry(target);
