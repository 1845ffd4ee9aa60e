/**
 * A small first-fit allocator with two planted bugs, for testing the fuzz engine: a fuzzer that
 * works must find both within a small budget, where blind generation finds fewer. Each needs a
 * specific multi-op sequence:
 *
 * 1. overlap: in a fragmented free list (8 extents or more), freeing a block that merges with the
 *    free extent on its left, while exactly one allocated slot separates it from the free extent
 *    on its right, swallows that slot (an off-by-one gap test). An allocation spanning the slot
 *    then overlaps a live block. A trigger: 15 one-slot allocs, free every other one from the
 *    first to the 13th, free the 14th, then alloc 3 slots.
 * 2. accounting: freeing a block right below the previously freed one, four times in a row with
 *    no allocation in between, takes a "batched" path that credits the free counter with the
 *    whole extent instead of the block. Shortest trigger: five allocs, then free them last to
 *    first.
 *
 * With `plantedBugs: false` both paths behave correctly (the fixed variant).
 */

/** Descending adjacent frees in a row after which planted bug 2 fires. */
const BATCH_STREAK = 4;
/** Free extents from which frees take the "fragmented" merge path (where planted bug 1 is). */
const FRAGMENTED = 8;

/** A first-fit allocator over `slots` slots; free extents are kept sorted and merged. */
export class ToyAllocator {
  /** Free slots as the allocator counts them (what the accounting oracle checks). */
  freeSlots: number;
  readonly #starts: number[];
  readonly #lengths: number[];
  /** Start of the extent that holds the last freed block, or -1 after an allocation. */
  #hint = -1;
  /** How many frees in a row each ended right at the previous free's extent. */
  #streak = 0;

  constructor(
    readonly slots: number,
    readonly plantedBugs: boolean,
  ) {
    this.freeSlots = slots;
    this.#starts = [0];
    this.#lengths = [slots];
  }

  /** Allocates `size` contiguous slots first-fit; returns the first slot, or -1 when none fits. */
  alloc(size: number): number {
    this.#hint = -1;
    this.#streak = 0;
    for (let i = 0; i < this.#starts.length; i++) {
      const length = this.#lengths[i]!;
      if (length < size) continue;
      const start = this.#starts[i]!;
      if (length === size) {
        this.#starts.splice(i, 1);
        this.#lengths.splice(i, 1);
      } else {
        this.#starts[i] = start + size;
        this.#lengths[i] = length - size;
      }
      this.freeSlots -= size;
      return start;
    }
    return -1;
  }

  /** Frees `size` slots at `start` (a block this allocator returned), merging with neighbours. */
  free(start: number, size: number): void {
    const end = start + size;
    let i = 0;
    while (i < this.#starts.length && this.#starts[i]! < start) i++;
    const prevEnd = i > 0 ? this.#starts[i - 1]! + this.#lengths[i - 1]! : -1;
    const touchesPrev = prevEnd === start;
    const gap = i < this.#starts.length ? this.#starts[i]! - end : -1;
    const touchesNext =
      this.#starts.length >= FRAGMENTED ? this.#fragmentedTouch(touchesPrev, gap) : gap === 0;
    const belowHint = end === this.#hint;
    this.#streak = belowHint ? this.#streak + 1 : 0;
    const hintLength = belowHint ? this.#lengths[i]! : 0;

    if (touchesPrev && touchesNext) {
      this.#lengths[i - 1]! += size + this.#lengths[i]!;
      this.#starts.splice(i, 1);
      this.#lengths.splice(i, 1);
      this.#hint = this.#starts[i - 1]!;
    } else if (touchesPrev) {
      this.#lengths[i - 1]! += size;
      this.#hint = this.#starts[i - 1]!;
    } else if (touchesNext) {
      this.#starts[i] = start;
      this.#lengths[i]! += size;
      this.#hint = start;
    } else {
      this.#starts.splice(i, 0, start);
      this.#lengths.splice(i, 0, size);
      this.#hint = start;
    }

    if (this.plantedBugs && this.#streak >= BATCH_STREAK) {
      this.freeSlots += hintLength; // planted bug 2: credits the extent, not the block
    } else {
      this.freeSlots += size;
    }
  }

  /** The right-merge test of the fragmented path. */
  #fragmentedTouch(touchesPrev: boolean, gap: number): boolean {
    if (!touchesPrev) return gap === 0;
    // Planted bug 1: when also merging left, a one-slot gap is taken for adjacency.
    if (this.plantedBugs && gap === 1) return true;
    return gap === 0;
  }

  /** Number of free extents. */
  get extentCount(): number {
    return this.#starts.length;
  }

  /** Length of the longest free extent. */
  get largestExtent(): number {
    return this.#lengths.reduce((max, length) => Math.max(max, length), 0);
  }

  /** Descending adjacent frees in a row so far. */
  get streak(): number {
    return this.#streak;
  }
}
