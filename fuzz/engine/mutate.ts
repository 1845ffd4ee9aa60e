/**
 * Input mutations: libFuzzer's byte-level ones, plus op-level ones that work on whole op records
 * (the input is one header record followed by op records of `opBytes` each), so an op sequence
 * can grow, shrink and recombine without shifting every later op. All draws come from a seeded
 * stream. Mutations edit one scratch buffer in place (memmove-style), as libFuzzer's do: the
 * engine runs a mutant straight from that buffer and copies it only when it keeps it.
 */
import type { Rng } from "../../src/sim/rng.js";
import { FastRng } from "./fast-rng.js";

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

/** Widths changeBinaryInteger may use, by how many of them fit (index = count - 1). */
const WIDTHS = [1, 2, 4] as const;

/**
 * One mutation, in place: `buf[0, len)` is the input and `buf` has room for {@link growth} more
 * bytes; returns the new length, or -1 when the mutation does not apply (e.g. no records to
 * delete). `other` is another corpus input (never `buf`); `tmp` is scratch for moved parts.
 */
type Mutation = (
  buf: Uint8Array,
  len: number,
  rng: FastRng,
  opBytes: number,
  other: Uint8Array | undefined,
  tmp: Uint8Array,
) => number;

/** Most bytes one mutation adds: a crossover part (64) or a splice of 8 records. */
function growth(opBytes: number): number {
  return Math.max(64, 8 * opBytes);
}

/** Number of whole op records after the header. */
export function recordCount(length: number, opBytes: number): number {
  return length < opBytes ? 0 : Math.floor((length - opBytes) / opBytes);
}

/** Byte offset of op record boundary `k` (0 = right after the header). */
function boundary(k: number, opBytes: number): number {
  return opBytes + k * opBytes;
}

/** Opens a gap of `n` bytes at `at` in `buf[0, len)`. */
function openGap(buf: Uint8Array, len: number, at: number, n: number): void {
  buf.copyWithin(at + n, at, len);
}

function copyBytes(to: Uint8Array, at: number, from: Uint8Array, start: number, n: number): void {
  for (let k = 0; k < n; k++) to[at + k] = from[start + k]!;
}

function randomFill(buf: Uint8Array, at: number, n: number, rng: FastRng): void {
  for (let k = 0; k < n; k++) buf[at + k] = rng.u32() & 0xff;
}

const eraseBytes: Mutation = (buf, len, rng) => {
  if (len === 0) return -1;
  const n = rng.int(1, Math.max(1, Math.min(16, len >> 1)));
  const at = rng.int(0, len - n);
  buf.copyWithin(at, at + n, len);
  return len - n;
};

const insertBytes: Mutation = (buf, len, rng) => {
  const at = rng.int(0, len);
  // Half the time a run of one repeated byte, as libFuzzer's InsertRepeatedBytes.
  const n = rng.int(1, 8);
  openGap(buf, len, at, n);
  if (rng.bool()) buf.fill(rng.u32() & 0xff, at, at + n);
  else randomFill(buf, at, n, rng);
  return len + n;
};

const changeByte: Mutation = (buf, len, rng) => {
  if (len === 0) return -1;
  buf[rng.below(len)] = rng.u32() & 0xff;
  return len;
};

const changeBit: Mutation = (buf, len, rng) => {
  if (len === 0) return -1;
  const at = rng.below(len);
  buf[at] = buf[at]! ^ (1 << rng.below(8));
  return len;
};

const shuffleBytes: Mutation = (buf, len, rng) => {
  if (len < 2) return -1;
  const n = rng.int(2, Math.min(8, len));
  const at = rng.int(0, len - n);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = buf[at + i]!;
    buf[at + i] = buf[at + j]!;
    buf[at + j] = t;
  }
  return len;
};

/** Reads a `width`-byte unsigned integer at `at`, little- or big-endian. */
function readInt(buf: Uint8Array, at: number, width: number, little: boolean): number {
  let value = 0;
  for (let k = 0; k < width; k++) value = value * 256 + buf[little ? at + width - 1 - k : at + k]!;
  return value;
}

/** Writes the low `width` bytes of `value` at `at`, little- or big-endian. */
function writeInt(
  buf: Uint8Array,
  at: number,
  width: number,
  little: boolean,
  value: number,
): void {
  let v = value >>> 0;
  for (let k = 0; k < width; k++) {
    buf[little ? at + k : at + width - 1 - k] = v & 0xff;
    v >>>= 8;
  }
}

const changeBinaryInteger: Mutation = (buf, len, rng) => {
  if (len === 0) return -1;
  const width = WIDTHS[rng.below(len >= 4 ? 3 : len >= 2 ? 2 : 1)]!;
  const at = rng.int(0, len - width);
  const little = rng.bool();
  // Either a boundary value or a small step from the current one (libFuzzer's ChangeBinaryInteger).
  const value = rng.bool()
    ? INTERESTING[rng.below(INTERESTING.length)]!
    : readInt(buf, at, width, little) + rng.int(-35, 35);
  writeInt(buf, at, width, little, value);
  return len;
};

const copyPart: Mutation = (buf, len, rng, _opBytes, _other, tmp) => {
  if (len < 2) return -1;
  const n = rng.int(1, Math.min(32, len - 1));
  const from = rng.int(0, len - n);
  const to = rng.int(0, len - n);
  if (rng.bool()) {
    buf.copyWithin(to, from, from + n);
    return len;
  }
  copyBytes(tmp, 0, buf, from, n);
  openGap(buf, len, to, n);
  copyBytes(buf, to, tmp, 0, n);
  return len + n;
};

const crossOver: Mutation = (buf, len, rng, _opBytes, other) => {
  if (other === undefined || other.length === 0) return -1;
  const n = rng.int(1, Math.min(64, other.length));
  const from = rng.int(0, other.length - n);
  const at = rng.int(0, len);
  openGap(buf, len, at, n);
  copyBytes(buf, at, other, from, n);
  return len + n;
};

const insertRecord: Mutation = (buf, len, rng, opBytes) => {
  if (len < opBytes) return -1;
  const at = boundary(rng.int(0, recordCount(len, opBytes)), opBytes);
  openGap(buf, len, at, opBytes);
  randomFill(buf, at, opBytes, rng);
  return len + opBytes;
};

const deleteRecords: Mutation = (buf, len, rng, opBytes) => {
  const records = recordCount(len, opBytes);
  if (records === 0) return -1;
  const n = rng.int(1, Math.min(4, records));
  const at = boundary(rng.int(0, records - n), opBytes);
  buf.copyWithin(at, at + n * opBytes, len);
  return len - n * opBytes;
};

const duplicateRecord: Mutation = (buf, len, rng, opBytes, _other, tmp) => {
  const records = recordCount(len, opBytes);
  if (records === 0) return -1;
  const from = boundary(rng.int(0, records - 1), opBytes);
  // Half the time right after itself: repeating an op is how counters and streaks climb.
  const to = rng.bool() ? from + opBytes : boundary(rng.int(0, records), opBytes);
  copyBytes(tmp, 0, buf, from, opBytes);
  openGap(buf, len, to, opBytes);
  copyBytes(buf, to, tmp, 0, opBytes);
  return len + opBytes;
};

const swapRecords: Mutation = (buf, len, rng, opBytes) => {
  const records = recordCount(len, opBytes);
  if (records < 2) return -1;
  // Two distinct records: the second is drawn among the others.
  const i = rng.below(records);
  const j = (i + 1 + rng.below(records - 1)) % records;
  const a = boundary(i, opBytes);
  const b = boundary(j, opBytes);
  for (let k = 0; k < opBytes; k++) {
    const t = buf[a + k]!;
    buf[a + k] = buf[b + k]!;
    buf[b + k] = t;
  }
  return len;
};

const spliceRecords: Mutation = (buf, len, rng, opBytes, other) => {
  const theirs = other === undefined ? 0 : recordCount(other.length, opBytes);
  if (theirs === 0 || len < opBytes) return -1;
  const n = rng.int(1, Math.min(8, theirs));
  const from = boundary(rng.int(0, theirs - n), opBytes);
  const at = boundary(rng.int(0, recordCount(len, opBytes)), opBytes);
  openGap(buf, len, at, n * opBytes);
  copyBytes(buf, at, other as Uint8Array, from, n * opBytes);
  return len + n * opBytes;
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
const BY_INDEX: readonly Mutation[] = NAMES.map((name) => MUTATIONS[name]);

/** Most mutations stacked on one input (libFuzzer stacks up to 5 by default). */
const MAX_STACK = 5;

/** Applies random stacks of mutations, keeping inputs within the configured maximum length. */
export class Mutator {
  readonly #rng: FastRng;
  /** The scratch input: the configured maximum plus one mutation's growth. */
  readonly #buf: Uint8Array;
  readonly #tmp: Uint8Array;
  /** Length of the input last loaded into the scratch buffer. */
  #loaded = 0;

  constructor(
    rng: Rng,
    readonly config: MutatorConfig,
  ) {
    if (!(config.opBytes >= 1 && config.maxLength >= config.opBytes)) {
      throw new RangeError("Mutator: need opBytes >= 1 and maxLength >= opBytes");
    }
    this.#rng = new FastRng(rng);
    this.#buf = new Uint8Array(config.maxLength + growth(config.opBytes));
    this.#tmp = new Uint8Array(Math.max(32, config.opBytes));
  }

  /**
   * Applies mutation `name` once to a copy of `data`, cutting the result to `limit` bytes (at most
   * the configured maximum); null when it does not apply (e.g. no records to delete).
   */
  apply(
    name: MutationName,
    data: Uint8Array,
    other?: Uint8Array,
    limit = this.config.maxLength,
  ): Uint8Array | null {
    const max = this.#load(data, limit);
    const len = MUTATIONS[name](
      this.#buf,
      this.#loaded,
      this.#rng,
      this.config.opBytes,
      other,
      this.#tmp,
    );
    return len < 0 ? null : this.#buf.slice(0, Math.min(len, max));
  }

  /**
   * A new input from `input` by 1 to 5 stacked mutations (`other`, another corpus input, feeds
   * crossover and splicing), at most `limit` bytes long (default and cap: the configured maximum).
   * The result is a new array.
   */
  mutate(input: Uint8Array, other?: Uint8Array, limit = this.config.maxLength): Uint8Array {
    return this.mutateInScratch(input, other, limit).slice();
  }

  /**
   * {@link mutate} without the copy: the result is a view of the mutator's scratch buffer, valid
   * until the next call on this mutator (the engine copies only the inputs it keeps). An input
   * longer than the limit is cut to it first.
   */
  mutateInScratch(
    input: Uint8Array,
    other?: Uint8Array,
    limit = this.config.maxLength,
  ): Uint8Array {
    const max = this.#load(input, limit);
    const buf = this.#buf;
    const rng = this.#rng;
    const { opBytes } = this.config;
    let len = this.#loaded;
    const stack = rng.int(1, MAX_STACK);
    for (let applied = 0, tries = 0; applied < stack && tries < 4 * MAX_STACK; tries++) {
      const out = BY_INDEX[rng.below(BY_INDEX.length)]!(buf, len, rng, opBytes, other, this.#tmp);
      if (out < 0) continue;
      len = Math.min(out, max);
      applied++;
    }
    return buf.subarray(0, len);
  }

  /** A random input: one header and whole op records, at most `limit` bytes in all (a new array). */
  random(limit = this.config.maxLength): Uint8Array {
    return this.randomInScratch(limit).slice();
  }

  /** {@link random} into the scratch buffer, as {@link mutateInScratch}. */
  randomInScratch(limit = this.config.maxLength): Uint8Array {
    const { opBytes, maxLength } = this.config;
    const records = this.#rng.int(0, recordCount(Math.min(limit, maxLength), opBytes));
    const len = opBytes + records * opBytes;
    randomFill(this.#buf, 0, len, this.#rng);
    return this.#buf.subarray(0, len);
  }

  /** Copies (a prefix of) `data` into the scratch buffer; returns the effective length limit. */
  #load(data: Uint8Array, limit: number): number {
    const max = Math.min(limit, this.config.maxLength);
    const len = Math.min(data.length, max);
    this.#buf.set(len === data.length ? data : data.subarray(0, len));
    this.#loaded = len;
    return max;
  }
}
