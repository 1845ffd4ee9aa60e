/** Reads a model's progress measures (../targets/progress.ts) for a deep bug's condition. */
import type { ProgressMeasures } from "../targets/model-target.js";

/** A reader of one measure set: `read(model, op, result)[k]` is measure k after `op`. */
export function measureReader<Op, Result, M>(measures: ProgressMeasures<Op, Result, M>) {
  const out = new Int32Array(measures.names.length);
  const index = (name: string): number => {
    const k = measures.names.indexOf(name);
    if (k < 0) throw new RangeError(`no progress measure '${name}'`);
    return k;
  };
  return {
    /** The index of measure `name`. */
    index,
    /** The measures after `op` (a shared buffer: read before the next call). */
    read(model: M, op: Op, result: Result): Int32Array {
      out.fill(0);
      measures.measure(model, op, result, out);
      return out;
    },
  };
}
