/**
 * `dmafuzz report DIR`: re-renders report.md, results.csv and index.html from DIR/results.json;
 * `dmafuzz report --merge DIR... [--out OUT]` merges the results of `bench --shard` runs into
 * OUT/results.json first.
 */
import { join, resolve } from "node:path";
import { mergeShards } from "../../bench/runner/shard.js";
import { readResultsFile } from "../report/read-results.js";
import { aggregate } from "../report/aggregate.js";
import { renderReport } from "../report/render.js";
import { renderText } from "../report/text.js";
import { writeFileAtomic } from "../sim/atomic-write.js";
import { asUsageError } from "./bench.js";
import { type CliContext, type CommandResult, printed } from "./command.js";
import { commandUsage } from "./help.js";
import { parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** Runs `dmafuzz report` with the arguments after the command name. */
export async function reportCommand(args: string[], context: CliContext): Promise<CommandResult> {
  const { values, positionals } = parseOptions("report", args, {
    text: { type: "boolean" },
    merge: { type: "boolean" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.report ?? ""]);
  if (values.merge) return mergeCommand(positionals, values.out, context);
  if (values.out !== undefined) throw new UsageError("report: --out needs --merge");
  const [dirArg, extra] = positionals;
  if (dirArg === undefined) throw new UsageError("report: no report directory given");
  if (extra !== undefined) throw new UsageError(`report: unexpected argument '${extra}'`);
  const dir = resolve(dirArg);
  const results = readResultsFile(join(dir, "results.json"));
  if (values.text) return printed([renderText(results, aggregate(results)).trimEnd()]);
  const shard = results.run.shard;
  if (shard !== undefined) {
    throw new UsageError(
      `report: ${dir} holds shard ${shard.index}/${shard.count} of a run: merge the shards with 'dmafuzz report --merge'`,
    );
  }
  return render(dir, results, []);
}

async function mergeCommand(
  dirs: string[],
  out: string | undefined,
  context: CliContext,
): Promise<CommandResult> {
  if (dirs.length === 0) throw new UsageError("report: --merge needs the shard directories");
  const files = dirs.map((dir) => {
    const path = join(resolve(dir), "results.json");
    return { path, results: readResultsFile(path) };
  });
  const results = mergeShards(files);
  const outDir = resolve(out ?? join(context.packageRoot, "reports", "latest", "bench"));
  const resultsPath = join(outDir, "results.json");
  try {
    writeFileAtomic(resultsPath, `${JSON.stringify(results, null, 1)}\n`);
  } catch (error) {
    throw asUsageError(error, outDir);
  }
  return render(outDir, results, [
    `merged ${files.length} shards, ${results.jobs.length} jobs: ${resultsPath}`,
  ]);
}

async function render(
  dir: string,
  results: ReturnType<typeof readResultsFile>,
  lines: string[],
): Promise<CommandResult> {
  try {
    const written = await renderReport(dir, results);
    return printed([...lines, ...written.map((path) => `written: ${path}`)]);
  } catch (error) {
    throw asUsageError(error, dir);
  }
}
