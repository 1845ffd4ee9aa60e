/**
 * Deep noncontig / ALSA bugs: the resume hang of v6.6 hit while other sound buffers are live,
 * and two planted BUG_ONs on v6.8 that need many live buffers or much memory held.
 */
import type { NoncontigModel, NoncontigResult } from "../../src/models/noncontig/model.js";
import type { NoncontigOp } from "../../src/models/noncontig/ops.js";
import { callerPages } from "../targets/progress.js";
import type { DeepBug } from "./bug.js";

type NoncontigBug = DeepBug<NoncontigOp, NoncontigResult, NoncontigModel>;

/** Inputs of at most 42 ops: a buffer allocation can cost milliseconds. */
const SHORT_INPUT = 258;

const bufferOk = (result: NoncontigResult) => result.kind === "buffer" && result.outcome === "ok";

export const NONCONTIG_DEEP_BUGS: readonly NoncontigBug[] = [
  {
    id: "deep-alsa-resume-hang-busy",
    model: "noncontig",
    kind: "real",
    base: "upstream@v6.6",
    variant: "upstream@v6.6",
    description:
      "alsa-noncontig-resume-hang while at least 3 other sound buffers are live (a card with several PCM streams, resuming).",
    reference:
      "spec 2.3; 'ALSA: memalloc: Fix indefinite hang in non-iommu case' (Feb 2024); 803de9000f33",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    deep: (model) => model.live.size >= 3,
    matches: (finding) => finding.canary === "alsa-noncontig-resume-hang",
  },
  {
    id: "deep-alsa-many-buffers",
    model: "noncontig",
    kind: "planted",
    base: "upstream@v6.8",
    variant: "upstream@v6.8+synthetic-many-buffers",
    description:
      "Planted: a buffer allocation BUG_ONs when it succeeds with at least 9 buffers already live.",
    reference: "synthetic; imitates an id-table bug of a driver's buffer list",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    plant: (model, _op, result) => bufferOk(result) && model.live.size >= 10,
  },
  {
    id: "deep-alsa-held-memory",
    model: "noncontig",
    kind: "planted",
    base: "upstream@v6.8",
    variant: "upstream@v6.8+synthetic-held-memory",
    description:
      "Planted: a buffer allocation BUG_ONs when it succeeds while callers hold at least 8 MiB through the page allocator's alloc op and at least 3 buffers are live.",
    reference: "synthetic; imitates a bug in a buffer path under memory held by others",
    budgetS: 15,
    maxInputBytes: SHORT_INPUT,
    plant: (model, _op, result) =>
      bufferOk(result) && model.live.size >= 3 && callerPages(model.pages.mm) >= 2048,
  },
];
