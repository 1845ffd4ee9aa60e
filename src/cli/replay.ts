/** `dmafuzz replay`: check traces against a model, or record a model's results into a trace. */
import { type ReplayMismatch, type ReplayOutcome, replayFile } from "../models/replay.js";
import { formatJsonl } from "../sim/jsonl.js";
import { type CliContext, type CommandResult, ExitCode, printed } from "./command.js";
import { commandUsage } from "./help.js";
import { requireModel, requireVariant } from "./model-choice.js";
import { outcomeLine } from "./outcome-line.js";
import { parseCount, parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** One file's entry in `replay --json` output. */
export interface ReplayFileReport {
  file: string;
  status: ReplayOutcome["kind"];
  ops: number;
  mismatch?: ReplayMismatch;
  trace?: Record<string, unknown>[];
}

/**
 * Runs `dmafuzz replay` with the arguments after the command name. All files are replayed before
 * anything is printed, so bad input in any of them gives only the error.
 */
export function replayCommand(args: string[], context: CliContext): CommandResult {
  const { values, positionals } = parseOptions("replay", args, {
    model: { type: "string" },
    variant: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.replay ?? ""]);
  if (values.model === undefined) throw new UsageError("replay: --model is required");
  if (positionals.length === 0) throw new UsageError("replay: no trace file given");
  const def = requireModel(context.registry, values.model);
  const variant = requireVariant(def, values.variant);
  const seed = values.seed === undefined ? 1 : parseCount("replay", "--seed", values.seed);

  const outcomes = positionals.map((file) => ({
    file,
    outcome: replayFile(def, variant, file, { seed }),
  }));
  const ok = outcomes.every(({ outcome }) => outcome.kind !== "mismatch");
  const exitCode = ok ? ExitCode.ok : ExitCode.mismatch;
  if (values.json) {
    const files = outcomes.map(({ file, outcome }) => fileReport(file, outcome));
    return printed([JSON.stringify({ model: def.name, variant, files, ok })], exitCode);
  }
  const lines = outcomes.map(({ file, outcome }) =>
    outcome.kind === "recorded"
      ? formatJsonl(outcome.trace).replace(/\n$/, "")
      : outcomeLine(file, outcome),
  );
  return printed(lines, exitCode);
}

function fileReport(file: string, outcome: ReplayOutcome): ReplayFileReport {
  const report: ReplayFileReport = { file, status: outcome.kind, ops: outcome.ops };
  if (outcome.kind === "mismatch") report.mismatch = outcome.mismatch;
  if (outcome.kind === "recorded") report.trace = outcome.trace;
  return report;
}
