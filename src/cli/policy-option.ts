/**
 * `--policy FILE` (repeatable) for the commands that run models in this thread (replay, list):
 * the option is taken out of the arguments, the files are loaded and registered, and the
 * command runs with the rest. A file that does not load is bad input (exit 2).
 */
import { loadPolicyFiles } from "../models/policy-load.js";
import type { CliContext, CommandResult } from "./command.js";
import { UsageError } from "./usage-error.js";

type Command = (args: string[], context: CliContext) => CommandResult | Promise<CommandResult>;

/** `command` with `--policy FILE` / `--policy=FILE` handled before it runs. */
export function withPolicyOption(name: string, command: Command): Command {
  return async (args, context) => {
    const rest: string[] = [];
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === "--") {
        rest.push(...args.slice(i));
        break;
      }
      if (arg.startsWith("--policy=")) files.push(arg.slice("--policy=".length));
      else if (arg === "--policy") {
        const file = args[++i];
        if (file === undefined)
          throw new UsageError(`${name}: option '--policy <value>' argument missing`);
        files.push(file);
      } else rest.push(arg);
    }
    await loadPolicyFiles(files);
    return command(rest, context);
  };
}
