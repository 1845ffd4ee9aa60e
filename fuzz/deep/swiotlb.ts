/**
 * Deep swiotlb bugs: v6.8's double allocation once the pool is crowded, and two planted BUG_ONs
 * on v6.9 that need a pool cut into many free runs or filled nearly to the brim.
 */
import type { SwiotlbModel, SwiotlbResult } from "../../src/models/swiotlb/model.js";
import type { SwiotlbOp } from "../../src/models/swiotlb/ops.js";
import { swiotlbProgress } from "../targets/progress.js";
import type { DeepBug } from "./bug.js";
import { measureReader } from "./measure.js";

type SwiotlbBug = DeepBug<SwiotlbOp, SwiotlbResult, SwiotlbModel>;

const measures = measureReader(swiotlbProgress);
const USED = measures.index("used64ths");
const RUNS = measures.index("freeRuns");

export const SWIOTLB_DEEP_BUGS: readonly SwiotlbBug[] = [
  {
    id: "deep-swiotlb-v6.8-overlap-crowded",
    model: "swiotlb",
    kind: "real",
    base: "v6.8",
    variant: "v6.8",
    description:
      "v6.8's double allocation (a slot handed out twice) while the default pool is cut into at least 6 free runs.",
    reference: "the v6.9 fixes of swiotlb_area_find_slots (spec B.2)",
    budgetS: 8,
    deep: (model, op, result) => measures.read(model, op, result)[RUNS]! >= 6,
    matches: (finding) => finding.kind === "overlap",
  },
  {
    id: "deep-swiotlb-free-run-lattice",
    model: "swiotlb",
    kind: "planted",
    base: "v6.9",
    variant: "v6.9+synthetic-free-run-lattice",
    description:
      "Planted: a mapping with a min_align_mask BUG_ONs when the default pool has at least 24 separate free runs (an index that lines up with the alignment only after dozens of maps and unmaps).",
    reference: "synthetic; imitates an area-index wrap bug of swiotlb_search_pool_area",
    budgetS: 8,
    plant: (model, op, result) =>
      op.op === "map" && op.min_align_mask !== 0 && measures.read(model, op, result)[RUNS]! >= 24,
  },
  {
    id: "deep-swiotlb-brim",
    model: "swiotlb",
    kind: "planted",
    base: "v6.9",
    variant: "v6.9+synthetic-brim",
    description:
      "Planted: an unmap BUG_ONs when the pool is at least 48/64 full and cut into at least 12 free runs.",
    reference: "synthetic; imitates a release-path accounting bug at high occupancy",
    budgetS: 8,
    plant: (model, op, result) => {
      if (op.op !== "unmap") return false;
      const m = measures.read(model, op, result);
      return m[USED]! >= 48 && m[RUNS]! >= 12;
    },
  },
];
