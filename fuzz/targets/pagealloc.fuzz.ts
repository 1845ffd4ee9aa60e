/**
 * Fuzz target for the page allocator model. `fuzz(data)` follows the jsfuzz / Jazzer.js
 * convention (throws on a finding; the variant comes from DMAFUZZ_VARIANT); `target` is what
 * dmafuzz's engine drives.
 */
import { pagealloc } from "../../src/models/pagealloc/index.js";
import type { PageallocModel, PageallocResult } from "../../src/models/pagealloc/model.js";
import type { PageallocOp } from "../../src/models/pagealloc/ops.js";
import { PageallocOracle } from "../../src/oracles/pagealloc.js";
import { freshContext, fuzzEntry, type ModelTargetSpec, modelTarget } from "./model-target.js";
import { pageallocProgress } from "./progress.js";
import { PAGEALLOC_RECORD_BYTES, PageallocDecoder } from "./pagealloc-decode.js";

/** The page allocator target's parts (the deep-bug benchmark builds variants of it). */
export const spec: ModelTargetSpec<PageallocOp, PageallocResult, PageallocModel> = {
  def: pagealloc,
  recordBytes: PAGEALLOC_RECORD_BYTES,
  newModel: (variant) => pagealloc.create(variant, freshContext()) as PageallocModel,
  newOracle: (model) => new PageallocOracle(model),
  newDecoder: (records) => new PageallocDecoder(records),
  release: (model) => model.release(),
  progress: pageallocProgress,
};

/** The pagealloc target for dmafuzz's engine. */
export const target = modelTarget(spec);

/** The common fuzz entry point: throws a FindingError on a finding. */
export const fuzz = fuzzEntry(target);
