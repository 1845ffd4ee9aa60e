/**
 * The IOVA allocator model (drivers/iommu/iova.c, v5.10 to v6.7): an IovaDomain (the rbtree
 * half) plus an IovaRcache (the magazines), driven by IovaOp values. alloc_iova_fast and
 * free_iova_fast are composed here as in the kernel: cache first, then the tree, and on failure
 * with `flush` one flush of every CPU's magazines and the depot followed by one more tree try.
 */

import { roundupPowOfTwo } from "../../sim/u64.js";
import { type Model, type ModelContext, OpRejected } from "../model.js";
import { IovaDomain, type IovaFailure } from "./domain.js";
import type { AllocFastOp, FreeFastOp, IovaOp } from "./ops.js";
import { IovaRcache } from "./rcache.js";
import { validateTree } from "./tree-check.js";
import type { IovaVariant } from "./variants.js";

/** The dump line's fields (golden format). */
export interface IovaDump {
  /** Every node as [pfn_lo, pfn_hi], ascending, anchor excluded. */
  nodes: [number, number][];
  max32_alloc_size: number;
  cached32_pfn_lo: number | null;
  cached_pfn_lo: number | null;
  rcache_pfns: number;
  rcache: { cpus: number[][][]; depot: number[][] }[];
  warnings: number;
}

/** An alloc or alloc_fast outcome, with why and how it got there. */
export interface IovaAllocResult {
  kind: "alloc";
  /** What the API returned: pfn_lo, or null (NULL, or 0 from alloc_iova_fast). */
  pfn: number | null;
  /** pfn_lo of the node the tree got, even when the API reported failure (pfn 0); else null. */
  placed: number | null;
  /** Served from a magazine rather than the tree. */
  fromRcache: boolean;
  /** Why the last tree attempt failed, or null. */
  failure: IovaFailure | null;
  /** The walk's one-shot retry ran (in the last tree attempt). */
  retried: boolean;
  /** alloc_iova_fast flushed the caches and retried: pfns returned to the tree. */
  flushed: number | null;
  /** Nodes walked across all tree attempts. */
  nodesWalked: number;
}

export type IovaResult =
  | { kind: "ok" }
  | { kind: "reserve"; ok: boolean }
  | IovaAllocResult
  | { kind: "dump"; dump: IovaDump };

const OK: IovaResult = { kind: "ok" };

/** Allocation failure kinds in the order of the `lastFailure` feature (1-based). */
const FAILURES: readonly string[] = ["early-fail", "walk-fail", "retry-fail"];

/** floor(log2(n)) for a positive integer n (exact; clz32 below 2^32). */
function floorLog2(n: number): number {
  return n < 2 ** 32 ? 31 - Math.clz32(n) : Math.floor(Math.log2(n));
}

/** dma-iommu's domain before any init op: 4 KiB granule, start_pfn 1, 4 CPUs. */
const DEFAULT_INIT = { granule: 4096, start_pfn: 1, cpus: 4 };

export class IovaModel implements Model<IovaOp, IovaResult> {
  /** The domain and its caches; null until the first op (built then from an init, or the default). */
  private state: { domain: IovaDomain; rcache: IovaRcache } | null = null;
  /** Counters for features and benchmarks. */
  readonly counters = { allocs: 0, allocFailures: 0, rcacheHits: 0, flushes: 0, nodesWalked: 0 };

  constructor(
    readonly config: IovaVariant,
    private readonly context: ModelContext,
  ) {}

  get variant(): string {
    return this.config.name;
  }

  apply(op: IovaOp): IovaResult {
    switch (op.op) {
      case "init":
        this.init(op.granule, op.start_pfn, op.cpus);
        return OK;
      case "alloc":
        return this.alloc(op.size, op.limit_pfn, op.aligned);
      case "free":
        this.domain.freeIova(op.pfn);
        return OK;
      case "reserve":
        return { kind: "reserve", ok: this.domain.reserveIova(op.lo, op.hi) };
      case "alloc_fast":
        return this.allocFast(op);
      case "free_fast":
        this.freeFast(op);
        return OK;
      case "advance":
        this.context.clock.advance(op.ms * 1_000_000);
        return OK;
      case "dump":
        return { kind: "dump", dump: this.dump() };
    }
  }

  /** The golden dump of the whole state. */
  dump(): IovaDump {
    const d = this.domain;
    const tree = d.tree;
    const nodes: [number, number][] = [];
    for (let x = tree.first(); x !== d.anchor; x = tree.next(x)) {
      nodes.push([tree.lo[x] as number, tree.hi[x] as number]);
    }
    return {
      nodes,
      max32_alloc_size: d.max32AllocSize,
      cached32_pfn_lo: d.cachedPfnLo(d.cached32Node),
      cached_pfn_lo: d.cachedPfnLo(d.cachedNode),
      rcache_pfns: this.rcache.pfnCount(),
      rcache: this.rcache.dump(),
      warnings: d.warnings,
    };
  }

  check(): string[] {
    const d = this.domain;
    const tree = d.tree;
    const problems = validateTree(tree);
    let prevHi = -1;
    for (let x = tree.first(); x !== d.anchor; x = tree.next(x)) {
      const lo = tree.lo[x] as number;
      const hi = tree.hi[x] as number;
      if (hi < lo) problems.push(`node [${lo}, ${hi}] is inverted`);
      if (lo <= prevHi) problems.push(`node [${lo}, ${hi}] overlaps its predecessor`);
      prevHi = hi;
    }
    if (tree.next(d.anchor) !== 0) problems.push("the anchor is not the highest node");
    if (this.rcache.pfnCount() !== this.rcache.recount())
      problems.push("rcache parked-pfn count drifted");
    for (const [name, node] of [
      ["cached32_node", d.cached32Node],
      ["cached_node", d.cachedNode],
    ] as const) {
      if (tree.findContaining(tree.lo[node] as number) !== node && node !== d.anchor) {
        problems.push(`${name} points at a node that is not in the tree`);
      }
    }
    return problems;
  }

  snapshot(): unknown {
    return { variant: this.variant, start_pfn: this.domain.startPfn, ...this.dump() };
  }

  features(): Record<string, number> {
    // Read after every op while fuzzing: one state lookup, integer logs, no temporary arrays.
    const { domain: d, rcache } = this.current();
    const live = d.tree.size - 1;
    return {
      nodesLog2: live === 0 ? 0 : floorLog2(live) + 1,
      max32Lowered: d.max32AllocSize < d.dma32Pfn ? 1 : 0,
      lastFailure: d.failure === null ? 0 : FAILURES.indexOf(d.failure) + 1,
      retried: d.retried ? 1 : 0,
      depotMagazines: Math.min(rcache.depotMagazines(), 40),
      rcachePfnsLog2: floorLog2(rcache.pfnCount() + 1),
      warnings: Math.min(d.warnings, 3),
    };
  }

  /** The live domain (for oracles and tests that look inside). */
  get iovaDomain(): IovaDomain {
    return this.domain;
  }

  private get domain(): IovaDomain {
    return this.current().domain;
  }

  private get rcache(): IovaRcache {
    return this.current().rcache;
  }

  /** The live state; a trace that starts with init never builds the default domain. */
  private current(): { domain: IovaDomain; rcache: IovaRcache } {
    if (this.state === null)
      this.init(DEFAULT_INIT.granule, DEFAULT_INIT.start_pfn, DEFAULT_INIT.cpus);
    return this.state as { domain: IovaDomain; rcache: IovaRcache };
  }

  private init(granule: number, startPfn: number, cpus: number): void {
    this.state?.rcache.dispose();
    const domain = new IovaDomain(this.config, granule, startPfn);
    this.state = { domain, rcache: new IovaRcache(domain, this.context.clock, cpus) };
  }

  private alloc(size: number, limitPfn: number, aligned: boolean): IovaAllocResult {
    const d = this.domain;
    const pfn = d.allocIova(size, limitPfn, aligned);
    this.count(pfn < 0, d.nodesWalked);
    return {
      kind: "alloc",
      pfn: pfn < 0 ? null : pfn,
      placed: pfn < 0 ? null : pfn,
      fromRcache: false,
      failure: d.failure,
      retried: d.retried,
      flushed: null,
      nodesWalked: d.nodesWalked,
    };
  }

  /** alloc_iova_fast: round, try the caches, then the tree, then flush everything and retry once. */
  private allocFast(op: AllocFastOp): IovaAllocResult {
    const d = this.domain;
    const size =
      this.config.fastPathRoundsSize && op.size < 32 ? roundupPowOfTwo(op.size) : op.size;
    const cpu = this.checkCpu(op.cpu);
    const cached = this.rcache.get(cpu, size, op.limit_pfn + 1);
    if (cached !== 0) {
      this.counters.rcacheHits++;
      this.count(false, 0);
      return {
        kind: "alloc",
        pfn: cached,
        placed: null,
        fromRcache: true,
        failure: null,
        retried: false,
        flushed: null,
        nodesWalked: 0,
      };
    }
    let pfn = d.allocIova(size, op.limit_pfn, true);
    let walked = d.nodesWalked;
    let flushed: number | null = null;
    if (pfn < 0 && op.flush) {
      this.counters.flushes++;
      flushed = 0;
      for (let c = 0; c < this.rcache.cpus; c++) flushed += this.rcache.flushCpu(c);
      if (this.config.flushEmptiesDepot) flushed += this.rcache.flushDepot();
      pfn = d.allocIova(size, op.limit_pfn, true);
      walked += d.nodesWalked;
    }
    this.count(pfn <= 0, walked);
    return {
      kind: "alloc",
      pfn: pfn <= 0 ? null : pfn,
      placed: pfn < 0 ? null : pfn,
      fromRcache: false,
      failure: d.failure,
      retried: d.retried,
      flushed,
      nodesWalked: walked,
    };
  }

  /** free_iova_fast: into the current CPU's magazines, else free_iova. */
  private freeFast(op: FreeFastOp): void {
    if (!this.rcache.insert(this.checkCpu(op.cpu), op.pfn, op.size)) this.domain.freeIova(op.pfn);
  }

  private checkCpu(cpu: number): number {
    if (cpu >= this.rcache.cpus) {
      throw new OpRejected(`cpu ${cpu} is not online (the domain has ${this.rcache.cpus} CPUs)`);
    }
    return cpu;
  }

  private count(failed: boolean, walked: number): void {
    this.counters.allocs++;
    if (failed) this.counters.allocFailures++;
    this.counters.nodesWalked += walked;
  }
}
