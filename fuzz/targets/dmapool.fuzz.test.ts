import { describe, expect, it } from "vitest";
import { findingSignature } from "../../src/oracles/finding.js";
import { Rng } from "../../src/sim/rng.js";
import { DMAPOOL_RECORD_BYTES } from "./dmapool-decode.js";
import { target } from "./dmapool.fuzz.js";

const kdump = [
  { op: "boot", layout: "x86_64-kdump", ram_mib: 256, coherent_pool_kib: 0 },
  { op: "alloc", pages: 1, gfp: "GFP_ATOMIC", mask_bits: 32, dev: "0000:00:1f.2" },
];

describe("the kdump-dma-pool-warn canary", () => {
  it("fires at boot on pre-has-managed-dma with the kernel's warn_alloc text", () => {
    const f = target.replay(kdump, "pre-has-managed-dma");
    expect(f && findingSignature(f)).toBe("kdump-dma-pool-warn");
    expect(f?.opIndex).toBe(0);
    expect(f?.message).toBe(
      "swapper/0: page allocation failure: order:5, mode:0xcc1(GFP_KERNEL|GFP_DMA), nodemask=(null)",
    );
  });

  it("never fires on has-managed-dma, and the 32-bit request is served inside the mask", () => {
    expect(target.replay(kdump, "has-managed-dma")).toBeNull();
  });

  it("is not a kdump-only artefact of the oracle: a normal x86_64 boot is clean on both variants", () => {
    const normal = [{ ...kdump[0], layout: "x86_64", ram_mib: 1024 }, kdump[1]!];
    for (const variant of ["pre-has-managed-dma", "has-managed-dma"])
      expect(target.replay(normal, variant)).toBeNull();
  });
});

describe("the dmapool fuzz target", () => {
  it("decodes any bytes into a valid run; no invariant, mask or overlap finding, no canary on the fix", () => {
    const rng = Rng.seeded(5);
    for (let n = 0; n < 40; n++) {
      const data = Uint8Array.from({ length: DMAPOOL_RECORD_BYTES * rng.int(1, 40) }, () =>
        rng.int(0, 255),
      );
      const { finding, trace } = target.run(data, "has-managed-dma");
      expect(trace[0]).toMatchObject({ op: "boot" });
      expect(finding?.canary).toBeUndefined();
      expect(["invariant", "mask-violation", "overlap"]).not.toContain(finding?.kind);
    }
  });
});
