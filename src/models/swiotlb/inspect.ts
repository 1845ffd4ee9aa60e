/**
 * What the swiotlb model shows of itself: the golden dump line (kernel/dma/swiotlb.c state as the
 * golden harness prints it) with the dynamic designs' pools and buffers, and the invariants
 * check() reports: every pool's list[] and used counts, and the pages the dynamic designs hold.
 */
import type { PoolList } from "./dynamic.js";
import type { PageSource } from "./page-source.js";
import { checkPool } from "./pool.js";
import type { RfcBuffers } from "./rfc.js";

/** The dump line's fields (golden format); dynamic designs add their pools and buffers. */
export interface SwiotlbDump {
  list: [number, number][];
  areas: { used: number; index: number }[];
  orig_valid_slots: number;
  warnings: number;
  /** Growth and transient pools (start, nslabs, nareas, transient), newest first. */
  pools?: [number, number, number, boolean][];
  /** RFC v1: live dynamic buffers. */
  dyn_buffers?: number;
}

/** The dump of the boot-time pool; `dynamic` adds the other pools, and RFC buffers their count. */
export function dumpState(
  pools: PoolList,
  dyn: RfcBuffers | null,
  warnings: number,
  dynamic: boolean,
): SwiotlbDump {
  const p = pools.defpool;
  const areas: { used: number; index: number }[] = [];
  for (let a = 0; a < p.nareas; a++) {
    const used = p.areaUsed[a] as number;
    areas.push({ used: used < 0 ? used + 2 ** 64 : used, index: p.areaIndex[a] as number });
  }
  const dump: SwiotlbDump = {
    list: p.listRuns(),
    areas,
    orig_valid_slots: p.origValidSlots(),
    warnings,
  };
  if (dynamic) {
    dump.pools = pools
      .all()
      .filter((e) => e.pool !== p)
      .map((e) => [e.pool.start, e.pool.nslabs, e.pool.nareas, e.transient]);
  }
  if (dyn !== null) dump.dyn_buffers = dyn.live;
  return dump;
}

/** Every pool's invariants, and the pages held by pools and buffers against the source's count. */
export function checkState(
  pools: PoolList,
  source: PageSource | null,
  dyn: RfcBuffers | null,
): string[] {
  const problems: string[] = [];
  for (const e of pools.all()) {
    for (const problem of checkPool(e.pool)) {
      if (problems.length < 20) problems.push(`pool ${e.pool.start}: ${problem}`);
    }
  }
  if (source !== null) {
    let held = 0;
    for (const e of pools.all()) {
      for (const b of [e.pages, e.slotArray]) if (b) held += 2 ** b.order;
    }
    for (const b of dyn?.all() ?? []) held += 2 ** b.block.order;
    if (held !== source.totals.pagesHeld) {
      problems.push(`pages held: ${source.totals.pagesHeld} counted, ${held} in pools and buffers`);
    }
  }
  return problems;
}
