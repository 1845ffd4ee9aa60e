/**
 * The rbtree half of drivers/iommu/iova.c: init_iova_domain, alloc_iova
 * (__alloc_and_insert_iova_range), free_iova, reserve_iova and the cached-node maintenance
 * (__cached_rbnode_insert_update / __cached_rbnode_delete_update), per variant.
 *
 * Kernel references: v5.10 (ctrliq/kernel-src-tree @ 022ee0d1), v5.12 (csi2115-f21/linux @
 * dc7530bb), v5.17 (git blob b28c9435b898), v5.18 (git blob db77aa675145), v6.2+ (dcdb3ba7e2a8).
 * Pfn arithmetic is unsigned 64-bit: see src/sim/u64.ts.
 */
import { alignDownBy, fls, pow2, U64_MAX, u64Inc, u64Sub } from "../../sim/u64.js";
import { IovaTree, NIL } from "./tree.js";
import type { IovaVariant } from "./variants.js";

/** Why alloc_iova returned NULL. */
export type IovaFailure = "early-fail" | "walk-fail" | "retry-fail";

/** The outcome of one alloc_iova call, kept in fields to avoid an object per call. */
export interface IovaWalkStats {
  /** Nodes visited by the walk (rb_prev steps), across the retry. */
  nodesWalked: number;
  /** Whether the one-shot retry ran. */
  retried: boolean;
  /** Why the last failed call failed, or null after a success. */
  failure: IovaFailure | null;
}

export class IovaDomain implements IovaWalkStats {
  readonly tree = new IovaTree();
  /** The anchor node: pfn_lo = pfn_hi = ULONG_MAX, always the highest node. */
  readonly anchor: number;
  readonly granule: number;
  readonly shift: number;
  readonly startPfn: number;
  readonly dma32Pfn: number;
  max32AllocSize: number;
  cached32Node: number;
  cachedNode: number;
  /** WARN_ON()s hit so far. */
  warnings = 0;
  /** Nodes freed with pfn_lo below dma_32bit_pfn so far (observability for oracles). */
  lowFrees = 0;
  /** `lowFrees` when a failed walk last set max32_alloc_size. */
  lowFreesAtMax32Set = 0;
  nodesWalked = 0;
  retried = false;
  failure: IovaFailure | null = null;

  constructor(
    readonly variant: IovaVariant,
    granule: number,
    startPfn: number,
  ) {
    this.granule = granule;
    this.shift = fls(granule) - 1;
    this.startPfn = startPfn;
    this.dma32Pfn = 2 ** (32 - this.shift);
    this.max32AllocSize = this.dma32Pfn;
    this.anchor = this.tree.insert(U64_MAX, U64_MAX);
    this.cached32Node = this.anchor;
    this.cachedNode = this.anchor;
  }

  /**
   * alloc_iova(size, limit_pfn, size_aligned): limitPfn is inclusive. Returns the new node's
   * pfn_lo, or -1 for NULL. The walk statistics are left in this object's fields.
   */
  allocIova(size: number, limitPfn: number, aligned: boolean): number {
    const node = this.allocAndInsert(size, limitPfn + 1, aligned);
    return node === NIL ? -1 : (this.tree.lo[node] as number);
  }

  /** free_iova(pfn): frees the node containing pfn; false when there is none. */
  freeIova(pfn: number): boolean {
    const node = this.tree.findContaining(pfn);
    if (node === NIL) return false;
    this.removeIova(node);
    return true;
  }

  /**
   * Frees one pfn coming back from a magazine (iova_magazine_free_pfns): WARN_ON when no node
   * contains it. Returns whether a node was freed.
   */
  freeMagazinePfn(pfn: number): boolean {
    if (this.freeIova(pfn)) return true;
    this.warnings++;
    return false;
  }

  /** reserve_iova(lo, hi), inclusive. Returns false for NULL (the WARN_ON on nonsensical pfns). */
  reserveIova(pfnLo: number, pfnHi: number): boolean {
    if (Math.max(pfnLo, pfnHi) >= 2 ** (64 - this.shift)) {
      this.warnings++;
      return false;
    }
    const tree = this.tree;
    let lo = pfnLo;
    let overlap = false;
    // The kernel starts at rb_first(); nodes ending below lo cannot overlap and leave the loop's
    // state untouched, so starting at the first node that ends at or above lo is the same.
    for (let node = tree.lowestEndingAtOrAbove(lo); node !== NIL; node = tree.next(node)) {
      const nodeLo = tree.lo[node] as number;
      const nodeHi = tree.hi[node] as number;
      if (lo <= nodeHi && pfnHi >= nodeLo) {
        // __adjust_overlap_range: the node grows down in place; the request moves past it.
        if (lo < nodeLo) tree.lo[node] = lo;
        if (pfnHi > nodeHi) lo = u64Inc(nodeHi);
        if (lo >= (tree.lo[node] as number) && pfnHi <= nodeHi) return true;
        overlap = true;
      } else if (overlap) {
        break;
      }
    }
    if (tree.insert(lo, pfnHi) === NIL) this.warnings++;
    return true;
  }

  /** remove_iova: the cached-node update runs before the erase. */
  removeIova(node: number): void {
    if ((this.tree.lo[node] as number) < this.dma32Pfn) this.lowFrees++;
    this.deleteUpdate(node);
    this.tree.erase(node);
  }

  /** pfn_lo of a cached node for the dump: null for the anchor. */
  cachedPfnLo(node: number): number | null {
    return node === this.anchor ? null : (this.tree.lo[node] as number);
  }

  /** __alloc_and_insert_iova_range with the exclusive limit L; returns the new node or NIL. */
  private allocAndInsert(size: number, limit: number, aligned: boolean): number {
    const tree = this.tree;
    const v = this.variant;
    const align = aligned ? pow2(fls(size - 1)) : 1;
    const inverse = 1 / align;
    this.nodesWalked = 0;
    this.retried = false;

    if (limit <= this.dma32Pfn && size >= this.max32AllocSize) {
      this.failure = "early-fail";
      return NIL;
    }
    let curr = limit <= this.dma32Pfn ? this.cached32Node : this.cachedNode;
    const lo = tree.lo;
    const hi = tree.hi;
    const pred = tree.pred;
    const checkLow = v.retry !== "none";
    const retryPfn = v.retryOverflowFixed ? (hi[curr] as number) : u64Inc(hi[curr] as number);
    let high = limit;
    let low = this.startPfn;
    let newPfn: number;
    let prev: number;
    let walked = 0;
    for (;;) {
      // The walk: step down while the candidate overlaps the predecessor.
      do {
        const currLo = lo[curr] as number;
        if (currLo < high) high = currLo;
        newPfn = alignDownBy(u64Sub(high, size), align, inverse);
        prev = curr;
        curr = pred[curr] as number;
        walked++;
      } while (curr !== NIL && newPfn <= (hi[curr] as number) && (!checkLow || newPfn >= low));

      if (high >= size && newPfn >= low) break;
      if (checkLow && low === this.startPfn && retryPfn < limit) {
        this.retried = true;
        high = limit;
        low = v.retryOverflowFixed ? retryPfn + 1 : retryPfn;
        curr = v.retry === "from-anchor" ? this.anchor : this.findLimit(limit);
        continue;
      }
      this.nodesWalked = walked;
      this.max32AllocSize = size;
      this.lowFreesAtMax32Set = this.lowFrees;
      this.failure = this.retried ? "retry-fail" : "walk-fail";
      return NIL;
    }
    this.nodesWalked = walked;

    // The new range lies between the last node visited (prev) and its predecessor (curr).
    const node = tree.insertBefore(prev, curr, newPfn, newPfn + size - 1);
    this.failure = null;
    if (newPfn + size - 1 < this.dma32Pfn) this.cached32Node = node;
    else this.cachedNode = node;
    return node;
  }

  /**
   * iova_find_limit(L): the anchor above the 32-bit boundary, else a node from which walking down
   * reaches the same result as walking from the anchor. The kernel's pick depends on the tree
   * shape; the lowest node ending at or above L gives the same allocation (simplified).
   */
  private findLimit(limit: number): number {
    // The anchor always ends at or above L, so the search never comes back empty.
    if (limit > this.dma32Pfn) return this.anchor;
    return this.tree.lowestEndingAtOrAbove(limit);
  }

  /** __cached_rbnode_delete_update, per variant (pre/post 5b61343b5059). */
  private deleteUpdate(free: number): void {
    const tree = this.tree;
    const freeLo = tree.lo[free] as number;
    const freeHi = tree.hi[free] as number;
    const c32 = this.cached32Node;
    if (free === c32 || (freeHi < this.dma32Pfn && freeLo >= (tree.lo[c32] as number))) {
      this.cached32Node = tree.next(free);
      if (!this.variant.max32ResetOnLowFree) this.max32AllocSize = this.dma32Pfn;
    }
    if (this.variant.max32ResetOnLowFree && freeLo < this.dma32Pfn) {
      this.max32AllocSize = this.dma32Pfn;
    }
    if (freeLo >= (tree.lo[this.cachedNode] as number)) this.cachedNode = tree.next(free);
  }
}
