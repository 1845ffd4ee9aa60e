/**
 * The contract every allocator model follows (see ../shared/DESIGN.md, "A model is a value with a
 * variant"). Models know nothing of fuzzing, benchmarks or the CLI: they take ops as data and
 * return results as data, on a virtual clock and a seeded RNG.
 */
import type { VirtualClock } from "../sim/clock.js";
import type { TraceRecord } from "../sim/jsonl.js";
import type { Rng } from "../sim/rng.js";

/**
 * Thrown by `apply` for an op that the model's current configuration cannot take (a CPU the
 * domain does not have, say): bad input that a decoder cannot see alone, reported against the
 * trace line by replay. Allocator outcomes are never thrown.
 */
export class OpRejected extends Error {
  override name = "OpRejected";
}

/** Where a variant's behaviour comes from in the kernel, and how it differs from its neighbours. */
export interface KernelReference {
  /** Kernel source file modelled, e.g. `drivers/iommu/iova.c`. */
  file: string;
  /** Kernel version or release the variant follows, e.g. `v5.17`. */
  version: string;
  /** Commits that define the variant's behaviour, where known. */
  commits?: readonly string[];
  /** One or two sentences: what differs from the neighbouring variants. */
  differs: string;
}

/** One named variant of a model, e.g. `iova@v5.17`. */
export interface VariantInfo {
  name: string;
  kernel: KernelReference;
}

/** What a model needs from the simulation: the shared virtual clock and its own RNG stream. */
export interface ModelContext {
  clock: VirtualClock;
  rng: Rng;
}

/** A live model instance of one variant. `apply` never throws for allocator outcomes. */
export interface Model<Op, Result> {
  readonly variant: string;
  /** Applies one op; failures, hangs and kernel warnings are results, not exceptions. */
  apply(op: Op): Result;
  /** Internal invariant violations, as messages (empty when consistent). */
  check(): string[];
  /** JSON-serialisable snapshot of the state. */
  snapshot(): unknown;
  /** A few coarse state features (small non-negative integers) for fuzzing feedback. */
  features(): Record<string, number>;
}

/**
 * A model family: its variants, how its ops are read from and written to JSONL traces, and how a
 * result is projected onto the fields a golden trace line carries (`expect`, and for a `dump`
 * line its extra fields).
 */
export interface ModelDefinition<Op extends { op: string }, Result> {
  name: string;
  /** One line for `dmafuzz list`. */
  summary: string;
  variants: readonly VariantInfo[];
  defaultVariant: string;
  /** Decodes one trace record into an op; throws TraceError naming file and line on bad input. */
  decodeOp(record: TraceRecord): Op;
  /** Encodes an op back into the flat JSONL object (without expectation fields). */
  encodeOp(op: Op): Record<string, unknown>;
  /** The expectation fields for an op's result, e.g. `{ expect: { pfn: 42 } }`. */
  expectationOf(op: Op, result: Result): Record<string, unknown>;
  /** Creates a model of one variant; throws on an unknown variant name. */
  create(variant: string, context: ModelContext): Model<Op, Result>;
}

/**
 * The variant called `name` (or `<model>@name`) among `variants`; a RangeError naming the known
 * variants otherwise (choosing a variant that does not exist is a programmer or usage error).
 */
export function requireVariant<V extends VariantInfo>(
  model: string,
  variants: readonly V[],
  name: string,
): V {
  const bare = name.startsWith(`${model}@`) ? name.slice(model.length + 1) : name;
  const found = variants.find((v) => v.name === bare);
  if (found === undefined) {
    const names = variants.map((v) => v.name).join(", ");
    throw new RangeError(`unknown ${model} variant "${name}" (known: ${names})`);
  }
  return found;
}
