/**
 * `cma-pins`: the cma_alloc retry policies of the 2020 debate (mm/cma.c; spec 3.4 and 5) under
 * pin mixes: transient pins only, transient plus one long-term pin, and fork/exit churn at two
 * rates. The question of the Goldsworthy series: which policy turns transient pins into
 * successes, at what latency, and which one hangs on a pin that never drops?
 */
import { type CmaAllocResult, type CmaModel, cmaModel } from "../../src/models/cma/index.js";
import { CMA_VARIANTS } from "../../src/models/cma/variants.js";
import type { JobSpec } from "../../src/report/results.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import { CMA_PIN_MIXES, CmaPinRounds } from "../../src/workloads/cma-pins.js";
import { latencyMetricInfos, latencyMetrics } from "./latency.js";
import type { Suite, SuiteJobResult } from "./suite.js";

function runJob(job: JobSpec): SuiteJobResult {
  const mix = CMA_PIN_MIXES.find((m) => m.name === job.workload);
  if (mix === undefined) throw new RangeError(`unknown cma-pins workload "${job.workload}"`);
  if (!CMA_VARIANTS.some((v) => v.name === job.variant)) {
    throw new RangeError(`unknown cma variant "${job.variant}"`);
  }
  const rng = Rng.seeded(job.seed);
  const clock = new VirtualClock();
  // Separate streams: the pin events do not depend on what the model draws.
  const model = cmaModel.create(job.variant, { clock, rng: rng.split("model") }) as CmaModel;
  const rounds = new CmaPinRounds(mix, rng.split("workload"), job.ops);
  for (const op of rounds.setup()) model.apply(op);
  const allocs: CmaAllocResult[] = [];
  const successes: [number, number][] = [[0, 0]];
  const alive = (pid: number) => model.mm.alive[pid] === 1;
  for (let ops = rounds.nextRound(alive); ops !== null; ops = rounds.nextRound(alive)) {
    let result: unknown;
    for (const op of ops) result = model.apply(op);
    const alloc = result as CmaAllocResult;
    allocs.push(alloc);
    const ok = allocs.filter((a) => a.outcome === "ok").length;
    successes.push([clock.now / 1e9, ok]);
    for (const op of CmaPinRounds.release(alloc)) model.apply(op);
  }
  const n = allocs.length;
  const share = (outcome: string) => allocs.filter((a) => a.outcome === outcome).length / n;
  const ms = allocs.map((a) => a.latencyNs / 1e6).sort((a, b) => a - b);
  return {
    metrics: {
      successRate: share("ok"),
      hangRate: share("hang"),
      ...latencyMetrics(ms),
      attemptsPerAlloc: allocs.reduce((sum, a) => sum + a.attempts, 0) / n,
    },
    series: { latencyMs: ms, successes },
  };
}

/** The suite. */
export const suite: Suite<SuiteJobResult> = {
  name: "cma-pins",
  description:
    "cma_alloc retry policies (mm/cma.c v6.6 single pass; Goldsworthy's 2020 v1 retry and v3/v4 __GFP_NOFAIL; Morton's wait-on-the-pin) on a 64 MiB x86_64 machine with an 8 MiB CMA area full of movable memory, asked for the whole area (align 8) once per round under transient pins, a long-term pin, or fork/exit churn.",
  model: "cma",
  variants: CMA_VARIANTS.map((v) => v.name),
  baseline: "fail-fast",
  baselineReason:
    "fail-fast is upstream cma_alloc (one pass, v5.9-v6.14), so each comparison says what a retry policy of the 2020 debate would change.",
  workloads: CMA_PIN_MIXES.map(({ name, description }) => ({ name, description })),
  metrics: [
    {
      key: "successRate",
      label: "success rate",
      description: "cma_alloc calls that returned the pages, per call",
      unit: "rate",
    },
    {
      key: "hangRate",
      label: "hang rate",
      description: "cma_alloc calls still looping at the 120 s hang bound, per call",
      unit: "rate",
    },
    ...latencyMetricInfos("latency", "cma_alloc"),
    {
      key: "attemptsPerAlloc",
      label: "attempts per allocation",
      description: "alloc_contig_range calls per cma_alloc call, over every pass",
      unit: "count",
    },
  ],
  rateChart: ["successRate", "hangRate"],
  series: [
    {
      key: "latencyMs",
      label: "cma_alloc latency",
      description: "virtual latency of every cma_alloc call of the trial",
      kind: "samples",
      unit: "ms",
    },
    {
      key: "successes",
      label: "successful allocations",
      description: "cma_alloc calls that succeeded so far, against virtual time",
      kind: "time",
      unit: "calls",
      timeUnit: "s",
    },
  ],
  // A job is `ops` rounds (refill, pin window, cma_alloc of 2048 pages); one costs ~3-5 ms of real time.
  opsPerJob: { full: 100, quick: 20 },
  runJob,
};
