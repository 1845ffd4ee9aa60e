/**
 * Deep CMA bugs: the two canaries of the CMA policies reached in a crowded area (several live
 * allocations around the pinned pages), and a planted BUG_ON on fail-fast that needs many live
 * allocations.
 */
import type { CmaModel, CmaOp, CmaResult } from "../../src/models/cma/index.js";
import type { DeepBug } from "./bug.js";

type CmaBug = DeepBug<CmaOp, CmaResult, CmaModel>;

/** Inputs of at most 31 ops: a cma_alloc costs milliseconds (its oracle replays the run). */
const SHORT_INPUT = 192;

export const CMA_DEEP_BUGS: readonly CmaBug[] = [
  {
    id: "deep-cma-nofail-hang-crowded",
    model: "cma",
    kind: "real",
    base: "nofail",
    variant: "nofail",
    description:
      "cma-nofail-longterm-hang while at least 4 allocations are live in the area: the pins and the live ranges together defeat every aligned window.",
    reference:
      "Goldsworthy 'mm: cma: indefinitely retry allocations' v2-v4 (Sep 2020, not merged); spec 3.4",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    deep: (model) => model.live.size >= 4,
    matches: (finding) => finding.canary === "cma-nofail-longterm-hang",
  },
  {
    id: "deep-cma-ebusy-crowded",
    model: "cma",
    kind: "real",
    base: "fail-fast",
    variant: "fail-fast",
    description:
      "cma-transient-ebusy while at least 4 allocations are live in the area (the transient pins block the few windows left).",
    reference:
      "Goldsworthy 'cma_alloc(), add sleep-and-retry for temporary page pinning' v1 (Aug 2020); spec 3.4",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    deep: (model) => model.live.size >= 4,
    matches: (finding) => finding.canary === "cma-transient-ebusy",
  },
  {
    id: "deep-cma-crowded-alloc",
    model: "cma",
    kind: "planted",
    base: "fail-fast",
    variant: "fail-fast+synthetic-crowded-alloc",
    description:
      "Planted: a cma_alloc BUG_ONs when it succeeds with at least 7 allocations already live (a bitmap search bug past the seventh range).",
    reference: "synthetic; imitates a bitmap offset bug of cma_alloc",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    plant: (model, op, result) =>
      op.op === "alloc" &&
      result.kind === "cma_alloc" &&
      result.outcome === "ok" &&
      model.live.size >= 8,
  },
];
