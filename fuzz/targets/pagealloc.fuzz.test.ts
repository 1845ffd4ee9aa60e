import { describe, expect, it } from "vitest";
import { findingSignature } from "../../src/oracles/finding.js";
import { Rng } from "../../src/sim/rng.js";
import { PAGEALLOC_RECORD_BYTES } from "./pagealloc-decode.js";
import { target } from "./pagealloc.fuzz.js";

/** Spec 1.8 mechanism A: a fragmented 1 GiB x86_64 zone, then a costly NOIO MAYFAIL request. */
function mechanismA(gfp: string): Record<string, unknown>[] {
  return [
    { op: "boot", layout: "x86_64", ram_mib: 1024, swap_mib: 0, cma_mib: 0, hang_ms: 120000 },
    { op: "fill", what: "anon", pages: 1 << 20, pid: 1 },
    { op: "release", what: "anon", pid: 1, stride: 64, keep: 0 },
    // Take every free order-7 block (14 on this layout; the extra requests fail quietly).
    ...Array.from({ length: 16 }, () => ({
      op: "alloc",
      order: 7,
      gfp: "GFP_NOIO|__GFP_NORETRY|__GFP_NOWARN",
      comm: "x",
      worker: false,
    })),
    { op: "scope", noio: true, nofs: false },
    { op: "alloc", order: 7, gfp, comm: "kworker/u8:3", worker: true },
  ];
}

describe("page allocator oracles on known reproducers", () => {
  it("pagealloc-noio-costly-hang fires on v6.6 and v6.8 fails the request instead", () => {
    const trace = mechanismA("GFP_KERNEL|__GFP_RETRY_MAYFAIL|__GFP_NOWARN");
    const f = target.replay(trace, "v6.6");
    expect(f && findingSignature(f)).toBe("pagealloc-noio-costly-hang");
    expect(f?.opIndex).toBe(trace.length - 1);
    expect(target.replay(trace, "v6.8")).toBeNull();
  });

  it("the IOMMU-style backoff (NORETRY) never hangs on either variant", () => {
    const trace = mechanismA("GFP_KERNEL|__GFP_NORETRY|__GFP_NOWARN");
    for (const variant of ["v6.6", "v6.8"])
      expect(target.replay(trace, variant), variant).toBeNull();
  });
});

describe("the page allocator fuzz target", () => {
  it("decodes any bytes into a valid run, and the canary never fires on v6.8", () => {
    const rng = Rng.seeded(77);
    for (let n = 0; n < 25; n++) {
      const data = Uint8Array.from({ length: PAGEALLOC_RECORD_BYTES * rng.int(1, 24) }, () =>
        rng.int(0, 255),
      );
      const { finding, trace } = target.run(data, "v6.8");
      expect(trace[0]).toMatchObject({ op: "boot" });
      expect(finding?.canary).toBeUndefined();
      expect(finding?.kind).not.toBe("invariant");
    }
  });
});
