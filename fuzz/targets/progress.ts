/**
 * Progress measures of each model, read after every op while fuzzing: how far a run has pushed
 * the allocator towards the situations deep bugs need (a fragmented 32-bit IOVA space, a swiotlb
 * pool cut into many free runs, pageblocks converted by fallback stealing, a deep retry loop,
 * pools grown chunk by chunk). The fuzz target reports each run's maximum of each measure as a
 * state feature (IJON's "maximize" annotation, without annotating the models): an input that
 * reaches a new maximum is kept, so the corpus climbs one step at a time where blind generation
 * would need the whole history at once. Measures are cheap (constant time, or one pass over a
 * small tree or slot array) and never change the model.
 */
import type { CmaModel, CmaResult } from "../../src/models/cma/index.js";
import type { DmapoolModel, DmapoolResult } from "../../src/models/dmapool/model.js";
import type { IovaModel, IovaResult } from "../../src/models/iova/model.js";
import type { NoncontigModel } from "../../src/models/noncontig/model.js";
import type { Mm } from "../../src/models/pagealloc/mm.js";
import { K_CALLER } from "../../src/models/pagealloc/zone.js";
import type { PageallocModel, PageallocResult } from "../../src/models/pagealloc/model.js";
import type { SwiotlbModel } from "../../src/models/swiotlb/model.js";
import type { ProgressMeasures } from "./model-target.js";

/** Live IOVAs, and free gaps between consecutive IOVAs below 4 GiB (the 0x731f shape). */
export const iovaProgress: ProgressMeasures<unknown, IovaResult, IovaModel> = {
  names: ["liveIovas", "holes32"],
  measure(model, _op, _result, out) {
    const d = model.iovaDomain;
    const tree = d.tree;
    out[0] = tree.size - 1;
    out[1] = holesBelow(tree.lo, tree.hi, tree.succ, tree.succ[0]!, d.dma32Pfn);
  },
};

/** Gaps between consecutive nodes (walked from `first` through `succ`) that end below `limit`. */
function holesBelow(
  lo: Float64Array,
  hi: Float64Array,
  succ: Int32Array,
  first: number,
  limit: number,
): number {
  let holes = 0;
  for (let x = first; x !== 0;) {
    const next = succ[x]!;
    if (next === 0 || hi[next]! >= limit) break;
    if (lo[next]! > hi[x]! + 1) holes++;
    x = next;
  }
  return holes;
}

/** Occupancy of the default pool in 64ths, and its maximal runs of free slots. */
export const swiotlbProgress: ProgressMeasures<{ op: string }, unknown, SwiotlbModel> = {
  names: ["used64ths", "freeRuns"],
  measure(model, op, _result, out) {
    if (op.op !== "map" && op.op !== "unmap" && op.op !== "init") return;
    const pool = model.swiotlbPool;
    const list = pool.list;
    let runs = 0;
    let used = 0;
    for (let i = 0; i < pool.nslabs; i++) {
      if (list[i] === 0) used++;
      else if (i === 0 || list[i - 1] === 0) runs++;
    }
    out[0] = Math.floor((used * 64) / pool.nslabs);
    out[1] = runs;
  },
};

/**
 * A count on a log scale with 8 steps per doubling (0 for 0, 8 for 1, 16 for 3, ... 255 past
 * about 2^31): counters that run into the thousands still climb one feature at a time.
 */
export function log8(count: number): number {
  return Math.min(255, Math.floor(8 * Math.log2(1 + count)));
}

/** Page-allocator measures shared by every model built on it (see {@link pageallocProgress}). */
const PAGE_NAMES = [
  "steals",
  "callerPages",
  "retries",
  "reclaimRounds",
  "compactAttempts",
] as const;

/** Pages the callers (alloc ops, drivers) hold, over every zone. */
export function callerPages(mm: Mm): number {
  let pages = 0;
  for (const z of mm.node.zones) pages += z.allocated[K_CALLER]!;
  return pages;
}

/** Writes the machine's measures and an allocation's slowpath depth from `out[at]` on (log8). */
function measurePages(mm: Mm, result: unknown, out: Int32Array, at: number): void {
  out[at] = log8(mm.counters.steals);
  out[at + 1] = log8(callerPages(mm));
  const r = result as PageallocResult;
  if (r.kind === "alloc") {
    out[at + 2] = log8(r.counters.retries);
    out[at + 3] = log8(r.counters.reclaimRounds);
    out[at + 4] = log8(r.counters.compactAttempts);
  }
}

/**
 * Fallback steals (a machine's history of converted pageblocks, never undone by frees), the
 * pages callers hold, and the depth of one allocation's slowpath: retries, reclaim rounds,
 * compaction attempts; all on the {@link log8} scale.
 */
export const pageallocProgress: ProgressMeasures<unknown, PageallocResult, PageallocModel> = {
  names: PAGE_NAMES,
  measure(model, _op, result, out) {
    measurePages(model.mm, result, out, 0);
  },
};

/** The page allocator's measures, live buffers and the chunks of the last buffer. */
export const noncontigProgress: ProgressMeasures<unknown, unknown, NoncontigModel> = {
  names: [...PAGE_NAMES, "liveBuffers"],
  measure(model, _op, result, out) {
    measurePages(model.pages.mm, result, out, 0);
    out[PAGE_NAMES.length] = model.live.size;
  },
};

/** Live CMA allocations, fallback steals (log8) and one cma_alloc's attempts (log8). */
export const cmaProgress: ProgressMeasures<unknown, CmaResult, CmaModel> = {
  names: ["liveAllocs", "steals", "attempts"],
  measure(model, _op, result, out) {
    out[0] = model.live.size;
    out[1] = log8(model.mm.counters.steals);
    if (result.kind === "cma_alloc") out[2] = log8(result.attempts);
  },
};

/** Chunks added to the atomic pools (each expansion adds one) and pages in use in them (/4). */
export const dmapoolProgress: ProgressMeasures<unknown, DmapoolResult, DmapoolModel> = {
  names: ["chunks", "usedPages"],
  measure(model, _op, _result, out) {
    let chunks = 0;
    let used = 0;
    for (const pool of Object.values(model.atomic.pools)) {
      for (const chunk of pool.chunks) {
        chunks++;
        used += chunk.pages - chunk.avail;
      }
    }
    out[0] = chunks;
    out[1] = used >> 2;
  },
};
