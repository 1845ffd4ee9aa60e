/**
 * A pure-rand-compatible generator whose numbers come from fuzz input bytes: the coverage-guided
 * engine mutates the bytes, and fast-check arbitraries draw their values from them. Past the end
 * of the bytes it continues with a splitmix32 stream seeded from the input, so every input
 * decodes to a complete value and equal bytes give equal values.
 */
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

export class ByteRandomGenerator implements RandomGenerator {
  constructor(
    private readonly data: Uint8Array,
    private pos = 0,
    private tail = seedFrom(data),
  ) {}

  /** A signed 32-bit value: the next four bytes little-endian, then the splitmix32 tail. */
  next(): number {
    const d = this.data;
    if (this.pos + 4 <= d.length) {
      const p = this.pos;
      this.pos += 4;
      return (
        (d[p] as number) |
        ((d[p + 1] as number) << 8) |
        ((d[p + 2] as number) << 16) |
        ((d[p + 3] as number) << 24) |
        0
      );
    }
    this.pos = d.length;
    this.tail = (this.tail + 0x9e3779b9) | 0;
    let z = this.tail;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  }

  clone(): ByteRandomGenerator {
    return new ByteRandomGenerator(this.data, this.pos, this.tail);
  }

  getState(): readonly number[] {
    return [this.pos, this.tail];
  }
}

/** FNV-1a over the bytes: the tail stream depends on the whole input. */
function seedFrom(data: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of data) h = Math.imul(h ^ b, 0x01000193);
  return h | 0;
}
