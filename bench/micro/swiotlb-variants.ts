/**
 * map+unmap throughput of every swiotlb variant on golden random-01 (the v6.8 trace for v6.8, the
 * v6.9 trace for the others): each iteration applies the trace's ops after `init` to a model set
 * up before the timed window (model created, init applied and, for the dynamic designs, the page
 * allocator booted), so the figure is the map, unmap, alloc and free path alone. The dynamic
 * designs take other paths than the trace recorded (transient pools, RFC buffers) and are not
 * checked against it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { swiotlbModel } from "../../src/models/swiotlb/index.js";
import type { SwiotlbModel } from "../../src/models/swiotlb/model.js";
import type { SwiotlbOp } from "../../src/models/swiotlb/ops.js";
import { SWIOTLB_VARIANTS } from "../../src/models/swiotlb/variants.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { readJsonlFile } from "../../src/sim/jsonl.js";
import { Rng } from "../../src/sim/rng.js";

/** One variant's figure. */
export interface SwiotlbVariantFigure {
  variant: string;
  trace: string;
  ops: number;
  opsPerSecond: number;
  rme: number;
  samples: number;
}

/** Measures every swiotlb variant; empty when the golden traces are absent. */
export async function measureSwiotlbVariants(
  goldenRoot: string,
  timeMs = 1000,
): Promise<SwiotlbVariantFigure[]> {
  const bench = new Bench({ name: "swiotlb variants", time: timeMs, warmupTime: 200 });
  const cases: { variant: string; trace: string; ops: number }[] = [];
  for (const { name } of SWIOTLB_VARIANTS) {
    const trace = `swiotlb/random-01.${name === "v6.8" ? "buggy" : "fixed"}.jsonl`;
    const path = join(goldenRoot, trace);
    if (!existsSync(path)) continue;
    const [init, ...ops] = readJsonlFile(path).map((r) => swiotlbModel.decodeOp(r));
    let model: SwiotlbModel | null = null;
    const setUp = () => {
      model = swiotlbModel.create(name, {
        clock: new VirtualClock(),
        rng: Rng.seeded(1),
      }) as SwiotlbModel;
      model.apply(init as SwiotlbOp);
      void model.pageSource?.pages;
    };
    cases.push({ variant: name, trace, ops: ops.length });
    bench.add(
      `${trace} @ ${name}`,
      () => {
        const m = model as SwiotlbModel;
        for (const op of ops) m.apply(op);
      },
      { beforeEach: setUp },
    );
  }
  await bench.run();
  return bench.tasks.map((task, i) => {
    const result = task.result;
    if (!("period" in result)) throw new Error(`benchmark ${task.name} did not complete`);
    const c = cases[i] as (typeof cases)[number];
    return {
      ...c,
      opsPerSecond: Math.round((c.ops * 1000) / result.period),
      rme: Number(result.latency.rme.toFixed(2)),
      samples: result.latency.samplesCount,
    };
  });
}
