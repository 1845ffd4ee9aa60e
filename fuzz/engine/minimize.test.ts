import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/oracles/finding.js";
import { findingSignature } from "../../src/oracles/finding.js";
import { minimize } from "./minimize.js";

type Op = Record<string, unknown>;

const finding = (site: string): Finding => ({
  kind: "invariant",
  model: "synthetic",
  variant: "v",
  opIndex: 0,
  site,
  message: "",
  evidence: {},
});

/**
 * A synthetic target: the finding fires when the trace holds a "set a" op, later a "set b" op,
 * and later a "boom" op; any other op is noise. Traces without init are rejected.
 */
const target = {
  replays: 0,
  replay(trace: readonly Op[]): Finding | null {
    this.replays++;
    if (trace[0]?.op !== "init") throw new Error("no init");
    let state = 0;
    for (const op of trace.slice(1)) {
      if (op.op === "set" && op.v === "a" && state === 0) state = 1;
      else if (op.op === "set" && op.v === "b" && state === 1) state = 2;
      else if (op.op === "boom" && state === 2) return finding("abc");
      else if (op.op === "boom") return finding("early-boom");
    }
    return null;
  },
};

function noisyTrace(): Op[] {
  const trace: Op[] = [{ op: "init", n: 1 }];
  for (let i = 0; i < 40; i++) trace.push({ op: "noise", i });
  trace.push({ op: "set", v: "a" });
  for (let i = 40; i < 70; i++) trace.push({ op: "noise", i });
  trace.push({ op: "set", v: "b" });
  for (let i = 70; i < 90; i++) trace.push({ op: "noise", i });
  trace.push({ op: "boom" });
  return trace;
}

describe("minimize (ddmin)", () => {
  it("shrinks a failing trace to the minimal one, keeping init and the signature", () => {
    const signature = findingSignature(finding("abc"));
    const result = minimize(target, "v", noisyTrace(), signature);
    expect(result.reproduced).toBe(true);
    expect(result.trace).toEqual([
      { op: "init", n: 1 },
      { op: "set", v: "a" },
      { op: "set", v: "b" },
      { op: "boom" },
    ]);
    expect(result.replays).toBeLessThan(200);
  });

  it("never trades the signature for another finding", () => {
    // Dropping a "set" turns the finding into early-boom: that is not a reproduction.
    const result = minimize(target, "v", noisyTrace(), findingSignature(finding("abc")));
    expect(target.replay(result.trace)?.site).toBe("abc");
  });

  it("stays within the replay budget and returns the best trace so far", () => {
    const result = minimize(target, "v", noisyTrace(), findingSignature(finding("abc")), {
      maxReplays: 12,
    });
    expect(result.replays).toBeLessThanOrEqual(12);
    expect(target.replay(result.trace)?.site).toBe("abc");
    expect(result.trace.length).toBeLessThan(noisyTrace().length);
  });

  it("stops at its time budget with a trace that still reproduces", () => {
    // Replays that take 2 ms each against a 10 ms budget: a handful, not the thousands allowed.
    const slow = {
      replay(trace: readonly Op[]): Finding | null {
        const until = performance.now() + 2;
        while (performance.now() < until);
        return target.replay(trace);
      },
    };
    const result = minimize(slow, "v", noisyTrace(), findingSignature(finding("abc")), {
      maxMs: 10,
    });
    expect(result.replays).toBeLessThan(10);
    expect(target.replay(result.trace)?.site).toBe("abc");
  });

  it("returns the trace unchanged when it does not reproduce", () => {
    const trace = noisyTrace().slice(0, 10);
    const result = minimize(target, "v", trace, "whatever");
    expect(result).toEqual({ trace, replays: 1, reproduced: false });
  });
});
