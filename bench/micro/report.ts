/**
 * The microbenchmark figures as a benchmark report (results.json, report.md, results.csv and
 * index.html, the format of `dmafuzz bench`), so that micro figures of two runs can be set side
 * by side: `--baseline <earlier results.json>` adds the regression section. Each figure is one
 * cell of a suite with the single variant `measured`; tinybench's iteration times are its
 * samples series (a CDF per benchmark).
 */
import { join } from "node:path";
import { readBaselineRun } from "../../src/report/read-results.js";
import { renderReport } from "../../src/report/render.js";
import {
  type BenchResults,
  type Environment,
  type JobRecord,
  type MetricInfo,
  RESULTS_FORMAT,
  type SeriesInfo,
  type SuiteInfo,
} from "../../src/report/results.js";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import type { CmaAllocFigure } from "./cma-alloc.js";
import type { MemoryFigure } from "./iova-memory.js";
import type { PageallocFigures } from "./pagealloc-memory.js";
import type { ReplayFigure } from "./replay.js";

/** Everything `npm run bench:micro` measures. */
export interface MicroFigures {
  replay: { figures: ReplayFigure[] };
  memory: MemoryFigure;
  pagealloc: PageallocFigures;
  cma: { figures: CmaAllocFigure[] };
}

/** One figure: a workload of a micro suite. */
interface MicroCell {
  workload: string;
  description: string;
  metrics: Record<string, number>;
  iterationMs?: number[];
}

const VARIANT = "measured";
const ITERATION_SERIES: SeriesInfo = {
  key: "iterationMs",
  label: "iteration time",
  description: "real time of each tinybench iteration (down-sampled to 200 ranks)",
  kind: "samples",
  unit: "ms",
};

const count = (key: string, label: string, description: string): MetricInfo => ({
  key,
  label,
  description,
  unit: "count",
});

function microSuite(
  name: string,
  description: string,
  metrics: MetricInfo[],
  cells: readonly MicroCell[],
): { info: SuiteInfo; jobs: JobRecord[] } {
  const withSeries = cells.some((c) => c.iterationMs !== undefined);
  const info: SuiteInfo = {
    name,
    description,
    model: "micro",
    variants: [VARIANT],
    baseline: VARIANT,
    baselineReason:
      "One variant, this run's measurement: compare micro figures run to run with --baseline.",
    workloads: cells.map(({ workload, description: d }) => ({ name: workload, description: d })),
    metrics,
    rateChart: [],
    opsPerJob: { full: 1, quick: 1 },
    ...(withSeries && { series: [ITERATION_SERIES] }),
  };
  const jobs = cells.map((c): JobRecord => ({
    suite: name,
    variant: VARIANT,
    workload: c.workload,
    seed: 1,
    ops: 1,
    metrics: c.metrics,
    wallMs: 0,
    ...(c.iterationMs && { series: { iterationMs: c.iterationMs } }),
  }));
  return { info, jobs };
}

/** The results file of one micro run. */
export function microResults(
  figures: MicroFigures,
  environment: Environment,
  startedAt: string,
  wallTimeMs: number,
): BenchResults {
  const rme = count(
    "rme",
    "relative margin of error (%)",
    "tinybench's relative margin of error of the mean iteration time, in percent",
  );
  const suites = [
    microSuite(
      "micro-replay",
      "Model replay throughput on the golden traces (parse excluded, a fresh model per iteration).",
      [count("opsPerSecond", "ops per second", "trace ops applied per second of real time"), rme],
      figures.replay.figures.map((f) => ({
        workload: `${f.trace} @ ${f.variant}`,
        description: `${f.model}: ${f.ops} ops`,
        metrics: { opsPerSecond: f.opsPerSecond, rme: f.rme },
        iterationMs: f.iterationMs,
      })),
    ),
    microSuite(
      "micro-cma",
      "cma_alloc per retry policy on a 16 MiB area with fork and direct-I/O pins (and one long-term pin): the scenario's real throughput and the call's virtual latency over seeded trials.",
      [
        count(
          "runsPerSecond",
          "scenario runs per second",
          "boot, fill, pins and cma_alloc per second of real time",
        ),
        rme,
        count(
          "medianMs",
          "virtual latency median (ms)",
          "median virtual latency of cma_alloc over the seeded trials",
        ),
        count("p95Ms", "virtual latency p95 (ms)", "95th percentile of the same"),
        count("hang", "hangs", "seeded trials whose cma_alloc hung"),
      ],
      figures.cma.figures.map((f) => ({
        workload: `${f.variant} / ${f.pins}`,
        description: `${f.trials} seeded trials: ${f.ok} ok, ${f.fail} failed, ${f.hang} hung`,
        metrics: {
          runsPerSecond: f.runsPerSecond,
          rme: f.rme,
          medianMs: f.medianMs,
          p95Ms: f.p95Ms,
          hang: f.hang,
        },
        iterationMs: f.iterationMs,
      })),
    ),
    microSuite(
      "micro-memory",
      "Memory and speed of the typed-array state: one million live IOVAs, a 64 GiB x86_64 page allocator.",
      [
        count(
          "bytesPerItem",
          "bytes per item",
          "heap plus ArrayBuffer growth per live IOVA or per simulated 4 KiB page",
        ),
        count("setupMs", "set-up time (ms)", "time to allocate the IOVAs or to boot the machine"),
        count(
          "pairsPerSecond",
          "alloc+free pairs per second",
          "order-0 alloc and free pairs on the booted machine",
        ),
      ],
      [
        {
          workload: "iova: live IOVAs",
          description: `${figures.memory.liveIovas} live 1-page IOVAs in a v6.7 domain`,
          metrics: { bytesPerItem: figures.memory.bytesPerIova, setupMs: figures.memory.allocMs },
        },
        {
          workload: "pagealloc: boot",
          description: `x86_64 with ${figures.pagealloc.ramMib} MiB (${figures.pagealloc.pages} pages)`,
          metrics: {
            bytesPerItem: figures.pagealloc.bytesPerPage,
            setupMs: figures.pagealloc.bootMs,
            pairsPerSecond: figures.pagealloc.allocFreePairsPerSecond,
          },
        },
      ],
    ),
  ];
  return {
    format: RESULTS_FORMAT,
    environment,
    run: { startedAt, wallTimeMs, workers: 1, trials: 1, quick: false, seeds: [1], resumedJobs: 0 },
    suites: suites.map((s) => s.info),
    jobs: suites.flatMap((s) => s.jobs),
  };
}

/** Writes results.json and the report into `dir`, against an earlier run when given. */
export async function writeMicroReport(
  dir: string,
  results: BenchResults,
  baselinePath?: string,
): Promise<string> {
  if (baselinePath !== undefined) results = { ...results, baseline: readBaselineRun(baselinePath) };
  writeFileAtomic(join(dir, "results.json"), `${JSON.stringify(results, null, 1)}\n`);
  await renderReport(dir, results);
  return join(dir, "index.html");
}
