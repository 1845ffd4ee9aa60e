/**
 * A benchmark run: the job matrix of the chosen suites, minus the jobs a resumed results.jsonl
 * already holds, on the worker pool; each finished job is appended to results.jsonl at once.
 * When every job of the matrix has a record, results.json and the report are written.
 */
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { readBaselineRun } from "../../src/report/read-results.js";
import { renderReport } from "../../src/report/render.js";
import {
  type BenchResults,
  type JobRecord,
  type JobSpec,
  jobKey,
  RESULTS_FORMAT,
  type SuiteInfo,
} from "../../src/report/results.js";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import { policyVariants } from "../../src/models/policies.js";
import { loadSuite } from "../suites/registry.js";
import { captureEnvironment } from "./environment.js";
import { JobLog, readJobLog } from "./job-log.js";
import { buildMatrix, type SweepPlan, trialSeeds } from "./matrix.js";
import { runPool } from "./pool.js";
import { Progress, type ProgressSink } from "./progress.js";
import { type Shard, shardSlice } from "./shard.js";

/** What to run and where. */
export interface BenchOptions {
  suites: readonly string[];
  trials: number;
  quick: boolean;
  workers: number;
  outDir: string;
  resume: boolean;
  /** An earlier results.json for the regression section. */
  baselinePath?: string;
  /** Which sweeps and scenarios run besides the headline cells (default: each axis's points). */
  sweep?: SweepPlan;
  /** Users' policy modules, loaded by the caller and by every worker. */
  policyFiles?: readonly string[];
  /** Ops per job instead of the suites' own (small smoke runs and tests). */
  opsPerJob?: number;
  /** Run only this slice of the job matrix, and write no report (see ./shard.ts). */
  shard?: Shard;
  /** Run at most this many jobs, then stop as if interrupted (for tests). */
  maxJobs?: number;
  /** Write results.json and the report when the matrix is complete (default true). */
  writeReport?: boolean;
  signal?: AbortSignal;
  progress?: ProgressSink;
  packageRoot: string;
  version: string;
}

/** How a run ended. */
export interface BenchOutcome {
  /** Jobs in the matrix. */
  total: number;
  /** Jobs run now. */
  ran: number;
  /** Jobs found in results.jsonl and kept. */
  resumed: number;
  /** The run stopped before the matrix was complete; no results.json was written. */
  interrupted: boolean;
  results: BenchResults | null;
  wallTimeMs: number;
}

/** Runs the benchmark described by `options`. */
export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const suites: SuiteInfo[] = [];
  // Users' policies (loaded by the caller) add their variants to the suites of their model.
  for (const name of options.suites) {
    const info = infoOf(await loadSuite(name));
    suites.push({ ...info, variants: [...info.variants, ...policyVariants(info.model)] });
  }
  // Read the baseline first: a bad file should stop the run before any work.
  const baseline =
    options.baselinePath === undefined ? undefined : readBaselineRun(options.baselinePath);
  const full = buildMatrix(suites, options.trials, options.quick, options.opsPerJob, options.sweep);
  const matrix = options.shard === undefined ? full : shardSlice(full, options.shard);
  const logPath = join(options.outDir, "results.jsonl");

  const done = new Map<string, JobRecord>();
  if (options.resume) {
    for (const record of readJobLog(logPath)) {
      if (!done.has(jobKey(record))) done.set(jobKey(record), record);
    }
  }
  const resumed = matrix.filter((job) => done.has(jobKey(job))).length;
  const pending = matrix.filter((job) => !done.has(jobKey(job)));
  const batch = options.maxJobs === undefined ? pending : pending.slice(0, options.maxJobs);

  const log = new JobLog(logPath, options.resume, startedAt.replace(/[:.]/g, "-"));
  const progress = options.progress && new Progress(options.progress, matrix.length, resumed);
  let ran = 0;
  let interrupted: boolean;
  try {
    const outcome = await runPool(batch, {
      workers: options.workers,
      signal: options.signal,
      policyFiles: (options.policyFiles ?? []).map((file) => resolve(file)),
      onResult: (record) => {
        log.append(record);
        done.set(jobKey(record), record);
        ran++;
        progress?.update(ran);
      },
    });
    interrupted = outcome.interrupted || batch.length < pending.length;
  } finally {
    log.close();
  }
  progress?.finish(ran);
  const wallTimeMs = Math.round(performance.now() - started);
  const outcome = { total: matrix.length, ran, resumed, interrupted, wallTimeMs };
  if (interrupted) return { ...outcome, results: null };

  const results: BenchResults = {
    format: RESULTS_FORMAT,
    environment: captureEnvironment(options.packageRoot, options.version),
    run: {
      startedAt,
      wallTimeMs,
      workers: options.workers,
      trials: options.trials,
      quick: options.quick,
      seeds: trialSeeds(options.trials),
      resumedJobs: resumed,
      ...(options.opsPerJob !== undefined && { opsPerJob: options.opsPerJob }),
      ...(options.shard !== undefined && { shard: options.shard, sweepPlan: options.sweep ?? {} }),
    },
    suites,
    jobs: matrix.map((job: JobSpec) => done.get(jobKey(job)) as JobRecord),
    ...(baseline && { baseline }),
  };
  if (options.writeReport !== false) {
    writeFileAtomic(join(options.outDir, "results.json"), `${JSON.stringify(results, null, 1)}\n`);
    // A shard's report would show a fraction of every cell: `report --merge` renders the whole.
    if (options.shard === undefined) await renderReport(options.outDir, results);
  }
  return { ...outcome, results };
}

/** The serialisable part of a suite (its runJob stays behind). */
function infoOf(suite: SuiteInfo): SuiteInfo {
  const { name, description, model, variants, baseline, baselineReason } = suite;
  const { workloads, metrics, rateChart, opsPerJob, series, tradeoff, sweeps, scenarios } = suite;
  const { constantByConstruction } = suite;
  return {
    name,
    description,
    model,
    variants,
    baseline,
    baselineReason,
    workloads,
    metrics,
    rateChart,
    opsPerJob,
    ...(series && { series }),
    ...(tradeoff !== undefined && { tradeoff }),
    ...(sweeps && { sweeps }),
    ...(scenarios && { scenarios }),
    ...(constantByConstruction && { constantByConstruction }),
  };
}
