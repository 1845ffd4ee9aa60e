/**
 * Deep bugs (Magma style): bugs that show only after a specific, long history, each with a
 * detector used only for measuring. Two kinds:
 *
 * - `real`: a bug the models already have (a canary or a general finding on a kernel variant),
 *   counted only when it shows in a state that takes a long history to build (a fragmented
 *   32-bit IOVA space, pageblocks converted by stealing, many live buffers). The campaign's
 *   oracles find the shallow form too; the detector times the deep one.
 * - `planted`: a synthetic BUG_ON planted in a test-only variant of a kernel variant, firing
 *   when the model's state reaches a given shape. The model throws, and the general crash
 *   oracle reports it (with the trace up to that op). Synthetic variants exist only here: they
 *   are never in the model registry, `dmafuzz list` or a benchmark suite, and never stand for a
 *   kernel version.
 *
 * Conditions read model state through the same public accessors the oracles use, and never
 * change it.
 */
import type { Model } from "../../src/models/model.js";
import type { Finding } from "../../src/oracles/finding.js";
import type { FuzzTarget, TargetRun } from "../engine/target.js";
import { modelTarget, type ModelTargetSpec } from "../targets/model-target.js";

/** A deep bug of one model. */
export interface DeepBug<Op = unknown, Result = unknown, M = unknown> {
  id: string;
  model: string;
  kind: "real" | "planted";
  /** The kernel variant fuzzed (for planted bugs, the variant the synthetic one is built on). */
  base: string;
  /** The variant's name in reports: `base` for real bugs, `base+synthetic-<name>` for planted. */
  variant: string;
  description: string;
  /** Where the real bug is described, or what the planted one imitates. */
  reference: string;
  /** Time budget of one trial (seconds). */
  budgetS: number;
  /**
   * Longest input of every engine on this bug (default: the engine's 1024 bytes). Models whose
   * ops cost milliseconds get a shorter one, so that a long blind input does not take seconds.
   */
  maxInputBytes?: number;
  /**
   * Real bugs: whether the state after `op` is deep enough; the bug counts when the run's
   * finding matches and this held after the finding's op.
   */
  deep?: (model: M, op: Op, result: Result) => boolean;
  /** Real bugs: whether a finding is the bug (its canary, or its kind and site). */
  matches?: (finding: Finding) => boolean;
  /** Planted bugs: the BUG_ON condition, checked after each op. */
  plant?: (model: M, op: Op, result: Result) => boolean;
}

/** The message of a planted bug's BUG_ON (the crash finding's message). */
export function plantedMessage(id: string): string {
  return `synthetic BUG_ON (${id}): planted for the deep-bug benchmark`;
}

/** A fuzz target of one deep bug, and the measuring detector of its last run. */
export interface DeepTarget extends FuzzTarget {
  /** The bug's input length limit, if it has one. */
  maxInputBytes?: number;
  /** Whether the run that returned `outcome` (the last one) showed the deep bug. */
  detect(outcome: TargetRun): boolean;
}

/**
 * The fuzz target of `bug`: the model's own target parts, its model created on the base
 * variant; for a planted bug its `apply` also checks the BUG_ON condition, for a real bug it
 * records whether each op left the state deep enough.
 */
export function deepTarget<Op extends { op: string }, Result, M extends Model<Op, Result>>(
  bug: DeepBug<Op, Result, M>,
  spec: ModelTargetSpec<Op, Result, M>,
): DeepTarget {
  let deepNow = false;
  const message = plantedMessage(bug.id);
  const newModel = (variant: string): M => {
    const model = spec.newModel(variant === bug.variant ? bug.base : variant);
    const apply = model.apply.bind(model);
    deepNow = false;
    const { plant, deep } = bug;
    if (plant !== undefined) {
      model.apply = (op: Op) => {
        const result = apply(op);
        if (plant(model, op, result)) throw new Error(message);
        return result;
      };
    } else if (deep !== undefined) {
      model.apply = (op: Op) => {
        const result = apply(op);
        deepNow = deep(model, op, result);
        return result;
      };
    }
    return model;
  };
  const inner = modelTarget({
    ...spec,
    def: { ...spec.def, defaultVariant: bug.variant },
    newModel,
  });
  return {
    ...inner,
    variants: [bug.variant],
    defaultVariant: bug.variant,
    maxInputBytes: bug.maxInputBytes,
    detect({ finding }) {
      if (finding === null) return false;
      if (bug.kind === "planted") return finding.kind === "crash" && finding.message === message;
      return deepNow && (bug.matches?.(finding) ?? false);
    },
  };
}
