/**
 * What triage says about one event: the model and variant it was replayed on and why, whether
 * the model agrees with what the kernel did, the check that refused the request in the kernel's
 * own arithmetic, what would have changed the outcome, the assumptions made, and the replay trace.
 */
import type { TriageEvent } from "./events.js";

/** agrees / disagrees: decided; undecided: the log lacks what the model needs. */
export type Agreement = "agrees" | "disagrees" | "undecided";

export interface EventVerdict {
  event: TriageEvent;
  /** One line naming the event, e.g. "kworker/u16:3: order-4 GFP_KERNEL|__GFP_COMP page allocation failure". */
  title: string;
  /** What the kernel did, as the log shows it. */
  kernel: string;
  /** The model family and variant replayed, and why that variant. */
  model: string | null;
  variant: string | null;
  variantWhy: string | null;
  agreement: Agreement;
  /** The model's outcome in one sentence. */
  modelSays: string;
  /** The refusing checks, one per zone or pool, with the kernel's arithmetic. */
  refusedBy: string[];
  /** Alternatives the model was asked about and what each would have done. */
  wouldChange: string[];
  /** Assumptions made where the log does not determine the state, and whether the verdict depends on them. */
  assumptions: string[];
  /** Gaps and oddities in the log for this event. */
  notes: string[];
  /** The replayable JSONL trace (objects, expectations included), or null when nothing can be replayed. */
  trace: { model: string; variant: string; ops: Record<string, unknown>[] } | null;
  /** Why the model disagrees (model gap, racy dump, ambiguous log), when it does. */
  cause: string | null;
}

/** An undecided verdict with one note. */
export function undecided(
  event: TriageEvent,
  title: string,
  kernel: string,
  why: string,
): EventVerdict {
  return {
    event,
    title,
    kernel,
    model: null,
    variant: null,
    variantWhy: null,
    agreement: "undecided",
    modelSays: why,
    refusedBy: [],
    wouldChange: [],
    assumptions: [],
    notes: [],
    trace: null,
    cause: null,
  };
}

/** "4.9.56-xyz" -> [4, 9]; null when there is no leading major.minor. */
export function parseVersion(version: string | null): [number, number] | null {
  const m = version === null ? null : /^(\d+)\.(\d+)/.exec(version);
  return m === null ? null : [Number(m[1]), Number(m[2])];
}

/**
 * The variant of `names` (e.g. ["v6.8", "v6.9", "v6.9-dynamic"]) nearest to `version`: the
 * newest plain version not above it, else the oldest; names with suffixes are policies, not
 * versions, and are skipped. Returns the name and a sentence saying why.
 */
export function nearestVariant(
  names: readonly string[],
  version: [number, number] | null,
  what: string,
): { name: string; why: string } | null {
  const plain = names
    .map((name) => ({ name, v: /^v(\d+)\.(\d+)$/.exec(name) }))
    .filter((x): x is { name: string; v: RegExpExecArray } => x.v !== null)
    .map((x) => ({ name: x.name, n: Number(x.v[1]) * 100 + Number(x.v[2]) }))
    .sort((a, b) => a.n - b.n);
  if (plain.length === 0) return null;
  const oldest = plain[0] as { name: string; n: number };
  const newest = plain[plain.length - 1] as { name: string; n: number };
  if (version === null) {
    return {
      name: newest.name,
      why: `the log names no kernel version; ${what} ${newest.name} is the newest modelled`,
    };
  }
  const n = version[0] * 100 + version[1];
  const below = plain.filter((p) => p.n <= n).pop();
  if (below === undefined) {
    return {
      name: oldest.name,
      why: `v${version.join(".")} is older than every modelled ${what} variant; ${oldest.name} is the oldest`,
    };
  }
  const exact =
    below.n === n
      ? "the same version"
      : `the newest modelled variant not newer than v${version.join(".")}`;
  return { name: below.name, why: `${below.name} is ${exact}` };
}
