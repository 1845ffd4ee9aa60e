import { beforeAll, describe, expect, it } from "vitest";
import { type EngineStats, type FeedbackMode, FuzzEngine } from "../engine/engine.js";
import { loadTarget } from "../engine/load-target.js";
import type { FuzzTarget } from "../engine/target.js";

// The engine runs the built toy target (vitest's global setup builds dist) through the
// instrumented mirror, as campaigns do.
const OVERLAP = "overlap:toy@planted:alloc-overlaps-live";
const ACCOUNTING = "accounting:toy@planted:free-slots-counter";
const BUDGET = { maxRuns: 200_000, maxTimeMs: 20_000 };
let target: FuzzTarget;

beforeAll(async () => {
  ({ target } = await loadTarget("toy"));
}, 120_000);

function fuzzToy(feedback: FeedbackMode, seed: number): EngineStats {
  let found = 0;
  const engine = new FuzzEngine({ target, seed, feedback, onFinding: () => found++ });
  const stats = engine.runFor({ ...BUDGET, shouldStop: () => found === 2 });
  const times = Object.entries(stats.timeToFirst).map(
    ([s, t]) => `${s}: ${t.execs} execs, ${Math.round(t.ms)} ms`,
  );
  console.log(
    `toy ${feedback} seed ${seed}: ${stats.execs} execs at ${stats.execPerSec}/s; ${times.join("; ")}`,
  );
  return stats;
}

describe("the engine on the toy allocator", () => {
  it("full feedback finds both planted bugs within 200k executions", () => {
    const stats = fuzzToy("full", 1);
    expect(Object.keys(stats.findings).sort()).toEqual([ACCOUNTING, OVERLAP]);
    expect(stats.codeFeatures).toBeGreaterThan(50); // coverage of the instrumented toy counts
    expect(stats.allFeatures).toBeGreaterThan(stats.codeFeatures); // and state features too
  }, 60_000);

  it("blind generation with the same budget finds fewer (it misses the fragmented-merge overlap)", () => {
    const stats = fuzzToy("none", 1);
    expect(stats.corpusSize).toBe(0);
    expect(stats.findings[OVERLAP]).toBeUndefined();
    expect(Object.keys(stats.findings).length).toBeLessThan(2);
  }, 60_000);
});
