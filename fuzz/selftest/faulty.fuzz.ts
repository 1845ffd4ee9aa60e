/**
 * A test-only fuzz target that breaks the worker running it, to test that campaigns survive: the
 * toy target (variant `fixed`, so it has no findings of its own), except that an input starting
 * with the bytes of {@link FAULT_TRIGGER} throws an exception that is not a finding (variant
 * `throw`), loops forever (`hang`) or ends its worker thread with exit code 3 (`exit`), having
 * announced the op `{"op": <variant>}` to `onOp`. Random
 * inputs practically never start so; tests plant one as a corpus seed.
 */
import { isMainThread } from "node:worker_threads";
import type { FuzzTarget, StateFeatureSink, TargetRun } from "../engine/target.js";
import { target as toy } from "./toy.fuzz.js";

/** The input prefix that triggers the fault. */
export const FAULT_TRIGGER = Uint8Array.of(0x4b, 0x49, 0x4c, 0x4c); // "KILL"

const VARIANTS = ["throw", "hang", "exit"] as const;

function triggered(data: Uint8Array): boolean {
  return FAULT_TRIGGER.every((byte, i) => data[i] === byte);
}

function fault(variant: string, onOp?: (op: Record<string, unknown>) => void): never {
  // Hanging or exiting would take the test runner down with it outside a worker.
  if (variant === "throw" || isMainThread) throw new TypeError(`faulty: planted ${variant} fault`);
  onOp?.({ op: variant });
  if (variant === "exit") process.exit(3);
  for (;;) {
    // A hang: only Worker.terminate() ends it.
  }
}

function run(
  data: Uint8Array,
  variant: string,
  features?: StateFeatureSink,
  onOp?: (op: Record<string, unknown>) => void,
): TargetRun {
  if (!(VARIANTS as readonly string[]).includes(variant)) {
    throw new RangeError(`faulty: unknown variant '${variant}' (${VARIANTS.join(", ")})`);
  }
  if (triggered(data)) fault(variant, onOp);
  return toy.run(data, "fixed", features);
}

/** The faulty target, loaded by module path (`fuzz/selftest/faulty.fuzz.js`). */
export const target: FuzzTarget = {
  ...toy,
  name: "faulty",
  variants: VARIANTS,
  defaultVariant: "throw",
  run,
  replay: (trace) => toy.replay(trace, "fixed"),
};
