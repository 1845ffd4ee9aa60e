/**
 * `dmafuzz bench`: runs benchmark suites on the worker pool and writes results.jsonl as jobs
 * finish, then results.json, report.md, results.csv and index.html. Ctrl-C stops the run and keeps
 * every finished job for `--resume`.
 */
import { join, resolve } from "node:path";
import { runBench } from "../../bench/runner/run-bench.js";
import { DEFAULT_TRIALS } from "../../bench/runner/matrix.js";
import { defaultWorkers } from "../../bench/runner/pool.js";
import { parseShard } from "../../bench/runner/shard.js";
import type { ProgressSink } from "../../bench/runner/progress.js";
import { loadSuite, SUITE_NAMES } from "../../bench/suites/registry.js";
import type { SweepPlan, SweepRequest } from "../../bench/runner/matrix.js";
import { loadPolicyFiles } from "../models/policy-load.js";
import { aggregate } from "../report/aggregate.js";
import type { JobRecord } from "../report/results.js";
import { differs } from "../report/verdicts.js";
import { type CliContext, type CommandResult, printed } from "./command.js";
import { commandUsage } from "./help.js";
import { parseCount, parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** The exit status of a run stopped by Ctrl-C, as a shell reports SIGINT. */
const EXIT_INTERRUPTED = 130;

/** Runs `dmafuzz bench`; progress goes to `progress` (stderr by default). */
export async function benchCommand(
  args: string[],
  context: CliContext,
  progress: ProgressSink = process.stderr,
): Promise<CommandResult> {
  const { values, positionals } = parseOptions("bench", args, {
    suite: { type: "string" },
    trials: { type: "string" },
    quick: { type: "boolean" },
    workers: { type: "string" },
    out: { type: "string" },
    resume: { type: "boolean" },
    baseline: { type: "string" },
    sweep: { type: "string" },
    "no-sweep": { type: "boolean" },
    scenarios: { type: "boolean" },
    shard: { type: "string" },
    policy: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.bench ?? ""]);
  if (positionals.length > 0)
    throw new UsageError(`bench: unexpected argument '${positionals[0]}'`);
  if (values.suite === undefined) throw new UsageError("bench: --suite is required");
  const suites = values.suite === "all" ? SUITE_NAMES : [values.suite];
  if (!suites.every((name) => SUITE_NAMES.includes(name))) {
    throw new UsageError(
      `bench: unknown suite '${values.suite}' (known: ${SUITE_NAMES.join(", ")}, all)`,
    );
  }
  const trials = positive("--trials", values.trials, DEFAULT_TRIALS);
  const workers = positive("--workers", values.workers, defaultWorkers());
  const sweep = sweepPlan(values.sweep, values["no-sweep"] ?? false, values.scenarios ?? false);
  if (sweep.request !== undefined) await checkSweep(suites, sweep.request);
  const outDir = resolve(values.out ?? join(context.packageRoot, "reports", "latest", "bench"));
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (shard === null) {
    throw new UsageError(`bench: --shard expects I/N with 1 <= I <= N, got '${values.shard}'`);
  }
  const policyFiles = values.policy ?? [];
  await loadPolicyFiles(policyFiles);

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  try {
    const outcome = await runBench({
      suites,
      trials,
      quick: values.quick ?? false,
      workers,
      outDir,
      resume: values.resume ?? false,
      sweep,
      ...(shard !== undefined && { shard }),
      policyFiles,
      ...(values.baseline !== undefined && { baselinePath: resolve(values.baseline) }),
      signal: controller.signal,
      progress,
      packageRoot: context.packageRoot,
      version: context.version,
    });
    const log = join(outDir, "results.jsonl");
    const saved = outcome.resumed + outcome.ran;
    if (outcome.results === null) {
      return printed(
        [
          `bench: interrupted: ${saved} of ${outcome.total} jobs saved in ${log}; run again with --resume to finish`,
        ],
        EXIT_INTERRUPTED,
      );
    }
    const ran = `${outcome.total} jobs (${outcome.resumed} resumed) on ${workers} workers in ${(outcome.wallTimeMs / 1000).toFixed(1)} s`;
    if (shard !== undefined) {
      return printed([
        `bench: shard ${shard.index}/${shard.count}: ${ran}`,
        `results: ${join(outDir, "results.json")} (merge the shards with 'dmafuzz report --merge')`,
      ]);
    }
    const agg = aggregate(outcome.results);
    const summary = outcome.results.suites.map((suite) => {
      const rows = agg.comparisons.filter((c) => c.suite === suite.name);
      const differ = rows.filter((c) => differs(c.comparison));
      return `${suite.name}: ${differ.length} of ${rows.length} comparisons with ${suite.baseline} show a clear difference`;
    });
    const failed = failedCells(outcome.results.jobs);
    return printed([
      ...failed,
      `bench: ${ran}`,
      ...summary,
      `results: ${join(outDir, "results.json")}`,
      `report: ${join(outDir, "report.md")}`,
      `html: ${join(outDir, "index.html")}`,
    ]);
  } catch (error) {
    throw asUsageError(error, outDir);
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

/** One line per failed cell (suite, workload, variant) with its first job's message. */
function failedCells(jobs: readonly JobRecord[]): string[] {
  const cells = new Map<string, string>();
  for (const job of jobs) {
    if (job.failed === undefined) continue;
    const key = `${job.suite} ${job.workload} ${job.variant}`;
    if (!cells.has(key))
      cells.set(key, `bench: failed cell ${key} (seed ${job.seed}): ${job.failed}`);
  }
  return [...cells.values()];
}

/** `--sweep AXIS=FROM..TO:STEPS`, `--no-sweep` and `--scenarios` as a plan for the matrix. */
export function sweepPlan(arg: string | undefined, none: boolean, scenarios: boolean): SweepPlan {
  if (arg !== undefined && none)
    throw new UsageError("bench: --sweep and --no-sweep exclude each other");
  const plan: SweepPlan = { none, scenarios };
  if (arg === undefined) return plan;
  const m = /^([a-z][a-z0-9-]*)=(-?[0-9.]+)\.\.(-?[0-9.]+):([0-9]+)$/.exec(arg);
  const numbers = m === null ? [] : [m[2], m[3], m[4]].map(Number);
  const [from, to, steps] = numbers as [number, number, number];
  if (m === null || numbers.some((n) => !Number.isFinite(n)) || steps < 1 || steps > 100) {
    throw new UsageError(
      `bench: --sweep '${arg}': expected AXIS=FROM..TO:STEPS with 1 to 100 steps, e.g. pressure=0..1:11`,
    );
  }
  return { ...plan, request: { axis: m[1] as string, from, to, steps } };
}

/** The axis of `--sweep` must exist in a chosen suite, and its range within the axis's bounds. */
async function checkSweep(suites: readonly string[], request: SweepRequest): Promise<void> {
  const axes = (await Promise.all(suites.map(loadSuite))).flatMap((s) => s.sweeps ?? []);
  const known = [...new Set(axes.map((a) => a.name))];
  const matching = axes.filter((a) => a.name === request.axis);
  if (matching.length === 0) {
    throw new UsageError(
      `bench: --sweep: no chosen suite has the axis '${request.axis}' (axes: ${known.join(", ") || "none"})`,
    );
  }
  for (const axis of matching) {
    for (const x of [request.from, request.to]) {
      if (x < axis.min || x > axis.max) {
        throw new UsageError(
          `bench: --sweep: ${request.axis} must be within ${axis.min}..${axis.max}, got ${x}`,
        );
      }
    }
  }
}

function positive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = parseCount("bench", flag, value);
  if (n === 0) throw new UsageError(`bench: ${flag} must be at least 1`);
  return n;
}

/** A file-system refusal (bad --out, read-only tree) is bad input, not a bug. */
export function asUsageError(error: unknown, dir: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return error;
  return new UsageError(`cannot write to ${dir}: ${(error as Error).message}`);
}
