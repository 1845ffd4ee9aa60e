/**
 * The fast-check generation mode: fuzz bytes drive a ByteRandomGenerator, a fast-check arbitrary
 * draws the target's input (a header record and op records) from it, and when the input reveals
 * a finding, fast-check's own shrinker minimizes it while the finding's signature holds.
 */
import fc from "fast-check";
import { findingSignature } from "../../src/oracles/finding.js";
import { ByteRandomGenerator } from "./byte-rng.js";
import type { FuzzTarget } from "./target.js";

/** Inputs of `target` as an arbitrary: one header record and up to `maxOps` op records. */
export function inputArbitrary(target: FuzzTarget, maxOps = 64): fc.Arbitrary<Uint8Array> {
  const record = fc.uint8Array({ minLength: target.opBytes, maxLength: target.opBytes });
  return fc.tuple(record, fc.array(record, { maxLength: maxOps })).map(([header, ops]) => {
    const out = new Uint8Array(target.opBytes * (ops.length + 1));
    out.set(header, 0);
    ops.forEach((op, i) => out.set(op, (i + 1) * target.opBytes));
    return out;
  });
}

/** Draws an input (with its shrink context) from fuzz bytes. */
export function drawInput(
  arbitrary: fc.Arbitrary<Uint8Array>,
  bytes: Uint8Array,
): fc.Value<Uint8Array> {
  return arbitrary.generate(new fc.Random(new ByteRandomGenerator(bytes)), undefined);
}

/**
 * The target seen through fast-check: each execution's bytes drive the arbitrary, and the
 * drawn input runs on the real target (coverage and findings are the real target's).
 */
export function fastCheckTarget(target: FuzzTarget, maxOps = 64): FuzzTarget {
  const arbitrary = inputArbitrary(target, maxOps);
  return {
    ...target,
    run: (bytes, variant, features) =>
      target.run(drawInput(arbitrary, bytes).value, variant, features),
  };
}

/** What shrinking achieved. */
export interface ShrinkResult {
  input: Uint8Array;
  /** Shrink candidates executed. */
  runs: number;
  /** Accepted shrink steps. */
  steps: number;
}

/**
 * Shrinks a drawn input whose run gives a finding with `signature` on `variant`: fast-check's
 * loop (take the first smaller candidate that still fails the same way, repeat) within `maxRuns`.
 */
export function shrinkInput(
  target: FuzzTarget,
  variant: string,
  arbitrary: fc.Arbitrary<Uint8Array>,
  failing: fc.Value<Uint8Array>,
  signature: string,
  maxRuns = 2000,
): ShrinkResult {
  let current = failing;
  let runs = 0;
  let steps = 0;
  let progressed = true;
  while (progressed && runs < maxRuns) {
    progressed = false;
    for (const candidate of arbitrary.shrink(current.value, current.context)) {
      if (++runs > maxRuns) break;
      const { finding } = target.run(candidate.value, variant);
      if (finding !== null && findingSignature(finding) === signature) {
        current = candidate;
        steps++;
        progressed = true;
        break;
      }
    }
  }
  return { input: current.value, runs, steps };
}
