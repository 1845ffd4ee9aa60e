import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createInstrumenter } from "istanbul-lib-instrument";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/rng.js";
import { counterLayout, DROPPED } from "./counters.js";
import { CoverageFeedback } from "./coverage.js";
import { loadTarget } from "./load-target.js";
import { Mutator } from "./mutate.js";

/** Straight runs, early returns, loops, arms without braces, an arrow body, a switch, a class. */
const SOURCE = `export function walk(xs, limit = 3) {
  let n = 0;
  const seen = [];
  for (const x of xs) {
    if (x > limit) return -1;
    if (x === 0) continue;
    n += x;
    seen.push(x);
  }
  switch (n % 3) {
    case 0:
      n++;
      n++;
      break;
    default:
      n--;
  }
  const twice = (v) => v * 2;
  try {
    if (n > 5) throw new Error("big");
    n = twice(n);
  } catch {
    n = -2;
  }
  return n > 0 ? n : (seen.length && -seen.length);
}
export class Box {
  items = [];
  size = 0;
  put(x) {
    this.items.push(x);
    this.size++;
    return this;
  }
}
`;

const CALLS: number[][] = [[], [1], [0, 2], [4], [1, 1, 1], [3, 3], [0, 0, 0], [2, 1, 3]];

interface BoxLike {
  put(x: number): BoxLike;
}

/** Loads istanbul's output for SOURCE and runs it on CALLS. */
async function runInstrumented(code: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "dmafuzz-counters-"));
  writeFileSync(join(dir, "walk.mjs"), code);
  const url = pathToFileURL(join(dir, "walk.mjs")).href;
  const module = (await import(/* @vite-ignore */ url)) as {
    walk: (xs: number[]) => number;
    Box: new () => BoxLike;
  };
  for (const xs of CALLS) module.walk(xs);
  new module.Box().put(1).put(2);
  rmSync(dir, { recursive: true, force: true });
}

describe("the counter rewrite", () => {
  it("keeps istanbul's counts for kept counters; dropped statements repeat a kept count", async () => {
    const instrumenter = createInstrumenter({
      esModules: true,
      coverageVariable: "__dmafuzz_counters_test__",
      compact: true,
      produceSourceMap: false,
    });
    const code = instrumenter.instrumentSync(SOURCE, "walk.js");
    const coverage = instrumenter.lastFileCoverage();
    const layout = counterLayout(code, coverage, SOURCE, "walk.js");
    await runInstrumented(code);
    const counts = (globalThis as Record<string, unknown>).__dmafuzz_counters_test__ as Record<
      string,
      { s: Record<string, number>; f: Record<string, number>; b: Record<string, number[]> }
    >;
    const { s, f, b } = counts["walk.js"]!;
    // Kept counters map one to one onto layout slots.
    const kept = new Map<number, number>();
    Object.entries(s).forEach(([id, n]) => {
      const at = layout.statement[Number(id)]!;
      if (at !== DROPPED) kept.set(at, n);
    });
    Object.entries(f).forEach(([id, n]) => kept.set(layout.fn[Number(id)]!, n));
    Object.entries(b).forEach(([id, arms]) =>
      arms.forEach((n, arm) => kept.set(layout.branch[Number(id)]![arm]!, n)),
    );
    expect(kept.size).toBe(layout.size);
    expect([...kept.keys()].sort((x, y) => x - y)).toEqual([...Array(layout.size).keys()]);
    // Some statements are dropped, and each one's count is a count some kept counter has.
    const dropped = Object.keys(s).filter((id) => layout.statement[Number(id)] === DROPPED);
    expect(dropped.length).toBeGreaterThan(4);
    const keptCounts = new Set(kept.values());
    for (const id of dropped) expect(keptCounts, `statement ${id}`).toContain(s[id]);
    // A statement after a possible early exit in the loop is kept (`n += x` after `continue`).
    const after = Object.entries(coverage.statementMap).find(
      ([, loc]) => loc.start.line === 7,
    )?.[0];
    expect(layout.statement[Number(after)]).not.toBe(DROPPED);
  });

  it("reads only functions that ran, and leaves no counter set after collect (IOVA target)", async () => {
    const { target } = await loadTarget("iova");
    const feedback = new CoverageFeedback();
    feedback.reset();
    const mutator = new Mutator(Rng.seeded(4), { opBytes: target.opBytes, maxLength: 256 });
    const out = new Uint32Array(1 << 16);
    const strays = feedback.strays;
    for (let i = 0; i < 1100; i++) {
      target.run(mutator.random(), "v6.7");
      expect(feedback.collect(out)).toBeGreaterThan(0);
    }
    // 1100 collects include a full sweep: nothing was counted outside a function that ran.
    expect(feedback.strays).toBe(strays);
  });
});
