/**
 * `dmafuzz fuzz`: a fuzz campaign on worker threads (fuzz/campaign). Status lines stream to
 * stdout while it runs; SIGINT or SIGTERM stops it like --max-time and --runs do, with every
 * corpus entry, finding and the statistics saved (exit 0).
 */
import { join, resolve } from "node:path";
import { defaultWorkers } from "../../bench/runner/pool.js";
import { runCampaign } from "../../fuzz/campaign/campaign.js";
import { CampaignInputError } from "../../fuzz/campaign/input-error.js";
import type { FeedbackMode } from "../../fuzz/engine/engine.js";
import { policyVariants } from "../models/policies.js";
import { loadPolicyFiles } from "../models/policy-load.js";
import { asUsageError } from "./bench.js";
import { type CliContext, type CommandResult, printed } from "./command.js";
import { commandUsage } from "./help.js";
import { parseCount, parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

const FEEDBACK: readonly FeedbackMode[] = ["full", "code", "state", "none"];

/** Where status lines go (stdout by default). */
export interface LineSink {
  write(text: string): unknown;
}

/** Runs `dmafuzz fuzz`. */
export async function fuzzCommand(
  args: string[],
  _context: CliContext,
  sink: LineSink = process.stdout,
): Promise<CommandResult> {
  const { values, positionals } = parseOptions("fuzz", args, {
    target: { type: "string" },
    variant: { type: "string" },
    policy: { type: "string", multiple: true },
    workers: { type: "string" },
    "max-time": { type: "string" },
    runs: { type: "string" },
    seed: { type: "string" },
    out: { type: "string" },
    resume: { type: "boolean" },
    feedback: { type: "string" },
    timeout: { type: "string" },
    "max-len": { type: "string" },
    "sync-dir": { type: "string" },
    "sync-id": { type: "string" },
    "sync-interval": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.fuzz ?? ""]);
  if (positionals.length > 0) throw new UsageError(`fuzz: unexpected argument '${positionals[0]}'`);
  if (values.target === undefined) throw new UsageError("fuzz: --target is required");
  const feedback = (values.feedback ?? "full") as FeedbackMode;
  if (!FEEDBACK.includes(feedback)) {
    throw new UsageError(
      `fuzz: --feedback expects one of ${FEEDBACK.join(", ")}, got '${feedback}'`,
    );
  }
  const count = (flag: string, value: string | undefined) =>
    value === undefined ? undefined : parseCount("fuzz", flag, value);
  const workers = count("--workers", values.workers) ?? defaultWorkers();
  const maxTimeS = count("--max-time", values["max-time"]);
  const timeoutS = count("--timeout", values.timeout) ?? 10;
  if (workers === 0) throw new UsageError("fuzz: --workers must be at least 1");
  if (timeoutS === 0) throw new UsageError("fuzz: --timeout must be at least 1");
  const maxRuns = count("--runs", values.runs);
  const maxLen = count("--max-len", values["max-len"]);
  if (maxLen === 0) throw new UsageError("fuzz: --max-len must be at least 1");
  const outDir = resolve(values.out ?? join("fuzz-out", values.target));
  const policyFiles = values.policy ?? [];
  await loadPolicyFiles(policyFiles);
  // With policies for the target and no --variant, the campaign runs the first of them.
  const variant = values.variant ?? policyVariants(values.target)[0];
  const syncIntervalS = count("--sync-interval", values["sync-interval"]) ?? 30;
  if (syncIntervalS === 0) throw new UsageError("fuzz: --sync-interval must be at least 1");
  if (values["sync-dir"] === undefined && values["sync-id"] !== undefined) {
    throw new UsageError("fuzz: --sync-id needs --sync-dir");
  }
  const sync = values["sync-dir"] && {
    dir: resolve(values["sync-dir"]),
    ...(values["sync-id"] !== undefined && { id: values["sync-id"] }),
    intervalMs: syncIntervalS * 1000,
  };

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  // Once each: a second Ctrl-C kills the process, which loses nothing saved either.
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const outcome = await runCampaign({
      target: values.target,
      ...(variant !== undefined && { variant }),
      policyFiles,
      workers,
      seed: count("--seed", values.seed) ?? 1,
      outDir,
      resume: values.resume ?? false,
      feedback,
      ...(maxTimeS !== undefined && { maxTimeMs: maxTimeS * 1000 }),
      ...(maxRuns !== undefined && { maxRuns }),
      timeoutMs: timeoutS * 1000,
      ...(maxLen !== undefined && { maxInputBytes: maxLen }),
      ...(sync && { sync }),
      signal: controller.signal,
      log: (line) => sink.write(`${line}\n`),
    });
    const { stats, newFindings } = outcome;
    const session = stats.sessions[stats.sessions.length - 1];
    const seconds = session?.end ? (Date.parse(session.end) - Date.parse(session.start)) / 1000 : 0;
    return printed([
      `Done ${session?.execs ?? 0} runs in ${seconds.toFixed(1)} s (stopped by ${outcome.reason}); ` +
        `${stats.execs} in the campaign, corpus ${stats.corpusSize}, ` +
        `${stats.findings.length} findings (${newFindings.length} new), ` +
        `${outcome.replacedWorkers} workers replaced`,
      `out: ${outDir}`,
      `report: ${join(outDir, "index.html")}`,
    ]);
  } catch (error) {
    if (error instanceof CampaignInputError) throw new UsageError(`fuzz: ${error.message}`);
    throw asUsageError(error, outDir);
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
