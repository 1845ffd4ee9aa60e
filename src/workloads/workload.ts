/**
 * The contract of a benchmark workload: an op generator that drives a model step by step. It
 * needs each result (the pfn an allocation returned, say) to free what it allocated, so it is
 * fed back with `observe` before the next `next`.
 */

/** An op generator for one model, deterministic in the Rng it was created with. */
export interface Workload<Op, Result> {
  /** The workload's name, e.g. `fragmenting`. */
  readonly name: string;
  /** The next op to apply, or null when the workload's op budget is spent. */
  next(): Op | null;
  /** The result of applying `op`, the op `next` returned last. */
  observe(op: Op, result: Result): void;
}
