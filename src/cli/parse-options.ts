/** Strict `node:util` parseArgs whose errors become {@link UsageError}s naming the command. */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./usage-error.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses `args` for `command` in strict mode with positionals allowed. Unknown options, missing
 * values and the like throw a UsageError with parseArgs' first sentence, e.g.
 * `replay: unknown option '--foo'`.
 */
export function parseOptions<const T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) throw error;
    const sentence = (error as Error).message.split(/\.\s/)[0] ?? "";
    throw new UsageError(`${command}: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`);
  }
}

/** Parses a non-negative safe integer option value, or throws a UsageError. */
export function parseCount(command: string, flag: string, value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) {
    throw new UsageError(`${command}: ${flag} expects a non-negative integer, got '${value}'`);
  }
  return parsed;
}
