/**
 * Page-level calls the DMA models (noncontig, dmapool) make on a booted machine, as the kernel's
 * DMA code makes them: alloc_pages_node(gfp, order) returning a K_CALLER block, split_page()
 * (mm/page_alloc.c v6.6: an order-n block becomes 2^n order-0 pages), alloc_pages_exact()
 * (make_alloc_exact: allocate get_order(size), split, free the tail pages), and __free_pages().
 */
import * as G from "./gfp.js";
import type { Mm } from "./mm.js";
import type { AllocResult } from "./result.js";
import { allocPages } from "./slowpath.js";
import { K_CALLER } from "./zone.js";

/** Who is allocating: current->comm, and whether it is a workqueue worker (PF_WQ_WORKER). */
export interface DmaTask {
  comm: string;
  worker: boolean;
}

/** get_order(pages << PAGE_SHIFT): the smallest order whose block holds `pages` pages. */
export function pagesOrder(pages: number): number {
  let order = 0;
  while (2 ** order < pages) order++;
  return order;
}

/** alloc_pages(gfp, order) for a driver: the block is recorded as a caller block. */
export function dmaAllocPages(mm: Mm, order: number, gfp: G.Gfp, task: DmaTask): AllocResult {
  return allocPages(mm, {
    order,
    gfp,
    kind: K_CALLER,
    tag: G.gfpMigratetype(gfp),
    comm: task.comm,
    worker: task.worker,
  });
}

/** The zone and local index of a caller block's head page; throws on anything else. */
function callerBlock(mm: Mm, pfn: number, order: number) {
  const at = mm.node.locate(pfn);
  if (at === undefined) throw new RangeError(`pfn ${pfn} is in no zone`);
  const [z, i] = at;
  if (z.kind(i) !== K_CALLER || z.order(i) !== order)
    throw new RangeError(`pfn ${pfn} is not a caller block of order ${order}`);
  return { z, i };
}

/** split_page(): the order-n caller block at `pfn` becomes 2^n order-0 caller pages. */
export function splitPage(mm: Mm, pfn: number, order: number): void {
  const { z, i } = callerBlock(mm, pfn, order);
  const tag = z.tag(i);
  for (let j = 0; j < 2 ** order; j++) {
    z.setHead(i + j, K_CALLER, 0);
    z.setTag(i + j, tag);
  }
}

/** __free_pages(page, order) of a caller block. */
export function dmaFreePages(mm: Mm, pfn: number, order: number): void {
  const { z, i } = callerBlock(mm, pfn, order);
  mm.release(z, i);
}

/**
 * alloc_pages_exact(size, gfp): an order get_order(size) request; on success the block is split
 * and the pages past `pages` are freed, leaving `pages` order-0 caller pages from result.pfn.
 * __GFP_COMP is cleared (the kernel warns once and clears it).
 */
export function dmaAllocPagesExact(mm: Mm, pages: number, gfp: G.Gfp, task: DmaTask): AllocResult {
  const order = pagesOrder(pages);
  const result = dmaAllocPages(mm, order, gfp & ~G.__GFP_COMP, task);
  if (result.outcome === "ok" && result.pfn !== null) {
    splitPage(mm, result.pfn, order);
    for (let p = pages; p < 2 ** order; p++) dmaFreePages(mm, result.pfn + p, 0);
  }
  return result;
}
