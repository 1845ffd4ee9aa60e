import { describe, expect, it } from "vitest";
import { suite } from "./cma-pins.js";

const run = (variant: string, workload: string, seed: number, ops: number) =>
  suite.runJob({ suite: suite.name, variant, workload, seed, ops });

describe("cma-pins", () => {
  it("a job is deterministic in its seed and returns every metric and series", () => {
    const out = run("retry-5x100ms", "churn-high", 3, 4);
    expect(Object.keys(out.metrics).sort()).toEqual(suite.metrics.map((m) => m.key).sort());
    expect(out.series.latencyMs).toHaveLength(4);
    expect(run("retry-5x100ms", "churn-high", 3, 4)).toEqual(out);
    const successes = out.series.successes as [number, number][];
    expect(successes).toHaveLength(5);
    for (let i = 1; i < successes.length; i++) {
      const [t0, n0] = successes[i - 1] as [number, number];
      const [t1, n1] = successes[i] as [number, number];
      expect(t1).toBeGreaterThan(t0);
      expect(n1 - n0).toBeGreaterThanOrEqual(0);
      expect(n1 - n0).toBeLessThanOrEqual(1);
    }
    expect(successes.at(-1)?.[1]).toBe(Math.round(out.metrics.successRate! * 4));
  });

  it("spec 5: fail-fast fails on transient pins where the retry policies succeed", () => {
    let failFastFailures = 0;
    for (const seed of [1, 2]) {
      const base = run("fail-fast", "transient", seed, 16).metrics;
      failFastFailures += Math.round((1 - base.successRate!) * 16);
      expect(base.attemptsPerAlloc).toBe(1);
      for (const variant of ["retry-5x100ms", "nofail", "pin-wait"]) {
        const m = run(variant, "transient", seed, 16).metrics;
        expect(m, `${variant} seed ${seed}`).toMatchObject({ successRate: 1, hangRate: 0 });
      }
    }
    expect(failFastFailures).toBeGreaterThan(0);
  });

  it("spec 5: with a long-term pin nofail and pin-wait hang; fail-fast and retry fail in bounded time", () => {
    const m = (variant: string) => run(variant, "transient+longterm", 1, 2).metrics;
    expect(m("nofail")).toMatchObject({ hangRate: 1, successRate: 0 });
    expect(m("nofail").latencyP50Ms).toBeGreaterThanOrEqual(120_000);
    expect(m("pin-wait")).toMatchObject({ hangRate: 1, successRate: 0 });
    // One candidate (the whole area): one attempt per pass.
    expect(m("fail-fast")).toMatchObject({ hangRate: 0, successRate: 0, attemptsPerAlloc: 1 });
    const retry = m("retry-5x100ms");
    expect(retry).toMatchObject({ hangRate: 0, successRate: 0, attemptsPerAlloc: 6 });
    // (N + 1) passes of ~21 ms and N msleep(100) of 26 jiffies at HZ 250.
    expect(retry.latencyMaxMs).toBeLessThanOrEqual(6 * 25 + 5 * 104);
  });
});
