/** One-line text rendering of a replay outcome, shared by `replay` and `main`. */
import type { ReplayOutcome } from "../models/replay.js";
import { canonicalJson } from "../sim/jsonl.js";

/**
 * `FILE: ok (N ops)`, `FILE: mismatch at op I (line L), field F: expected E, actual A` (values as
 * compact canonical JSON, `(missing)` when the trace lacks the field), or for a recording
 * `FILE: recorded (N ops, no expectations)`.
 */
export function outcomeLine(file: string, outcome: ReplayOutcome): string {
  switch (outcome.kind) {
    case "ok":
      return `${file}: ok (${outcome.ops} ops)`;
    case "recorded":
      return `${file}: recorded (${outcome.ops} ops, no expectations)`;
    case "mismatch": {
      const { index, line, field, expected, actual } = outcome.mismatch;
      const shown = expected === undefined ? "(missing)" : canonicalJson(expected);
      return `${file}: mismatch at op ${index} (line ${line}), field ${field}: expected ${shown}, actual ${canonicalJson(actual)}`;
    }
  }
}
