/**
 * `dmafuzz main`, the job behind `npm start`: replays the golden traces, runs a short fuzz
 * campaign on every model's target (about two minutes in all, on all cores), runs the quick form
 * of every benchmark suite, and writes reports/latest/index.html linking the reports.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join, resolve } from "node:path";
import { runBench } from "../../bench/runner/run-bench.js";
import { DEFAULT_TRIALS } from "../../bench/runner/matrix.js";
import { SUITE_NAMES } from "../../bench/suites/registry.js";
import { aggregate } from "../report/aggregate.js";
import { renderMainIndex } from "../report/main-index.js";
import { differs } from "../report/verdicts.js";
import { writeFileAtomic } from "../sim/atomic-write.js";
import { type CliContext, type CommandResult, printed } from "./command.js";
import { commandUsage } from "./help.js";
import { fuzzEveryTarget, type FuzzStepResult } from "./main-fuzz.js";
import { goldenJob } from "./main-job.js";
import type { MainSummary } from "./main-summary.js";
import { parseCount, parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** Runs `dmafuzz main`; step lines go to `log` as they happen (stdout by default). */
export async function mainCommand(
  args: string[],
  context: CliContext,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<CommandResult> {
  const { values, positionals } = parseOptions("main", args, {
    golden: { type: "string", multiple: true },
    out: { type: "string" },
    "fuzz-s": { type: "string" },
    workers: { type: "string" },
    "no-fuzz": { type: "boolean" },
    "no-bench": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.main ?? ""]);
  if (positionals.length > 0) throw new UsageError(`main: unexpected argument '${positionals[0]}'`);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const outDir = resolve(values.out ?? join(context.packageRoot, "reports", "latest"));
  const workers =
    values.workers === undefined
      ? availableParallelism()
      : parseCount("main", "--workers", values.workers);
  if (workers === 0) throw new UsageError("main: --workers must be at least 1");
  const seconds =
    values["fuzz-s"] === undefined ? 20 : parseCount("main", "--fuzz-s", values["fuzz-s"]);

  const goldenArgs = [
    ...(values.golden ?? []).flatMap((dir) => ["--golden", dir]),
    "--out",
    outDir,
  ];
  const golden = goldenJob(goldenArgs, context);
  for (const line of golden.stdout) log(line);
  // The golden step wrote its summary; the index page reports its totals.
  const summary = JSON.parse(readFileSync(join(outDir, "summary.json"), "utf8")) as MainSummary;

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  try {
    let fuzz: FuzzStepResult[] | null = null;
    if (!values["no-fuzz"]) {
      fuzz = await fuzzEveryTarget({
        distRoot: join(context.packageRoot, "dist"),
        outDir,
        seconds,
        workers,
        defaultVariant: (model) => context.registry.find((m) => m.name === model)?.defaultVariant,
        signal: controller.signal,
        log,
      });
      for (const f of fuzz) {
        log(
          `fuzz: ${f.target}@${f.variant}: ${f.execs} execs, ${f.findings.length} findings${f.canaries.length ? ` (canaries: ${f.canaries.join(", ")})` : ""}`,
        );
      }
    }
    let bench: { summary: string[]; html: string } | null = null;
    if (!values["no-bench"] && !controller.signal.aborted) {
      log(`bench: quick form of ${SUITE_NAMES.join(", ")} on ${workers} worker(s)`);
      const benchDir = join(outDir, "bench");
      const outcome = await runBench({
        suites: SUITE_NAMES,
        trials: DEFAULT_TRIALS,
        quick: true,
        workers,
        outDir: benchDir,
        resume: false,
        signal: controller.signal,
        progress: process.stderr,
        packageRoot: context.packageRoot,
        version: context.version,
      });
      if (outcome.results !== null) {
        const agg = aggregate(outcome.results);
        const lines = outcome.results.suites.map((suite) => {
          const rows = agg.comparisons.filter((c) => c.suite === suite.name);
          return `${suite.name}: ${rows.filter((c) => differs(c.comparison)).length} of ${rows.length} comparisons with ${suite.baseline} show a clear difference`;
        });
        for (const line of lines) log(`bench: ${line}`);
        bench = { summary: lines, html: "bench/index.html" };
      }
    }
    const wallTimeS = (performance.now() - started) / 1000;
    const index = join(outDir, "index.html");
    writeFileAtomic(
      index,
      renderMainIndex({
        version: context.version,
        environment: `Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores`,
        startedAt,
        wallTimeS,
        golden: summary.totals,
        fuzz,
        bench,
      }),
    );
    return printed(
      [`main job done in ${wallTimeS.toFixed(0)} s; report: ${index}`],
      golden.exitCode,
    );
  } finally {
    process.removeListener("SIGINT", onSignal);
  }
}
