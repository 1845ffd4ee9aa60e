/**
 * The three DMA atomic pools of kernel/dma/pool.c (v5.16 and v6.6, see ./variants.ts) on the
 * page allocator model: dma_atomic_pool_init's sizing (coherent_pool=, else totalram_pages / 8192
 * pages, at most MAX_ORDER_NR_PAGES, at least 128 KiB), __dma_atomic_pool_init and
 * atomic_pool_expand (order min(get_order(size), MAX_ORDER) stepping down to 0), dma_guess_pool,
 * __dma_alloc_from_pool with the phys-mask check, and atomic_pool_work_fn, run on the virtual
 * clock one jiffy after schedule_work().
 */
import { dmaAllocPages, type DmaTask, pagesOrder } from "../pagealloc/dma-pages.js";
import {
  __GFP_NOWARN,
  formatGfp,
  GFP_DMA,
  GFP_DMA32,
  GFP_KERNEL,
  type Gfp,
} from "../pagealloc/gfp.js";
import { MAX_ORDER, MAX_ORDER_NR_PAGES } from "../pagealloc/layout.js";
import type { Mm } from "../pagealloc/mm.js";
import { GenPool } from "./genpool.js";
import type { DmapoolVariant } from "./variants.js";

/** The pools, in the order dma_atomic_pool_init creates them. */
export const POOL_NAMES = ["kernel", "dma", "dma32"] as const;
export type PoolName = (typeof POOL_NAMES)[number];

const POOL_GFP: Record<PoolName, Gfp> = {
  kernel: GFP_KERNEL,
  dma: GFP_KERNEL | GFP_DMA,
  dma32: GFP_KERNEL | GFP_DMA32,
};
/** The postcore initcall runs in PID 1 before it execs init. */
const BOOT_TASK: DmaTask = { comm: "swapper/0", worker: false };
const WORKER_TASK: DmaTask = { comm: "kworker/0:1", worker: true };
/** 128 KiB in pages: the default floor. */
const SZ_128K_PAGES = 32;

/** One page-allocator request a pool made, for the oracles. */
export interface PoolPageRequest {
  pool: PoolName;
  order: number;
  gfp: Gfp;
  outcome: "ok" | "fail" | "hang";
  /** Kernel log lines the request printed. */
  warnings: string[];
}

/** The outcome of dma_alloc_from_pool. */
export interface PoolAllocOutcome {
  pfn: number | null;
  pool: PoolName | null;
  /** Pools tried in order, with why each refused. */
  tried: { pool: PoolName; refused: "empty" | "mask" | null }[];
  warnings: string[];
}

/** The atomic pools of one booted machine. */
export class AtomicPools {
  /** atomic_pool_size in pages (the expansion threshold; the first chunk is 2^get_order of it). */
  readonly atomicPoolPages: number;
  readonly pools: Partial<Record<PoolName, GenPool>> = {};
  /** Page requests made since the last drain, and log lines (pr_info / pr_err / WARN). */
  requests: PoolPageRequest[] = [];
  log: string[] = [];
  /** When the scheduled atomic_pool_work runs (ns), or null. */
  workDueNs: number | null = null;

  constructor(
    private readonly mm: Mm,
    private readonly variant: DmapoolVariant,
    coherentPoolKib: number,
  ) {
    if (coherentPoolKib > 0) this.atomicPoolPages = Math.ceil(coherentPoolKib / 4);
    else {
      const pages = Math.min(Math.floor(mm.node.managed / 8192), MAX_ORDER_NR_PAGES);
      this.atomicPoolPages = Math.max(pages, SZ_128K_PAGES);
    }
    this.init();
  }

  /** dma_atomic_pool_init. */
  private init(): void {
    this.create("kernel");
    if (!this.variant.hasManagedDma || this.mm.node.hasManagedDma()) this.create("dma");
    this.create("dma32");
  }

  /** __dma_atomic_pool_init: one expansion, then pr_info or pr_err (the pool then stays NULL). */
  private create(name: PoolName): void {
    const pool = new GenPool();
    const gfp = POOL_GFP[name];
    if (!this.expand(name, pool, this.atomicPoolPages, BOOT_TASK)) {
      const kib = this.atomicPoolPages * 4;
      this.log.push(
        `DMA: failed to allocate ${kib} KiB ${formatGfp(gfp)} pool for atomic allocation`,
      );
      return;
    }
    this.pools[name] = pool;
    this.log.push(
      `DMA: preallocated ${pool.size * 4} KiB ${formatGfp(gfp)} pool for atomic allocations`,
    );
  }

  /** atomic_pool_expand: the largest block of order <= get_order(size) the allocator gives. */
  private expand(name: PoolName, pool: GenPool, pages: number, task: DmaTask): boolean {
    let gfp = POOL_GFP[name];
    if (this.variant.expandNowarn) gfp |= __GFP_NOWARN;
    for (let order = Math.min(pagesOrder(pages), MAX_ORDER); order >= 0; order--) {
      const r = dmaAllocPages(this.mm, order, gfp, task);
      const warnings = [...r.warnings];
      // Before has_managed_dma() warn_alloc had no GFP_DMA exception: the line is printed.
      if (!this.variant.hasManagedDma)
        for (const s of r.suppressed)
          if (s.endsWith(" [no managed ZONE_DMA]"))
            warnings.push(s.slice(0, -" [no managed ZONE_DMA]".length));
      this.requests.push({ pool: name, order, gfp, outcome: r.outcome, warnings });
      this.log.push(...warnings);
      if (r.outcome === "ok" && r.pfn !== null) {
        pool.add(r.pfn, 2 ** order);
        return true;
      }
    }
    return false;
  }

  /**
   * dma_guess_pool: the first pool for `gfp` (prev null), else the next after prev. v5.16 returns
   * a NULL dma pool for GFP_DMA; v6.6 skips it when absent.
   */
  guess(prev: PoolName | null, gfp: Gfp): PoolName | null {
    const p = this.pools;
    if (prev === null) {
      if (gfp & GFP_DMA32) return p.dma32 ? "dma32" : null;
      if (gfp & GFP_DMA) {
        if (!this.variant.hasManagedDma) return p.dma ? "dma" : null;
        if (p.dma) return "dma";
      }
      return p.kernel ? "kernel" : null;
    }
    if (prev === "kernel") return p.dma32 ? "dma32" : p.dma ? "dma" : null;
    if (prev === "dma32") return p.dma ? "dma" : null;
    return null;
  }

  /**
   * dma_alloc_from_pool(dev, size, gfp, dma_coherent_ok): each guessed pool in turn; a block
   * above `limitPfn` (exclusive) fails the phys-mask check and is given back. A successful
   * allocation leaving less than atomic_pool_size available schedules the expansion work.
   */
  alloc(pages: number, gfp: Gfp, limitPfn: number, dev: string): PoolAllocOutcome {
    const out: PoolAllocOutcome = { pfn: null, pool: null, tried: [], warnings: [] };
    for (let name = this.guess(null, gfp); name !== null; name = this.guess(name, gfp)) {
      const pool = this.pools[name] as GenPool;
      const pfn = pool.alloc(pages);
      if (pfn === null) {
        out.tried.push({ pool: name, refused: "empty" });
        continue;
      }
      if (pfn + pages > limitPfn) {
        pool.free(pfn, pages);
        out.tried.push({ pool: name, refused: "mask" });
        continue;
      }
      out.tried.push({ pool: name, refused: null });
      if (pool.avail < this.atomicPoolPages) this.scheduleWork();
      out.pfn = pfn;
      out.pool = name;
      return out;
    }
    out.warnings.push(`WARNING: kernel/dma/pool.c: Failed to get suitable pool for ${dev}`);
    return out;
  }

  /** dma_free_from_pool: the first pool (kernel, dma32, dma) holding the range. */
  free(pfn: number, pages: number): PoolName | null {
    for (let name = this.guess(null, 0); name !== null; name = this.guess(name, 0)) {
      const pool = this.pools[name] as GenPool;
      if (!pool.has(pfn, pages)) continue;
      return pool.free(pfn, pages) ? name : null;
    }
    return null;
  }

  /** schedule_work(&atomic_pool_work): a no-op while pending; runs one jiffy later. */
  private scheduleWork(): void {
    if (this.workDueNs !== null) return;
    const clock = this.mm.clock;
    this.workDueNs = clock.jiffiesToNs(clock.jiffies + 1);
  }

  /** atomic_pool_work_fn: each existing pool below the threshold grows by its current size. */
  runWork(): void {
    this.workDueNs = null;
    for (const name of ["dma", "dma32", "kernel"] as const) {
      const pool = this.pools[name];
      if (pool !== undefined && pool.avail < this.atomicPoolPages)
        this.expand(name, pool, pool.size, WORKER_TASK);
    }
  }

  /** Pool sizes in pages (null for an absent pool). */
  sizes(): Record<PoolName, number | null> {
    return {
      kernel: this.pools.kernel?.size ?? null,
      dma: this.pools.dma?.size ?? null,
      dma32: this.pools.dma32?.size ?? null,
    };
  }

  /** Takes the page requests and log lines recorded since the last call. */
  drain(): { requests: PoolPageRequest[]; log: string[] } {
    const out = { requests: this.requests, log: this.log };
    this.requests = [];
    this.log = [];
    return out;
  }

  check(): string[] {
    return POOL_NAMES.flatMap((name) => this.pools[name]?.check(name) ?? []);
  }
}
