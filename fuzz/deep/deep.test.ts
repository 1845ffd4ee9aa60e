import { describe, expect, it } from "vitest";
import { loadSuite, SUITE_NAMES } from "../../bench/suites/registry.js";
import { listCommand } from "../../src/cli/list.js";
import { iovaModel } from "../../src/models/iova/index.js";
import { models } from "../../src/models/registry.js";
import { spec as iovaSpec } from "../targets/iova.fuzz.js";
import { type DeepBug, deepTarget, plantedMessage } from "./bug.js";
import { DEEP_BUGS, deepBugTarget } from "./index.js";

/** An input of the IOVA target: a header, then `allocs` 1-page allocations below 4 GiB. */
function iovaAllocs(allocs: number): Uint8Array {
  const data = new Uint8Array(8 * (1 + allocs));
  for (let i = 1; i <= allocs; i++) data.set([0, 0, 1, 0, 0, 0, 0, 0], 8 * i);
  return data;
}

describe("the deep-bug set", () => {
  it("has at least three bugs per model, real and planted, with unique ids", () => {
    for (const m of ["iova", "swiotlb", "pagealloc", "cma", "dmapool", "noncontig"])
      expect(DEEP_BUGS.filter((b) => b.model === m).length).toBeGreaterThanOrEqual(3);
    expect(new Set(DEEP_BUGS.map((b) => b.id)).size).toBe(DEEP_BUGS.length);
    expect(DEEP_BUGS.some((b) => b.kind === "real")).toBe(true);
    for (const b of DEEP_BUGS) {
      const kernel = models.find((m) => m.name === b.model)!.variants.map((v) => v.name);
      expect(kernel).toContain(b.base);
      if (b.kind === "planted") {
        expect(b.variant).toBe(`${b.base}+synthetic-${b.id.replace(/^deep-[a-z0-9]+-/, "")}`);
        expect(b.plant).toBeTypeOf("function");
      } else {
        expect(b.variant).toBe(b.base);
        expect(b.deep).toBeTypeOf("function");
      }
    }
  });

  it("never shows a synthetic variant in the model registry, dmafuzz list or a benchmark suite", async () => {
    const synthetic = DEEP_BUGS.filter((b) => b.kind === "planted").map((b) => b.variant);
    expect(synthetic.length).toBeGreaterThanOrEqual(6);
    const listed = listCommand(["--json"], {
      registry: models,
      env: {},
      packageRoot: "/",
      version: "test",
    }).stdout.join("\n");
    const suiteVariants = (await Promise.all(SUITE_NAMES.map(loadSuite))).flatMap(
      (s) => s.variants,
    );
    for (const v of synthetic) {
      expect(listed).not.toContain(v);
      expect(listed).not.toContain("synthetic");
      expect(suiteVariants).not.toContain(v);
      for (const m of models) expect(m.variants.map((x) => x.name)).not.toContain(v);
    }
  });

  it("reports a planted BUG_ON as a crash at its op, with the trace, and detects only that", () => {
    const bug: DeepBug = {
      id: "deep-test-third-alloc",
      model: "iova",
      kind: "planted",
      base: "v6.7",
      variant: "v6.7+synthetic-third-alloc",
      description: "test",
      reference: "test",
      budgetS: 1,
      plant: (model) =>
        (model as { iovaDomain: { tree: { size: number } } }).iovaDomain.tree.size > 3,
    };
    const target = deepTarget(bug as DeepBug<never, never, never>, iovaSpec as never);
    expect(target.variants).toEqual(["v6.7+synthetic-third-alloc"]);
    const quiet = target.run(iovaAllocs(2), target.defaultVariant);
    expect(quiet.finding).toBeNull();
    expect(target.detect(quiet)).toBe(false);
    const hit = target.run(iovaAllocs(5), target.defaultVariant);
    expect(hit.finding).toMatchObject({
      kind: "crash",
      message: plantedMessage(bug.id),
      opIndex: 3,
    });
    expect(hit.trace).toHaveLength(4);
    expect(target.detect(hit)).toBe(true);
    // The minimizer's replay sees the same crash.
    expect(target.replay(hit.trace, target.defaultVariant)?.message).toBe(plantedMessage(bug.id));
    expect(iovaModel.variants.map((v) => v.name)).not.toContain(target.defaultVariant);
  });

  it("counts a real bug only when its finding comes in a deep enough state", () => {
    const target = deepBugTarget("deep-iova-max32-stale-fragmented");
    expect(target.defaultVariant).toBe("v5.17");
    const shallow = { finding: null, trace: [] };
    expect(target.detect(shallow)).toBe(false);
    const run = target.run(iovaAllocs(3), "v5.17");
    expect(run.finding).toBeNull();
    expect(
      target.detect({
        ...run,
        finding: {
          kind: "spurious-failure",
          model: "iova",
          variant: "v5.17",
          opIndex: 3,
          site: "early-fail",
          message: "",
          evidence: {},
          canary: "iova-max32-stale",
        },
      }),
    ).toBe(false);
  });
});
