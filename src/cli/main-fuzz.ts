/**
 * The fuzz step of `dmafuzz main`: a short campaign on every model's fuzz target, each on the
 * variant its first canary names as buggy (the model's default when it has no canary), so the
 * report shows the known bugs being found. A target's directory from an earlier run is resumed:
 * its corpus and findings carry over and nothing saved is lost.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runCampaign } from "../../fuzz/campaign/campaign.js";
import { availableTargets, SELFTEST_TARGET } from "../../fuzz/engine/load-target.js";
import { CANARIES } from "../oracles/canaries.js";
import type { FuzzStepResult } from "../report/fuzz-results.js";

export type { FuzzStepResult } from "../report/fuzz-results.js";

/** The variant the main job fuzzes for a model. */
export function mainJobVariant(model: string, fallback: string): string {
  return CANARIES.find((c) => c.model === model)?.firesOn[0] ?? fallback;
}

/** Runs every model target for `seconds` on `workers` workers. */
export async function fuzzEveryTarget(options: {
  distRoot: string;
  outDir: string;
  seconds: number;
  workers: number;
  defaultVariant: (model: string) => string | undefined;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<FuzzStepResult[]> {
  const results: FuzzStepResult[] = [];
  for (const target of availableTargets(options.distRoot).filter((t) => t !== SELFTEST_TARGET)) {
    if (options.signal.aborted) break;
    const fallback = options.defaultVariant(target);
    if (fallback === undefined) continue;
    const variant = mainJobVariant(target, fallback);
    const dir = join("fuzz", target);
    const outDir = join(options.outDir, dir);
    options.log(
      `fuzz: ${target}@${variant} for ${options.seconds} s on ${options.workers} worker(s)`,
    );
    const outcome = await runCampaign({
      target,
      variant,
      workers: options.workers,
      seed: 1,
      outDir,
      resume: existsSync(join(outDir, "stats.json")),
      feedback: "full",
      maxTimeMs: options.seconds * 1000,
      signal: options.signal,
      log: (line) => {
        if (line.startsWith("FINDING")) options.log(`  ${line}`);
      },
    });
    const { stats } = outcome;
    results.push({
      target,
      variant,
      dir,
      execs: stats.execs,
      execPerSec: stats.execPerSec,
      corpusSize: stats.corpusSize,
      findings: outcome.findings,
      canaries: stats.findings
        .map((f) => f.signature)
        .filter((s) => CANARIES.some((c) => c.id === s)),
    });
  }
  return results;
}
