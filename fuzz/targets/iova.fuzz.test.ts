import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IOVA_VARIANTS } from "../../src/models/iova/variants.js";
import { CANARIES } from "../../src/oracles/canaries.js";
import { FindingError, findingSignature } from "../../src/oracles/finding.js";
import { packageGoldenDir, thisPackage } from "../../src/paths.js";
import { readJsonlFile } from "../../src/sim/jsonl.js";
import { Rng } from "../../src/sim/rng.js";
import { IOVA_RECORD_BYTES } from "./iova-decode.js";
import { fuzz, target } from "./iova.fuzz.js";

const golden = join(packageGoldenDir(thisPackage().root), "iova");
const goldenOps = (file: string) => readJsonlFile(join(golden, file)).map((r) => r.fields);

/** Spec A.6: the 8-step reproducer, as a trace. */
const A6 = [
  { op: "init", granule: 4096, start_pfn: 0x40000 },
  ...[0x40000, 0x20000, 0x20000, 0x40000].map((size) => ({
    op: "alloc",
    size,
    limit_pfn: 0xfffff,
    aligned: true,
  })),
  { op: "free", pfn: 0xa0000 },
  { op: "alloc", size: 0x40000, limit_pfn: 0xfffff, aligned: true },
  { op: "free", pfn: 0x80000 },
  { op: "alloc", size: 0x40000, limit_pfn: 0xfffff, aligned: true },
];

const canary = CANARIES.find((c) => c.id === "iova-max32-stale");

describe("IOVA oracles on known reproducers", () => {
  it("iova-max32-stale fires at step 8 of spec A.6 on every pre-fix variant, never after the fix", () => {
    for (const variant of canary?.firesOn ?? []) {
      const f = target.replay(A6, variant);
      expect(f?.canary, variant).toBe("iova-max32-stale");
      expect(f?.opIndex).toBe(8);
      expect(f?.evidence).toMatchObject({ failure: "early-fail", hole: 0x80000 });
    }
    for (const variant of canary?.silentOn ?? [])
      expect(target.replay(A6, variant), variant).toBeNull();
  });

  it("iova-max32-stale fires on the 0x731f report at op 671 (v5.17) and the fixed kernel stays clean", () => {
    const pre = target.replay(goldenOps("report-731f.pre.jsonl"), "v5.17");
    expect(pre && findingSignature(pre)).toBe("iova-max32-stale");
    expect(pre?.opIndex).toBe(671);
    expect(target.replay(goldenOps("report-731f.post.jsonl"), "v5.18")).toBeNull();
  });

  it("the retry-overflow IOVA below start_pfn is an out-of-range finding until v6.2", () => {
    const trace = goldenOps("edge-01-retry-overflow.pre.jsonl");
    for (const variant of ["v5.12", "v5.17", "v5.18"]) {
      const f = target.replay(trace, variant);
      expect(f && findingSignature(f), variant).toBe(
        `out-of-range:iova@${variant}:below-start-pfn`,
      );
      expect(f?.opIndex).toBe(1);
    }
    // From v6.2 that request fails, and a later one with a narrower limit lowers max32 for all
    // 32-bit requests: the estimate ignores the limit in every version, a real spurious early fail.
    for (const variant of ["v6.2", "v6.7"]) {
      const f = target.replay(trace, variant);
      expect(f && findingSignature(f), variant).toBe(`spurious-failure:iova@${variant}:early-fail`);
      expect(f?.opIndex).toBe(7);
    }
  });

  it("v5.10's missing retry shows as a spurious walk failure: space above the cached node is never searched", () => {
    // A device with a narrower mask fills [start, 0x7ffff] and leaves cached32_node there; the
    // next 32-bit request walks down from it only.
    const trace = [
      { op: "init", granule: 4096, start_pfn: 0x40000 },
      { op: "alloc", size: 0x40000, limit_pfn: 0x7ffff, aligned: true },
      { op: "alloc", size: 0x1000, limit_pfn: 0xfffff, aligned: true },
    ];
    const f = target.replay(trace, "v5.10");
    expect(f && findingSignature(f)).toBe("spurious-failure:iova@v5.10:walk-fail");
    for (const variant of ["v5.12", "v5.18", "v6.7"])
      expect(target.replay(trace, variant), variant).toBeNull();
  });
});

describe("the IOVA fuzz target", () => {
  it("decodes any bytes into a valid run: random inputs never crash, and fixed variants raise no canary", () => {
    const rng = Rng.seeded(31337);
    for (const variant of IOVA_VARIANTS.map((v) => v.name)) {
      for (let n = 0; n < 300; n++) {
        const data = Uint8Array.from({ length: IOVA_RECORD_BYTES * rng.int(1, 60) }, () =>
          rng.int(0, 255),
        );
        const { finding, trace } = target.run(data, variant);
        expect(trace[0]).toMatchObject({ op: "init" });
        if (finding?.canary) expect(canary?.firesOn).toContain(variant);
        expect(finding?.kind).not.toBe("invariant");
      }
    }
  });

  it("fuzz(data) throws a FindingError carrying the replayable trace (A.6 as bytes)", () => {
    // Record layout: kind, size shape, size value (u16), limit, aligned, cpu. Kind 0 = alloc,
    // shape 1 = 2^value, limit 0 = 0xfffff, aligned when byte 5 % 4 != 0; kind 6 = free(handle).
    const alloc = (log2: number) => [0, 1, log2, 0, 0, 1, 0, 0];
    const free = (handle: number) => [6, handle, 0, 0, 0, 0, 0, 0];
    const header = [0, 3, 0, 0, 0, 0, 0, 0]; // start_pfn 0x40000, 4 CPUs
    const steps = [
      alloc(18),
      alloc(17),
      alloc(17),
      alloc(18),
      free(1),
      alloc(18),
      free(1),
      alloc(18),
    ];
    const data = Buffer.from([...header, ...steps.flat()]);
    const thrown = (variant: string): unknown => {
      process.env.DMAFUZZ_VARIANT = variant;
      try {
        fuzz(data);
        return null;
      } catch (error) {
        return error;
      } finally {
        delete process.env.DMAFUZZ_VARIANT;
      }
    };
    const error = thrown("v5.17");
    expect(error).toBeInstanceOf(FindingError);
    const { finding, trace } = error as FindingError;
    expect(finding.canary).toBe("iova-max32-stale");
    expect(trace.slice(1, 9)).toEqual(A6.slice(1));
    expect(target.replay(trace, "v5.17")?.canary).toBe("iova-max32-stale");
    expect(thrown("v5.18")).toBeNull();
  });
});
