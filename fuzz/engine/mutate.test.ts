import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/rng.js";
import { MUTATIONS, type MutationName, Mutator, recordCount } from "./mutate.js";

const OP = 4;
const NAMES = Object.keys(MUTATIONS) as MutationName[];
const RECORD_LEVEL: MutationName[] = [
  "insertRecord",
  "deleteRecords",
  "duplicateRecord",
  "swapRecords",
  "spliceRecords",
];

/** The op records of an aligned input, as hex strings. */
function records(data: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = OP; at + OP <= data.length; at += OP) {
    out.push(Buffer.from(data.subarray(at, at + OP)).toString("hex"));
  }
  return out;
}

/** An aligned input whose records are all distinct: header 0xhh..., record k = [k, k, k, k]. */
function aligned(n: number): Uint8Array {
  const data = new Uint8Array(OP + n * OP).fill(0xee, 0, OP);
  for (let k = 0; k < n; k++) data.fill(k + 1, OP + k * OP, OP + (k + 1) * OP);
  return data;
}

describe("Mutator", () => {
  it("never exceeds the maximum length, whatever it stacks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        (seed, input, other) => {
          const mutator = new Mutator(Rng.seeded(seed), { opBytes: OP, maxLength: 64 });
          for (let i = 0; i < 20; i++) {
            expect(mutator.mutate(input, other).length).toBeLessThanOrEqual(64);
            expect(mutator.mutate(input, other, 20).length).toBeLessThanOrEqual(20);
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("op-level mutations keep the header and record alignment", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom(...RECORD_LEVEL),
        fc.integer({ min: 0, max: 12 }),
        (seed, name, n) => {
          const mutator = new Mutator(Rng.seeded(seed), { opBytes: OP, maxLength: 4096 });
          const input = aligned(n);
          const other = aligned(6).map((b) => (b === 0xee ? b : b + 100));
          const out = mutator.apply(name, input, other);
          if (out === null) return;
          expect(out.length % OP).toBe(0);
          expect([...out.subarray(0, OP)]).toEqual([0xee, 0xee, 0xee, 0xee]);
          // Every record is still a whole record of the input or of the other input (or new).
          for (const record of records(out)) {
            const bytes = Buffer.from(record, "hex");
            if (name !== "insertRecord") expect(new Set(bytes).size).toBe(1);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("each op-level mutation does what its name says", () => {
    const mutator = new Mutator(Rng.seeded(3), { opBytes: OP, maxLength: 4096 });
    const input = aligned(5);
    const before = records(input);
    const deleted = records(mutator.apply("deleteRecords", input)!);
    // A contiguous run of records is gone, the rest is in order.
    const removed = before.length - deleted.length;
    expect(removed).toBeGreaterThan(0);
    const cut = before.findIndex((r, i) => deleted[i] !== r);
    expect([...before.slice(0, cut), ...before.slice(cut + removed)]).toEqual(deleted);
    const duplicated = records(mutator.apply("duplicateRecord", input)!);
    expect(duplicated).toHaveLength(6);
    expect(new Set(duplicated).size).toBe(5);
    const inserted = records(mutator.apply("insertRecord", input)!);
    expect(inserted.filter((r) => !before.includes(r))).toHaveLength(1);
    const swapped = records(mutator.apply("swapRecords", input)!);
    expect([...swapped].sort()).toEqual([...before].sort());
    const other = aligned(3).map((b) => (b === 0xee ? b : b + 100));
    const spliced = records(mutator.apply("spliceRecords", input, other)!);
    const foreign = spliced.filter((r) => !before.includes(r));
    expect(foreign.length).toBeGreaterThan(0);
    expect(foreign.every((r) => records(other).includes(r))).toBe(true);
    expect(spliced.filter((r) => before.includes(r))).toEqual(before);
  });

  it("changeBinaryInteger writes boundary values or small steps, in place", () => {
    const mutator = new Mutator(Rng.seeded(11), { opBytes: OP, maxLength: 64 });
    const seen = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const out = mutator.apply("changeBinaryInteger", new Uint8Array(1).fill(0x40))!;
      expect(out.length).toBe(1);
      seen.add(out[0]!);
    }
    for (const value of [0, 1, 0x7f, 0x80, 0xff, 0x3f, 0x41]) expect(seen).toContain(value);
  });

  it("byte-level mutations change the input and stay deterministic per seed", () => {
    const input = aligned(8);
    for (const name of NAMES) {
      const a = new Mutator(Rng.seeded(5), { opBytes: OP, maxLength: 4096 });
      const b = new Mutator(Rng.seeded(5), { opBytes: OP, maxLength: 4096 });
      const other = aligned(2);
      expect(a.apply(name, input, other)).toEqual(b.apply(name, input, other));
    }
    const mutator = new Mutator(Rng.seeded(9), { opBytes: OP, maxLength: 4096 });
    let changed = 0;
    for (let i = 0; i < 100; i++) {
      if (Buffer.compare(mutator.mutate(input, input), input) !== 0) changed++;
    }
    expect(changed).toBeGreaterThan(90);
  });

  it("random inputs are a header plus whole records within the limit", () => {
    const mutator = new Mutator(Rng.seeded(1), { opBytes: OP, maxLength: 40 });
    const lengths = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const data = mutator.random();
      expect(data.length % OP).toBe(0);
      expect(data.length).toBeGreaterThanOrEqual(OP);
      expect(data.length).toBeLessThanOrEqual(40);
      lengths.add(data.length);
      expect(mutator.random(12).length).toBeLessThanOrEqual(12);
    }
    expect(lengths.size).toBe(10);
    expect(recordCount(40, OP)).toBe(9);
  });
});
