/**
 * `cma-pins`: the cma_alloc retry policies of the 2020 debate (mm/cma.c; spec 3.4 and 5) under
 * pin mixes: transient pins only, transient plus one long-term pin, and fork/exit churn at two
 * rates. The question of the Goldsworthy series: which policy turns transient pins into
 * successes, at what latency, and which one hangs on a pin that never drops?
 */
import { type CmaAllocResult, type CmaModel, cmaModel } from "../../src/models/cma/index.js";
import { CMA_VARIANTS, findCmaVariant } from "../../src/models/cma/variants.js";
import type { JobSpec } from "../../src/report/results.js";
import { VirtualClock } from "../../src/sim/clock.js";
import { Rng } from "../../src/sim/rng.js";
import { drawCmaMix } from "../../src/workloads/cma-fleet.js";
import { CMA_PIN_MIXES, type CmaPinMix, CmaPinRounds } from "../../src/workloads/cma-pins.js";
import { latencyMetricInfos, latencyMetrics } from "./latency.js";
import type { Suite, SuiteJobResult } from "./suite.js";

/** The job's pin mix: a sampled one (axes pinned by a sweep) or a scripted scenario. */
function mixOf(job: JobSpec, rng: Rng): CmaPinMix {
  if (job.workload === "fleet") {
    const { axis, value } = job.sweep ?? {};
    return drawCmaMix(rng.split("machine"), job.workload, {
      ...(axis === "pin-ms" && { pinMs: value }),
      ...(axis === "churn" && { churn: value }),
    });
  }
  const mix = CMA_PIN_MIXES.find((m) => m.name === job.workload);
  if (mix === undefined) throw new RangeError(`unknown cma-pins workload "${job.workload}"`);
  return mix;
}

function runJob(job: JobSpec): SuiteJobResult {
  const rng = Rng.seeded(job.seed);
  const mix = mixOf(job, rng);
  if (findCmaVariant(job.variant) === undefined) {
    throw new RangeError(`unknown cma variant "${job.variant}"`);
  }
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
    "cma_alloc retry policies (mm/cma.c v6.6 single pass; Goldsworthy's 2020 v1 retry and v3/v4 __GFP_NOFAIL; Morton's wait-on-the-pin) on a 64 MiB x86_64 machine with an 8 MiB CMA area full of movable memory, asked for the whole area (align 8) once per round under sampled pin mixes: pin durations, fork/exit churn, direct I/O rates and a long-term pin on a quarter of the machines.",
  tradeoff:
    "Upstream fail-fast returns at once but turns every transient pin it meets into -EBUSY; retrying (5 x 100 ms) turns short pins into successes at the cost of latency; __GFP_NOFAIL and waiting on the pin always succeed on transient pins but hang on a pin that never drops. The sweeps show success, latency and hang rate of each as pins last longer and churn rises.",
  model: "cma",
  variants: CMA_VARIANTS.map((v) => v.name),
  baseline: "fail-fast",
  baselineReason:
    "fail-fast is upstream cma_alloc (one pass, v5.9-v6.14), so each comparison says what a retry policy of the 2020 debate would change.",
  workloads: [
    {
      name: "fleet",
      description:
        "Sampled pin mixes (src/workloads/cma-fleet.ts): mean transient pin log-uniform 0.5-100 ms, holder forks log-uniform 1-100/s with exits at 2-10% of that, direct I/O 10-300/s, a long-term pin on 25% of machines",
    },
  ],
  scenarios: CMA_PIN_MIXES.map(({ name, description }) => ({ name, description })),
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
  constantByConstruction: [
    {
      metric: "attemptsPerAlloc",
      variants: ["fail-fast"],
      reason: "one pass over one candidate range (the whole area): one alloc_contig_range call",
    },
    {
      metric: "hangRate",
      variants: ["fail-fast", "retry-5x100ms"],
      reason: "at most 6 passes and 5 sleeps: bounded well below the 120 s hang bound",
    },
  ],
  sweeps: [
    {
      name: "pin-ms",
      label: "mean transient pin duration",
      description:
        "the mean transient pin in ms: direct I/O pins last 0.1-2x it, fork's COW pins have it as median and 10x it as p99",
      unit: "ms",
      min: 0,
      max: 10_000,
      integer: false,
      workloads: ["fleet"],
      full: { from: 0, to: 100, steps: 5 },
      quick: { from: 0, to: 100, steps: 3 },
    },
    {
      name: "churn",
      label: "fork churn",
      description: "holder forks per second (exits at 2-10% of it)",
      unit: "forks/s",
      min: 0,
      max: 10_000,
      integer: false,
      workloads: ["fleet"],
      full: { from: 0, to: 100, steps: 5 },
      quick: { from: 0, to: 100, steps: 3 },
    },
  ],
  // A job is `ops` rounds (refill, pin window, cma_alloc of 2048 pages); one costs ~3-5 ms of real time.
  opsPerJob: { full: 40, quick: 10 },
  runJob,
};
