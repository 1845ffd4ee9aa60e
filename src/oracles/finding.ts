/**
 * Findings are values (../shared/DESIGN.md): what went wrong, where in the op sequence, with the
 * evidence, and the known bug it matches when a canary recognises it.
 */

/** The kinds of finding every oracle reports in. */
export const FINDING_KINDS = [
  "hang",
  // An allocation that can sleep and issue I/O made where that I/O may wait on it: nothing hangs
  // in the model, but the kernel can deadlock.
  "deadlock-risk",
  "spurious-failure",
  "overlap",
  "out-of-range",
  "mask-violation",
  "oom-forbidden",
  "warning",
  "accounting",
  "invariant",
  "crash",
  "timeout",
  // A user's policy hook threw, returned an invalid value or never returned.
  "policy-error",
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  kind: FindingKind;
  model: string;
  variant: string;
  /** 0-based index of the op at which the oracle fired. */
  opIndex: number;
  /** Short stable name of the check that fired, e.g. `alloc-below-start` (part of the signature). */
  site: string;
  message: string;
  evidence: Record<string, unknown>;
  /** Id of the known bug this matches, e.g. `iova-max32-stale`. */
  canary?: string;
  /** The user's policy modules the variant runs (`--policy`), by name and file. */
  policy?: { name: string; file: string }[];
}

/** Deduplication key: the canary, else kind + model + variant + site. */
export function findingSignature(finding: Finding): string {
  return finding.canary ?? `${finding.kind}:${finding.model}@${finding.variant}:${finding.site}`;
}

/**
 * What a fuzz target throws for a finding (the jsfuzz / Jazzer.js convention: a target throws to
 * report). It carries the finding and the executed ops as a JSONL-ready trace.
 */
export class FindingError extends Error {
  override name = "FindingError";

  constructor(
    readonly finding: Finding,
    readonly trace: readonly Record<string, unknown>[],
  ) {
    super(`${findingSignature(finding)} at op ${finding.opIndex}: ${finding.message}`);
  }
}

/** Builds one oracle's findings: the model is fixed, the variant read when a finding is made. */
export function findingMaker(model: string, variantOf: () => string) {
  return (
    kind: FindingKind,
    opIndex: number,
    site: string,
    message: string,
    evidence: Record<string, unknown>,
    canary?: string,
  ): Finding => {
    const finding: Finding = {
      kind,
      model,
      variant: variantOf(),
      opIndex,
      site,
      message,
      evidence,
    };
    if (canary !== undefined) finding.canary = canary;
    return finding;
  };
}
