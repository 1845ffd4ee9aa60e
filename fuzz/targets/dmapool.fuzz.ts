/**
 * Fuzz target for the DMA atomic pool model. `fuzz(data)` follows the jsfuzz / Jazzer.js
 * convention; `target` is what dmafuzz's engine drives.
 */
import { dmapoolModel } from "../../src/models/dmapool/index.js";
import type { DmapoolModel, DmapoolResult } from "../../src/models/dmapool/model.js";
import type { DmapoolOp } from "../../src/models/dmapool/ops.js";
import { DmapoolOracle } from "../../src/oracles/dmapool.js";
import { DMAPOOL_RECORD_BYTES, DmapoolDecoder } from "./dmapool-decode.js";
import { freshContext, fuzzEntry, type ModelTargetSpec, modelTarget } from "./model-target.js";
import { dmapoolProgress } from "./progress.js";

/** The DMA atomic pool target's parts (the deep-bug benchmark builds variants of it). */
export const spec: ModelTargetSpec<DmapoolOp, DmapoolResult, DmapoolModel> = {
  def: dmapoolModel,
  recordBytes: DMAPOOL_RECORD_BYTES,
  newModel: (variant) => dmapoolModel.create(variant, freshContext()) as DmapoolModel,
  newOracle: (model) => new DmapoolOracle(model),
  newDecoder: (records) => new DmapoolDecoder(records),
  release: (model) => model.release(),
  progress: dmapoolProgress,
};

/** The dmapool target for dmafuzz's engine. */
export const target = modelTarget(spec);

/** The common fuzz entry point: throws a FindingError on a finding. */
export const fuzz = fuzzEntry(target);
