/**
 * How the benchmark matrix scales with workers: runs the same matrix on 1 worker and on N,
 * alternating for a few rounds (so a slow spell of a shared machine hits both), and prints the
 * matrix wall time of each run and the speed-up per round and as the median:
 *
 *   node dist/bench/runner/scaling.js [--suite all] [--workers 2] [--rounds 3] [--trials 10]
 *                                     [--full]
 *
 * The runs use the quick form of the suites unless --full is given; the time is the matrix's
 * (worker start-up included, report rendering not), as `dmafuzz bench` reports it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { thisPackage } from "../../src/paths.js";
import { median } from "../../src/stats/summary.js";
import { SUITE_NAMES } from "../suites/registry.js";
import { DEFAULT_TRIALS } from "./matrix.js";
import { runBench } from "./run-bench.js";

/** The measurement's settings. */
export interface ScalingOptions {
  suites: readonly string[];
  workers: number;
  rounds: number;
  trials: number;
  quick: boolean;
}

/** One round: the matrix time on 1 worker and on `workers`. */
export interface ScalingRound {
  oneMs: number;
  manyMs: number;
}

/** Reads the command line; throws a one-line error on bad input. */
export function parseScalingOptions(argv: string[]): ScalingOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: "string", default: "all" },
      workers: { type: "string", default: "2" },
      rounds: { type: "string", default: "3" },
      trials: { type: "string", default: String(DEFAULT_TRIALS) },
      full: { type: "boolean", default: false },
    },
  });
  const suites = values.suite === "all" ? SUITE_NAMES : [values.suite];
  if (!suites.every((s) => SUITE_NAMES.includes(s))) {
    throw new Error(`scaling: unknown suite '${values.suite}' (known: ${SUITE_NAMES.join(", ")})`);
  }
  const count = (flag: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`scaling: ${flag} must be >= ${min}`);
    return n;
  };
  return {
    suites,
    workers: count("--workers", values.workers, 2),
    rounds: count("--rounds", values.rounds, 1),
    trials: count("--trials", values.trials, 1),
    quick: !values.full,
  };
}

/** Runs the rounds; `onRound` sees each as it ends. */
export async function measureScaling(
  options: ScalingOptions,
  onRound: (round: ScalingRound, index: number) => void = () => {},
): Promise<ScalingRound[]> {
  const { root, version } = thisPackage();
  const dir = mkdtempSync(join(tmpdir(), "dmafuzz-scaling-"));
  const matrixMs = async (workers: number) => {
    const outcome = await runBench({
      suites: options.suites,
      trials: options.trials,
      quick: options.quick,
      workers,
      outDir: join(dir, `w${workers}`),
      resume: false,
      writeReport: false,
      packageRoot: root,
      version,
    });
    return outcome.wallTimeMs;
  };
  const rounds: ScalingRound[] = [];
  try {
    for (let r = 0; r < options.rounds; r++) {
      // Alternate which goes first, so neither always runs on a machine just warmed or loaded.
      const oneFirst = r % 2 === 0;
      const first = await matrixMs(oneFirst ? 1 : options.workers);
      const second = await matrixMs(oneFirst ? options.workers : 1);
      const round = oneFirst ? { oneMs: first, manyMs: second } : { oneMs: second, manyMs: first };
      rounds.push(round);
      onRound(round, r);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rounds;
}

async function main(): Promise<void> {
  let options: ScalingOptions;
  try {
    options = parseScalingOptions(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const n = options.workers;
  console.log(
    `matrix: ${options.suites.join(", ")}${options.quick ? " (quick)" : ""}, ${options.trials} trials; 1 vs ${n} workers, ${options.rounds} rounds`,
  );
  const rounds = await measureScaling(options, (round, r) => {
    const ratio = round.oneMs / round.manyMs;
    console.log(
      `round ${r + 1}: 1 worker ${(round.oneMs / 1000).toFixed(1)} s, ${n} workers ${(round.manyMs / 1000).toFixed(1)} s: ${ratio.toFixed(2)}x`,
    );
  });
  const ratios = rounds.map((r) => r.oneMs / r.manyMs);
  console.log(
    `median speed-up ${median(ratios).toFixed(2)}x (range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
