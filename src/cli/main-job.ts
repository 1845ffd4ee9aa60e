/**
 * The first step of `dmafuzz main`: replays the golden traces of the real kernel on the models
 * and writes summary.json and summary.md.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { replayFile } from "../models/replay.js";
import { defaultGoldenDir } from "../paths.js";
import { writeFileAtomic } from "../sim/atomic-write.js";
import { type CliContext, type CommandResult, ExitCode, printed } from "./command.js";
import { type GoldenSet, goldenSets } from "../models/golden-sets.js";
import { commandUsage } from "./help.js";
import {
  type GoldenFileResult,
  type MainSummary,
  renderSummaryMarkdown,
  summaryLine,
} from "./main-summary.js";
import { outcomeLine } from "./outcome-line.js";
import { parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** The golden-replay step of `dmafuzz main` (its only step with --no-fuzz --no-bench). */
export function goldenJob(
  args: string[],
  context: CliContext,
  sets: readonly GoldenSet[] = goldenSets,
): CommandResult {
  const { values, positionals } = parseOptions("main", args, {
    golden: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.main ?? ""]);
  if (positionals.length > 0) throw new UsageError(`main: unexpected argument '${positionals[0]}'`);
  const goldenDir = resolve(values.golden ?? defaultGoldenDir(context.packageRoot, context.env));
  const outDir = resolve(values.out ?? join(context.packageRoot, "reports", "latest"));

  const started = performance.now();
  const lines: string[] = [];
  const notes: string[] = [];
  const files: GoldenFileResult[] = [];
  for (const set of sets) {
    const def = context.registry.find((model) => model.name === set.model);
    const dir = join(goldenDir, set.dir);
    if (def === undefined || !isDirectory(dir)) {
      const note = `skipped ${set.model}: ${def === undefined ? "model not registered" : `no directory ${dir}`}`;
      notes.push(note);
      lines.push(`note: ${note}`);
      continue;
    }
    for (const name of readdirSync(dir).sort()) {
      const variant = set.files.find((entry) => name.endsWith(entry.suffix))?.variant;
      if (variant === undefined) continue;
      const outcome = replayFile(def, variant, join(dir, name));
      const file = `${set.dir}/${name}`;
      const result: GoldenFileResult = {
        model: def.name,
        variant,
        file,
        status: outcome.kind,
        ops: outcome.ops,
      };
      if (outcome.kind === "mismatch") result.mismatch = outcome.mismatch;
      files.push(result);
      lines.push(outcomeLine(`${file} [${def.name}@${variant}]`, outcome));
    }
  }
  const mismatches = files.filter((file) => file.status === "mismatch").length;
  const summary: MainSummary = {
    job: "golden-replay",
    goldenDir,
    notes,
    files,
    totals: {
      files: files.length,
      ops: files.reduce((sum, file) => sum + file.ops, 0),
      mismatches,
    },
    durationMs: Math.round(performance.now() - started),
    ok: mismatches === 0,
  };
  writeReport(outDir, summary);
  lines.push(summaryLine(summary), `report: ${join(outDir, "summary.md")}`);
  return printed(lines, summary.ok ? ExitCode.ok : ExitCode.mismatch);
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function writeReport(outDir: string, summary: MainSummary): void {
  try {
    writeFileAtomic(join(outDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileAtomic(join(outDir, "summary.md"), renderSummaryMarkdown(summary));
  } catch (error) {
    // A file-system refusal (bad --out, read-only tree) is bad input, not a bug.
    if (typeof (error as { code?: unknown }).code !== "string") throw error;
    throw new UsageError(`cannot write the report to ${outDir}: ${(error as Error).message}`);
  }
}
