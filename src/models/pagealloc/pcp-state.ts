/**
 * struct per_cpu_pages (include/linux/mmzone.h, v6.6 and v6.8) for one zone and CPU: the lists
 * per order and migratetype plus the THP list, threaded through the zone's page words (the
 * pcp_list of struct page aliases its buddy_list, as in mm_types.h), and the counters that size
 * refills and drains. v6.6 has one `high` and `free_factor`; v6.8 has high_min/high_max (pcp->high
 * auto-tuned between them), `flags`, `alloc_factor` and `free_count`. Fields a version does not
 * have stay 0.
 */
import { MIGRATE_PCPTYPES } from "./gfp.js";
import { PAGEBLOCK_ORDER } from "./layout.js";

/** PAGE_ALLOC_COSTLY_ORDER: orders 0-3 have pcp lists of their own. */
export const PAGE_ALLOC_COSTLY_ORDER = 3;
/** NR_LOWORDER_PCP_LISTS: the index of the THP list (order pageblock_order). */
export const NR_LOWORDER_PCP_LISTS = MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1);
/** NR_PCP_LISTS with CONFIG_TRANSPARENT_HUGEPAGE. */
export const NR_PCP_LISTS = NR_LOWORDER_PCP_LISTS + 1;
/** NR_CPUS of the modelled machine, all online. */
export const NR_CPUS = 4;
/** pcp->flags bits (v6.8). */
export const PCPF_PREV_FREE_HIGH_ORDER = 1;
export const PCPF_FREE_HIGH_BATCH = 2;
/** BOOT_PAGESET_HIGH / BOOT_PAGESET_BATCH. */
export const BOOT_PAGESET_HIGH = 0;
export const BOOT_PAGESET_BATCH = 1;

const NIL = 0xffffff;
/** Kind of a free block's head on a pcp list (zone.ts K_PCP; kept here to avoid an import cycle). */
const K_PCP = 9;

/** The page words a pcp list is threaded through (a Zone's). */
export interface PageWords {
  readonly w0: Uint32Array;
  readonly w1: Uint32Array;
}

/** list_add (head) or list_add_tail of block i on pcp list `pindex` of `p`, marked K_PCP. */
export function pcpLink(
  z: PageWords,
  p: PerCpuPages,
  pindex: number,
  i: number,
  order: number,
  mt: number,
  tail: boolean,
): void {
  const { w0, w1 } = z;
  if (tail) {
    const last = p.tail[pindex] as number;
    w0[i] = ((K_PCP << 28) | (order << 24) | NIL) >>> 0;
    w1[i] = ((mt << 24) | last) >>> 0;
    if (last === NIL) p.head[pindex] = i;
    else w0[last] = (((w0[last] as number) & ~NIL) | i) >>> 0;
    p.tail[pindex] = i;
  } else {
    const first = p.head[pindex] as number;
    w0[i] = ((K_PCP << 28) | (order << 24) | first) >>> 0;
    w1[i] = ((mt << 24) | NIL) >>> 0;
    if (first === NIL) p.tail[pindex] = i;
    else w1[first] = (((w1[first] as number) & ~NIL) | i) >>> 0;
    p.head[pindex] = i;
  }
}

/** list_del of block i from pcp list `pindex`; its kind becomes K_NONE, the tag (mt) stays. */
export function pcpUnlink(z: PageWords, p: PerCpuPages, pindex: number, i: number): void {
  const { w0, w1 } = z;
  const n = (w0[i] as number) & NIL;
  const pr = (w1[i] as number) & NIL;
  if (pr === NIL) p.head[pindex] = n;
  else w0[pr] = (((w0[pr] as number) & ~NIL) | n) >>> 0;
  if (n === NIL) p.tail[pindex] = pr;
  else w1[n] = (((w1[n] as number) & ~NIL) | pr) >>> 0;
  w0[i] = n;
  w1[i] = ((w1[i] as number) & ~NIL) >>> 0;
}

/** pcp_allowed_order: orders 0-3 and, with THP, pageblock_order. */
export function pcpAllowedOrder(order: number): boolean {
  return order <= PAGE_ALLOC_COSTLY_ORDER || order === PAGEBLOCK_ORDER;
}

/** order_to_pindex. */
export function orderToPindex(mt: number, order: number): number {
  return order > PAGE_ALLOC_COSTLY_ORDER ? NR_LOWORDER_PCP_LISTS : MIGRATE_PCPTYPES * order + mt;
}

/** pindex_to_order. */
export function pindexToOrder(pindex: number): number {
  return pindex === NR_LOWORDER_PCP_LISTS ? PAGEBLOCK_ORDER : Math.floor(pindex / MIGRATE_PCPTYPES);
}

/** One CPU's per_cpu_pages of one zone. */
export class PerCpuPages {
  count = 0;
  high = 0;
  highMin = 0;
  highMax = 0;
  batch = BOOT_PAGESET_BATCH;
  /** v6.6 only. */
  freeFactor = 0;
  /** v6.8 only. */
  flags = 0;
  allocFactor = 0;
  freeCount = 0;
  /** First and last page (zone-local index) of each list, NIL when empty. */
  readonly head = new Uint32Array(NR_PCP_LISTS).fill(NIL);
  readonly tail = new Uint32Array(NR_PCP_LISTS).fill(NIL);

  /** per_cpu_pages_init: empty lists, boot high and batch, factors 0. */
  init(): void {
    this.count = 0;
    this.high = BOOT_PAGESET_HIGH;
    this.highMin = BOOT_PAGESET_HIGH;
    this.highMax = BOOT_PAGESET_HIGH;
    this.batch = BOOT_PAGESET_BATCH;
    this.freeFactor = 0;
    this.flags = 0;
    this.allocFactor = 0;
    this.freeCount = 0;
    this.head.fill(NIL);
    this.tail.fill(NIL);
  }

  /** A copy (for Zone.clone). */
  copy(): PerCpuPages {
    const c = new PerCpuPages();
    c.count = this.count;
    c.high = this.high;
    c.highMin = this.highMin;
    c.highMax = this.highMax;
    c.batch = this.batch;
    c.freeFactor = this.freeFactor;
    c.flags = this.flags;
    c.allocFactor = this.allocFactor;
    c.freeCount = this.freeCount;
    c.head.set(this.head);
    c.tail.set(this.tail);
    return c;
  }
}
