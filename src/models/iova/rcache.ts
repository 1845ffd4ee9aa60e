/**
 * The IOVA range caches of drivers/iommu/iova.c: per size class, per-CPU `loaded` and `prev`
 * magazines and a global depot. Up to v6.6 the depot is an array of at most 32 magazines and an
 * overflowing insert frees the loaded magazine to the tree; from v6.7 (911aa1245da8, 233045378dbb)
 * it is an unbounded LIFO list that delayed work trims to num_online_cpus() magazines, one per
 * 100 ms, on the virtual clock.
 */
import type { VirtualClock } from "../../sim/clock.js";
import { orderBase2, u64Sub } from "../../sim/u64.js";
import type { IovaDomain } from "./domain.js";

/** IOVA_RANGE_CACHE_MAX_SIZE: classes 0..5, sizes up to 32 pages. */
export const RCACHE_CLASSES = 6;
/** MAX_GLOBAL_MAGS of the array depot (up to v6.6). */
export const MAX_GLOBAL_MAGS = 32;
/** IOVA_DEPOT_DELAY in milliseconds (v6.7+). */
export const DEPOT_DELAY_MS = 100;

/**
 * struct iova_magazine: `size` live pfns at the front of `pfns`. The storage is allocated at the
 * first push, so a model that never uses the caches does not pay for 2 x CPUs x 6 of them.
 */
export interface Magazine {
  size: number;
  pfns: Float64Array;
}

const NO_STORAGE = new Float64Array(0);

interface CpuRcache {
  loaded: Magazine;
  prev: Magazine;
}

interface RcacheClass {
  /** Per-CPU magazines, created at a CPU's first use of the class (empty until then). */
  cpus: (CpuRcache | undefined)[];
  /** The depot; its end is the top of the stack (array slot depot_size - 1, or the list head). */
  depot: Magazine[];
  /** Pending trim work's timer id (v6.7+), or -1. */
  trimTimer: number;
}

/** A magazine's live pfns in array order. */
export function magazinePfns(mag: Magazine): number[] {
  return Array.from(mag.pfns.subarray(0, mag.size));
}

export class IovaRcache {
  private readonly classes: RcacheClass[] = [];
  private readonly magazineSize: number;
  private readonly listDepot: boolean;
  /** Pfns parked in all magazines and depots (kept as a count: features read it every op). */
  private parked = 0;

  constructor(
    private readonly domain: IovaDomain,
    private readonly clock: VirtualClock,
    readonly cpus: number,
  ) {
    this.magazineSize = domain.variant.magazineSize;
    this.listDepot = domain.variant.depot === "list-trimmed";
    for (let i = 0; i < RCACHE_CLASSES; i++)
      this.classes.push({ cpus: [], depot: [], trimTimer: -1 });
  }

  /**
   * iova_rcache_get(size, limit): a cached pfn whose start is <= limit - size (limit exclusive),
   * or 0 when none. Swapping in prev or a depot magazine stays done even when the pop finds nothing.
   */
  get(cpu: number, size: number, limit: number): number {
    const cls = orderBase2(size);
    if (cls >= RCACHE_CLASSES) return 0;
    const rcache = this.classes[cls] as RcacheClass;
    const cpuCache = this.cpuCache(rcache, cpu);
    if (cpuCache.loaded.size === 0) {
      if (cpuCache.prev.size > 0) {
        this.swap(cpuCache);
      } else {
        const fromDepot = rcache.depot.pop();
        if (fromDepot === undefined) return 0;
        cpuCache.loaded = fromDepot; // the empty loaded magazine is freed
      }
    }
    const pfn = popMagazine(cpuCache.loaded, u64Sub(limit, size));
    if (pfn !== 0) this.parked--;
    return pfn;
  }

  /** iova_rcache_insert: false when the size is not cached (the caller frees to the tree). */
  insert(cpu: number, pfn: number, size: number): boolean {
    const cls = orderBase2(size);
    if (cls >= RCACHE_CLASSES) return false;
    const rcache = this.classes[cls] as RcacheClass;
    const cpuCache = this.cpuCache(rcache, cpu);
    let toFree: Magazine | null = null;
    if (cpuCache.loaded.size === this.magazineSize) {
      if (cpuCache.prev.size < this.magazineSize) {
        this.swap(cpuCache);
      } else {
        if (this.listDepot) {
          rcache.depot.push(cpuCache.loaded);
          this.scheduleTrim(rcache);
        } else if (rcache.depot.length < MAX_GLOBAL_MAGS) {
          rcache.depot.push(cpuCache.loaded);
        } else {
          toFree = cpuCache.loaded;
        }
        cpuCache.loaded = this.newMagazine();
      }
    }
    const loaded = cpuCache.loaded;
    if (loaded.pfns === NO_STORAGE) loaded.pfns = new Float64Array(this.magazineSize);
    loaded.pfns[loaded.size++] = pfn;
    this.parked++;
    if (toFree !== null) this.freeToTree(toFree);
    return true;
  }

  /** free_cpu_cached_iovas(cpu): every class's loaded then prev magazine, to the tree. */
  flushCpu(cpu: number): number {
    let freed = 0;
    for (const rcache of this.classes) {
      const cpuCache = rcache.cpus[cpu];
      if (cpuCache === undefined) continue;
      freed += this.freeToTree(cpuCache.loaded);
      freed += this.freeToTree(cpuCache.prev);
    }
    return freed;
  }

  /** free_global_cached_iovas: the depot to the tree, array order (<= v6.6) or pop order (v6.7+). */
  flushDepot(): number {
    let freed = 0;
    for (const rcache of this.classes) {
      const mags = this.listDepot ? [...rcache.depot].reverse() : rcache.depot;
      rcache.depot = [];
      for (const mag of mags) freed += this.freeToTree(mag);
    }
    return freed;
  }

  /** Number of pfns parked in magazines and depots. */
  pfnCount(): number {
    return this.parked;
  }

  /** The parked pfns counted magazine by magazine (for check(): must equal pfnCount()). */
  recount(): number {
    let n = 0;
    for (const rcache of this.classes) {
      for (const c of rcache.cpus) n += c === undefined ? 0 : c.loaded.size + c.prev.size;
      for (const mag of rcache.depot) n += mag.size;
    }
    return n;
  }

  /** Magazines per class in dump order: per CPU [loaded, prev], then the depot from the bottom (array) or the head (list). */
  dump(): { cpus: number[][][]; depot: number[][] }[] {
    return this.classes.map((rcache) => {
      const depot = rcache.depot.map(magazinePfns);
      return {
        cpus: Array.from({ length: this.cpus }, (_, cpu) => {
          const c = rcache.cpus[cpu];
          return c === undefined ? [[], []] : [magazinePfns(c.loaded), magazinePfns(c.prev)];
        }),
        depot: this.listDepot ? depot.reverse() : depot,
      };
    });
  }

  /** Cancels pending trim work (the domain is being torn down). */
  dispose(): void {
    for (const rcache of this.classes) {
      if (rcache.trimTimer !== -1) this.clock.cancel(rcache.trimTimer);
      rcache.trimTimer = -1;
    }
  }

  /** Magazines held in all depots (a fuzzing feature). */
  depotMagazines(): number {
    let n = 0;
    for (const rcache of this.classes) n += rcache.depot.length;
    return n;
  }

  /** A CPU's magazines of one class, created empty at first use (as if there since init). */
  private cpuCache(rcache: RcacheClass, cpu: number): CpuRcache {
    let c = rcache.cpus[cpu];
    if (c === undefined) {
      c = { loaded: this.newMagazine(), prev: this.newMagazine() };
      rcache.cpus[cpu] = c;
    }
    return c;
  }

  private newMagazine(): Magazine {
    return { size: 0, pfns: NO_STORAGE };
  }

  private swap(cpuCache: CpuRcache): void {
    const t = cpuCache.loaded;
    cpuCache.loaded = cpuCache.prev;
    cpuCache.prev = t;
  }

  /** iova_magazine_free_pfns: each pfn back to the tree in array order; empties the magazine. */
  private freeToTree(mag: Magazine): number {
    const n = mag.size;
    for (let i = 0; i < n; i++) this.domain.freeMagazinePfn(mag.pfns[i] as number);
    mag.size = 0;
    this.parked -= n;
    return n;
  }

  /** schedule_delayed_work(&rcache->work, IOVA_DEPOT_DELAY): a no-op while one is pending. */
  private scheduleTrim(rcache: RcacheClass): void {
    if (rcache.trimTimer !== -1) return;
    const clock = this.clock;
    const due = clock.jiffiesToNs(clock.jiffies + clock.msecsToJiffies(DEPOT_DELAY_MS));
    rcache.trimTimer = clock.schedule(due, () => {
      rcache.trimTimer = -1;
      this.trimDepot(rcache);
    });
  }

  /** iova_depot_work_func: frees the newest magazine while the depot exceeds the online CPUs. */
  private trimDepot(rcache: RcacheClass): void {
    if (rcache.depot.length <= this.cpus) return;
    const mag = rcache.depot.pop() as Magazine;
    this.freeToTree(mag);
    this.scheduleTrim(rcache);
  }
}

/**
 * iova_magazine_pop: scans from the top for the first pfn <= limit (a wrapped limit admits every
 * pfn), takes it and moves the last entry into its slot; 0 when none fits.
 */
function popMagazine(mag: Magazine, limit: number): number {
  const pfns = mag.pfns;
  let i = mag.size - 1;
  while ((pfns[i] as number) > limit) {
    if (i === 0) return 0;
    i--;
  }
  const pfn = pfns[i] as number;
  mag.size--;
  pfns[i] = pfns[mag.size] as number;
  return pfn;
}
