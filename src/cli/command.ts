/**
 * What every `dmafuzz` command takes and returns. Commands do no process I/O of their own: they
 * read files and return the lines to print, which keeps them testable; main.ts wires them up.
 */
import type { AnyModelDefinition } from "../models/registry.js";

/** Everything a command may depend on, injected so tests can substitute it. */
export interface CliContext {
  /** The model families known to the CLI. */
  registry: readonly AnyModelDefinition[];
  /** Environment variables (e.g. `DMAFUZZ_GOLDEN`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The directory holding dmafuzz's package.json. */
  packageRoot: string;
  /** The package version, for `--version`. */
  version: string;
}

/** The result of running a command: its exit code and the lines for stdout and stderr. */
export interface CommandResult {
  exitCode: number;
  stdout: string[];
  stderr: string[];
}

/** Exit codes: success, a check that found a difference, bad input, internal error (EX_SOFTWARE). */
export const ExitCode = { ok: 0, mismatch: 1, usage: 2, internal: 70 } as const;

/** A successful result printing `stdout`. */
export function printed(stdout: string[], exitCode: number = ExitCode.ok): CommandResult {
  return { exitCode, stdout, stderr: [] };
}
