/**
 * The caller's view of what it holds: live [lo, hi] ranges, kept sorted and checked for overlap
 * independently of any allocator's own bookkeeping. Fuzz inputs hold hundreds of ranges at most,
 * so a sorted array with binary search is enough.
 */
export class LiveRanges {
  private readonly los: number[] = [];
  private readonly his: number[] = [];

  get size(): number {
    return this.los.length;
  }

  /** The live range overlapping [lo, hi] with the lowest start, or null. */
  overlapping(lo: number, hi: number): [number, number] | null {
    // The first range ending at or above lo is the only candidate: ranges are disjoint and sorted.
    const i = this.firstEndingAtOrAbove(lo);
    if (i < this.los.length && (this.los[i] as number) <= hi) {
      return [this.los[i] as number, this.his[i] as number];
    }
    return null;
  }

  /** Adds [lo, hi] unless it overlaps a live range; returns that range (not added), or null. */
  claim(lo: number, hi: number): [number, number] | null {
    const clash = this.overlapping(lo, hi);
    if (clash === null) this.add(lo, hi);
    return clash;
  }

  /** Adds [lo, hi]; the caller has checked that it overlaps nothing. */
  private add(lo: number, hi: number): void {
    const i = this.firstEndingAtOrAbove(lo);
    this.los.splice(i, 0, lo);
    this.his.splice(i, 0, hi);
  }

  /** Removes the live range containing pfn; returns it, or null when none does. */
  removeContaining(pfn: number): [number, number] | null {
    const i = this.firstEndingAtOrAbove(pfn);
    if (i >= this.los.length || (this.los[i] as number) > pfn) return null;
    const range: [number, number] = [this.los[i] as number, this.his[i] as number];
    this.los.splice(i, 1);
    this.his.splice(i, 1);
    return range;
  }

  private firstEndingAtOrAbove(pfn: number): number {
    let lo = 0;
    let hi = this.his.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.his[mid] as number) < pfn) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
