import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../sim/clock.js";
import { TraceError } from "../sim/jsonl.js";
import { Rng } from "../sim/rng.js";
import { type CmaAllocResult, type CmaOp, cmaModel } from "./cma/index.js";
import { wholeAreaPinned } from "./cma/scenarios.js";
import { clearPolicies, PolicyError } from "./policy.js";
import { loadPolicyFiles } from "./policy-load.js";

const FIXTURES = "src/models/policy-fixtures";

function lastAlloc(variant: string, ops: CmaOp[]): CmaAllocResult {
  const model = cmaModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  let result: unknown;
  for (const op of ops) result = model.apply(op);
  return result as CmaAllocResult;
}

afterEach(() => clearPolicies());

describe("loading policy modules", () => {
  it("registers a module's policy as a variant of its model", async () => {
    const [policy] = await loadPolicyFiles(["examples/policies/cma-backoff-deadline.mjs"]);
    expect(policy).toMatchObject({ name: "cma-backoff-deadline", model: "cma", base: "fail-fast" });
    expect(
      cmaModel.create("cma-backoff-deadline", { clock: new VirtualClock(), rng: Rng.seeded(1) })
        .variant,
    ).toBe("cma-backoff-deadline");
  });

  it.each([
    ["syntax-error.mjs", /syntax-error\.mjs:\d+: the module does not load: /],
    ["no-export.mjs", /no-export\.mjs:0: the module must export a policy object/],
    ["unknown-hook.mjs", /unknown cma hook "cma_retry" \(known: cma_alloc, cma_alloc_busy\)/],
    ["missing.mjs", /missing\.mjs:0: no such file/],
  ])("%s is bad input naming the file and the reason", async (file, message) => {
    const error = await loadPolicyFiles([`${FIXTURES}/${file}`]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceError);
    expect((error as Error).message).toMatch(message);
  });
});

describe("cma policies", () => {
  it("a copy of retry-5x100ms in a file gives the built-in's results, pin mix by pin mix", async () => {
    await loadPolicyFiles([`${FIXTURES}/retry-copy.mjs`, `${FIXTURES}/nofail-copy.mjs`]);
    for (const kind of ["transient", "longterm"] as const) {
      const trace = wholeAreaPinned(kind);
      expect(lastAlloc("retry-copy", trace)).toEqual(lastAlloc("retry-5x100ms", trace));
      expect(lastAlloc("nofail-copy", trace)).toEqual(lastAlloc("nofail", trace));
    }
  });

  it("the backoff-with-deadline example rides out a transient pin and gives up on a long-term one", async () => {
    await loadPolicyFiles(["examples/policies/cma-backoff-deadline.mjs"]);
    const transient = lastAlloc("cma-backoff-deadline", wholeAreaPinned("transient"));
    expect(transient.outcome).toBe("ok");
    expect(transient.latencyNs).toBeLessThan(50e6);
    const longterm = lastAlloc("cma-backoff-deadline", wholeAreaPinned("longterm"));
    expect(longterm).toMatchObject({ outcome: "fail", ret: -16 });
    expect(longterm.latencyNs).toBeGreaterThanOrEqual(1e9);
    expect(longterm.latencyNs).toBeLessThan(1.3e9);
  });

  it.each([
    ["throws.mjs", "cma_alloc", /threw: out of ideas/],
    ["garbage.mjs", "cma_alloc", /must return false or a sleep in milliseconds .* got -5/],
    ["wall-clock.mjs", "cma_alloc", /threw: Date\.now\(\) is not allowed in a policy hook/],
  ])(
    "%s: the hook's fault is a PolicyError with the hook and its arguments",
    async (file, hook, reason) => {
      const [policy] = await loadPolicyFiles([`${FIXTURES}/${file}`]);
      const error = (() => {
        try {
          lastAlloc(policy!.name, wholeAreaPinned("longterm"));
        } catch (e) {
          return e;
        }
      })() as PolicyError;
      expect(error).toBeInstanceOf(PolicyError);
      expect(error.hook).toBe(hook);
      expect(error.reason).toMatch(reason);
      expect(error.args).toMatchObject({ count: expect.any(Number), busy_longterm: 1 });
      if (file === "throws.mjs") expect(error.userStack).toContain("throws.mjs");
      expect(Date.now).not.toThrow();
      expect(Math.random).not.toThrow();
    },
  );
});
