/**
 * The first step of `dmafuzz main`: replays the golden traces of the real kernel on the models
 * and writes summary.json and summary.md.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { listGoldenFiles } from "../models/golden-files.js";
import { replayFile } from "../models/replay.js";
import { goldenDirs } from "../paths.js";
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
    golden: { type: "string", multiple: true },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.main ?? ""]);
  if (positionals.length > 0) throw new UsageError(`main: unexpected argument '${positionals[0]}'`);
  const roots = goldenDirs(context.packageRoot, context.env, values.golden ?? []);
  const outDir = resolve(values.out ?? join(context.packageRoot, "reports", "latest"));

  const started = performance.now();
  const lines: string[] = [];
  const notes: string[] = [];
  const files: GoldenFileResult[] = [];
  const registered = sets.filter((set) => {
    if (context.registry.some((model) => model.name === set.model)) return true;
    notes.push(`skipped ${set.model}: model not registered`);
    return false;
  });
  const listing = listGoldenFiles(roots, registered);
  for (const set of listing.absent) notes.push(`no ${set.dir}/ folder in any golden directory`);
  if (listing.files.length === 0) {
    const why = existsSync(roots[0] as string)
      ? "the package's golden/ folder holds no trace of a registered model"
      : "the package's golden/ folder is missing (reinstall dmafuzz)";
    throw new UsageError(
      `main: no golden trace file found in ${roots.join(", ")}; ${why}. Add directories with --golden or DMAFUZZ_GOLDEN`,
    );
  }
  lines.push(...notes.map((note) => `note: ${note}`));
  for (const golden of listing.files) {
    const def = context.registry.find((model) => model.name === golden.model);
    if (def === undefined) continue; // unreachable: unregistered sets were filtered out above
    const outcome = replayFile(def, golden.variant, golden.path);
    const result: GoldenFileResult = {
      model: def.name,
      variant: golden.variant,
      file: golden.file,
      root: golden.root,
      status: outcome.kind,
      ops: outcome.ops,
    };
    if (outcome.kind === "mismatch") result.mismatch = outcome.mismatch;
    files.push(result);
    lines.push(outcomeLine(`${golden.file} [${def.name}@${golden.variant}]`, outcome));
  }
  const mismatches = files.filter((file) => file.status === "mismatch").length;
  const summary: MainSummary = {
    job: "golden-replay",
    goldenDirs: roots,
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
