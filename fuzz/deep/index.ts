/**
 * The deep-bug set: at least three bugs per model, real ones reached through a long history and
 * planted ones in synthetic variants (see ./bug.ts), and the fuzz target of each.
 */
import { spec as cmaSpec } from "../targets/cma.fuzz.js";
import { spec as dmapoolSpec } from "../targets/dmapool.fuzz.js";
import { spec as iovaSpec } from "../targets/iova.fuzz.js";
import { spec as noncontigSpec } from "../targets/noncontig.fuzz.js";
import { spec as pageallocSpec } from "../targets/pagealloc.fuzz.js";
import { spec as swiotlbSpec } from "../targets/swiotlb.fuzz.js";
import type { Model } from "../../src/models/model.js";
import type { ModelTargetSpec } from "../targets/model-target.js";
import { type DeepBug, deepTarget, type DeepTarget } from "./bug.js";
import { CMA_DEEP_BUGS } from "./cma.js";
import { DMAPOOL_DEEP_BUGS } from "./dmapool.js";
import { IOVA_DEEP_BUGS } from "./iova.js";
import { NONCONTIG_DEEP_BUGS } from "./noncontig.js";
import { PAGEALLOC_DEEP_BUGS } from "./pagealloc.js";
import { SWIOTLB_DEEP_BUGS } from "./swiotlb.js";

/** A bug with the builder of its target (the model's target parts, typed per model). */
function entries<Op extends { op: string }, R, M extends Model<Op, R>>(
  spec: ModelTargetSpec<Op, R, M>,
  bugs: readonly DeepBug<Op, R, M>[],
) {
  return bugs.map((bug) => ({
    bug: bug as unknown as DeepBug,
    target: () => deepTarget(bug, spec),
  }));
}

const ENTRIES = [
  ...entries(iovaSpec, IOVA_DEEP_BUGS),
  ...entries(swiotlbSpec, SWIOTLB_DEEP_BUGS),
  ...entries(pageallocSpec, PAGEALLOC_DEEP_BUGS),
  ...entries(cmaSpec, CMA_DEEP_BUGS),
  ...entries(dmapoolSpec, DMAPOOL_DEEP_BUGS),
  ...entries(noncontigSpec, NONCONTIG_DEEP_BUGS),
];

/** Every deep bug, model by model. */
export const DEEP_BUGS: readonly DeepBug[] = ENTRIES.map((e) => e.bug);

/** The deep bug with this id, or undefined. */
export function findDeepBug(id: string): DeepBug | undefined {
  return DEEP_BUGS.find((b) => b.id === id);
}

/** The fuzz target of deep bug `id` (throws for an unknown id). */
export function deepBugTarget(id: string): DeepTarget {
  const entry = ENTRIES.find((e) => e.bug.id === id);
  if (entry === undefined) throw new RangeError(`unknown deep bug '${id}'`);
  return entry.target();
}
