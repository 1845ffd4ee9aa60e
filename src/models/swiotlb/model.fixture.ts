/** Test helpers shared by the swiotlb model's tests: an initialised model, and map ops. */
import { VirtualClock } from "../../sim/clock.js";
import { Rng } from "../../sim/rng.js";
import { SwiotlbModel } from "./model.js";
import type { InitOp, MapOp, SwiotlbOp } from "./ops.js";
import { findSwiotlbVariant } from "./variants.js";

/** A model of `variant` on a fresh clock (RNG seed 1), after the `init` op with `init`'s fields. */
export function initialisedModel(variant: string, init: Omit<InitOp, "op">): SwiotlbModel {
  const config = findSwiotlbVariant(variant);
  if (!config) throw new Error(variant);
  const m = new SwiotlbModel(config, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  m.apply({ op: "init", ...init });
  return m;
}

/** A streaming map of `size` bytes from `orig`: no masks, CPU 0, no limit, unless `fields` say. */
export function mapOp(orig: number, size: number, fields: Partial<MapOp> = {}): SwiotlbOp {
  return {
    op: "map",
    orig,
    size,
    alloc_size: size,
    alloc_align_mask: 0,
    min_align_mask: 0,
    cpu: 0,
    seg_boundary_mask: 0,
    attrs: 0,
    dma_limit: 0,
    io_path: 0,
    ...fields,
  };
}
