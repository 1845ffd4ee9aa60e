/**
 * IOVA replay throughput: golden traces decoded once (parse excluded), then every iteration
 * creates a fresh model and applies all ops. Reported as ops per second.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Bench } from "tinybench";
import { iovaModel } from "../../src/models/iova/index.js";
import type { IovaOp } from "../../src/models/iova/ops.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { readJsonlFile } from "../../src/sim/jsonl.js";
import { Rng } from "../../src/sim/rng.js";

/** One throughput figure. */
export interface ReplayFigure {
  trace: string;
  variant: string;
  ops: number;
  opsPerSecond: number;
  /** Relative margin of error of the mean iteration time, in percent. */
  rme: number;
  samples: number;
}

/** The traces and variants measured: random-16 is in the held-back set and measured when present. */
export const REPLAY_CASES = [
  { trace: "random-01.pre.jsonl", variant: "v5.17" },
  { trace: "random-01.post.jsonl", variant: "v5.18" },
  { trace: "random-16.pre.jsonl", variant: "v5.17" },
  { trace: "random-16.post.jsonl", variant: "v5.18" },
  { trace: "edge-03-rcache.pre.jsonl", variant: "v5.17" },
  { trace: "edge-03-rcache.post.jsonl", variant: "v5.18" },
] as const;

function replayOnce(variant: string, ops: readonly IovaOp[]): number {
  const model = iovaModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(1) });
  let sink = 0;
  for (const op of ops) if (model.apply(op).kind === "alloc") sink++;
  return sink;
}

/** Measures each case whose trace exists under `goldenIovaDir`; returns figures and skipped names. */
export async function measureIovaReplay(
  goldenIovaDir: string,
  timeMs = 1000,
): Promise<{ figures: ReplayFigure[]; missing: string[] }> {
  const bench = new Bench({ name: "iova replay", time: timeMs, warmupTime: 200 });
  const sizes = new Map<string, number>();
  const missing: string[] = [];
  for (const { trace, variant } of REPLAY_CASES) {
    const path = join(goldenIovaDir, trace);
    if (!existsSync(path)) {
      missing.push(trace);
      continue;
    }
    const ops = readJsonlFile(path).map((r) => iovaModel.decodeOp(r));
    const name = `${trace} @ ${variant}`;
    sizes.set(name, ops.length);
    bench.add(name, () => {
      replayOnce(variant, ops);
    });
  }
  await bench.run();
  const figures: ReplayFigure[] = [];
  for (const task of bench.tasks) {
    const result = task.result;
    if (!("period" in result)) throw new Error(`benchmark ${task.name} did not complete`);
    const ops = sizes.get(task.name) ?? 0;
    const [trace = "", variant = ""] = task.name.split(" @ ");
    figures.push({
      trace,
      variant,
      ops,
      opsPerSecond: Math.round((ops * 1000) / result.period),
      rme: Number(result.latency.rme.toFixed(2)),
      samples: result.latency.samplesCount,
    });
  }
  return { figures, missing };
}
