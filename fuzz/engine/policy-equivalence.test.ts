import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearPolicies } from "../../src/models/policy.js";
import { loadPolicyFiles } from "../../src/models/policy-load.js";
import { target as cma } from "../targets/cma.fuzz.js";
import { target as pagealloc } from "../targets/pagealloc.fuzz.js";
import { FuzzEngine } from "./engine.js";
import type { FuzzTarget } from "./target.js";

const FIXTURES = "src/models/policy-fixtures";

/** A seeded one-worker run of `runs` executions: its findings and corpus, variant left out. */
function campaign(target: FuzzTarget, variant: string, runs: number) {
  const findings: unknown[] = [];
  const engine = new FuzzEngine({
    target,
    variant,
    seed: 11,
    feedback: "state",
    maxInputBytes: 256,
    onFinding: ({ finding, execs }) => {
      const { kind, site, canary, opIndex, message } = finding;
      findings.push({ kind, site, canary, opIndex, message, execs });
    },
  });
  const stats = engine.runFor({ maxRuns: runs, maxTimeMs: 600_000 });
  return { findings, corpus: stats.corpusSize, features: stats.allFeatures };
}

beforeAll(async () => {
  await loadPolicyFiles([
    `${FIXTURES}/pagealloc-v6.8-copy.mjs`,
    `${FIXTURES}/retry-copy.mjs`,
    `${FIXTURES}/nofail-copy.mjs`,
  ]);
});
afterAll(() => clearPolicies());

describe("a built-in policy copied into a policy file", () => {
  it.each([
    [pagealloc, "v6.8", "v6.8-copy", 150],
    [cma, "retry-5x100ms", "retry-copy", 80],
    [cma, "nofail", "nofail-copy", 80],
  ] as const)(
    "%#: a seeded campaign finds the same as on the built-in",
    (target, builtin, copy, runs) => {
      const a = campaign(target, builtin, runs);
      const b = campaign(target, copy, runs);
      expect(b).toEqual(a);
    },
    300_000,
  );
});
