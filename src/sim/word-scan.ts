/**
 * Scans of per-page word arrays by their top byte (where the page allocator model keeps a page's
 * kind and order). Kept apart from the models so that the fuzz engine's coverage counters, which
 * instrument src/models, are not bumped once per page by a walk over millions of them.
 */

/** A table of the 256 top-byte values: 1 for the bytes `accept` takes, else 0. */
export function topByteTable(accept: (byte: number) => boolean): Uint8Array {
  return new Uint8Array(256).map((_, byte) => (accept(byte) ? 1 : 0));
}

/**
 * The first index k in [from, end) whose word's top byte is marked in `wanted` (a table from
 * {@link topByteTable}), or `end` when there is none.
 */
export function findTopByte(
  words: Uint32Array,
  from: number,
  end: number,
  wanted: Uint8Array,
): number {
  let k = from;
  while (k < end && wanted[(words[k] as number) >>> 24] === 0) k++;
  return k;
}
