/**
 * One CMA area (mm/cma.h struct cma, mm/cma.c v6.6): base_pfn, count, order_per_bit and the
 * allocation bitmap (1 = taken), with the helpers cma_alloc uses: cma_bitmap_aligned_mask,
 * cma_bitmap_aligned_offset, cma_bitmap_maxno, cma_bitmap_pages_to_bits, cma_clear_bitmap, and
 * lib/bitmap.c's bitmap_find_next_zero_area_off, bit for bit. Also cma_debug_show_areas' text.
 */

/** A CMA area and its bitmap (32 bits per word). */
export class CmaArea {
  /** Bits in the bitmap: cma_bitmap_maxno() = count >> order_per_bit. */
  readonly maxno: number;
  readonly bits: Uint32Array;

  constructor(
    /** cma->name (the default DMA area is "reserved"). */
    readonly name: string,
    readonly basePfn: number,
    readonly count: number,
    readonly orderPerBit: number,
  ) {
    this.maxno = count >>> orderPerBit;
    this.bits = new Uint32Array(Math.ceil(this.maxno / 32));
  }

  /** cma_bitmap_aligned_mask: 0 when align_order <= order_per_bit. */
  alignedMask(alignOrder: number): number {
    if (alignOrder <= this.orderPerBit) return 0;
    return 2 ** (alignOrder - this.orderPerBit) - 1;
  }

  /** cma_bitmap_aligned_offset: (base_pfn & ((1 << align_order) - 1)) >> order_per_bit. */
  alignedOffset(alignOrder: number): number {
    return Math.floor((this.basePfn % 2 ** alignOrder) / 2 ** this.orderPerBit);
  }

  /** cma_bitmap_pages_to_bits: ALIGN(pages, 1 << order_per_bit) >> order_per_bit. */
  pagesToBits(pages: number): number {
    return Math.ceil(pages / 2 ** this.orderPerBit);
  }

  /** The first pfn of bitmap index `no`. */
  pfnOf(no: number): number {
    return this.basePfn + no * 2 ** this.orderPerBit;
  }

  /** Whether a pfn lies inside the area. */
  contains(pfn: number): boolean {
    return pfn >= this.basePfn && pfn < this.basePfn + this.count;
  }

  test(no: number): boolean {
    return (((this.bits[no >>> 5] as number) >>> (no & 31)) & 1) === 1;
  }

  /** bitmap_set(no, n). */
  set(no: number, n: number): void {
    this.update(no, n, true);
  }

  /** bitmap_clear(no, n). */
  clear(no: number, n: number): void {
    this.update(no, n, false);
  }

  /** Sets or clears bits [no, no + n): the partial words at the ends, whole words between. */
  private update(no: number, n: number, on: boolean): void {
    if (n <= 0) return;
    const bits = this.bits;
    const end = no + n;
    const first = no >>> 5;
    const last = (end - 1) >>> 5;
    const head = (0xffffffff << (no & 31)) >>> 0;
    const tail = 0xffffffff >>> (31 - ((end - 1) & 31));
    const edit = (w: number, mask: number) => {
      bits[w] = on ? (bits[w] as number) | mask : (bits[w] as number) & ~mask;
    };
    if (first === last) {
      edit(first, head & tail);
      return;
    }
    edit(first, head);
    bits.fill(on ? 0xffffffff : 0, first + 1, last);
    edit(last, tail);
  }

  /** cma_clear_bitmap(cma, pfn, count). */
  clearPages(pfn: number, count: number): void {
    this.clear((pfn - this.basePfn) >>> this.orderPerBit, this.pagesToBits(count));
  }

  /** find_next_zero_bit(map, size, start): size when none. */
  nextZero(start: number, size = this.maxno): number {
    for (let i = start; i < size; i++) {
      const word = this.bits[i >>> 5] as number;
      if (word === 0xffffffff && (i & 31) === 0) {
        i += 31;
        continue;
      }
      if (!this.test(i)) return i;
    }
    return size;
  }

  /** find_next_bit(map, size, start): size when none. */
  nextSet(start: number, size: number): number {
    for (let i = start; i < size; i++) {
      if ((this.bits[i >>> 5] as number) === 0 && (i & 31) === 0) {
        i += 31;
        continue;
      }
      if (this.test(i)) return i;
    }
    return size;
  }

  /**
   * bitmap_find_next_zero_area_off(map, maxno, start, nr, mask, offset): the first index >= start
   * whose (index + offset) is a multiple of mask + 1 and that begins nr zero bits; on failure a
   * value above maxno (the kernel returns the end of the last run it tried).
   */
  findNextZeroAreaOff(start: number, nr: number, mask: number, offset: number): number {
    let from = start;
    for (;;) {
      let index = this.nextZero(from);
      // __ALIGN_MASK(index + offset, mask) - offset
      index = Math.ceil((index + offset) / (mask + 1)) * (mask + 1) - offset;
      const end = index + nr;
      if (end > this.maxno) return end;
      const i = this.nextSet(index, end);
      if (i < end) {
        from = i + 1;
        continue;
      }
      return index;
    }
  }

  /** Set bits (bitmap_weight). */
  weight(): number {
    let n = 0;
    for (const word of this.bits) {
      let w = word;
      while (w !== 0) {
        w &= w - 1;
        n++;
      }
    }
    return n;
  }

  /** cma_debug_show_areas' line: runs of free pages as size@bit-index, then the total. */
  showAreas(): string {
    const parts: string[] = [];
    let total = 0;
    for (let start = 0; ;) {
      const zero = this.nextZero(start);
      if (zero >= this.maxno) break;
      const set = this.nextSet(zero, this.maxno);
      const pages = (set - zero) * 2 ** this.orderPerBit;
      parts.push(`${pages}@${zero}`);
      total += pages;
      start = set;
    }
    return `cma: number of available pages: ${parts.join("+")}=> ${total} free of ${this.count} total pages`;
  }
}
