import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CoverageFeedback, hitBucket, prepareInstrumentedTree } from "./coverage.js";

describe("hitBucket", () => {
  it("maps counts to libFuzzer's eight buckets", () => {
    const cases: [number, number][] = [
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
      [7, 3],
      [8, 4],
      [15, 4],
      [16, 5],
      [31, 5],
      [32, 6],
      [127, 6],
      [128, 7],
      [1e9, 7],
    ];
    for (const [count, bucket] of cases) expect(hitBucket(count), `count ${count}`).toBe(bucket);
  });
});

describe("prepareInstrumentedTree and CoverageFeedback", () => {
  // Inside the package, so the mirror resolves "type": "module" like the real one.
  const root = mkdtempSync(join(tmpdir(), "dmafuzz-cov-"));
  const dist = join(root, "dist");
  const mirror = join(dist, ".instrumented");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  mkdirSync(join(dist, "src", "models"), { recursive: true });
  writeFileSync(join(root, "package.json"), '{"type":"module"}\n');
  const model = `export function pick(x) {\n  if (x > 10) return "big";\n  return x === 0 ? "zero" : "small";\n}\n`;
  writeFileSync(join(dist, "src", "models", "m.js"), model);
  writeFileSync(join(dist, "src", "other.js"), "export const other = 1;\n");
  const shouldInstrument = (rel: string) => rel.startsWith("src/models/");

  it("instruments the selected files, copies the rest, and skips unchanged ones", () => {
    expect(prepareInstrumentedTree(dist, mirror, shouldInstrument)).toEqual({
      instrumented: 1,
      copied: 1,
      unchanged: 0,
      removed: 0,
    });
    expect(readFileSync(join(mirror, "src", "models", "m.js"), "utf8")).toContain(
      "__dmafuzz_cov__",
    );
    expect(readFileSync(join(mirror, "src", "other.js"), "utf8")).toBe("export const other = 1;\n");
    expect(prepareInstrumentedTree(dist, mirror, shouldInstrument)).toEqual({
      instrumented: 0,
      copied: 0,
      unchanged: 2,
      removed: 0,
    });
    writeFileSync(join(dist, "src", "gone.js"), "export {};\n");
    prepareInstrumentedTree(dist, mirror, shouldInstrument);
    rmSync(join(dist, "src", "gone.js"));
    expect(prepareInstrumentedTree(dist, mirror, shouldInstrument).removed).toBe(1);
    expect(existsSync(join(mirror, "src", "gone.js"))).toBe(false);
  });

  it("reports (counter, bucket) features of one execution and zeroes the counters", async () => {
    prepareInstrumentedTree(dist, mirror, shouldInstrument);
    const url = pathToFileURL(join(mirror, "src", "models", "m.js")).href;
    const { pick } = (await import(/* @vite-ignore */ url)) as { pick: (x: number) => string };
    const feedback = new CoverageFeedback();
    feedback.reset();
    const out = new Uint32Array(feedback.counterCount);
    const features = (): number[] =>
      [...out.subarray(0, feedback.collect(out))].sort((a, b) => a - b);

    expect(pick(0)).toBe("zero");
    const once = features();
    expect(once.length).toBeGreaterThan(0);
    expect(once.every((f) => f % 8 === 0)).toBe(true); // every counter hit once: bucket 0
    expect(features()).toEqual([]); // collect zeroed them

    for (let i = 0; i < 5; i++) pick(0);
    const fiveTimes = features();
    expect(fiveTimes.map((f) => f >> 3)).toEqual(once.map((f) => f >> 3));
    expect(fiveTimes.every((f) => f % 8 === 3)).toBe(true); // 4-7 hits

    pick(20);
    const big = features();
    expect(big).not.toEqual(once); // another branch arm
    expect(big.filter((f) => !once.includes(f)).length).toBeGreaterThan(0);
  });
});
