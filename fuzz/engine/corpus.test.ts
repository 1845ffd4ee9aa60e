import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/rng.js";
import { Corpus, inputName, loadCorpusDir, saveInput } from "./corpus.js";

describe("corpus directory", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "dmafuzz-corpus-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("names each input by the SHA-1 hex of its content", () => {
    const data = Uint8Array.of(1, 2, 3);
    const expected = createHash("sha1")
      .update(Buffer.from([1, 2, 3]))
      .digest("hex");
    expect(inputName(data)).toBe(expected);
    expect(saveInput(dir, data)).toEqual({ name: expected, written: true });
    expect(readdirSync(dir)).toEqual([expected]);
    expect([...readFileSync(join(dir, expected))]).toEqual([1, 2, 3]);
    expect(saveInput(dir, data)).toEqual({ name: expected, written: false });
    expect(inputName(new Uint8Array(0))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
  });

  it("loads inputs sorted by name, skipping temp files; a missing directory is empty", () => {
    saveInput(dir, Uint8Array.of(9));
    saveInput(dir, Uint8Array.of(8, 8));
    writeFileSync(join(dir, ".x.tmp"), "partial");
    const loaded = loadCorpusDir(dir);
    expect(loaded.map((e) => e.name)).toEqual(
      [inputName(Uint8Array.of(9)), inputName(Uint8Array.of(8, 8))].sort(),
    );
    expect(loaded.map((e) => inputName(e.data))).toEqual(loaded.map((e) => e.name));
    expect(loadCorpusDir(join(dir, "nope"))).toEqual([]);
  });
});

describe("Corpus", () => {
  it("drops duplicates and numbers entries in order", () => {
    const corpus = new Corpus(Rng.seeded(1));
    expect(corpus.add(Uint8Array.of(1), 3)?.index).toBe(0);
    expect(corpus.add(Uint8Array.of(1), 5)).toBeNull();
    expect(corpus.add(Uint8Array.of(2), 1)?.index).toBe(1);
    expect(corpus.size).toBe(2);
    expect(corpus.has(inputName(Uint8Array.of(2)))).toBe(true);
  });

  it("picks recent and feature-rich entries more often", () => {
    const corpus = new Corpus(Rng.seeded(2));
    for (let i = 0; i < 100; i++) corpus.add(Uint8Array.of(i), i === 10 ? 1000 : 1);
    const picks = new Array<number>(100).fill(0);
    for (let i = 0; i < 20000; i++) picks[corpus.pick().index]!++;
    const sum = (from: number, to: number) => picks.slice(from, to).reduce((a, b) => a + b, 0);
    expect(sum(50, 100)).toBeGreaterThan(2 * sum(0, 50));
    expect(picks[10]).toBeGreaterThan(3 * picks[11]!);
    expect(() => new Corpus(Rng.seeded(1)).pick()).toThrow(RangeError);
  });

  it("reweight replaces the selection weights", () => {
    const corpus = new Corpus(Rng.seeded(3));
    for (let i = 0; i < 10; i++) corpus.add(Uint8Array.of(i), 1);
    corpus.reweight((entry) => (entry.index === 0 ? 1 : 1e-9));
    for (let i = 0; i < 100; i++) expect(corpus.pick().index).toBe(0);
  });
});
