/**
 * The deep-bug benchmark's entry point for jsfuzz (and Jazzer.js): `fuzz(data)` runs the target
 * of the deep bug named by DMAFUZZ_DEEP_BUG and throws only when its measuring detector fires,
 * so an engine that stops at its first crash is timed on that bug alone.
 */
import { deepBugTarget } from "./index.js";
import type { DeepTarget } from "./bug.js";

let target: DeepTarget | undefined;

/** Throws an Error naming the deep bug when this input shows it. */
export function fuzz(data: Buffer): void {
  const id = process.env.DMAFUZZ_DEEP_BUG ?? "";
  target ??= deepBugTarget(id);
  const input = data.subarray(0, target.maxInputBytes ?? data.length);
  const outcome = target.run(input, target.defaultVariant);
  if (target.detect(outcome)) throw new Error(`deep bug ${id} found: ${outcome.finding?.message}`);
}
