/**
 * The DMA atomic pool model (kernel/dma/pool.c v5.16 / v6.6, kernel/dma/direct.c
 * dma_direct_alloc_from_pool v6.6): a page allocator model booted on one of its layouts, the
 * pools created on it at boot, atomic allocations with the device's mask, and the background
 * expansion work run when virtual time reaches it.
 */
import { type Model, type ModelContext, OpRejected } from "../model.js";
import { PageallocModel } from "../pagealloc/model.js";
import { findPageallocVariant, type PageallocVariant } from "../pagealloc/variants.js";
import {
  __GFP_HIGHMEM,
  formatGfp,
  GFP_DMA,
  GFP_DMA32,
  type Gfp,
  parseGfp,
} from "../pagealloc/gfp.js";
import type { DmapoolLayout, DmapoolOp } from "./ops.js";
import {
  AtomicPools,
  type PoolAllocOutcome,
  type PoolName,
  type PoolPageRequest,
} from "./pools.js";
import type { DmapoolVariant } from "./variants.js";

/** zone_dma_bits per layout: x86 MAX_DMA_PFN (16 MiB), RPi4 dma-ranges (30), arm64 default 32. */
const ZONE_DMA_BITS: Record<DmapoolLayout, number> = {
  x86_64: 24,
  "x86_64-kdump": 24,
  rpi4: 30,
  arm64: 32,
};

export type DmapoolResult =
  | { kind: "ok" }
  | {
      kind: "boot";
      atomicPoolPages: number;
      sizes: Record<PoolName, number | null>;
      hasManagedDma: boolean;
      requests: PoolPageRequest[];
      log: string[];
    }
  | ({
      kind: "alloc";
      outcome: "ok" | "fail";
      pages: number;
      /** The gfp after dma_direct_optimal_gfp_mask. */
      gfp: string;
      /** First pfn the device cannot reach. */
      limitPfn: number;
    } & PoolAllocOutcome)
  | { kind: "advance"; requests: PoolPageRequest[]; log: string[] }
  | { kind: "count"; n: number }
  | {
      kind: "dump";
      sizes: Record<PoolName, number | null>;
      avail: Record<PoolName, number | null>;
    };

export class DmapoolModel implements Model<DmapoolOp, DmapoolResult> {
  readonly pages: PageallocModel;
  private pools!: AtomicPools;
  private layout: DmapoolLayout = "x86_64";

  constructor(
    readonly config: DmapoolVariant,
    private readonly context: ModelContext,
  ) {
    // The slowpath of v6.6 under both variants: the pools' requests never reach its differences.
    this.pages = new PageallocModel(findPageallocVariant("v6.6") as PageallocVariant, context);
    this.boot({ op: "boot", layout: "x86_64", ram_mib: 1024, coherent_pool_kib: 0 });
  }

  /**
   * Done with this model: its machine's page words go back for the next model in this thread
   * (a benchmark job's last step). The model must not be used afterwards.
   */
  release(): void {
    this.pages.mm.node.release();
  }

  get variant(): string {
    return this.config.name;
  }

  /** The live pools (oracles and tests look inside). */
  get atomic(): AtomicPools {
    return this.pools;
  }

  apply(op: DmapoolOp): DmapoolResult {
    if (op.op !== "boot" && op.op !== "advance") this.runDueWork();
    switch (op.op) {
      case "boot":
        return this.boot(op);
      case "alloc":
        return this.alloc(op.pages, this.parse(op.gfp), op.mask_bits, op.dev);
      case "free":
        if (this.pools.free(op.pfn, op.pages) === null)
          throw new OpRejected(`free of pfn ${op.pfn} (${op.pages} pages): not a pool allocation`);
        return { kind: "ok" };
      case "advance":
        return this.advance(op.ms);
      case "dump": {
        const avail = (name: PoolName) => this.pools.pools[name]?.avail ?? null;
        return {
          kind: "dump",
          sizes: this.pools.sizes(),
          avail: { kernel: avail("kernel"), dma: avail("dma"), dma32: avail("dma32") },
        };
      }
      default: {
        const r = this.pages.apply(op);
        return r.kind === "count" ? r : { kind: "ok" };
      }
    }
  }

  private boot(op: Extract<DmapoolOp, { op: "boot" }>): DmapoolResult {
    this.layout = op.layout;
    this.pages.apply({
      op: "boot",
      layout: op.layout,
      ram_mib: op.ram_mib,
      swap_mib: 0,
      cma_mib: 0,
      hang_ms: 120_000,
    });
    this.pools = new AtomicPools(this.pages.mm, this.config, op.coherent_pool_kib);
    const { requests, log } = this.pools.drain();
    return {
      kind: "boot",
      atomicPoolPages: this.pools.atomicPoolPages,
      sizes: this.pools.sizes(),
      hasManagedDma: this.pages.mm.node.hasManagedDma(),
      requests,
      log,
    };
  }

  /** dma_direct_alloc_from_pool: the mask's zone bits added, then dma_alloc_from_pool. */
  private alloc(pages: number, callerGfp: Gfp, maskBits: number, dev: string): DmapoolResult {
    // dma_alloc_attrs strips the caller's zone modifiers: the mask decides the zone.
    let gfp = callerGfp & ~(GFP_DMA | GFP_DMA32 | __GFP_HIGHMEM);
    if (maskBits <= ZONE_DMA_BITS[this.layout]) gfp |= GFP_DMA;
    else if (maskBits <= 32) gfp |= GFP_DMA32;
    const limitPfn = maskBits >= 52 ? Number.MAX_SAFE_INTEGER : 2 ** (maskBits - 12);
    const out = this.pools.alloc(pages, gfp, limitPfn, dev);
    return {
      kind: "alloc",
      outcome: out.pfn === null ? "fail" : "ok",
      pages,
      gfp: formatGfp(gfp),
      limitPfn,
      ...out,
    };
  }

  /** Time passes up to now + ms; the expansion work runs when it falls due. */
  private advance(ms: number): DmapoolResult {
    const clock = this.context.clock;
    const target = clock.now + ms * 1_000_000;
    const due = this.pools.workDueNs;
    if (due !== null && due <= target) {
      clock.advanceTo(Math.max(due, clock.now));
      this.pools.runWork();
    }
    const rest = Math.max(0, Math.floor((target - clock.now) / 1_000_000));
    this.pages.apply({ op: "advance", ms: rest });
    return { kind: "advance", ...this.pools.drain() };
  }

  /** Work that fell due while earlier ops advanced the clock runs before the next op. */
  private runDueWork(): void {
    const due = this.pools.workDueNs;
    if (due !== null && due <= this.context.clock.now) this.pools.runWork();
  }

  private parse(text: string): Gfp {
    const mask = parseGfp(text);
    if (typeof mask === "string") throw new OpRejected(mask);
    return mask;
  }

  check(): string[] {
    return [...this.pages.check(), ...this.pools.check()];
  }

  snapshot(): unknown {
    return {
      variant: this.variant,
      layout: this.layout,
      atomicPoolPages: this.pools.atomicPoolPages,
      sizes: this.pools.sizes(),
    };
  }

  features(): Record<string, number> {
    const avail = (name: PoolName) => {
      const p = this.pools.pools[name];
      return p === undefined ? 0 : 1 + Math.min(8, Math.floor((8 * p.avail) / Math.max(1, p.size)));
    };
    return {
      kernel: avail("kernel"),
      dma: avail("dma"),
      dma32: avail("dma32"),
      workPending: this.pools.workDueNs === null ? 0 : 1,
    };
  }
}
