/**
 * Triage of a finding, as a kernel developer reads it: a known bug (a canary of the seed reports
 * recognised it), documented kernel behaviour (the oracle marked it `kernelBehaviour` and named
 * the kernel code that makes it so), or unexplained (nobody has said yet why it happens).
 */
import { findCanary } from "../oracles/canaries.js";
import type { Finding } from "../oracles/finding.js";

/** The three triage labels, in the order pages list them: unexplained first. */
export const TRIAGE_KINDS = ["unexplained", "known-bug", "kernel-behaviour"] as const;

export type TriageKind = (typeof TRIAGE_KINDS)[number];

/** A kernel function and the fact about it that an oracle's verdict rests on. */
export interface TriageReference {
  file: string;
  function: string;
  versions: string;
  fact: string;
}

/** A finding's triage: its label, why, and what it rests on. */
export interface Triage {
  kind: TriageKind;
  /** The label as shown, e.g. "known bug: iova-max32-stale". */
  label: string;
  /** One or two sentences: the canary's description, or what the oracle says. */
  explanation: string;
  /** For a known bug: where the bug and its fix are described (the seed report). */
  seedReport?: string;
  /** For a known bug: the variants where it must fire and where it must never fire. */
  firesOn?: readonly string[];
  silentOn?: readonly string[];
  /** The kernel code the oracle cites (documented behaviour, and sometimes the others). */
  kernel: TriageReference[];
}

/** The page's short label of each kind. */
export const TRIAGE_LABELS: Readonly<Record<TriageKind, string>> = {
  unexplained: "unexplained",
  "known-bug": "known bug",
  "kernel-behaviour": "documented kernel behaviour",
};

/** Triage of one finding, from its canary and the evidence its oracle attached. */
export function triageFinding(finding: Finding): Triage {
  const kernel = kernelReferences(finding.evidence.kernel);
  const canary = finding.canary === undefined ? undefined : findCanary(finding.canary);
  if (canary !== undefined) {
    return {
      kind: "known-bug",
      label: `${TRIAGE_LABELS["known-bug"]}: ${canary.id}`,
      explanation: canary.description,
      seedReport: canary.reference,
      firesOn: canary.firesOn,
      silentOn: canary.silentOn,
      kernel,
    };
  }
  if (finding.evidence.kernelBehaviour === true) {
    return {
      kind: "kernel-behaviour",
      label: TRIAGE_LABELS["kernel-behaviour"],
      explanation: finding.message,
      kernel,
    };
  }
  return {
    kind: "unexplained",
    label: TRIAGE_LABELS.unexplained,
    explanation:
      "No canary recognises this finding and its oracle does not mark it as the kernel's documented behaviour: read the evidence and the minimized trace, then fix the model or the oracle, or name the kernel bug (a new canary).",
    kernel,
  };
}

/** Sorts items by triage kind, unexplained first; the order within a kind is kept. */
export function byTriage<T>(items: readonly T[], kindOf: (item: T) => TriageKind): T[] {
  const rank = (item: T) => TRIAGE_KINDS.indexOf(kindOf(item));
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

function kernelReferences(value: unknown): TriageReference[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (ref): ref is TriageReference =>
      typeof ref === "object" &&
      ref !== null &&
      ["file", "function", "versions", "fact"].every(
        (key) => typeof (ref as Record<string, unknown>)[key] === "string",
      ),
  );
}
