/**
 * Replay throughput of the models on golden traces: each trace decoded once (parse excluded),
 * then every iteration creates a fresh model of the trace's variant and applies all its ops.
 * Reported as ops per second, with tinybench's relative margin of error.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { downsampleSamples } from "../../src/report/series.js";
import { findModel } from "../../src/models/registry.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { readJsonlFile } from "../../src/sim/jsonl.js";
import { Rng } from "../../src/sim/rng.js";

/** One traced case: a golden file (relative to the golden root) on a model variant. */
export interface ReplayCase {
  model: string;
  trace: string;
  variant: string;
}

/** One throughput figure. */
export interface ReplayFigure extends ReplayCase {
  ops: number;
  opsPerSecond: number;
  /** Relative margin of error of the mean iteration time, in percent. */
  rme: number;
  samples: number;
  /** Iteration times in ms, down-sampled to at most 200 evenly spaced ranks. */
  iterationMs: number[];
}

/**
 * The measured cases: each golden file under the version it was recorded on. random-16 is in
 * the held-back IOVA set and is measured when present.
 */
export const REPLAY_CASES: readonly ReplayCase[] = [
  { model: "iova", trace: "iova/random-01.pre.jsonl", variant: "v5.17" },
  { model: "iova", trace: "iova/random-01.post.jsonl", variant: "v5.18" },
  { model: "iova", trace: "iova/random-16.pre.jsonl", variant: "v5.17" },
  { model: "iova", trace: "iova/random-16.post.jsonl", variant: "v5.18" },
  { model: "iova", trace: "iova/edge-03-rcache.pre.jsonl", variant: "v5.17" },
  { model: "iova", trace: "iova/edge-03-rcache.post.jsonl", variant: "v5.18" },
  { model: "swiotlb", trace: "swiotlb/random-01.buggy.jsonl", variant: "v6.8" },
  { model: "swiotlb", trace: "swiotlb/random-01.fixed.jsonl", variant: "v6.9" },
];

/**
 * Measures each case whose trace exists under one of `goldenRoots` (the first that has it);
 * returns figures and skipped traces.
 */
export async function measureReplay(
  goldenRoots: readonly string[],
  cases: readonly ReplayCase[] = REPLAY_CASES,
  timeMs = 1000,
): Promise<{ figures: ReplayFigure[]; missing: string[] }> {
  const bench = new Bench({
    name: "model replay",
    time: timeMs,
    warmupTime: 200,
    retainSamples: true,
  });
  const measured: { c: ReplayCase; ops: number }[] = [];
  const missing: string[] = [];
  for (const c of cases) {
    const def = findModel(c.model);
    const path = goldenRoots.map((root) => join(root, c.trace)).find((p) => existsSync(p));
    if (def === undefined || path === undefined) {
      missing.push(c.trace);
      continue;
    }
    const ops = readJsonlFile(path).map((r) => def.decodeOp(r));
    measured.push({ c, ops: ops.length });
    bench.add(`${c.trace} @ ${c.variant}`, () => {
      const model = def.create(c.variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
      for (const op of ops) model.apply(op);
    });
  }
  await bench.run();
  const figures = bench.tasks.map((task, i) => {
    const result = task.result;
    if (!("period" in result)) throw new Error(`benchmark ${task.name} did not complete`);
    const { c, ops } = measured[i] as { c: ReplayCase; ops: number };
    return {
      ...c,
      ops,
      opsPerSecond: Math.round((ops * 1000) / result.period),
      rme: Number(result.latency.rme.toFixed(2)),
      samples: result.latency.samplesCount,
      iterationMs: downsampleSamples(result.latency.samples ?? []),
    };
  });
  return { figures, missing };
}
