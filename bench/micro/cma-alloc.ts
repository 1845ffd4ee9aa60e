/**
 * cma_alloc latency per retry policy: a 16 MiB area full of one process's pages, transient pins
 * from a fork (2% of page pairs preempted), a 256-page direct I/O and (in the long-term case) one
 * page held by a plain get_user_pages, then a 4 MiB request (align 8). In the split case two
 * long-term pins split a 64 MiB area so that every candidate of a 32 MiB request covers one, and
 * each failed candidate migrates its pages into the others' ranges (the nofail hang that took
 * seconds of real time before its rescans were fast-forwarded). Per policy and case: the virtual
 * latency of the call over seeded trials (median, p95, max) with its outcomes, and the model's
 * real throughput of the whole scenario (tinybench).
 */
import { Bench } from "tinybench";
import { downsampleSamples } from "../../src/report/series.js";
import { cmaModel } from "../../src/models/cma/index.js";
import type { CmaAllocResult, CmaOp } from "../../src/models/cma/index.js";
import { areaBase, filledArea, SCENARIO_PID } from "../../src/models/cma/scenarios.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import { quantileSorted } from "../../src/stats/summary.js";

/** The policies measured. */
export const CMA_POLICIES = ["fail-fast", "retry-5x100ms", "nofail", "pin-wait"] as const;
/** Pins only transient, one long-term pin as well, or two long-term pins splitting the area. */
export type CmaPinCase = "transient" | "longterm" | "split";

/** One policy's figures in one case. */
export interface CmaAllocFigure {
  variant: string;
  pins: CmaPinCase;
  trials: number;
  ok: number;
  fail: number;
  hang: number;
  /** Virtual latency of cma_alloc, ms. */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** Real scenario runs per second (boot, fill, pins, cma_alloc), and the relative error (%). */
  runsPerSecond: number;
  rme: number;
  /** Real time of each scenario run in ms, down-sampled to at most 200 evenly spaced ranks. */
  iterationMs: number[];
}

/** The scenario's ops for one case. */
export function cmaScenario(pins: CmaPinCase): CmaOp[] {
  if (pins === "split") {
    const base = areaBase(64);
    return [
      ...filledArea(64),
      ...[4096, 12288].map((at): CmaOp => {
        const pfn = base + at;
        return { op: "longterm_pin", pid: SCENARIO_PID, pages: 1, pfn, foll_longterm: false };
      }),
      { op: "alloc", count: 8192, align: 8, no_warn: true },
    ];
  }
  const ops: CmaOp[] = [
    ...filledArea(16, { fork_preempt_ppm: 20_000 }),
    { op: "fork", pid: SCENARIO_PID },
    { op: "dio", pid: SCENARIO_PID, pages: 256 },
  ];
  if (pins === "longterm")
    ops.push({ op: "longterm_pin", pid: SCENARIO_PID, pages: 1, foll_longterm: false });
  ops.push({ op: "alloc", count: 1024, align: 8, no_warn: true });
  return ops;
}

function runOnce(variant: string, ops: readonly CmaOp[], seed: number): CmaAllocResult {
  const model = cmaModel.create(variant, { clock: new VirtualClock(), rng: Rng.seeded(seed) });
  let last: unknown;
  for (const op of ops) last = model.apply(op);
  return last as CmaAllocResult;
}

/** Measures every policy in both cases over `trials` seeds; tinybench runs for `timeMs` each. */
export async function measureCmaAlloc(
  trials = 20,
  timeMs = 500,
  variants: readonly string[] = CMA_POLICIES,
): Promise<{ figures: CmaAllocFigure[] }> {
  const bench = new Bench({
    name: "cma_alloc scenario",
    time: timeMs,
    warmupTime: 100,
    retainSamples: true,
  });
  const cells: Omit<CmaAllocFigure, "runsPerSecond" | "rme" | "iterationMs">[] = [];
  for (const pins of ["transient", "longterm", "split"] as const) {
    const ops = cmaScenario(pins);
    for (const variant of variants) {
      const results = Array.from({ length: trials }, (_, k) => runOnce(variant, ops, k + 1));
      const ms = results.map((r) => r.latencyNs / 1e6).sort((a, b) => a - b);
      const count = (o: CmaAllocResult["outcome"]) => results.filter((r) => r.outcome === o).length;
      cells.push({
        variant,
        pins,
        trials,
        ok: count("ok"),
        fail: count("fail"),
        hang: count("hang"),
        medianMs: Number(quantileSorted(ms, 0.5).toFixed(3)),
        p95Ms: Number(quantileSorted(ms, 0.95).toFixed(3)),
        maxMs: Number((ms.at(-1) ?? 0).toFixed(3)),
      });
      bench.add(`${variant} ${pins}`, () => {
        runOnce(variant, ops, 1);
      });
    }
  }
  await bench.run();
  const figures = bench.tasks.map((task, i) => {
    const result = task.result;
    if (!("period" in result)) throw new Error(`benchmark ${task.name} did not complete`);
    return {
      ...(cells[i] as Omit<CmaAllocFigure, "runsPerSecond" | "rme" | "iterationMs">),
      runsPerSecond: Math.round(1000 / result.period),
      rme: Number(result.latency.rme.toFixed(2)),
      iterationMs: downsampleSamples(result.latency.samples ?? []),
    };
  });
  return { figures };
}
