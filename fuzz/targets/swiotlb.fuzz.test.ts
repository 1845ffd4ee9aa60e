import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CANARIES } from "../../src/oracles/canaries.js";
import { findingSignature } from "../../src/oracles/finding.js";
import { packageGoldenDir, thisPackage } from "../../src/paths.js";
import { readJsonlFile } from "../../src/sim/jsonl.js";
import { Rng } from "../../src/sim/rng.js";
import { SWIOTLB_RECORD_BYTES } from "./swiotlb-decode.js";
import { target } from "./swiotlb.fuzz.js";

const golden = join(packageGoldenDir(thisPackage().root), "swiotlb");
const ops = (file: string) => readJsonlFile(join(golden, file)).map((r) => r.fields);
const INIT = { op: "init", nslabs: 1024, nareas: 2, start: 3392172032, page_size: 4096 };
const map = (size: number, extra: Record<string, number> = {}) => ({
  op: "map",
  orig: 0x1_0000_0000,
  size,
  alloc_size: size,
  alloc_align_mask: 0,
  min_align_mask: 0,
  cpu: 0,
  ...extra,
});

describe("swiotlb oracles on known reproducers", () => {
  it("the overlap oracle fires on v6.8 in adversarial-06 and never on v6.9", () => {
    const buggy = target.replay(ops("adversarial-06-coherent-order-alignment.buggy.jsonl"), "v6.8");
    expect(buggy?.kind).toBe("overlap");
    const fixed = target.replay(ops("adversarial-06-coherent-order-alignment.fixed.jsonl"), "v6.9");
    expect(fixed?.kind).not.toBe("overlap");
  });

  it("swiotlb-oversize-mapping fires on a 512 KiB mapping into an empty pool, on both versions", () => {
    for (const variant of ["v6.8", "v6.9"]) {
      const f = target.replay([INIT, map(524288)], variant);
      expect(f && findingSignature(f), variant).toBe("swiotlb-oversize-mapping");
      expect(f?.evidence).toMatchObject({ warning: { kind: "full" } });
    }
    // Exactly 256 KiB fits one segment: no finding.
    expect(target.replay([INIT, map(262144)], "v6.9")).toBeNull();
  });

  it("a mapping that keeps its min_align_mask offset passes; the reference finds no spurious failure on a full pool", () => {
    const nvme = map(8192, { min_align_mask: 0xfff, orig: 0x1_0000_0a00 });
    expect(target.replay([INIT, nvme], "v6.9")).toBeNull();
    // Fill the 1024-slot pool with 256 KiB mappings (8 segments), then one more fails legitimately.
    const fill = Array.from({ length: 8 }, (_, i) => map(262144, { cpu: i }));
    const f = target.replay([INIT, ...fill, map(2048)], "v6.9");
    expect(f && findingSignature(f)).toBe("warning:swiotlb@v6.9:full");
  });
});

describe("the swiotlb fuzz target", () => {
  it("decodes any bytes into a valid run, and v6.9 never shows overlap, misalignment or broken accounting", () => {
    const rng = Rng.seeded(4242);
    const kinds = new Map<string, number>();
    for (const variant of ["v6.8", "v6.9"]) {
      for (let n = 0; n < 400; n++) {
        const data = Uint8Array.from({ length: SWIOTLB_RECORD_BYTES * rng.int(1, 80) }, () =>
          rng.int(0, 255),
        );
        const { finding, trace } = target.run(data, variant);
        expect(trace[0]).toMatchObject({ op: "init" });
        if (finding)
          kinds.set(
            `${variant} ${finding.kind}`,
            (kinds.get(`${variant} ${finding.kind}`) ?? 0) + 1,
          );
        if (variant === "v6.9")
          expect(["overlap", "mask-violation", "accounting"]).not.toContain(finding?.kind);
      }
    }
    // Random inputs reach the oversize and full-pool warnings on both versions.
    expect(kinds.get("v6.9 warning")).toBeGreaterThan(0);
  });
});

describe("the swiotlb fuzz target on the dynamic designs", () => {
  it("random inputs: each canary stays silent where it must, and the dynamic designs never overlap or lose accounting", () => {
    const rng = Rng.seeded(77);
    const fired = new Map<string, number>();
    for (const variant of ["v6.9", "v6.9-dynamic", "rfc-v1"]) {
      for (let n = 0; n < 150; n++) {
        const data = Uint8Array.from({ length: SWIOTLB_RECORD_BYTES * rng.int(2, 60) }, () =>
          rng.int(0, 255),
        );
        const { finding } = target.run(data, variant);
        const canary = finding?.canary;
        if (canary) fired.set(`${variant} ${canary}`, (fired.get(`${variant} ${canary}`) ?? 0) + 1);
        expect(["overlap", "mask-violation", "accounting", "out-of-range"]).not.toContain(
          finding?.kind,
        );
        for (const c of CANARIES.filter(
          (k) => k.model === "swiotlb" && k.silentOn.includes(variant),
        ))
          expect(canary, `${variant} ${n}`).not.toBe(c.id);
      }
    }
    // Blind random inputs already reach the RFC's I/O-path allocation.
    expect(fired.get("rfc-v1 swiotlb-rfc-sleeping-alloc-in-io-path")).toBeGreaterThan(0);
  });
});
