/**
 * Deep atomic-pool bugs: the "no suitable pool" warning once the pools have grown, and two
 * planted BUG_ONs that need pools grown chunk by chunk or filled deep.
 */
import type { DmapoolModel, DmapoolResult } from "../../src/models/dmapool/model.js";
import type { DmapoolOp } from "../../src/models/dmapool/ops.js";
import { dmapoolProgress } from "../targets/progress.js";
import type { DeepBug } from "./bug.js";
import { measureReader } from "./measure.js";

type DmapoolBug = DeepBug<DmapoolOp, DmapoolResult, DmapoolModel>;

/** Inputs of at most 50 ops: each boots a machine and its pools. */
const SHORT_INPUT = 255;

const measures = measureReader(dmapoolProgress);
const CHUNKS = measures.index("chunks");
const USED = measures.index("usedPages");

export const DMAPOOL_DEEP_BUGS: readonly DmapoolBug[] = [
  {
    id: "deep-dmapool-no-pool-grown",
    model: "dmapool",
    kind: "real",
    base: "has-managed-dma",
    variant: "has-managed-dma",
    description:
      "dma_alloc_from_pool finds no suitable pool ('Failed to get suitable pool') after the pools have grown to at least 6 chunks.",
    reference: "kernel/dma/pool.c dma_alloc_from_pool; spec 4",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    deep: (model, op, result) => measures.read(model, op, result)[CHUNKS]! >= 6,
    matches: (finding) => finding.kind === "warning" && finding.site === "no-suitable-pool",
  },
  {
    id: "deep-dmapool-chunk-ladder",
    model: "dmapool",
    kind: "planted",
    base: "has-managed-dma",
    variant: "has-managed-dma+synthetic-chunk-ladder",
    description:
      "Planted: an atomic allocation BUG_ONs when the pools hold at least 10 chunks (a chunk-list walk bug after many expansions).",
    reference: "synthetic; imitates a genpool chunk-list bug",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    plant: (model, op, result) =>
      op.op === "alloc" && measures.read(model, op, result)[CHUNKS]! >= 10,
  },
  {
    id: "deep-dmapool-deep-fill",
    model: "dmapool",
    kind: "planted",
    base: "has-managed-dma",
    variant: "has-managed-dma+synthetic-deep-fill",
    description:
      "Planted: a pool free BUG_ONs when at least 512 pool pages are in use (2 MiB of atomic buffers outstanding).",
    reference: "synthetic; imitates a gen_pool_free bitmap bug at depth",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    plant: (model, op, result) =>
      op.op === "free" && measures.read(model, op, result)[USED]! >= 128,
  },
];
