/**
 * The corpus: the inputs kept because they reached something new. In memory it is an append-only
 * list with weighted selection; on disk it has libFuzzer's layout, one file per input named by
 * the SHA-1 hex of its content, so directories can be shared with libFuzzer-style tools.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import type { Rng } from "../../src/sim/rng.js";
import { FastRng } from "./fast-rng.js";

/** The file name of an input in a corpus directory: the SHA-1 hex of its bytes. */
export function inputName(data: Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

/**
 * Saves `data` into `dir` as `<sha1>` atomically, unless that file already exists (same name,
 * same content). Returns the file name and whether it was written.
 */
export function saveInput(dir: string, data: Uint8Array): { name: string; written: boolean } {
  const name = inputName(data);
  const path = join(dir, name);
  if (existsSync(path)) return { name, written: false };
  writeFileAtomic(path, data);
  return { name, written: true };
}

/**
 * Reads every input of a corpus directory, sorted by file name (a missing directory is empty).
 * Temp files and other dot-files are skipped, as is anything that is not a regular file.
 */
export function loadCorpusDir(dir: string): { name: string; data: Uint8Array }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, data: new Uint8Array(readFileSync(join(dir, name))) }));
}

/** One kept input. */
export interface CorpusEntry {
  data: Uint8Array;
  /** SHA-1 hex of `data`. */
  name: string;
  /** Features this input added when it was kept. */
  newFeatures: number;
  /** Position in the corpus (0 = oldest). */
  index: number;
  /** The distinct feature ids it hit, by kind, when kept (for rarity-based scheduling). */
  features: { code: Uint32Array; state: Uint32Array };
}

/** An in-memory corpus without duplicates, picking recent and feature-rich inputs more often. */
export class Corpus {
  readonly #entries: CorpusEntry[] = [];
  readonly #names = new Set<string>();
  /** Prefix sums of the selection weights. */
  #cumulative = new Float64Array(64);

  /** Picks twice per execution: the engine's fast stream, seeded from `rng`. */
  readonly #rng: FastRng;

  constructor(rng: Rng) {
    this.#rng = new FastRng(rng);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Whether an input with this SHA-1 name is in the corpus. */
  has(name: string): boolean {
    return this.#names.has(name);
  }

  /** All entries, oldest first. */
  entries(): readonly CorpusEntry[] {
    return this.#entries;
  }

  /**
   * Adds `data` (not copied) unless an identical input is present; returns the entry or null.
   * `features` are the ids the input hit (default: none).
   */
  add(
    data: Uint8Array,
    newFeatures: number,
    features: CorpusEntry["features"] = { code: new Uint32Array(0), state: new Uint32Array(0) },
  ): CorpusEntry | null {
    const name = inputName(data);
    if (this.#names.has(name)) return null;
    const entry: CorpusEntry = { data, name, newFeatures, index: this.#entries.length, features };
    this.#entries.push(entry);
    this.#names.add(name);
    if (entry.index >= this.#cumulative.length) {
      const grown = new Float64Array(this.#cumulative.length * 2);
      grown.set(this.#cumulative);
      this.#cumulative = grown;
    }
    const before = entry.index === 0 ? 0 : this.#cumulative[entry.index - 1]!;
    this.#cumulative[entry.index] = before + Corpus.weight(entry);
    return entry;
  }

  /**
   * Replaces every entry's selection weight by `weight(entry)` (positive; e.g. from the rarity of
   * its features); entries added later start with {@link Corpus.weight} again.
   */
  reweight(weight: (entry: CorpusEntry) => number): void {
    let sum = 0;
    for (const entry of this.#entries) {
      sum += Math.max(weight(entry), Number.MIN_VALUE);
      this.#cumulative[entry.index] = sum;
    }
  }

  /**
   * Default selection weight: grows linearly with the position (later inputs build on earlier ones, as
   * libFuzzer weighs by index) and logarithmically with the features the input added.
   */
  static weight(entry: Pick<CorpusEntry, "index" | "newFeatures">): number {
    return (entry.index + 1) * (1 + Math.log2(1 + entry.newFeatures));
  }

  /** A weighted random entry; throws RangeError when empty. */
  pick(): CorpusEntry {
    const n = this.#entries.length;
    if (n === 0) throw new RangeError("Corpus.pick() on an empty corpus");
    const target = this.#rng.float() * this.#cumulative[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.#entries[lo]!;
  }
}
