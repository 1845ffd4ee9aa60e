import { describe, expect, it } from "vitest";
import { freshContext } from "../../fuzz/targets/model-target.js";
import { target } from "../../fuzz/targets/noncontig.fuzz.js";
import { noncontigModel } from "../models/noncontig/index.js";
import type { BufferResult, NoncontigModel } from "../models/noncontig/model.js";
import { NoncontigOracle } from "./noncontig.js";

describe("the noncontig mask oracle and Xen PV coherent chunks", () => {
  it("the campaign's xen-pv@v6.8 mask-violation reproducer is clean now", () => {
    // Minimized by a 60 s campaign: one page for a 24-bit device lands above 16 MiB (pfn 128004).
    const trace = [
      { op: "device", iommu: "none", mask_bits: 24 },
      { op: "snd_alloc", pages: 1, comm: "fuzz", worker: true },
    ];
    for (const variant of ["xen-pv@v6.8", "xen-pv@v6.6"])
      expect(target.replay(trace, variant), variant).toBeNull();
  });

  /** A successful fallback buffer of one chunk at `pfn` for a 24-bit non-IOMMU device. */
  function fallbackBuffer(pfn: number, xenMachine: boolean): BufferResult {
    return {
      kind: "buffer",
      op: "snd_alloc",
      outcome: "ok",
      id: 0,
      path: "fallback",
      pages: 1,
      device: { iommu: "none", maskBits: 24 },
      chunks: [{ pfn, pages: 1, order: 0, ...(xenMachine ? { xenMachine: true as const } : {}) }],
      calls: [],
      leaked: [],
      latencyNs: 0,
      rejected: null,
    };
  }

  it("still reports a physically addressed chunk beyond the mask, and not a Xen machine-addressed one", () => {
    const model = noncontigModel.create("upstream@v6.8", freshContext()) as NoncontigModel;
    const op = { op: "snd_alloc", pages: 1, comm: "k", worker: true } as const;
    const oracle = new NoncontigOracle(model);
    expect(oracle.check(op, fallbackBuffer(4096, false), 3)).toMatchObject({
      kind: "mask-violation",
      site: "fallback-mask",
      opIndex: 3,
    });
    expect(new NoncontigOracle(model).check(op, fallbackBuffer(4096, true), 3)).toBeNull();
    expect(new NoncontigOracle(model).check(op, fallbackBuffer(4095, false), 3)).toBeNull();
  });
});

describe("noncontig hangs name the page allocator's loop", () => {
  it("an order-0 GFP_KERNEL direct request in a NOIO scope: out_of_memory's progress without a kill", () => {
    // Minimized by the same xen-pv@v6.8 campaign (dma_alloc_noncontiguous, no IOMMU).
    const trace = [
      { op: "boot", layout: "x86_64", ram_mib: 512, swap_mib: 0, cma_mib: 0, hang_ms: 120000 },
      { op: "fill", what: "anon", pages: 65536, pid: 1 },
      { op: "scope", noio: true, nofs: false },
      { op: "fill", what: "anon", pages: 98304, pid: 2 },
      {
        op: "noncontig_alloc",
        pages: 1,
        gfp: "GFP_KERNEL",
        single_pages: false,
        comm: "k",
        worker: false,
      },
    ];
    for (const variant of ["xen-pv@v6.8", "upstream@v6.6"]) {
      const f = target.replay(trace, variant);
      expect(f, variant).toMatchObject({
        kind: "hang",
        site: "noncontig_alloc-direct-nofs-oom-progress",
      });
      expect(f?.canary).toBeUndefined();
      expect(f?.message).toContain("its order-0 page request: kernel behaviour, not a model bug");
      expect(f?.evidence).toMatchObject({ cause: "nofs-oom-progress", kernelBehaviour: true });
    }
  });
});
