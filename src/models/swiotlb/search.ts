/**
 * The per-version half of the area search (kernel/dma/swiotlb.c: v6.1 swiotlb_do_find_slots(),
 * v6.6 swiotlb_area_find_slots(), v6.8 on swiotlb_search_pool_area()): how the device's
 * min_align_mask, the caller's alloc_align_mask and the size become the slot test, the stride and
 * the loop; the size swiotlb_tbl_map_single() searches for (the caller's before v6.10, its own
 * after); and swiotlb_find_slots() for a static pool (areas from the current CPU's, wrapping).
 */
import { IO_TLB_SHIFT, IO_TLB_SIZE, nrSlots, type SlotQuery, type SwiotlbPool } from "./pool.js";
import type { MapOp } from "./ops.js";
import type { SwiotlbVariant } from "./variants.js";

const SLOT_MASK = IO_TLB_SIZE - 1;
const TWO_POW_32 = 2 ** 32;

/** One request to swiotlb_find_slots(). */
export interface SlotRequest {
  /** orig_addr; 0 for swiotlb_alloc(). */
  orig: number;
  /** The search's alloc_size (the caller's plus the pre-padding offset). */
  allocSize: number;
  allocAlignMask: number;
  minAlignMask: number;
  /** dma_get_seg_boundary(dev); 0 stands for ULONG_MAX (no boundary). */
  segBoundaryMask: number;
}

/**
 * The slot request of swiotlb_tbl_map_single() for a map op, and the pre-padding offset: v6.9
 * keeps orig_addr's min_align_mask bits up to alloc_align_mask (af133562d5af), v6.8 only the
 * in-slot bits. Up to v6.9 the search size is the caller's alloc_size plus that offset; from v6.10
 * it is ALIGN(size + offset, alloc_align_mask + 1), which is 0 (BUG_ON(!nslots)) for a mask of
 * 0xffffffff.
 */
export function mapSlotRequest(
  variant: SwiotlbVariant,
  op: MapOp,
): { request: SlotRequest; fullOffset: number } {
  const slotMask = IO_TLB_SIZE - 1;
  const alignBits = variant.padSlots ? op.alloc_align_mask | slotMask : slotMask;
  const fullOffset = (op.orig & op.min_align_mask & alignBits) >>> 0;
  const allocSize =
    variant.mapSize === "aligned"
      ? alignUp(op.size + fullOffset, (op.alloc_align_mask + 1) >>> 0)
      : op.alloc_size + fullOffset;
  return {
    fullOffset,
    request: {
      orig: op.orig,
      allocSize,
      allocAlignMask: op.alloc_align_mask,
      minAlignMask: op.min_align_mask,
      segBoundaryMask: op.seg_boundary_mask,
    },
  };
}

/**
 * The kernel's ALIGN(x, a) for a size_t x and an unsigned int a: (x + a - 1) & ~(a - 1), on safe
 * integers; `a` need not be a power of two, and a = 0 gives 0 as the kernel's wrap does.
 */
export function alignUp(x: number, a: number): number {
  if (a === 0) return 0;
  const y = x + a - 1;
  return y - and64(y, a - 1);
}

/** `a & b` on 64-bit unsigned values held as safe integers. */
function and64(a: number, b: number): number {
  const hi = (Math.floor(a / TWO_POW_32) & Math.floor(b / TWO_POW_32)) >>> 0;
  const lo = ((a % TWO_POW_32) & (b % TWO_POW_32)) >>> 0;
  return hi * TWO_POW_32 + lo;
}

/** The slot test and stride of one variant for one request. */
export function slotQuery(
  variant: SwiotlbVariant,
  pool: SwiotlbPool,
  pageSize: number,
  r: SlotRequest,
): SlotQuery {
  const tbl = r.segBoundaryMask === 0 ? pool.start : and64(pool.start, r.segBoundaryMask);
  let matchMask: number;
  let matchValue: number;
  let strideMask: number;
  if (variant.slotSearch === "min-mask") {
    // v6.1: only min_align_mask bits above the slot are compared; alloc_align_mask and the page
    // rule widen the stride alone.
    const iotlb = (r.minAlignMask & ~SLOT_MASK) >>> 0;
    let stride = (iotlb >>> IO_TLB_SHIFT) + 1;
    if (r.allocSize >= pageSize) {
      stride = Math.max(stride, (stride << (Math.log2(pageSize) - IO_TLB_SHIFT)) >>> 0);
    }
    stride = Math.max(stride, (r.allocAlignMask >>> IO_TLB_SHIFT) + 1);
    strideMask = stride * IO_TLB_SIZE - 1;
    matchMask = r.orig !== 0 ? iotlb | 0 : 0;
    matchValue = r.orig & matchMask;
  } else if (variant.slotSearch === "or-masks") {
    // v6.8: one mask compared with orig_addr, and only when there is one.
    let iotlb = r.minAlignMask | r.allocAlignMask;
    if (r.allocSize >= pageSize) iotlb |= pageSize - 1;
    iotlb = (iotlb & ~SLOT_MASK) >>> 0;
    strideMask = iotlb;
    matchMask = r.orig !== 0 ? iotlb | 0 : 0;
    matchValue = r.orig & matchMask;
  } else {
    // v6.9: the alloc_align_mask bits must be clear; min_align_mask bits above them must match.
    let align = r.allocAlignMask;
    if (align === 0 && r.minAlignMask === 0 && r.allocSize >= pageSize) align = pageSize - 1;
    align = (align | SLOT_MASK) >>> 0;
    const iotlb = (r.minAlignMask & ~align) >>> 0;
    strideMask = Math.max(align, iotlb);
    const compared = r.orig !== 0 ? iotlb : 0;
    matchMask = align | compared;
    matchValue = r.orig & compared;
  }
  const boundarySlots =
    r.segBoundaryMask === 0 ? 0 : Math.floor(r.segBoundaryMask / IO_TLB_SIZE) + 1;
  return {
    nslots: nrSlots(r.allocSize),
    matchMask,
    matchValue,
    stride: Math.floor(strideMask / IO_TLB_SIZE) + 1,
    loop: variant.areaLoop,
    allocSize: r.allocSize,
    offset: r.orig & r.minAlignMask & SLOT_MASK,
    tblLow: (tbl % TWO_POW_32) | 0,
    boundaryBase: nrSlots(tbl),
    boundarySlots,
  };
}

/**
 * swiotlb_find_slots() for a static pool: the areas from `cpu & (nareas - 1)` upward, wrapping,
 * each searched once. Returns the first slot taken, or -1.
 */
export function findSlots(pool: SwiotlbPool, query: SlotQuery, cpu: number): number {
  const last = pool.nareas - 1;
  const start = cpu & last;
  let area = start;
  do {
    const slot = pool.searchArea(area, query);
    if (slot >= 0) return slot;
    area = area === last ? 0 : area + 1;
  } while (area !== start);
  return -1;
}
