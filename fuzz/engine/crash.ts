/**
 * Turns an exception thrown by a target into a finding. A FindingError (thrown by a target's
 * `fuzz` entry point, or from another module instance, hence the duck typing) keeps its finding;
 * anything else is a `crash` whose site is the error's name and top stack frame, so the same
 * fault deduplicates while different faults stay apart.
 */
import type { Finding } from "../../src/oracles/finding.js";
import type { TargetRun } from "./target.js";

/** The finding and trace (empty when unknown) for an exception thrown by a target's run. */
export function crashFinding(model: string, variant: string, error: unknown): TargetRun {
  if (isFindingError(error)) return { finding: error.finding, trace: [...error.trace] };
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const finding: Finding = {
    kind: "crash",
    model,
    variant,
    opIndex: -1,
    site: `${name}@${topFrame(stack)}`,
    message,
    evidence: { stack },
  };
  return { finding, trace: [] };
}

function isFindingError(
  error: unknown,
): error is { finding: Finding; trace: readonly Record<string, unknown>[] } {
  return (
    error instanceof Error &&
    error.name === "FindingError" &&
    typeof (error as { finding?: unknown }).finding === "object" &&
    Array.isArray((error as { trace?: unknown }).trace)
  );
}

/** The first stack frame as `function (file:line:column)`, with the directory dropped. */
export function topFrame(stack: string): string {
  const line = stack.split("\n").find((text) => /^\s+at /.test(text));
  if (line === undefined) return "unknown";
  return line
    .trim()
    .slice(3)
    .replace(/(?:file:\/\/)?[^\s()]*[\\/]([^\\/\s()]+:\d+:\d+)/, "$1");
}
