/**
 * Sharding a benchmark over machines: `dmafuzz bench --shard I/N` runs the I-th of N
 * deterministic slices of the job matrix (every N-th job from the I-th, so each slice holds a
 * share of every suite's and workload's jobs) and writes them as a shard's results.json;
 * `dmafuzz report --merge DIR...` checks that the N shards are the slices of one matrix and
 * merges them back into the results.json of the whole run, jobs in the unsharded run's order.
 */
import type { BenchResults, JobRecord, RunInfo } from "../../src/report/results.js";
import { jobKey } from "../../src/report/results.js";
import { TraceError } from "../../src/sim/jsonl.js";
import { buildMatrix } from "./matrix.js";

/** The I-th (1-based) of N slices. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `I/N` (1 <= I <= N); null when it is not one. */
export function parseShard(text: string): Shard | null {
  const match = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  if (match === null) return null;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && index <= count ? { index, count } : null;
}

/** The jobs of `matrix` in `shard`: positions index-1, index-1+count, ... */
export function shardSlice<T>(matrix: readonly T[], shard: Shard): T[] {
  return matrix.filter((_, position) => position % shard.count === shard.index - 1);
}

/** A shard's results.json, read and checked, with the file it came from. */
export interface ShardFile {
  path: string;
  results: BenchResults;
}

/**
 * Merges the results of the N shards of one run (any order) into the run's results: the jobs in
 * matrix order, the earliest start, the longest wall time (shards run side by side), the sum of
 * workers, and the environment and baseline of shard 1. Throws a TraceError naming the file
 * when the shards are not the N slices of one matrix.
 */
export function mergeShards(files: readonly ShardFile[]): BenchResults {
  const fail = (path: string, reason: string): never => {
    throw new TraceError(path, 0, reason);
  };
  const first = files[0] ?? fail("<merge>", "no shard directories given");
  const count = first.results.run.shard?.count ?? fail(first.path, "not a shard (no run.shard)");
  const byIndex = new Map<number, ShardFile>();
  for (const file of files) {
    const { run, suites } = file.results;
    if (run.shard?.count !== count) fail(file.path, `not a shard of ${count} (run.shard)`);
    if (byIndex.has(run.shard!.index)) fail(file.path, `shard ${run.shard!.index} given twice`);
    const same =
      JSON.stringify(suites) === JSON.stringify(first.results.suites) &&
      run.trials === first.results.run.trials &&
      run.quick === first.results.run.quick &&
      run.opsPerJob === first.results.run.opsPerJob &&
      JSON.stringify(run.sweepPlan) === JSON.stringify(first.results.run.sweepPlan);
    if (!same) fail(file.path, "suites, trials, job size or sweeps differ from the first shard's");
    byIndex.set(run.shard!.index, file);
  }
  for (let index = 1; index <= count; index++) {
    if (!byIndex.has(index)) fail(first.path, `shard ${index}/${count} is missing`);
  }
  const { suites, run } = first.results;
  const matrix = buildMatrix(suites, run.trials, run.quick, run.opsPerJob, run.sweepPlan);
  const jobs: JobRecord[] = [];
  for (let index = 1; index <= count; index++) {
    const { path, results } = byIndex.get(index)!;
    const expected = shardSlice(matrix, { index, count });
    if (
      results.jobs.length !== expected.length ||
      results.jobs.some((job, i) => jobKey(job) !== jobKey(expected[i]!))
    ) {
      fail(path, `its jobs are not slice ${index}/${count} of the matrix`);
    }
  }
  matrix.forEach((_, position) => {
    const shard = byIndex.get((position % count) + 1)!.results;
    jobs.push(shard.jobs[Math.floor(position / count)]!);
  });
  const runs = files.map((file) => file.results.run);
  const merged: RunInfo = {
    startedAt: runs.map((r) => r.startedAt).sort()[0]!,
    wallTimeMs: Math.max(...runs.map((r) => r.wallTimeMs)),
    workers: runs.reduce((sum, r) => sum + r.workers, 0),
    trials: run.trials,
    quick: run.quick,
    seeds: run.seeds,
    resumedJobs: runs.reduce((sum, r) => sum + r.resumedJobs, 0),
    ...(run.opsPerJob !== undefined && { opsPerJob: run.opsPerJob }),
    shards: count,
  };
  const shard1 = byIndex.get(1)!.results;
  return {
    format: shard1.format,
    environment: shard1.environment,
    run: merged,
    suites,
    jobs,
    ...(shard1.baseline && { baseline: shard1.baseline }),
  };
}
