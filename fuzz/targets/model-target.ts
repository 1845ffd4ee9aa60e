/**
 * What every model's fuzz target has in common: a model and its oracle stepping op by op, a
 * decoder turning records into valid ops from the results so far, the same oracles on replay
 * (for minimization), and the common `fuzz(data)` entry point that throws a FindingError.
 */
import type { Model, ModelDefinition } from "../../src/models/model.js";
import { policiesOfVariant, policyVariants } from "../../src/models/policies.js";
import { isPolicyError, type PolicyError } from "../../src/models/policy.js";
import { type Finding, FindingError } from "../../src/oracles/finding.js";
import { crashFinding } from "../engine/crash.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import type { FuzzTarget, StateFeatureSink, TargetRun } from "../engine/target.js";
import { Records } from "./records.js";

/** An oracle fed one (op, result) pair at a time. */
export interface StepOracle<Op, Result> {
  check(op: Op, result: Result, index: number): Finding | null;
  /** The model's internal invariants, at the end of a run. */
  invariants(index: number): Finding | null;
}

/** Decodes records into ops, learning from each op's result (handles to release later). */
export interface StepDecoder<Op, Result> {
  readonly init: Op;
  /** The op for record i, or null to skip it. */
  op(i: number): Op | null;
  /** The result of the op at trace index `index`. */
  observe(op: Op, index: number, result: Result): void;
}

/** The parts of one model's target. */
export interface ModelTargetSpec<Op extends { op: string }, Result, M extends Model<Op, Result>> {
  def: ModelDefinition<Op, Result>;
  recordBytes: number;
  newModel(variant: string): M;
  newOracle(model: M): StepOracle<Op, Result>;
  newDecoder(records: Records, model: M): StepDecoder<Op, Result>;
  /** Hands a model that is done back (its page words for the next input's machine). */
  release?(model: M): void;
  /**
   * Progress measures read after each op while fuzzing (see ./progress.ts): the run's maximum of
   * each is a state feature (IJON style), so an input that pushes one further is kept.
   */
  progress?: ProgressMeasures<Op, Result, M>;
}

/** Named measures of how far a run got towards deep situations, with their current values. */
export interface ProgressMeasures<Op, Result, M> {
  names: readonly string[];
  /** Writes each measure's value after `op` (non-negative; capped at 255 as a feature). */
  measure(model: M, op: Op, result: Result, out: Int32Array): void;
}

/** A fresh model context: virtual clock at 0 and a fixed seed, so runs are reproducible. */
export function freshContext() {
  return { clock: new VirtualClock(), rng: Rng.seeded(1) };
}

/** Builds the FuzzTarget of a model from its parts. */
export function modelTarget<Op extends { op: string }, Result, M extends Model<Op, Result>>(
  spec: ModelTargetSpec<Op, Result, M>,
): FuzzTarget {
  const { def } = spec;

  /**
   * Applies one op with the oracle; records it in the trace. State features go to the sink only
   * when they change (`last` holds the previous op's values): every (feature, value) pair a run
   * reaches is still reported, without repeating the unchanged ones at every op.
   */
  const progress = spec.progress;
  const featureNames = Object.keys(spec.newModel(def.defaultVariant).features());
  const values = new Int32Array(progress?.names.length ?? 0);

  function step(
    model: M,
    oracle: StepOracle<Op, Result>,
    trace: Record<string, unknown>[],
    op: Op,
    sink?: StateFeatureSink,
    last?: number[],
    maxima?: Int32Array,
    onOp?: (op: Record<string, unknown>) => void,
  ) {
    const index = trace.length;
    const line = def.encodeOp(op);
    trace.push(line);
    onOp?.(line);
    let result: Result;
    try {
      result = model.apply(op);
    } catch (error) {
      if (!isPolicyError(error)) throw error;
      return {
        index,
        result: undefined as Result,
        finding: policyFinding(model.variant, error, index),
      };
    }
    if (sink && last) {
      const features = model.features();
      let slot = 0;
      for (const name in features) {
        const value = features[name]!;
        if (last[slot] !== value) {
          last[slot] = value;
          sink.add(slot, value);
        }
        slot++;
      }
      if (progress !== undefined && maxima !== undefined) {
        progress.measure(model, op, result, values);
        for (let k = 0; k < values.length; k++) {
          const value = Math.min(255, values[k]!);
          if (value <= maxima[k]!) continue;
          // Every new maximum is a feature: steps towards a deep state count one by one.
          maxima[k] = value;
          sink.add(featureNames.length + k, value);
        }
      }
    }
    return { index, result, finding: oracle.check(op, result, index) };
  }

  /** A policy hook's fault as a finding: the hook, its arguments and the user's stack. */
  function policyFinding(variant: string, error: PolicyError, index: number): Finding {
    return {
      kind: "policy-error",
      model: def.name,
      variant,
      opIndex: index,
      site: error.hook,
      message: error.message,
      evidence: {
        policy: error.policy,
        file: error.file,
        hook: error.hook,
        args: error.args,
        reason: error.reason,
        stack: error.userStack,
      },
    };
  }

  /** The finding with the user's policies of its variant named, if it runs any. */
  function withPolicies(finding: Finding | null, variant: string): Finding | null {
    if (finding === null) return null;
    const policies = policiesOfVariant(def.name, variant);
    if (policies.length > 0) finding.policy = policies.map(({ name, file }) => ({ name, file }));
    return finding;
  }

  function run(
    data: Uint8Array,
    variant: string,
    sink?: StateFeatureSink,
    onOp?: (op: Record<string, unknown>) => void,
  ): TargetRun {
    const model = spec.newModel(variant);
    try {
      const out = runModel(model, data, sink, onOp);
      withPolicies(out.finding, variant);
      return out;
    } finally {
      spec.release?.(model);
    }
  }

  function runModel(
    model: M,
    data: Uint8Array,
    sink?: StateFeatureSink,
    onOp?: (op: Record<string, unknown>) => void,
  ): TargetRun {
    const oracle = spec.newOracle(model);
    const records = new Records(data, spec.recordBytes);
    const decoder = spec.newDecoder(records, model);
    const trace: Record<string, unknown>[] = [];
    const last: number[] = [];
    const maxima = new Int32Array(values.length);
    // A measure an op does not write (cma's attempts after a non-alloc op) must not carry the
    // previous run's value: same input, same features.
    values.fill(0);
    try {
      const first = step(model, oracle, trace, decoder.init, sink, last, maxima, onOp);
      if (first.finding) return { finding: first.finding, trace };
      for (let i = 0; i < records.ops; i++) {
        const op = decoder.op(i);
        if (op === null) continue;
        const { index, result, finding } = step(model, oracle, trace, op, sink, last, maxima, onOp);
        if (finding) return { finding, trace };
        decoder.observe(op, index, result);
      }
    } catch (error) {
      return crashWithTrace(error, model, trace);
    }
    return { finding: oracle.invariants(trace.length - 1), trace };
  }

  /** A model that threw (a programmer error, or a planted BUG): a crash at the op that threw. */
  function crashWithTrace(error: unknown, model: M, trace: Record<string, unknown>[]): TargetRun {
    const { finding } = crashFinding(def.name, model.variant, error);
    return { finding: finding && { ...finding, opIndex: trace.length - 1 }, trace };
  }

  function replay(trace: readonly Record<string, unknown>[], variant: string): Finding | null {
    const model = spec.newModel(variant);
    try {
      return withPolicies(replayOn(model, trace), variant);
    } finally {
      spec.release?.(model);
    }
  }

  function replayOn(model: M, trace: readonly Record<string, unknown>[]): Finding | null {
    const oracle = spec.newOracle(model);
    const steps: Record<string, unknown>[] = [];
    for (const [i, fields] of trace.entries()) {
      const op = def.decodeOp({ file: "<trace>", line: i + 1, fields });
      let finding: Finding | null;
      try {
        finding = step(model, oracle, steps, op).finding;
      } catch (error) {
        finding = crashWithTrace(error, model, steps).finding;
      }
      if (finding) return finding;
    }
    return oracle.invariants(steps.length - 1);
  }

  return {
    name: def.name,
    get variants() {
      return [...def.variants.map((v) => v.name), ...policyVariants(def.name)];
    },
    defaultVariant: def.defaultVariant,
    opBytes: spec.recordBytes,
    stateFeatures: [...featureNames, ...(progress?.names.map((n) => `max:${n}`) ?? [])],
    run,
    replay,
  };
}

/**
 * The common fuzz entry point (jsfuzz, Jazzer.js): the variant comes from DMAFUZZ_VARIANT. With
 * DMAFUZZ_CANARY set, only findings of that canary are thrown: engines that stop at their first
 * finding (jsfuzz) can then be timed on one known bug.
 */
export function fuzzEntry(target: FuzzTarget): (data: Buffer) => void {
  return (data) => {
    const variant = process.env.DMAFUZZ_VARIANT ?? target.defaultVariant;
    const only = process.env.DMAFUZZ_CANARY;
    const { finding, trace } = target.run(data, variant);
    if (finding && (only === undefined || finding.canary === only))
      throw new FindingError(finding, trace);
  };
}
