import { describe, expect, it } from "vitest";
import { findingSignature } from "../../src/oracles/finding.js";
import { Rng } from "../../src/sim/rng.js";
import { target } from "../targets/iova.fuzz.js";
import { ByteRandomGenerator } from "./byte-rng.js";
import { drawInput, inputArbitrary, shrinkInput } from "./fast-check-mode.js";

describe("fast-check generation mode", () => {
  it("the byte generator reads the input first, then a tail determined by the whole input", () => {
    const g = new ByteRandomGenerator(Uint8Array.from([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]));
    expect([g.next(), g.next()]).toEqual([1, -1]);
    const tail = (bytes: number[]) => new ByteRandomGenerator(Uint8Array.from(bytes)).next();
    expect(tail([5])).toBe(tail([5]));
    expect(tail([5])).not.toBe(tail([6]));
    const c = g.clone();
    expect(c.next()).toBe(g.next());
  });

  it("draws whole records from any bytes, deterministically", () => {
    const arb = inputArbitrary(target);
    const rng = Rng.seeded(3);
    for (let n = 0; n < 50; n++) {
      const bytes = Uint8Array.from({ length: rng.int(0, 64) }, () => rng.int(0, 255));
      const a = drawInput(arb, bytes).value;
      expect(a.length % target.opBytes).toBe(0);
      expect(a.length).toBeGreaterThanOrEqual(target.opBytes);
      expect(drawInput(arb, bytes).value).toEqual(a);
    }
  });

  it("fast-check's shrinker minimizes a drawn input that finds the v5.17 retry overflow", () => {
    const arb = inputArbitrary(target);
    const rng = Rng.seeded(99);
    let found: { value: ReturnType<typeof drawInput>; signature: string } | null = null;
    for (let n = 0; n < 20_000 && found === null; n++) {
      const value = drawInput(
        arb,
        Uint8Array.from({ length: 256 }, () => rng.int(0, 255)),
      );
      const { finding } = target.run(value.value, "v5.17");
      if (finding?.site === "below-start-pfn")
        found = { value, signature: findingSignature(finding) };
    }
    expect(found).not.toBeNull();
    if (found === null) return;
    const before = found.value.value.length;
    const shrunk = shrinkInput(target, "v5.17", arb, found.value, found.signature);
    expect(shrunk.steps).toBeGreaterThan(0);
    expect(shrunk.input.length).toBeLessThan(before);
    const again = target.run(shrunk.input, "v5.17").finding;
    expect(again && findingSignature(again)).toBe(found.signature);
    // One op suffices for this bug (a request larger than the window before start_pfn):
    // the header plus one or two op records.
    expect(shrunk.input.length).toBeLessThanOrEqual(3 * target.opBytes);
  });
});
