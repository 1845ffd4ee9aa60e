/**
 * Fuzz input layout shared by the targets: fixed-size records, the first a header (domain
 * configuration), each further one an op. Fixed records let the engine insert, delete, duplicate
 * and splice ops on record boundaries, and every byte string decodes to something valid.
 */

/** Reads byte `j` of record `i`; bytes past the end of the input read as 0. */
export class Records {
  /** Number of op records after the header. */
  readonly ops: number;

  constructor(
    private readonly data: Uint8Array,
    private readonly recordBytes: number,
  ) {
    this.ops = Math.max(0, Math.floor(data.length / recordBytes) - 1);
  }

  /** Byte j of the header record. */
  header(j: number): number {
    return this.data[j] ?? 0;
  }

  /** Byte j of op record i (0-based, after the header). */
  byte(i: number, j: number): number {
    return this.data[(i + 1) * this.recordBytes + j] ?? 0;
  }

  /** Bytes j and j+1 of op record i as a little-endian 16-bit value. */
  u16(i: number, j: number): number {
    return this.byte(i, j) | (this.byte(i, j + 1) << 8);
  }
}

/**
 * A size in pages that favours boundaries: 2^k, 2^k - 1, 2^k + 1, small sizes, the 33..63 band
 * that is never cached, large power-of-two chunks, and just-below-power-of-two sizes like 0x731f.
 * `shape` picks the family, `value` the member; `maxLog2` bounds 2^k.
 */
export function boundarySize(shape: number, value: number, maxLog2: number): number {
  const k = value % (maxLog2 + 1);
  switch (shape % 8) {
    case 0:
      return (value % 32) + 1;
    case 1:
      return 2 ** k;
    case 2:
      return Math.max(1, 2 ** k - 1);
    case 3:
      return 2 ** k + 1;
    case 4:
      return (value % 31) + 33;
    case 5:
      return 2 ** Math.max(0, maxLog2 - (value % 5));
    case 6:
      return Math.max(1, 2 ** Math.max(1, maxLog2 - 5 - (value % 6)) - (value >> 5));
    default:
      return (value % 1024) + 1;
  }
}
