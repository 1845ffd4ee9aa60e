/**
 * One swiotlb memory pool (struct io_tlb_pool of kernel/dma/swiotlb.c v6.6 on; v6.1's struct
 * io_tlb_mem holds the same fields): the slot array and the areas, in typed arrays, with the area
 * search loops, the slot take and swiotlb_release_slots(). The version-specific mask arithmetic
 * lives in ./search.ts; this file is the part the versions share.
 *
 * C integer types are kept where a buggy v6.8 release can push them out of range: alloc_size
 * (size_t) and areas[].used (unsigned long) are stored as signed doubles, a negative value standing
 * for 2^64 + value.
 */

import { SEARCH_HANG, searchRestart, searchUntilWrap } from "./loops.js";

export { SEARCH_HANG };

/** IO_TLB_SHIFT: slots are 2 KiB. */
export const IO_TLB_SHIFT = 11;
/** IO_TLB_SIZE in bytes. */
export const IO_TLB_SIZE = 2048;
/** IO_TLB_SEGSIZE: a run of free slots never crosses a 128-slot segment (256 KiB). */
export const IO_TLB_SEGSIZE = 128;

/** slots[].list of the slack past an unclamped pool's end that no take has written. */
const SLACK = 0xffff_ffff;

/** orig_addr of a slot that bounces nothing. */
const INVALID_PHYS_ADDR = -1;

/**
 * What one area search looks for; ./search.ts builds it per variant. A slot is a candidate when
 * `(slot DMA address & matchMask) === matchValue` (low 32 bits, as the kernel's unsigned int masks).
 */
export interface SlotQuery {
  nslots: number;
  matchMask: number;
  matchValue: number;
  stride: number;
  /** The variant's area loop (./variants.ts `areaLoop`). */
  loop: "until-wrap" | "slot-budget" | "aligned-restart";
  /** The search's alloc_size and orig_addr's in-slot offset, for slots[].alloc_size. */
  allocSize: number;
  offset: number;
  /** pool start & seg_boundary_mask, truncated to 32 bits (int32). */
  tblLow: number;
  /** nr_slots(pool start & seg_boundary_mask). */
  boundaryBase: number;
  /** (seg_boundary_mask >> IO_TLB_SHIFT) + 1, or 0 when the device has no boundary. */
  boundarySlots: number;
}

/** What swiotlb_release_slots() released: the first slot and the count, rightly or not. */
export interface SlotRelease {
  kind: "release";
  slot: number;
  nslots: number;
}

/** nr_slots(): DIV_ROUND_UP(n, IO_TLB_SIZE), exact for the wrapped sizes a v6.8 release sees too. */
export function nrSlots(n: number): number {
  // For -2047 <= n < 0 (a size_t that wrapped) the kernel's (n + 2047) wraps back to 0..2046.
  return Math.floor((n + IO_TLB_SIZE - 1) / IO_TLB_SIZE);
}

/** The slots and areas of one pool. */
export class SwiotlbPool {
  readonly areaNslabs: number;
  readonly end: number;
  /** slots[].list: free slots from here to the end of the run (0 = allocated). */
  readonly list: Uint32Array;
  /** slots[].orig_addr, -1 for INVALID_PHYS_ADDR. */
  readonly origAddr: Float64Array;
  /** slots[].alloc_size (size_t, negative = wrapped). */
  readonly allocSize: Float64Array;
  /** slots[].pad_slots (v6.9; stays 0 in v6.8, which has no such field). */
  readonly padSlots: Uint16Array;
  /** areas[].used (unsigned long, negative = wrapped). */
  readonly areaUsed: Float64Array;
  /** areas[].index: where the next search in the area starts, area-relative. */
  readonly areaIndex: Uint32Array;
  /** Slots examined by the searches so far (a benchmark cost). */
  slotsChecked = 0;

  /**
   * swiotlb_init_io_tlb_pool(): every segment free, no orig_addr. `clampList` false is v6.6's
   * list[i] = IO_TLB_SEGSIZE - io_tlb_offset(i), which for a pool that ends inside a segment
   * counts slots past its end; the slot arrays then run to the segment's end, so that a take
   * past the pool's end lands in memory the model keeps (the kernel's slot array has such slack:
   * whole pages of 24-byte slots).
   */
  constructor(
    readonly nslabs: number,
    readonly nareas: number,
    readonly start: number,
    readonly clampList = true,
  ) {
    this.areaNslabs = nslabs / nareas;
    this.end = start + nslabs * IO_TLB_SIZE;
    const capacity = clampList ? nslabs : Math.ceil(nslabs / IO_TLB_SEGSIZE) * IO_TLB_SEGSIZE;
    this.list = new Uint32Array(capacity);
    // Slack past the pool: never searched; all ones until a take past the end writes 0 there.
    this.list.fill(SLACK, nslabs);
    for (let i = 0; i < nslabs; i++) {
      const toSegmentEnd = IO_TLB_SEGSIZE - (i & (IO_TLB_SEGSIZE - 1));
      this.list[i] = clampList ? Math.min(toSegmentEnd, nslabs - i) : toSegmentEnd;
    }
    this.origAddr = new Float64Array(capacity).fill(INVALID_PHYS_ADDR);
    this.allocSize = new Float64Array(capacity);
    this.padSlots = new Uint16Array(capacity);
    this.areaUsed = new Float64Array(nareas);
    this.areaIndex = new Uint32Array(nareas);
  }

  /**
   * The area search of the query's loop. Takes the slots and returns the first, -1 when nothing
   * fits, or SEARCH_HANG when the kernel's loop would never end.
   */
  searchArea(area: number, q: SlotQuery): number {
    const free = this.areaNslabs - (this.areaUsed[area] as number);
    // A wrapped `used` makes the unsigned difference huge: no early reject then.
    if (free >= 0 && q.nslots > free) return -1;
    if (q.loop === "slot-budget") return this.searchBudget(area, q);
    return q.loop === "until-wrap" ? searchUntilWrap(this, area, q) : searchRestart(this, area, q);
  }

  /** True when `slot` passes the address test of `q` (low 32 bits, the kernel's unsigned masks). */
  matches(slot: number, q: SlotQuery): boolean {
    return ((q.tblLow + slot * IO_TLB_SIZE) & q.matchMask) === q.matchValue;
  }

  /** True when `slot` starts a free run of q.nslots that crosses no device segment boundary. */
  fits(slot: number, q: SlotQuery): boolean {
    const b = q.boundarySlots;
    return (
      (b === 0 || ((q.boundaryBase + slot) % b) + q.nslots <= b) &&
      (this.list[slot] as number) >= q.nslots
    );
  }

  /**
   * swiotlb_search_pool_area() (v6.6 on): next-fit from the area's index, skipping one slot on a
   * mask mismatch and `stride` slots on a busy or boundary-crossing run, while fewer than
   * area_nslabs slots are counted as checked; the index resets to 0 (not modulo) past the area
   * end.
   */
  private searchBudget(area: number, q: SlotQuery): number {
    const areaNslabs = this.areaNslabs;
    const list = this.list;
    const { nslots, matchMask, matchValue, stride, tblLow, boundaryBase, boundarySlots } = q;
    const base = area * areaNslabs;
    let index = this.areaIndex[area] as number;
    let checked = 0;
    let examined = 0;
    while (checked < areaNslabs) {
      const slot = base + index;
      examined++;
      // `& matchMask` truncates the DMA address to 32 bits, as the kernel's unsigned int masks do.
      if (((tblLow + slot * IO_TLB_SIZE) & matchMask) !== matchValue) {
        index = index + 1 >= areaNslabs ? 0 : index + 1;
        checked++;
        continue;
      }
      if (
        (boundarySlots === 0 ||
          ((boundaryBase + slot) % boundarySlots) + nslots <= boundarySlots) &&
        (list[slot] as number) >= nslots
      ) {
        this.slotsChecked += examined;
        this.take(area, slot, index, q);
        return slot;
      }
      index = index + stride >= areaNslabs ? 0 : index + stride;
      checked += stride;
    }
    this.slotsChecked += examined;
    return -1;
  }

  /** The `found:` path: slots to 0, the free run before them renumbered, index and used. */
  take(area: number, slot: number, index: number, q: SlotQuery): void {
    const list = this.list;
    const { nslots, allocSize, offset } = q;
    for (let i = 0; i < nslots; i++) {
      list[slot + i] = 0;
      this.allocSize[slot + i] = allocSize - (offset + i * IO_TLB_SIZE);
    }
    let count = 0;
    // i = -1 reads as offset 127 in the kernel's unsigned arithmetic and stops the loop too.
    for (let i = slot - 1; (i & (IO_TLB_SEGSIZE - 1)) !== IO_TLB_SEGSIZE - 1 && list[i]; i--) {
      list[i] = ++count;
    }
    this.areaIndex[area] = index + nslots >= this.areaNslabs ? 0 : index + nslots;
    this.areaUsed[area] = (this.areaUsed[area] as number) + nslots;
  }

  /** Records orig_addr for `n` slots from `slot`, as swiotlb_tbl_map_single() does. */
  setOrig(slot: number, n: number, orig: number): void {
    for (let i = 0; i < n; i++) this.origAddr[slot + i] = orig + i * IO_TLB_SIZE;
  }

  /** True when `addr` lies in the pool (is_swiotlb_buffer()). */
  contains(addr: number): boolean {
    return addr >= this.start && addr < this.end;
  }

  /**
   * swiotlb_release_slots(dev, tlb_addr): finds the first slot from the address, the device's
   * min_align_mask offset and pad_slots, takes nslots from that slot's alloc_size, and merges the
   * run with the free slots after and before it within the segment. Returns the first slot and
   * the count released, whatever they were (v6.8 can release slots another caller holds).
   */
  release(tlb: number, minAlignMask: number): SlotRelease {
    const list = this.list;
    const offset = tlb & minAlignMask & (IO_TLB_SIZE - 1);
    let index = Math.floor((tlb - offset - this.start) / IO_TLB_SIZE);
    index -= this.padSlots[index] as number;
    const nslots = nrSlots((this.allocSize[index] as number) + offset);
    const area = Math.floor(index / this.areaNslabs);
    const segmentEnd = (Math.floor(index / IO_TLB_SEGSIZE) + 1) * IO_TLB_SEGSIZE;
    let count = index + nslots < segmentEnd ? (list[index + nslots] as number) : 0;
    for (let i = index + nslots - 1; i >= index; i--) {
      list[i] = ++count;
      this.origAddr[i] = INVALID_PHYS_ADDR;
      this.allocSize[i] = 0;
      this.padSlots[i] = 0;
    }
    for (let i = index - 1; (i & (IO_TLB_SEGSIZE - 1)) !== IO_TLB_SEGSIZE - 1 && list[i]; i--) {
      list[i] = ++count;
    }
    this.areaUsed[area] = (this.areaUsed[area] as number) - nslots;
    return { kind: "release", slot: index, nslots };
  }

  /** mem_used(): the sum of the areas' used counts (negative = wrapped). */
  used(): number {
    let used = 0;
    for (const u of this.areaUsed) used += u;
    return used;
  }

  /** Slots whose orig_addr is set. */
  origValidSlots(): number {
    let n = 0;
    for (const addr of this.origAddr) if (addr !== INVALID_PHYS_ADDR) n++;
    return n;
  }

  /**
   * slots[].list run-length encoded as the golden dump has it: [0, n] for n allocated slots,
   * [v, n] for n slots counting down v, v-1, ..., v-n+1.
   */
  listRuns(): [number, number][] {
    const runs: [number, number][] = [];
    const list = this.list;
    let i = 0;
    while (i < this.nslabs) {
      const v = list[i] as number;
      let j = i + 1;
      if (v === 0) while (j < this.nslabs && list[j] === 0) j++;
      else while (j < this.nslabs && list[j] === v - (j - i) && list[j] !== 0) j++;
      runs.push([v, j - i]);
      i = j;
    }
    return runs;
  }
}

/** The list[] and accounting invariants of one pool. */
export function checkPool(p: SwiotlbPool): string[] {
  const problems: string[] = [];
  const report = (message: string) => {
    if (problems.length < 20) problems.push(message);
  };
  const allocated = new Float64Array(p.nareas);
  // An unclamped list (v6.6) may count free slots past the pool's end from its last slot.
  const capacity = p.list.length;
  for (let i = 0; i < capacity; i++) {
    const v = p.list[i] as number;
    if (i >= p.nslabs) {
      if (v === 0) (allocated[p.nareas - 1] as number)++;
      continue;
    }
    const next = (i + 1) % IO_TLB_SEGSIZE === 0 ? 0 : (p.list[i + 1] ?? 0);
    const want = v === 0 ? 0 : next === 0 ? 1 : next + 1;
    const openEnd = !p.clampList && i === p.nslabs - 1 && v !== 0;
    if (v !== want && !openEnd) report(`slot ${i}: list ${v}, but the free run from it is ${want}`);
    if (v === 0) (allocated[Math.floor(i / p.areaNslabs)] as number)++;
    else if (p.origAddr[i] !== -1 || p.padSlots[i] !== 0 || p.allocSize[i] !== 0) {
      report(`slot ${i} is free but keeps orig_addr, alloc_size or pad_slots`);
    }
  }
  for (let a = 0; a < p.nareas; a++) {
    if (p.areaUsed[a] !== allocated[a]) {
      report(`area ${a}: used ${p.areaUsed[a]}, but ${allocated[a]} slots are allocated`);
    }
    if ((p.areaIndex[a] as number) >= p.areaNslabs) report(`area ${a}: index out of the area`);
  }
  return problems;
}
