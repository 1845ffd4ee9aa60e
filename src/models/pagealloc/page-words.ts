/**
 * Recycled per-page word arrays. A 64 GiB machine's zones hold 128 MiB of page words; allocating
 * them fresh for every model means the kernel maps and zeroes every page of them, and two worker
 * threads doing that at once contend in the kernel (a benchmark on 2 workers ran slower than on
 * 1). A model that is done with its machine hands the arrays back ({@link recycleWords}) and the
 * next zone of the same size in this thread reuses them, refilled.
 */

/**
 * Below this length allocation is cheap and recycling is not worth holding memory for. Fuzz
 * targets boot a 256 MiB-1 GiB machine per input (main zones of 2^16-2^18 pages): fresh arrays
 * of that size per input cost allocation, zeroing and garbage collection.
 */
const MIN_RECYCLED = 1 << 14;
/** Spare arrays kept per length: enough for the two words of one large zone. */
const MAX_SPARE = 2;

const spare = new Map<number, Uint32Array[]>();

/** A Uint32Array of `length` words, each `fill`: a recycled one when there is one. */
export function takeWords(length: number, fill: number): Uint32Array {
  const words = spare.get(length)?.pop();
  if (words === undefined) {
    const fresh = new Uint32Array(length);
    return fill === 0 ? fresh : fresh.fill(fill);
  }
  return words.fill(fill);
}

/** A copy of `from`: into a recycled array of its length when there is one. */
export function copyWords(from: Uint32Array): Uint32Array {
  const words = spare.get(from.length)?.pop();
  if (words === undefined) return from.slice();
  words.set(from);
  return words;
}

/**
 * Gives `words` back for reuse. The caller must hold no other reference it will use again: the
 * next {@link takeWords} of that length overwrites it.
 */
export function recycleWords(words: Uint32Array): void {
  if (words.length < MIN_RECYCLED) return;
  let list = spare.get(words.length);
  if (list === undefined) spare.set(words.length, (list = []));
  if (list.length < MAX_SPARE && !list.includes(words)) list.push(words);
}
