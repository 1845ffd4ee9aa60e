/** `dmafuzz report DIR`: re-renders report.md, results.csv and index.html from DIR/results.json. */
import { join, resolve } from "node:path";
import { readResultsFile } from "../report/read-results.js";
import { aggregate } from "../report/aggregate.js";
import { renderReport } from "../report/render.js";
import { renderText } from "../report/text.js";
import { asUsageError } from "./bench.js";
import { type CliContext, type CommandResult, printed } from "./command.js";
import { commandUsage } from "./help.js";
import { parseOptions } from "./parse-options.js";
import { UsageError } from "./usage-error.js";

/** Runs `dmafuzz report` with the arguments after the command name. */
export async function reportCommand(args: string[], _context: CliContext): Promise<CommandResult> {
  const { values, positionals } = parseOptions("report", args, {
    text: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return printed([commandUsage.report ?? ""]);
  const [dirArg, extra] = positionals;
  if (dirArg === undefined) throw new UsageError("report: no report directory given");
  if (extra !== undefined) throw new UsageError(`report: unexpected argument '${extra}'`);
  const dir = resolve(dirArg);
  const results = readResultsFile(join(dir, "results.json"));
  if (values.text) return printed([renderText(results, aggregate(results)).trimEnd()]);
  try {
    const written = await renderReport(dir, results);
    return printed(written.map((path) => `written: ${path}`));
  } catch (error) {
    throw asUsageError(error, dir);
  }
}
