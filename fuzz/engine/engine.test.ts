import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/oracles/finding.js";
import { FuzzEngine } from "./engine.js";
import type { FuzzTarget, StateFeatureSink } from "./target.js";

/**
 * A synthetic target without instrumented code: its only feedback is one state feature, the
 * length of the prefix of the input (after a 2-byte header) that spells "FUZZ". Spelling it all
 * is an invariant finding; a byte 0xEE after the header is a plain exception (a crash).
 */
function spellingTarget(): FuzzTarget & { runs: number } {
  const word = [0x46, 0x55, 0x5a, 0x5a];
  return {
    name: "spell",
    variants: ["only"],
    defaultVariant: "only",
    opBytes: 2,
    stateFeatures: ["prefix"],
    runs: 0,
    run(data: Uint8Array, variant: string, features?: StateFeatureSink) {
      this.runs++;
      if (data[2] === 0xee) throw new TypeError("boom");
      let n = 0;
      while (n < word.length && data[2 + n] === word[n]) n++;
      features?.add(0, n);
      const finding: Finding | null =
        n === word.length
          ? {
              kind: "invariant",
              model: "spell",
              variant,
              opIndex: 0,
              site: "fuzz",
              message: "",
              evidence: {},
            }
          : null;
      return { finding, trace: [{ op: "init" }, { op: "spell", n }] };
    },
    replay: () => null,
  };
}

describe("FuzzEngine (synthetic target, state feedback only)", () => {
  it("climbs state features to a finding that blind generation misses", () => {
    const guided = new FuzzEngine({
      target: spellingTarget(),
      seed: 1,
      feedback: "state",
      maxInputBytes: 16,
    });
    const blind = new FuzzEngine({
      target: spellingTarget(),
      seed: 1,
      feedback: "none",
      maxInputBytes: 16,
    });
    const g = guided.runFor({ maxRuns: 100_000 });
    const b = blind.runFor({ maxRuns: 100_000 });
    const signature = "invariant:spell@only:fuzz";
    expect(g.timeToFirst[signature]?.execs).toBeLessThan(100_000);
    expect(b.timeToFirst[signature]).toBeUndefined(); // 2^-32 per input
    expect(g.corpusSize).toBeGreaterThanOrEqual(4); // prefix 0..3 each kept once
    expect(b.corpusSize).toBe(0);
  });

  it("reports each signature once, counts every hit, and turns exceptions into crash findings", () => {
    const events: string[] = [];
    const engine = new FuzzEngine({
      target: spellingTarget(),
      seed: 2,
      feedback: "state",
      onFinding: (event) => events.push(event.signature),
    });
    engine.addSeed(Uint8Array.of(0, 0, 0x46, 0x55, 0x5a, 0x5a));
    engine.addSeed(Uint8Array.of(0, 0, 0x46, 0x55, 0x5a, 0x5a, 1));
    engine.addSeed(Uint8Array.of(0, 0, 0xee));
    engine.addSeed(Uint8Array.of(1, 1, 0xee));
    const stats = engine.runFor({ maxRuns: 4 });
    expect(stats.execs).toBe(4);
    expect(events).toHaveLength(2);
    expect(events[0]).toBe("invariant:spell@only:fuzz");
    expect(events[1]).toMatch(/^crash:spell@only:TypeError@/);
    expect(stats.findings).toEqual({ [events[0]!]: 2, [events[1]!]: 2 });
    expect(stats.timeToFirst[events[0]!]?.execs).toBe(1);
    expect(stats.timeToFirst[events[1]!]?.execs).toBe(3);
  });

  it("does not report signatures it is told are known, and stats accumulate across runs", () => {
    const events: string[] = [];
    const engine = new FuzzEngine({
      target: spellingTarget(),
      seed: 3,
      feedback: "full",
      knownSignatures: ["invariant:spell@only:fuzz"],
      onFinding: (event) => events.push(event.signature),
    });
    engine.addSeed(Uint8Array.of(0, 0, 0x46, 0x55, 0x5a, 0x5a));
    engine.runFor({ maxRuns: 10 });
    const stats = engine.runFor({ maxRuns: 15 });
    expect(events).toEqual([]);
    expect(stats.execs).toBe(25);
    expect(stats.findings["invariant:spell@only:fuzz"]).toBeGreaterThanOrEqual(1);
  });

  it("is deterministic for a seed and stops on maxTimeMs and shouldStop", () => {
    const run = () =>
      new FuzzEngine({ target: spellingTarget(), seed: 9, feedback: "state" }).runFor({
        maxRuns: 3000,
      });
    const a = run();
    const b = run();
    const execsToFirst = (stats: typeof a) =>
      Object.entries(stats.timeToFirst).map(([k, v]) => [k, v.execs]);
    expect(execsToFirst(a).length).toBeGreaterThan(0);
    expect([a.corpusSize, a.allFeatures, execsToFirst(a)]).toEqual([
      b.corpusSize,
      b.allFeatures,
      execsToFirst(b),
    ]);
    let polls = 0;
    const stopped = new FuzzEngine({ target: spellingTarget(), seed: 9, feedback: "state" }).runFor(
      {
        shouldStop: () => ++polls >= 50,
      },
    );
    expect(stopped.execs).toBe(50);
    const timed = new FuzzEngine({ target: spellingTarget(), seed: 9, feedback: "none" }).runFor({
      maxTimeMs: 50,
    });
    expect(timed.elapsedMs).toBeGreaterThanOrEqual(50);
    expect(timed.elapsedMs).toBeLessThan(5000);
  });

  it("rejects a variant the target does not have", () => {
    expect(
      () =>
        new FuzzEngine({ target: spellingTarget(), variant: "nope", seed: 1, feedback: "full" }),
    ).toThrow(/unknown variant 'nope'/);
  });
});
