/**
 * `dmafuzz ttb`: the time-to-bug benchmark of the fuzz engines on the canaries (see
 * fuzz/ttb/ttb.ts). Prints one line per trial and the summary table; writes ttb.json, ttb.md
 * and ttb.svg.
 */
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { DEEP_BUGS } from "../../fuzz/deep/index.js";
import { TTB_ENGINES, type TtbEngine } from "../../fuzz/ttb/trial.js";
import { runTtb, selectCanaries } from "../../fuzz/ttb/ttb.js";
import { asUsageError } from "./bench.js";
import { type CliContext, type CommandResult, printed } from "./command.js";
import { commandUsage } from "./help.js";
import { parseCount, parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

const list = (value: string | undefined): string[] =>
  (value ?? "").split(",").filter((s) => s.length > 0);

/** Runs `dmafuzz ttb`; trial lines go to `progress` (stderr by default). */
export async function ttbCommand(
  args: string[],
  context: CliContext,
  progress: { write(line: string): unknown } = process.stderr,
): Promise<CommandResult> {
  const { values, positionals } = parseOptions("ttb", args, {
    trials: { type: "string" },
    "budget-s": { type: "string" },
    "fp-budget-s": { type: "string" },
    engines: { type: "string" },
    canaries: { type: "string" },
    set: { type: "string" },
    bugs: { type: "string" },
    workers: { type: "string" },
    seed: { type: "string" },
    "no-fp": { type: "boolean" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.ttb ?? ""]);
  if (positionals.length > 0) throw new UsageError(`ttb: unexpected argument '${positionals[0]}'`);
  const set = values.set ?? "canaries";
  if (set !== "canaries" && set !== "deep")
    throw new UsageError(`ttb: unknown set '${set}' (known: canaries, deep)`);
  const deep = set === "deep";
  const engines = list(
    values.engines ?? (deep ? TTB_ENGINES.join(",") : "full,code,none,fast-check"),
  );
  const badEngine = engines.find((e) => !(TTB_ENGINES as readonly string[]).includes(e));
  if (badEngine !== undefined)
    throw new UsageError(`ttb: unknown engine '${badEngine}' (known: ${TTB_ENGINES.join(", ")})`);
  if (deep && values.canaries !== undefined)
    throw new UsageError("ttb: --canaries selects canaries; with --set deep use --bugs");
  if (!deep && values.bugs !== undefined)
    throw new UsageError("ttb: --bugs selects deep bugs: it needs --set deep");
  const { canaries, unknown } = deep
    ? { canaries: [], unknown: [] }
    : selectCanaries(list(values.canaries));
  if (unknown.length > 0)
    throw new UsageError(`ttb: unknown canary '${unknown[0]}' (see 'dmafuzz list --canaries')`);
  const bugIds = list(values.bugs);
  const badBug = bugIds.find((id) => !DEEP_BUGS.some((b) => b.id === id));
  if (badBug !== undefined)
    throw new UsageError(
      `ttb: unknown deep bug '${badBug}' (known: ${DEEP_BUGS.map((b) => b.id).join(", ")})`,
    );
  const count = (flag: string, value: string | undefined, fallback: number, min = 1) => {
    if (value === undefined) return fallback;
    const n = parseCount("ttb", flag, value);
    if (n < min) throw new UsageError(`ttb: ${flag} must be at least ${min}`);
    return n;
  };
  const budgetS = count("--budget-s", values["budget-s"], 60);
  const out = resolve(values.out ?? join(context.packageRoot, "reports", "latest", "ttb"));
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  try {
    const { summary } = await runTtb({
      canaries,
      deep: deep
        ? DEEP_BUGS.filter((b) => bugIds.length === 0 || bugIds.includes(b.id))
        : undefined,
      deepBudgetOverride: values["budget-s"] !== undefined,
      engines: engines as TtbEngine[],
      trials: count("--trials", values.trials, 10),
      budgetMs: budgetS * 1000,
      fpBudgetMs: count("--fp-budget-s", values["fp-budget-s"], budgetS) * 1000,
      workers: count("--workers", values.workers, availableParallelism()),
      seed: count("--seed", values.seed, 1, 0),
      falsePositives: !deep && values["no-fp"] !== true,
      out,
      signal: controller.signal,
      onTrial: (r, done, total) =>
        progress.write(
          `[${done}/${total}] ${r.purpose} ${r.canary} ${r.variant} ${r.engine} seed ${r.seed}: ${r.found ? "found" : "not found"} after ${r.execs} execs, ${(r.ms / 1000).toFixed(2)} s\n`,
        ),
    });
    const lines = summary.rows.map(
      (r) =>
        `${r.canary} [${r.engine}]: ${r.found}/${r.trials} found, median ${r.medianSeconds === null ? "-" : `${r.medianSeconds.toFixed(2)} s, ${r.medianExecs} execs`}`,
    );
    const fp = summary.falsePositives.filter((f) => f.fired > 0);
    lines.push(
      fp.length === 0
        ? "false positives: none"
        : `false positives: ${fp.map((f) => `${f.canary} on ${f.variant}`).join(", ")}`,
    );
    lines.push(`report: ${join(out, "ttb.md")}`);
    return printed(lines, fp.length > 0 ? 1 : 0);
  } catch (error) {
    throw asUsageError(error, out);
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
