/**
 * The page allocator model (mm/page_alloc.c, mm/vmscan.c, mm/compaction.c, mm/oom_kill.c; v6.6
 * and v6.8): a booted Node plus the Mm state, driven by PageallocOp values. Allocation outcomes,
 * warnings and hangs are results; a free of a block the trace never got is OpRejected.
 */
import { type Model, type ModelContext, OpRejected } from "../model.js";
import { DEFAULT_HANG_NS } from "./costs.js";
import * as G from "./gfp.js";
import { buildLayout, type LayoutName, MAX_ORDER, PAGES_PER_MIB } from "./layout.js";
import { Mm } from "./mm.js";
import { bootNode } from "./node.js";
import type { PageallocOp } from "./ops.js";
import { advance, exitProcess, fill, pin, refault, release } from "./pressure.js";
import type { AllocResult } from "./result.js";
import { allocPages } from "./slowpath.js";
import { applyKernelOp, bootInit, initExpect, kernelDump } from "./kernel-driver.js";
import type { PageallocVariant } from "./variants.js";
import { K_ANON, K_CALLER, K_FILE, K_FREE, LRU_ANON, LRU_FILE, type Zone } from "./zone.js";

/** One zone in a dump. */
export interface ZoneDump {
  name: string;
  present: number;
  managed: number;
  free: number;
  freeCma: number;
  min: number;
  low: number;
  high: number;
  boost: number;
  lowmemReserve: number[];
  /** Free blocks per order (area->nr_free). */
  nrFree: number[];
  anon: number;
  file: number;
}

/** The dump line's fields. */
export interface PageallocDump {
  layout: string;
  minFreeKbytes: number;
  zones: ZoneDump[];
  counters: Record<string, number>;
}

export type PageallocResult =
  | { kind: "ok" }
  /** A golden-trace op's result, in the trace's `expect` form (./kernel-driver.ts). */
  | { kind: "kernel"; expect: unknown }
  | AllocResult
  | { kind: "count"; n: number }
  | { kind: "dump"; dump: PageallocDump };

const OK: PageallocResult = { kind: "ok" };

/** The `lastOutcome` feature per allocation outcome. */
const OUTCOME_FEATURE = { ok: 1, fail: 2, hang: 3 } as const;

/** x86_64 with 1 GiB until a boot op says otherwise. */
const DEFAULT_BOOT = {
  layout: "x86_64" as LayoutName,
  ram_mib: 1024,
  swap_mib: 0,
  cma_mib: 0,
  hang_ms: 120_000,
};

export class PageallocModel implements Model<PageallocOp, PageallocResult> {
  /** The machine; the default one is booted on first use unless a boot op comes first. */
  private booted: Mm | undefined;
  private lastOutcome = 0;
  /** Booted by an `init` op: dumps print the golden traces' form. */
  private kernelDumps = false;

  constructor(
    readonly config: PageallocVariant,
    private readonly context: ModelContext,
  ) {}

  get variant(): string {
    return this.config.name;
  }

  /** The live state (for oracles, the CMA model and tests that look inside). */
  get mm(): Mm {
    return this.state;
  }

  private get state(): Mm {
    this.booted ??= this.boot(DEFAULT_BOOT);
    return this.booted;
  }

  /**
   * Done with this model: its machine's page words go back for the next machine of the same size
   * in this thread (a fuzz input's end). The model must not be used afterwards.
   */
  release(): void {
    this.booted?.node.release();
    this.booted = undefined;
  }

  apply(op: PageallocOp): PageallocResult {
    if (op.op === "boot") {
      this.booted = this.boot(op);
      this.kernelDumps = false;
      return OK;
    }
    if (op.op === "init") {
      this.booted = bootInit(op, this.config, this.context.clock, this.context.rng);
      this.kernelDumps = true;
      return { kind: "kernel", expect: initExpect(this.booted) };
    }
    const mm = this.state;
    switch (op.op) {
      case "zone_alloc":
      case "zone_free":
      case "watermark_ok":
      case "drain":
      case "decay_pcp_high":
      case "reserve_highatomic":
      case "unreserve_highatomic":
        return { kind: "kernel", expect: applyKernelOp(mm, op) };
      case "alloc": {
        const gfp = this.parseGfp(op.gfp);
        const result = allocPages(mm, {
          order: op.order,
          gfp,
          kind: K_CALLER,
          tag: G.gfpMigratetype(gfp),
          comm: op.comm,
          worker: op.worker,
        });
        this.lastOutcome = OUTCOME_FEATURE[result.outcome];
        return result;
      }
      case "free":
        this.free(op.pfn, op.order);
        return OK;
      case "fill":
        return { kind: "count", n: fill(mm, op.what, op.pages, op.pid) };
      case "release":
        return { kind: "count", n: release(mm, op.what, op.pid, op.stride, op.keep) };
      case "exit":
        return { kind: "count", n: exitProcess(mm, op.pid) };
      case "pin":
        return { kind: "count", n: pin(mm, op.pid, op.pinned) };
      case "refault":
        return { kind: "count", n: refault(mm, op.pages) };
      case "scope":
        mm.scope.noio = op.noio;
        mm.scope.nofs = op.nofs;
        return OK;
      case "suspend":
        mm.gfpAllowed = op.on ? G.pmRestrictGfpMask(G.GFP_ALLOWED_ALL) : G.GFP_ALLOWED_ALL;
        return OK;
      case "stealers":
        mm.stealersPerPass = op.pages;
        return OK;
      case "advance":
        return { kind: "count", n: advance(mm, op.ms) };
      case "dump":
        if (this.kernelDumps) return { kind: "kernel", expect: kernelDump(mm) };
        return { kind: "dump", dump: this.dump() };
    }
  }

  /** The dump of the whole state. */
  dump(): PageallocDump {
    const mm = this.state;
    return {
      layout: mm.node.layout.name,
      minFreeKbytes: mm.node.minFreeKbytes,
      zones: mm.node.zones.filter((z) => z.present > 0).map(zoneDump),
      counters: { ...mm.counters, shadows: mm.shadows, swapFree: mm.swapFree },
    };
  }

  check(): string[] {
    const problems = this.state.node.check();
    for (const z of this.state.node.zones) {
      if (z.lruCount[LRU_ANON] !== z.allocated[K_ANON])
        problems.push(`${z.name}: anon LRU out of step`);
      if (z.lruCount[LRU_FILE] !== z.allocated[K_FILE])
        problems.push(`${z.name}: file LRU out of step`);
    }
    return problems;
  }

  snapshot(): unknown {
    return { variant: this.variant, ...this.dump() };
  }

  features(): Record<string, number> {
    const mm = this.state;
    const normal =
      mm.node.zones.find((z) => z.managed > 0 && z.idx === G.ZONE_NORMAL) ??
      mm.node.zones.find((z) => z.managed > 0);
    let maxOrder = 0;
    if (normal !== undefined)
      for (let o = 0; o <= MAX_ORDER; o++) if ((normal.nrFree[o] as number) > 0) maxOrder = o + 1;
    const free = mm.node.zones.reduce((s, z) => s + z.freePages, 0);
    return {
      freeLog2: Math.floor(Math.log2(free + 1)),
      maxFreeOrder: maxOrder,
      lastOutcome: this.lastOutcome,
      oomKills: Math.min(mm.counters.oomKills, 3),
      suspended: G.pmSuspendedStorage(mm.gfpAllowed) ? 1 : 0,
      noio: mm.scope.noio ? 1 : 0,
    };
  }

  private boot(op: {
    layout: LayoutName;
    ram_mib: number;
    swap_mib: number;
    cma_mib: number;
    hang_ms: number;
  }): Mm {
    let layout: ReturnType<typeof buildLayout>;
    try {
      layout = buildLayout(op.layout, { ramMib: op.ram_mib, cmaMib: op.cma_mib });
    } catch (error) {
      throw new OpRejected((error as Error).message);
    }
    const hangNs = op.hang_ms === 120_000 ? DEFAULT_HANG_NS : op.hang_ms * 1_000_000;
    return new Mm(
      bootNode(layout),
      this.config,
      this.context.clock,
      this.context.rng,
      op.swap_mib * PAGES_PER_MIB,
      hangNs,
    );
  }

  /** Parsed gfp strings: decodeOp has validated them, and traces repeat a few masks. */
  private readonly gfpCache = new Map<string, number>();
  private parseGfp(text: string): number {
    let mask = this.gfpCache.get(text);
    if (mask === undefined) {
      const parsed = G.parseGfp(text);
      if (typeof parsed === "string") throw new OpRejected(parsed);
      mask = parsed;
      this.gfpCache.set(text, mask);
    }
    return mask;
  }

  private free(pfn: number, order: number): void {
    const mm = this.state;
    const z = mm.node.zoneOf(pfn);
    if (z === undefined) throw new OpRejected(`free of pfn ${pfn}: not in any zone`);
    const i = pfn - z.base;
    if (z.kind(i) !== K_CALLER || z.order(i) !== order) {
      const what =
        z.kind(i) === K_FREE ? "already free" : "not a block an alloc op returned at this order";
      throw new OpRejected(`free of pfn ${pfn} order ${order}: ${what}`);
    }
    mm.release(z, i);
  }
}

function zoneDump(z: Zone): ZoneDump {
  return {
    name: z.name,
    present: z.present,
    managed: z.managed,
    free: z.freePages,
    freeCma: z.freeCma,
    min: z.wmark[0] as number,
    low: z.wmark[1] as number,
    high: z.wmark[2] as number,
    boost: z.boost,
    lowmemReserve: [...z.lowmemReserve],
    nrFree: [...z.nrFree],
    anon: z.lruCount[LRU_ANON] as number,
    file: z.lruCount[LRU_FILE] as number,
  };
}
