/**
 * The contract between the fuzz engine and a fuzz target (fuzz/targets/<model>.fuzz.ts). A
 * target turns bytes into a valid but adversarial op sequence, runs it on a model variant with
 * the oracles, and reports the first finding. Each target module also exports the common
 * `fuzz(data: Buffer)` entry point that throws a FindingError, for jsfuzz and Jazzer.js.
 */
import type { Finding } from "../../src/oracles/finding.js";

/** Receives coarse model-state features during a run (the IJON / FuzzFactory-style feedback). */
export interface StateFeatureSink {
  /** Records that state feature `slot` (small integer per feature name) took `value` (0..255). */
  add(slot: number, value: number): void;
}

/** The outcome of one execution. */
export interface TargetRun {
  /** The first finding, or null. */
  finding: Finding | null;
  /** The ops executed (up to and including the finding's op), as JSONL objects. */
  trace: Record<string, unknown>[];
}

export interface FuzzTarget {
  /** Model name, e.g. `iova`. */
  name: string;
  variants: readonly string[];
  defaultVariant: string;
  /**
   * Bytes per op record. Input = one header record followed by op records; op-level mutations
   * (insert, delete, duplicate, splice) work on these boundaries.
   */
  opBytes: number;
  /** Names of the state features, indexed by slot. */
  stateFeatures: readonly string[];
  /**
   * Runs one input on `variant`; never throws for findings. `onOp` (optional) receives each op as
   * it is about to be applied, as its trace line: what was running when an execution hangs.
   */
  run(
    data: Uint8Array,
    variant: string,
    features?: StateFeatureSink,
    onOp?: (op: Record<string, unknown>) => void,
  ): TargetRun;
  /** Replays a trace (e.g. while minimizing) with the same oracles; the first finding or null. */
  replay(trace: readonly Record<string, unknown>[], variant: string): Finding | null;
}
