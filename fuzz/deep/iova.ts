/**
 * Deep IOVA bugs: the 0x731f report's stale estimate in a 32-bit space already cut into many
 * holes, and two planted BUG_ONs on v6.7 that need a fragmented or crowded tree.
 */
import type { IovaModel, IovaResult } from "../../src/models/iova/model.js";
import type { IovaOp } from "../../src/models/iova/ops.js";
import { iovaProgress } from "../targets/progress.js";
import type { DeepBug } from "./bug.js";
import { measureReader } from "./measure.js";

type IovaBug = DeepBug<IovaOp, IovaResult, IovaModel>;

const measures = measureReader(iovaProgress);
const HOLES = measures.index("holes32");
const LIVE = measures.index("liveIovas");

const isAlloc = (op: IovaOp) => op.op === "alloc" || op.op === "alloc_fast";

export const IOVA_DEEP_BUGS: readonly IovaBug[] = [
  {
    id: "deep-iova-max32-stale-fragmented",
    model: "iova",
    kind: "real",
    base: "v5.17",
    variant: "v5.17",
    description:
      "iova-max32-stale in the report's shape: the stale max32_alloc_size refuses a size-aligned 32-bit request while the space below 4 GiB is cut into at least 20 holes by live IOVAs.",
    reference: "5b61343b5059 (v5.18); the 0x731f report on the iommu list, March 2022",
    budgetS: 8,
    deep: (model, op, result) => measures.read(model, op, result)[HOLES]! >= 20,
    matches: (finding) => finding.canary === "iova-max32-stale",
  },
  {
    id: "deep-iova-hole-ladder",
    model: "iova",
    kind: "planted",
    base: "v6.7",
    variant: "v6.7+synthetic-hole-ladder",
    description:
      "Planted: an allocation BUG_ONs when the space below 4 GiB holds at least 36 holes between live IOVAs (a walk-length bug that only a heavily fragmented tree shows).",
    reference: "synthetic; imitates a cached-node walk bug needing a fragmented 32-bit space",
    budgetS: 8,
    plant: (model, op, result) => isAlloc(op) && measures.read(model, op, result)[HOLES]! >= 36,
  },
  {
    id: "deep-iova-crowded-free",
    model: "iova",
    kind: "planted",
    base: "v6.7",
    variant: "v6.7+synthetic-crowded-free",
    description:
      "Planted: a free_iova BUG_ONs when at least 80 IOVAs are live (a rebalancing bug of a deep rb-tree).",
    reference: "synthetic; imitates an rb-tree erase bug at depth",
    budgetS: 8,
    plant: (model, op, result) => op.op === "free" && measures.read(model, op, result)[LIVE]! >= 80,
  },
];
