/**
 * Deep page-allocator bugs: the NOIO costly hang of v6.6 reached by a caller that already holds
 * much memory, and two planted BUG_ONs on v6.8 that need many held pages and a long history of
 * fallback steals, or a slowpath that loops long and still succeeds.
 */
import type { PageallocModel, PageallocResult } from "../../src/models/pagealloc/model.js";
import type { PageallocOp } from "../../src/models/pagealloc/ops.js";
import { callerPages } from "../targets/progress.js";
import type { DeepBug } from "./bug.js";

type PageallocBug = DeepBug<PageallocOp, PageallocResult, PageallocModel>;

/** Inputs of at most 31 ops: each costs up to milliseconds (boot, fills, reclaim). */
const SHORT_INPUT = 256;
/** 8 MiB in 4 KiB pages. */
const MIB8 = 2048;

export const PAGEALLOC_DEEP_BUGS: readonly PageallocBug[] = [
  {
    id: "deep-pagealloc-noio-hang-held",
    model: "pagealloc",
    kind: "real",
    base: "v6.6",
    variant: "v6.6",
    description:
      "pagealloc-noio-costly-hang hit by a caller that already holds at least 8 MiB of its own allocations (a driver with its buffers allocated, resuming).",
    reference: "803de9000f33 (v6.8); spec 1.8 mechanism A",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    deep: (model) => callerPages(model.mm) >= MIB8,
    matches: (finding) => finding.canary === "pagealloc-noio-costly-hang",
  },
  {
    id: "deep-pagealloc-held-after-steals",
    model: "pagealloc",
    kind: "planted",
    base: "v6.8",
    variant: "v6.8+synthetic-held-after-steals",
    description:
      "Planted: a costly (order > 3) allocation BUG_ONs when it succeeds while callers hold at least 16 MiB and fallback stealing has converted at least 16 pageblocks.",
    reference: "synthetic; imitates a migratetype accounting bug after many steals",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    plant: (model, op, result) =>
      op.op === "alloc" &&
      op.order > 3 &&
      result.kind === "alloc" &&
      result.outcome === "ok" &&
      model.mm.counters.steals >= 16 &&
      callerPages(model.mm) >= 2 * MIB8,
  },
  {
    id: "deep-pagealloc-late-success",
    model: "pagealloc",
    kind: "planted",
    base: "v6.8",
    variant: "v6.8+synthetic-late-success",
    description:
      "Planted: an allocation BUG_ONs when it succeeds after at least 2 passes through the slowpath's retry label while callers hold at least 8 MiB.",
    reference: "synthetic; imitates a bug in the retry path's state after many reclaim rounds",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    plant: (model, op, result) =>
      op.op === "alloc" &&
      result.kind === "alloc" &&
      result.outcome === "ok" &&
      result.counters.retries >= 2 &&
      callerPages(model.mm) >= MIB8,
  },
];
