import { describe, expect, it } from "vitest";
import { wholeAreaPinned } from "../../src/models/cma/scenarios.js";
import { findCanary } from "../../src/oracles/canaries.js";
import { findingSignature } from "../../src/oracles/finding.js";
import { Rng } from "../../src/sim/rng.js";
import { CMA_RECORD_BYTES } from "./cma-decode.js";
import { target } from "./cma.fuzz.js";

const records = (ops: ReturnType<typeof wholeAreaPinned>) => ops.map((op) => ({ ...op }));

describe("CMA oracles on the spec's reproducers", () => {
  it("cma-nofail-longterm-hang fires on nofail; the other policies never report it", () => {
    const trace = records(wholeAreaPinned("longterm"));
    const f = target.replay(trace, "nofail");
    expect(f && findingSignature(f)).toBe("cma-nofail-longterm-hang");
    expect(f?.opIndex).toBe(trace.length - 1);
    expect(target.replay(trace, "fail-fast")).toBeNull();
    expect(target.replay(trace, "retry-5x100ms")).toBeNull();
    // pin-wait hangs too (spec 5), by sleeping on the pin: a hang of its own, not the canary.
    const wait = target.replay(trace, "pin-wait");
    expect(wait).toMatchObject({ kind: "hang", site: "pin-wait-longterm" });
    expect(wait?.canary).toBeUndefined();
  });

  it("cma-transient-ebusy fires on fail-fast and is confirmed by replay; the retrying policies succeed", () => {
    const trace = records(wholeAreaPinned("transient"));
    const f = target.replay(trace, "fail-fast");
    expect(f && findingSignature(f)).toBe("cma-transient-ebusy");
    expect(f?.kind).toBe("spurious-failure");
    for (const variant of ["retry-5x100ms", "nofail", "pin-wait"])
      expect(target.replay(trace, variant), variant).toBeNull();
  });

  it("a -EBUSY caused by a long-term pin is not spurious", () => {
    const trace = records(wholeAreaPinned("longterm"));
    expect(target.replay(trace, "fail-fast")).toBeNull();
  });
});

describe("CMA model state the fuzzer reached", () => {
  it("an OOM kill (here by a FOLL_LONGTERM migration target) leaves long-term pinned pages held", () => {
    // Found by a nofail campaign: the killed process's long-term pinned page used to be freed.
    const trace = [
      { op: "alloc", count: 22, align: 9, no_warn: false },
      { op: "release", pfn: 48128, count: 22 },
      { op: "alloc", count: 16384, align: 0, no_warn: false },
      { op: "release", pfn: 48128, count: 16384 },
      { op: "fill", what: "anon", pages: 16384, pid: 3 },
      { op: "fill", what: "anon", pages: 8192, pid: 3 },
      { op: "fill", what: "anon", pages: 16384, pid: 1 },
      { op: "longterm_pin", pid: 3, pages: 1, foll_longterm: false },
      { op: "fill", what: "kernel", pages: 32768, pid: 1 },
      { op: "longterm_pin", pid: 1, pages: 16, foll_longterm: true },
    ];
    expect(target.replay(trace, "nofail")).toBeNull();
  });
});

describe("the CMA fuzz target", () => {
  it("decodes any bytes into a valid run; canaries stay silent where the bug is absent", () => {
    const rng = Rng.seeded(2024);
    for (const variant of target.variants) {
      for (let n = 0; n < 6; n++) {
        const data = Uint8Array.from({ length: CMA_RECORD_BYTES * rng.int(2, 20) }, () =>
          rng.int(0, 255),
        );
        const { finding, trace } = target.run(data, variant);
        expect(trace[0]).toMatchObject({ op: "boot" });
        expect(finding?.kind, JSON.stringify(finding)).not.toBe("invariant");
        if (finding?.canary !== undefined) {
          const canary = findCanary(finding.canary);
          expect(canary?.silentOn, `${finding.canary} on ${variant}`).not.toContain(variant);
        }
        expect(finding?.kind === "hang" && variant === "fail-fast").toBe(false);
      }
    }
  });
});
