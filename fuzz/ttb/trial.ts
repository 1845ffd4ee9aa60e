/**
 * One time-to-bug trial: an engine configuration fuzzes a canary's model on one variant from an
 * empty corpus until the canary fires or the budget runs out. In-process engines run dmafuzz's
 * FuzzEngine (full feedback, code coverage only, blind, or fast-check generation); `jsfuzz`
 * runs the unchanged target under the jsfuzz binary, which reports only that canary.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { dependencyBin, thisPackage } from "../../src/paths.js";
import { FuzzEngine } from "../engine/engine.js";
import { fastCheckTarget } from "../engine/fast-check-mode.js";
import { loadInstrumented, loadTarget } from "../engine/load-target.js";
import type { FuzzTarget, TargetRun } from "../engine/target.js";
import type { DeepTarget } from "../deep/bug.js";

/** The engine configurations compared. */
export const TTB_ENGINES = ["full", "code", "state", "none", "fast-check", "jsfuzz"] as const;
export type TtbEngine = (typeof TTB_ENGINES)[number];

export interface TrialJob {
  /** The canary, or with `set` "deep" the deep bug (fuzz/deep). */
  canary: string;
  /** Which bug set the id belongs to (default "canaries"). */
  set?: "canaries" | "deep";
  model: string;
  variant: string;
  engine: TtbEngine;
  seed: number;
  budgetMs: number;
  /** "ttb": time the canary on a buggy variant; "fp": watch a fixed variant for false alarms. */
  purpose: "ttb" | "fp";
}

export interface TrialResult {
  found: boolean;
  /** Executions and wall milliseconds until the canary fired, or the whole run when it did not. */
  execs: number;
  ms: number;
  execPerSec: number;
}

const targets = new Map<string, Promise<FuzzTarget>>();
let deepModule: Promise<{ deepBugTarget(id: string): DeepTarget }> | undefined;

/** A first hit: executions and elapsed engine milliseconds. */
type Hit = { execs: number; ms: number };

/**
 * The target a job fuzzes, and how its first hit is seen: a canary through the engine's first
 * finding of it, a deep bug through its measuring detector after every execution (its finding's
 * signature may have been reported before, in a shallower state).
 */
async function jobTarget(
  job: TrialJob,
  onHit: (execs: number) => void,
): Promise<{ target: FuzzTarget; canary: string | null; maxInputBytes?: number }> {
  if (job.set === "deep") {
    deepModule ??= loadInstrumented("fuzz/deep/index.js").then(
      ({ module }) => module as { deepBugTarget(id: string): DeepTarget },
    );
    const deep = (await deepModule).deepBugTarget(job.canary);
    let execs = 0;
    const run = (data: Uint8Array, variant: string, sink?: Parameters<FuzzTarget["run"]>[2]) => {
      const outcome: TargetRun = deep.run(data, variant, sink);
      execs++;
      if (deep.detect(outcome)) onHit(execs);
      return outcome;
    };
    return { target: { ...deep, run }, canary: null, maxInputBytes: deep.maxInputBytes };
  }
  let target = targets.get(job.model);
  if (target === undefined) {
    target = loadTarget(job.model).then((loaded) => loaded.target);
    targets.set(job.model, target);
  }
  return { target: await target, canary: job.canary };
}

/** Runs one trial. */
export async function runTrial(job: TrialJob): Promise<TrialResult> {
  if (job.engine === "jsfuzz") return runJsfuzz(job);
  let first: Hit | null = null;
  const running: { engine?: FuzzEngine } = {};
  const {
    target: base,
    canary,
    maxInputBytes,
  } = await jobTarget(job, (execs) => {
    if (first === null) first = { execs, ms: running.engine?.stats().elapsedMs ?? 0 };
  });
  const engine = new FuzzEngine({
    target:
      job.engine === "fast-check"
        ? fastCheckTarget(
            base,
            maxInputBytes === undefined ? undefined : Math.floor(maxInputBytes / base.opBytes),
          )
        : base,
    variant: job.variant,
    seed: job.seed,
    maxInputBytes,
    feedback: job.engine === "fast-check" ? "full" : job.engine,
    onFinding: (event) => {
      if (first === null && canary !== null && event.finding.canary === canary)
        first = { execs: event.execs, ms: event.elapsedMs };
    },
  });
  running.engine = engine;
  const stats = engine.runFor({ maxTimeMs: job.budgetMs, shouldStop: () => first !== null });
  const hit = first as Hit | null;
  return {
    found: hit !== null,
    execs: hit?.execs ?? stats.execs,
    ms: hit?.ms ?? stats.elapsedMs,
    execPerSec: stats.execPerSec,
  };
}

/** jsfuzz on the CommonJS build of the target, in a scratch directory, until it finds the canary. */
function runJsfuzz(job: TrialJob): Promise<TrialResult> {
  const root = thisPackage().root;
  const cwd = mkdtempSync(join(tmpdir(), "dmafuzz-ttb-jsfuzz-"));
  mkdirSync(join(cwd, "corpus"));
  const script =
    job.set === "deep"
      ? join(root, "dist", "cjs", "fuzz", "deep", "deep.fuzz.js")
      : join(root, "dist", "cjs", "fuzz", "targets", `${job.model}.fuzz.js`);
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [dependencyBin("jsfuzz"), relative(cwd, script), "corpus"],
      {
        cwd,
        env: {
          ...process.env,
          DMAFUZZ_VARIANT: job.variant,
          ...(job.set === "deep"
            ? { DMAFUZZ_DEEP_BUG: job.canary }
            : { DMAFUZZ_CANARY: job.canary }),
        },
      },
    );
    let out = "";
    const collect = (data: Buffer) => {
      out = (out + data.toString()).slice(-20_000);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), job.budgetMs);
    child.on("exit", () => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      const status = [...out.matchAll(/#(\d+) \S+\s+cov: \d+ corp: \d+ exec\/s: (\d+)/g)].at(-1);
      rmSync(cwd, { recursive: true, force: true });
      resolve({
        found: out.includes("crash was written") && out.includes(job.canary),
        execs: Number(status?.[1] ?? 0),
        ms,
        execPerSec: Number(status?.[2] ?? 0),
      });
    });
  });
}
