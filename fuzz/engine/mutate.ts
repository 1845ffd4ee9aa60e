/**
 * Input mutations: libFuzzer's byte-level ones, plus op-level ones that work on whole op records
 * (the input is one header record followed by op records of `opBytes` each), so an op sequence
 * can grow, shrink and recombine without shifting every later op. All draws come from a seeded Rng.
 */
import type { Rng } from "../../src/sim/rng.js";

/** The shape of a target's input, and the longest input a mutation may produce. */
export interface MutatorConfig {
  /** Bytes per op record; the header is one record too. */
  opBytes: number;
  maxLength: number;
}

/** Values that often sit on boundaries (libFuzzer's "interesting" integers, plus 2^k +- 1). */
const INTERESTING: readonly number[] = (() => {
  const values = new Set([0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000]);
  values.add(0xffffffff);
  for (let k = 1; k < 32; k++) {
    values.add(2 ** k);
    values.add(2 ** k - 1);
    values.add(2 ** k + 1);
  }
  return [...values];
})();

type Mutation = (
  data: Uint8Array,
  rng: Rng,
  config: MutatorConfig,
  other?: Uint8Array,
) => Uint8Array | null;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function randomBytes(rng: Rng, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.u32() & 0xff;
  return out;
}

/** Number of whole op records after the header. */
export function recordCount(length: number, opBytes: number): number {
  return length < opBytes ? 0 : Math.floor((length - opBytes) / opBytes);
}

/** Byte offset of op record boundary `k` (0 = right after the header). */
function boundary(k: number, opBytes: number): number {
  return opBytes + k * opBytes;
}

const eraseBytes: Mutation = (data, rng) => {
  if (data.length === 0) return null;
  const n = rng.int(1, Math.max(1, Math.min(16, data.length >> 1)));
  const at = rng.int(0, data.length - n);
  return concat(data.subarray(0, at), data.subarray(at + n));
};

const insertBytes: Mutation = (data, rng) => {
  const at = rng.int(0, data.length);
  // Half the time a run of one repeated byte, as libFuzzer's InsertRepeatedBytes.
  const n = rng.int(1, 8);
  const fill = rng.bool() ? new Uint8Array(n).fill(rng.u32() & 0xff) : randomBytes(rng, n);
  return concat(data.subarray(0, at), fill, data.subarray(at));
};

const changeByte: Mutation = (data, rng) => {
  if (data.length === 0) return null;
  const out = data.slice();
  out[rng.int(0, out.length - 1)] = rng.u32() & 0xff;
  return out;
};

const changeBit: Mutation = (data, rng) => {
  if (data.length === 0) return null;
  const out = data.slice();
  const at = rng.int(0, out.length - 1);
  out[at] = out[at]! ^ (1 << rng.int(0, 7));
  return out;
};

const shuffleBytes: Mutation = (data, rng) => {
  if (data.length < 2) return null;
  const n = rng.int(2, Math.min(8, data.length));
  const at = rng.int(0, data.length - n);
  const out = data.slice();
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = out[at + i]!;
    out[at + i] = out[at + j]!;
    out[at + j] = t;
  }
  return out;
};

const changeBinaryInteger: Mutation = (data, rng) => {
  if (data.length === 0) return null;
  const width = rng.pick([1, 2, 4].filter((w) => w <= data.length));
  const at = rng.int(0, data.length - width);
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const little = rng.bool();
  const read = (): number =>
    width === 1
      ? view.getUint8(at)
      : width === 2
        ? view.getUint16(at, little)
        : view.getUint32(at, little);
  // Either a boundary value or a small step from the current one (libFuzzer's ChangeBinaryInteger).
  const value = rng.bool(0.5) ? rng.pick(INTERESTING) : read() + rng.int(-35, 35);
  const out = data.slice();
  const outView = new DataView(out.buffer);
  if (width === 1) outView.setUint8(at, value & 0xff);
  else if (width === 2) outView.setUint16(at, value & 0xffff, little);
  else outView.setUint32(at, value >>> 0, little);
  return out;
};

const copyPart: Mutation = (data, rng) => {
  if (data.length < 2) return null;
  const n = rng.int(1, Math.min(32, data.length - 1));
  const from = rng.int(0, data.length - n);
  const part = data.slice(from, from + n);
  const to = rng.int(0, data.length - n);
  if (rng.bool()) {
    const out = data.slice();
    out.set(part, to);
    return out;
  }
  return concat(data.subarray(0, to), part, data.subarray(to));
};

const crossOver: Mutation = (data, rng, _config, other) => {
  if (other === undefined || other.length === 0) return null;
  const n = rng.int(1, Math.min(64, other.length));
  const from = rng.int(0, other.length - n);
  const at = rng.int(0, data.length);
  return concat(data.subarray(0, at), other.subarray(from, from + n), data.subarray(at));
};

const insertRecord: Mutation = (data, rng, { opBytes }) => {
  if (data.length < opBytes) return null;
  const at = boundary(rng.int(0, recordCount(data.length, opBytes)), opBytes);
  return concat(data.subarray(0, at), randomBytes(rng, opBytes), data.subarray(at));
};

const deleteRecords: Mutation = (data, rng, { opBytes }) => {
  const records = recordCount(data.length, opBytes);
  if (records === 0) return null;
  const n = rng.int(1, Math.min(4, records));
  const at = boundary(rng.int(0, records - n), opBytes);
  return concat(data.subarray(0, at), data.subarray(at + n * opBytes));
};

const duplicateRecord: Mutation = (data, rng, { opBytes }) => {
  const records = recordCount(data.length, opBytes);
  if (records === 0) return null;
  const from = boundary(rng.int(0, records - 1), opBytes);
  // Half the time right after itself: repeating an op is how counters and streaks climb.
  const to = rng.bool() ? from + opBytes : boundary(rng.int(0, records), opBytes);
  return concat(data.subarray(0, to), data.subarray(from, from + opBytes), data.subarray(to));
};

const swapRecords: Mutation = (data, rng, { opBytes }) => {
  const records = recordCount(data.length, opBytes);
  if (records < 2) return null;
  const a = boundary(rng.int(0, records - 1), opBytes);
  const b = boundary(rng.int(0, records - 1), opBytes);
  if (a === b) return null;
  const out = data.slice();
  out.set(data.subarray(a, a + opBytes), b);
  out.set(data.subarray(b, b + opBytes), a);
  return out;
};

const spliceRecords: Mutation = (data, rng, { opBytes }, other) => {
  const theirs = other === undefined ? 0 : recordCount(other.length, opBytes);
  if (theirs === 0 || data.length < opBytes) return null;
  const n = rng.int(1, Math.min(8, theirs));
  const from = boundary(rng.int(0, theirs - n), opBytes);
  const at = boundary(rng.int(0, recordCount(data.length, opBytes)), opBytes);
  const run = (other as Uint8Array).subarray(from, from + n * opBytes);
  return concat(data.subarray(0, at), run, data.subarray(at));
};

/** Every mutation by name; op-level ones keep the input's record alignment. */
export const MUTATIONS = {
  eraseBytes,
  insertBytes,
  changeByte,
  changeBit,
  shuffleBytes,
  changeBinaryInteger,
  copyPart,
  crossOver,
  insertRecord,
  deleteRecords,
  duplicateRecord,
  swapRecords,
  spliceRecords,
} as const satisfies Record<string, Mutation>;

/** A mutation's name. */
export type MutationName = keyof typeof MUTATIONS;

const NAMES = Object.keys(MUTATIONS) as MutationName[];

/** Most mutations stacked on one input (libFuzzer stacks up to 5 by default). */
const MAX_STACK = 5;

/** Applies random stacks of mutations, keeping inputs within the configured maximum length. */
export class Mutator {
  constructor(
    private readonly rng: Rng,
    readonly config: MutatorConfig,
  ) {
    if (!(config.opBytes >= 1 && config.maxLength >= config.opBytes)) {
      throw new RangeError("Mutator: need opBytes >= 1 and maxLength >= opBytes");
    }
  }

  /**
   * Applies mutation `name` once, cutting the result to `limit` bytes (at most the configured
   * maximum); null when it does not apply (e.g. no records to delete).
   */
  apply(
    name: MutationName,
    data: Uint8Array,
    other?: Uint8Array,
    limit = this.config.maxLength,
  ): Uint8Array | null {
    const out = MUTATIONS[name](data, this.rng, this.config, other);
    const max = Math.min(limit, this.config.maxLength);
    return out !== null && out.length > max ? out.slice(0, max) : out;
  }

  /**
   * A new input from `input` by 1 to 5 stacked mutations (`other`, another corpus input, feeds
   * crossover and splicing), at most `limit` bytes long (default and cap: the configured maximum).
   * The result is a new array.
   */
  mutate(input: Uint8Array, other?: Uint8Array, limit = this.config.maxLength): Uint8Array {
    let data = input;
    const stack = this.rng.int(1, MAX_STACK);
    for (let applied = 0, tries = 0; applied < stack && tries < 4 * MAX_STACK; tries++) {
      const out = this.apply(this.rng.pick(NAMES), data, other, limit);
      if (out === null) continue;
      data = out;
      applied++;
    }
    return data === input ? input.slice() : data;
  }

  /** A random input: one header and whole op records, at most `limit` bytes in all. */
  random(limit = this.config.maxLength): Uint8Array {
    const { opBytes, maxLength } = this.config;
    const records = this.rng.int(0, recordCount(Math.min(limit, maxLength), opBytes));
    return randomBytes(this.rng, opBytes + records * opBytes);
  }
}
