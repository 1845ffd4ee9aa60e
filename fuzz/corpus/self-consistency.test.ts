import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonlFile } from "../../src/sim/jsonl.js";
import { target as pagealloc } from "../targets/pagealloc.fuzz.js";

// Traces on which a model once failed itself (fuzz/corpus/self/<model>@<variant>-<what>.jsonl),
// found by campaigns on fixed variants: each must replay to the kernel's behaviour, never to an
// invariant, accounting, crash or timeout finding of the model.
const trace = (file: string) =>
  readJsonlFile(join(import.meta.dirname, "self", file)).map((r) => r.fields);

describe("pagealloc@v6.8 self-consistency regressions", () => {
  it("a freed highatomic block and its buddy stay apart after the block is retyped, as in the kernel", () => {
    // GFP_ATOMIC order 9 reserves the block as highatomic; its free does not merge it with its
    // unmovable buddy; the NOFAIL allocation's unreserve_highatomic_pageblock retypes it
    // without merging. The model's check once called that a defect.
    expect(
      pagealloc.replay(trace("pagealloc@v6.8-highatomic-buddies-apart.jsonl"), "v6.8"),
    ).toBeNull();
  });

  it("a NOFAIL retry loop whose compaction deferral cycles every 64 passes is a hang, not a spin", () => {
    // Each pass reclaims 32 pages that others take; compact_considered restarts every 64 passes,
    // so no two passes in a row had the same counts and the loop ran 1.3 million passes (about
    // three minutes of real time) to the 120 s bound: a timeout finding with an empty trace.
    const finding = pagealloc.replay(trace("pagealloc@v6.8-nofail-deferral-cycle.jsonl"), "v6.8");
    expect(finding).toMatchObject({ kind: "hang", opIndex: 10 });
    expect(finding?.evidence).toMatchObject({ cause: "nofail", kernelBehaviour: true });
    expect(finding?.evidence.latencyNs).toBeGreaterThanOrEqual(120e9);
  });
});
