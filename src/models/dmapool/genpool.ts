/**
 * A gen_pool as the DMA atomic pools use it (lib/genalloc.c, v6.6): one-page granule
 * (gen_pool_create(PAGE_SHIFT)), chunks added at the head of the chunk list (list_add_rcu, so the
 * newest chunk is searched first), and gen_pool_first_fit_order_align: the first free run of n
 * bits whose index within the chunk is a multiple of roundup_pow_of_two(n), found with
 * bitmap_find_next_zero_area's retry rule.
 */

/** One chunk: a physically contiguous block of pages and its allocation bitmap. */
export interface GenPoolChunk {
  /** First pfn. */
  readonly pfn: number;
  readonly pages: number;
  /** 1 = allocated. */
  readonly map: Uint8Array;
  avail: number;
}

/** roundup_pow_of_two(n) for n >= 1. */
function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * bitmap_find_next_zero_area(map, size, start, nr, align_mask): the first index >= start of nr
 * clear bits with (index & align_mask) == 0; a value past size - nr when there is none.
 */
export function findZeroArea(
  map: Uint8Array,
  size: number,
  start: number,
  nr: number,
  alignMask: number,
): number {
  let from = start;
  for (;;) {
    let index = from;
    while (index < size && map[index] === 1) index++;
    index = Math.ceil(index / (alignMask + 1)) * (alignMask + 1);
    const end = index + nr;
    if (end > size) return end;
    let busy = -1;
    for (let i = index; i < end; i++) {
      if (map[i] === 1) {
        busy = i;
        break;
      }
    }
    if (busy < 0) return index;
    from = busy + 1;
  }
}

/** A gen_pool with the first-fit-order-align algorithm and a page granule. */
export class GenPool {
  /** Head first: the most recently added chunk is searched first. */
  readonly chunks: GenPoolChunk[] = [];

  /** gen_pool_add_virt: a new chunk at the head of the list. */
  add(pfn: number, pages: number): void {
    this.chunks.unshift({ pfn, pages, map: new Uint8Array(pages), avail: pages });
  }

  /** gen_pool_alloc: the first pfn of `pages` pages, or null. */
  alloc(pages: number): number | null {
    const alignMask = roundupPow2(pages) - 1;
    for (const chunk of this.chunks) {
      if (pages > chunk.avail) continue;
      const at = findZeroArea(chunk.map, chunk.pages, 0, pages, alignMask);
      if (at + pages > chunk.pages) continue;
      chunk.map.fill(1, at, at + pages);
      chunk.avail -= pages;
      return chunk.pfn + at;
    }
    return null;
  }

  /** gen_pool_has_addr: the range lies inside one chunk. */
  has(pfn: number, pages: number): boolean {
    return this.chunkOf(pfn, pages) !== undefined;
  }

  /** gen_pool_free; returns false when the range is not an allocated range of this pool. */
  free(pfn: number, pages: number): boolean {
    const chunk = this.chunkOf(pfn, pages);
    if (chunk === undefined) return false;
    const at = pfn - chunk.pfn;
    for (let i = at; i < at + pages; i++) if (chunk.map[i] !== 1) return false;
    chunk.map.fill(0, at, at + pages);
    chunk.avail += pages;
    return true;
  }

  /** gen_pool_size in pages. */
  get size(): number {
    return this.chunks.reduce((sum, c) => sum + c.pages, 0);
  }

  /** gen_pool_avail in pages. */
  get avail(): number {
    return this.chunks.reduce((sum, c) => sum + c.avail, 0);
  }

  /** Accounting problems, as messages: avail must equal the clear bits of each chunk. */
  check(name: string): string[] {
    const problems: string[] = [];
    for (const c of this.chunks) {
      const clear = c.map.reduce((n, bit) => n + (bit === 0 ? 1 : 0), 0);
      if (clear !== c.avail)
        problems.push(`${name} pool chunk ${c.pfn}: avail ${c.avail}, ${clear} clear`);
    }
    return problems;
  }

  private chunkOf(pfn: number, pages: number): GenPoolChunk | undefined {
    return this.chunks.find((c) => pfn >= c.pfn && pfn + pages <= c.pfn + c.pages);
  }
}
