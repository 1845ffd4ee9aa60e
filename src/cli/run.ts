/**
 * Dispatches a `dmafuzz` command line and turns every error into a result: bad input (a
 * UsageError or a TraceError) is one `dmafuzz: <message>` line and exit 2; anything else is a bug,
 * reported with its stack and exit 70.
 */
import { isPolicyError } from "../models/policy.js";
import { TraceError } from "../sim/jsonl.js";
import { type CliContext, type CommandResult, ExitCode, printed } from "./command.js";
import { benchCommand } from "./bench.js";
import { fuzzCommand } from "./fuzz.js";
import { commandUsage, mainUsage } from "./help.js";
import { listCommand } from "./list.js";
import { mainCommand } from "./main-command.js";
import { replayCommand } from "./replay.js";
import { reportCommand } from "./report.js";
import { triageCommand } from "./triage.js";
import { ttbCommand } from "./ttb.js";
import { withPolicyOption } from "./policy-option.js";
import { UsageError } from "./usage-error.js";

type Command = (args: string[], context: CliContext) => CommandResult | Promise<CommandResult>;

const commands: Readonly<Record<string, Command>> = {
  replay: withPolicyOption("replay", replayCommand),
  list: withPolicyOption("list", listCommand),
  main: mainCommand,
  bench: benchCommand,
  fuzz: fuzzCommand,
  report: reportCommand,
  ttb: ttbCommand,
  triage: triageCommand,
};

/** Runs `dmafuzz` with `argv` (the arguments after the program name). Never throws. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<CommandResult> {
  try {
    return await dispatch([...argv], context);
  } catch (error) {
    return errorResult(error);
  }
}

async function dispatch(argv: string[], context: CliContext): Promise<CommandResult> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("missing command (try 'dmafuzz --help')");
  if (name === "--help" || name === "-h") return printed([mainUsage]);
  if (name === "--version" || name === "-V") return printed([context.version]);
  if (name === "help") return helpCommand(rest);
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    const what = name.startsWith("-") ? "option" : "command";
    throw new UsageError(`unknown ${what} '${name}' (try 'dmafuzz --help')`);
  }
  return command(rest, context);
}

function helpCommand(args: string[]): CommandResult {
  const [topic, extra] = args;
  if (topic === undefined) return printed([mainUsage]);
  const usage = Object.hasOwn(commandUsage, topic) ? commandUsage[topic] : undefined;
  if (usage === undefined || extra !== undefined) {
    throw new UsageError(`help: unknown command '${args.join(" ")}' (try 'dmafuzz --help')`);
  }
  return printed([usage]);
}

/** The result reporting `error`: exit 2 for bad input, else exit 70 with the stack. */
export function errorResult(error: unknown): CommandResult {
  if (isPolicyError(error)) {
    // A user's policy hook at fault while replaying: bad input, named by the policy's file.
    return { exitCode: ExitCode.usage, stdout: [], stderr: [`dmafuzz: ${oneLine(error.message)}`] };
  }
  if (error instanceof UsageError || error instanceof TraceError) {
    return { exitCode: ExitCode.usage, stdout: [], stderr: [`dmafuzz: ${oneLine(error.message)}`] };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack !== undefined ? [error.stack] : [];
  return {
    exitCode: ExitCode.internal,
    stdout: [],
    stderr: [`dmafuzz: internal error: ${message}`, ...stack],
  };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ");
}
