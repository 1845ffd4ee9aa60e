/**
 * A tiny model for the replay and CLI tests: a counter. `inc` adds `by` (twice as much in the
 * "double" variant) and returns the total; `roll` draws from the model's RNG; `dump` returns the
 * total, projected as `expect: "ok"` plus a `total` field, like a golden trace's final dump line.
 */
import { readInt, readString, type TraceRecord } from "../sim/jsonl.js";
import type { ModelDefinition } from "./model.js";

/** The counter's ops. */
export type CounterOp = { op: "inc"; by: number } | { op: "roll" } | { op: "dump" };

/** The counter model family, variants "one" (default) and "double". */
export const counterModel: ModelDefinition<CounterOp, number> = {
  name: "counter",
  summary: "a counter for tests",
  variants: [
    { name: "one", kernel: { file: "lib/counter.c", version: "v1.0", differs: "adds as asked" } },
    {
      name: "double",
      kernel: {
        file: "lib/counter.c",
        version: "v2.0",
        commits: ["abc123"],
        differs: "adds twice",
      },
    },
  ],
  defaultVariant: "one",
  decodeOp(record: TraceRecord): CounterOp {
    const op = readString(record, "op", ["inc", "roll", "dump"]);
    return op === "inc" ? { op, by: readInt(record, "by") } : { op: op as "roll" | "dump" };
  },
  encodeOp: (op) => ({ ...op }),
  expectationOf: (op, result) =>
    op.op === "dump" ? { expect: "ok", total: result } : { expect: result },
  create(variant, { rng }) {
    if (!this.variants.some((info) => info.name === variant)) throw new Error(`no ${variant}`);
    const factor = variant === "double" ? 2 : 1;
    let total = 0;
    return {
      variant,
      apply(op) {
        if (op.op === "inc") total += op.by * factor;
        return op.op === "roll" ? rng.int(0, 1_000_000) : total;
      },
      check: () => [],
      snapshot: () => ({ total }),
      features: () => ({ total: Math.min(total, 255) }),
    };
  },
};
