/**
 * Every model family dmafuzz knows, by name. This is the one place that imports the concrete
 * models; everything above it (CLI, fuzz, bench) looks them up here or receives the list.
 */
import { cmaModel } from "./cma/index.js";
import { dmapoolModel } from "./dmapool/index.js";
import { iovaModel } from "./iova/index.js";
import { meminfoModel } from "./meminfo/index.js";
import type { ModelDefinition } from "./model.js";
import { noncontigModel } from "./noncontig/index.js";
import { pagealloc } from "./pagealloc/index.js";
import { swiotlbModel } from "./swiotlb/index.js";

/**
 * A model definition of any op and result type. Its methods are declared as methods, hence
 * bivariant in their parameters, so every concrete `ModelDefinition<Op, Result>` is assignable
 * without `any`; ops and results are handled as opaque values through the definition itself.
 */
export type AnyModelDefinition = ModelDefinition<{ op: string }, unknown>;

/** All registered model families, in the order `dmafuzz list` shows them. */
export const models: readonly AnyModelDefinition[] = [
  iovaModel,
  swiotlbModel,
  pagealloc,
  noncontigModel,
  dmapoolModel,
  cmaModel,
  meminfoModel,
];

/** The registered model family called `name`, if any. */
export function findModel(name: string): AnyModelDefinition | undefined {
  return models.find((model) => model.name === name);
}
