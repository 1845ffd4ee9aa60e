/**
 * Generic trace replay over any model definition: decodes a JSONL trace into ops, applies them to
 * a fresh model of one variant, and either checks the results against the trace's expectation
 * fields (golden replay) or records them (so users can write their own golden files).
 */
import { VirtualClock } from "../sim/clock.js";
import { canonicalJson, readJsonlFile, TraceError, type TraceRecord } from "../sim/jsonl.js";
import { Rng } from "../sim/rng.js";
import { type Model, type ModelDefinition, OpRejected } from "./model.js";

/** Simulation parameters of a replay; the defaults are what golden traces use. */
export interface ReplayOptions {
  /** Seed of the model's RNG stream (default 1). */
  seed?: number;
  /** Virtual clock frequency, passed to {@link VirtualClock} (its default when absent). */
  hz?: number;
}

/** The first result that differs from a trace's expectation. */
export interface ReplayMismatch {
  /** 0-based op index: the record's position in the trace. */
  index: number;
  /** 1-based line number of the record in its file. */
  line: number;
  /** The expectation field that differs, e.g. `expect` or `max32_alloc_size`. */
  field: string;
  /** The record's value, or `undefined` when the record lacks the field. */
  expected: unknown;
  /** The model's value. */
  actual: unknown;
}

/**
 * The outcome of one replay. `ops` counts the ops applied: all of them, except for a mismatch,
 * where replay stops after the mismatching op.
 */
export type ReplayOutcome =
  | { kind: "ok"; ops: number }
  | { kind: "mismatch"; ops: number; mismatch: ReplayMismatch }
  | { kind: "recorded"; ops: number; trace: Record<string, unknown>[] };

/**
 * Replays trace records on a new model of `variant`. Every record is decoded before any op runs,
 * so bad input fails first (with the TraceError thrown by `decodeOp`). When any record carries an
 * `expect` field the replay is a check: each record that carries any field of
 * `def.expectationOf(op, result)` must hold all of them with equal values (compared as canonical
 * JSON). Otherwise the replay is a recording of each op with its expectation fields filled in.
 */
export function replayRecords<Op extends { op: string }, Result>(
  def: ModelDefinition<Op, Result>,
  variant: string,
  records: readonly TraceRecord[],
  options: ReplayOptions = {},
): ReplayOutcome {
  const ops = records.map((record) => def.decodeOp(record));
  const checked = records.some((record) => Object.hasOwn(record.fields, "expect"));
  const clock = new VirtualClock(options.hz === undefined ? {} : { hz: options.hz });
  const rng = Rng.seeded(options.seed ?? 1).split(def.name);
  const model = def.create(variant, { clock, rng });
  const trace: Record<string, unknown>[] = [];
  for (const [index, op] of ops.entries()) {
    const actual = def.expectationOf(op, applyAt(model, op, records[index] as TraceRecord));
    if (!checked) {
      trace.push({ ...def.encodeOp(op), ...actual });
      continue;
    }
    const record = records[index] as TraceRecord;
    // A line is checked on all its expectation fields as soon as it carries one of them: golden
    // dump lines may carry their state in fields of their own (`list`, `areas`...) and no `expect`.
    if (!Object.keys(actual).some((field) => Object.hasOwn(record.fields, field))) continue;
    const mismatch = firstDifference(record, actual);
    if (mismatch !== undefined) {
      return {
        kind: "mismatch",
        ops: index + 1,
        mismatch: { index, line: record.line, ...mismatch },
      };
    }
  }
  return checked ? { kind: "ok", ops: ops.length } : { kind: "recorded", ops: ops.length, trace };
}

/** Applies one op, reporting an op the model rejects as bad input at its trace line. */
function applyAt<Op, Result>(model: Model<Op, Result>, op: Op, record: TraceRecord): Result {
  try {
    return model.apply(op);
  } catch (error) {
    if (error instanceof OpRejected) throw new TraceError(record.file, record.line, error.message);
    throw error;
  }
}

/** Reads a JSONL trace file and replays it with {@link replayRecords}; nothing more. */
export function replayFile<Op extends { op: string }, Result>(
  def: ModelDefinition<Op, Result>,
  variant: string,
  path: string,
  options: ReplayOptions = {},
): ReplayOutcome {
  return replayRecords(def, variant, readJsonlFile(path), options);
}

function firstDifference(
  record: TraceRecord,
  actual: Record<string, unknown>,
): Pick<ReplayMismatch, "field" | "expected" | "actual"> | undefined {
  for (const [field, value] of Object.entries(actual)) {
    const present = Object.hasOwn(record.fields, field);
    const expected = present ? record.fields[field] : undefined;
    if (!present || canonicalJson(expected) !== canonicalJson(value)) {
      return { field, expected, actual: value };
    }
  }
  return undefined;
}
