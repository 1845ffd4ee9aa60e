import { describe, expect, it } from "vitest";
import { bootedModel } from "../models/pagealloc/model.fixture.js";
import { type PageallocModel } from "../models/pagealloc/index.js";
import { K_ANON, K_NONE, LRU_ANON } from "../models/pagealloc/zone.js";
import { PageallocOracle } from "./pagealloc.js";

/** A 256 MiB x86_64 machine, half of it anonymous memory of pid 1 with every 8th page freed. */
function fragmented(): PageallocModel {
  const m = bootedModel("v6.8", { ram_mib: 256 });
  m.apply({ op: "fill", what: "anon", pages: 32768, pid: 1 });
  m.apply({ op: "release", what: "anon", pid: 1, stride: 8, keep: 0 });
  return m;
}

/** The oracle's end-of-run verdict on `m` after `corrupt` changed one page word. */
function verdict(corrupt: (m: PageallocModel) => void): string | undefined {
  const m = fragmented();
  const oracle = new PageallocOracle(m);
  expect(oracle.invariants(0)).toBeNull();
  corrupt(m);
  const f = oracle.invariants(1);
  expect(f?.kind).toBe("invariant");
  return f?.message;
}

describe("the page allocator oracle's invariant check", () => {
  it("reports an allocated page in the middle of a run whose word lost its block", () => {
    const message = verdict((m) => {
      const z = m.mm.node.zones.find((zone) => zone.lruCount[LRU_ANON]! > 0)!;
      const i = z.next(z.next(z.lruHead[LRU_ANON]!)); // an order-0 anon page among others
      expect(z.kind(i)).toBe(K_ANON);
      z.setHead(i, K_NONE, 0);
    });
    expect(message).toMatch(/belongs to no block|allocated .* != managed/);
  });

  it("reports a free block's tail page marked as allocated", () => {
    const message = verdict((m) => {
      const z = m.mm.node.zones.find((zone) => zone.nrFree[10]! > 0)!;
      let i = -1;
      for (let mt = 0; mt < 6 && i < 0; mt++) if (!z.freeListEmpty(10, mt)) i = z.firstFree(10, mt);
      z.setHead(i + 517, K_ANON, 0);
    });
    expect(message).toMatch(/overlaps/);
  });

  it("reports an allocated page's order changed (its block now covers its neighbours)", () => {
    const message = verdict((m) => {
      const z = m.mm.node.zones.find((zone) => zone.lruCount[LRU_ANON]! > 0)!;
      const i = z.lruHead[LRU_ANON]!;
      z.setHead(i, K_ANON, 1);
    });
    expect(message).toBeDefined();
  });
});
