import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policyVariants } from "../../src/models/policies.js";
import { clearPolicies } from "../../src/models/policy.js";
import { loadPolicyFiles } from "../../src/models/policy-load.js";
import { findingSignature } from "../../src/oracles/finding.js";
import { Rng } from "../../src/sim/rng.js";
import type { FuzzTarget } from "../engine/target.js";
import { target as cma } from "./cma.fuzz.js";
import { target as noncontig } from "./noncontig.fuzz.js";
import { target as pagealloc } from "./pagealloc.fuzz.js";

const DIR = "examples/policies";
const EXAMPLES = readdirSync(DIR).filter((f) => f.endsWith(".mjs"));
const TARGETS: Record<string, FuzzTarget> = { cma, noncontig, pagealloc };

/** Spec 1.8 mechanism A (as in pagealloc.fuzz.test.ts): a costly NOIO MAYFAIL request. */
const MECHANISM_A = [
  { op: "boot", layout: "x86_64", ram_mib: 1024, swap_mib: 0, cma_mib: 0, hang_ms: 120000 },
  { op: "fill", what: "anon", pages: 1 << 20, pid: 1 },
  { op: "release", what: "anon", pid: 1, stride: 64, keep: 0 },
  ...Array.from({ length: 16 }, () => ({
    op: "alloc",
    order: 7,
    gfp: "GFP_NOIO|__GFP_NORETRY|__GFP_NOWARN",
    comm: "x",
    worker: false,
  })),
  { op: "scope", noio: true, nofs: false },
  {
    op: "alloc",
    order: 7,
    gfp: "GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN",
    comm: "kworker/u8:3",
    worker: true,
  },
];

beforeAll(async () => {
  await loadPolicyFiles(EXAMPLES.map((f) => `${DIR}/${f}`));
});
afterAll(() => clearPolicies());

describe("examples/policies", () => {
  it("has one example per model with policy hooks", () => {
    for (const model of Object.keys(TARGETS))
      expect(
        EXAMPLES.some((f) => f.startsWith(model === "noncontig" ? "alsa" : model)),
        model,
      ).toBe(true);
  });

  it.each(Object.keys(TARGETS))(
    "every %s example runs fuzz inputs without a policy error",
    (model) => {
      const target = TARGETS[model] as FuzzTarget;
      const variants = policyVariants(model);
      expect(variants.length).toBeGreaterThan(0);
      const rng = Rng.seeded(5);
      for (const variant of variants) {
        expect(target.variants).toContain(variant);
        for (let n = 0; n < 6; n++) {
          const data = Uint8Array.from({ length: target.opBytes * rng.int(4, 16) }, () =>
            rng.int(0, 255),
          );
          const { finding } = target.run(data, variant);
          expect(finding?.kind, variant).not.toBe("policy-error");
          expect(finding?.kind, variant).not.toBe("invariant");
        }
      }
    },
  );

  it("803de9000f33 as a policy on v6.6 removes v6.6's hang on mechanism A", () => {
    const hang = pagealloc.replay(MECHANISM_A, "v6.6");
    expect(hang && findingSignature(hang)).toBe("pagealloc-noio-costly-hang");
    expect(pagealloc.replay(MECHANISM_A, "pagealloc-803de9000f33")).toBeNull();
  });
});
