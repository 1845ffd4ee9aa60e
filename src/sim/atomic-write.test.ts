import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";

describe("writeFileAtomic", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "dmafuzz-atomic-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a new file and leaves no temp file behind", () => {
    const path = join(dir, "a.json");
    writeFileAtomic(path, '{"x":1}\n');
    expect(readFileSync(path, "utf8")).toBe('{"x":1}\n');
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("replaces an existing file with the whole new content", () => {
    const path = join(dir, "a.txt");
    writeFileSync(path, "old content that is longer than the new one");
    writeFileAtomic(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["a.txt"]);
  });

  it("writes bytes exactly, including large buffers and an empty one", () => {
    const path = join(dir, "blob.bin");
    const bytes = Uint8Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31) & 0xff);
    writeFileAtomic(path, bytes);
    expect(Buffer.compare(readFileSync(path), bytes)).toBe(0);
    writeFileAtomic(path, new Uint8Array(0));
    expect(readFileSync(path).length).toBe(0);
  });

  it("encodes strings as UTF-8", () => {
    const path = join(dir, "u.txt");
    writeFileAtomic(path, "µs ✓");
    expect(readFileSync(path, "utf8")).toBe("µs ✓");
  });

  it("creates missing parent directories", () => {
    const path = join(dir, "corpus", "iova", "seed-1.bin");
    writeFileAtomic(path, "x");
    expect(readFileSync(path, "utf8")).toBe("x");
  });

  it("removes the temp file and leaves the target alone when the rename fails", () => {
    const target = join(dir, "occupied");
    mkdirSync(join(target, "child"), { recursive: true });
    expect(() => writeFileAtomic(target, "data")).toThrow();
    expect(readdirSync(dir)).toEqual(["occupied"]);
    expect(readdirSync(target)).toEqual(["child"]);
  });

  it("throws when the parent cannot be created, without leaving anything", () => {
    writeFileSync(join(dir, "file"), "not a directory");
    expect(() => writeFileAtomic(join(dir, "file", "x.json"), "data")).toThrow();
    expect(readdirSync(dir)).toEqual(["file"]);
  });
});
