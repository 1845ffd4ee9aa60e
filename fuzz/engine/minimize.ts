/**
 * Delta debugging (Zeller's ddmin) over a finding's trace: removes ops while the replay still
 * reports a finding with the same signature, within a bounded number of replays.
 */
import { findingSignature } from "../../src/oracles/finding.js";
import type { FuzzTarget } from "./target.js";

type Trace = readonly Record<string, unknown>[];

/** Limits of a minimization. */
export interface MinimizeOptions {
  /** Most replays to spend (default 2000); the smallest reproducer so far is returned then. */
  maxReplays?: number;
  /**
   * Most wall-clock milliseconds to spend (default 10,000): a finding whose replay is slow (a
   * long trace of hangs) is saved with a partly minimized trace rather than minutes later.
   */
  maxMs?: number;
}

/** The outcome of {@link minimize}. */
export interface MinimizeResult {
  /** The smallest trace found that still reproduces (the input trace when none does). */
  trace: Record<string, unknown>[];
  replays: number;
  /** Whether the input trace itself reproduced the signature. */
  reproduced: boolean;
}

/**
 * Shrinks `trace` to a 1-minimal sequence of ops (within the budget) on which
 * `target.replay(trace, variant)` still gives a finding whose signature is `signature`. A leading
 * `init` op is kept as it is: it configures the model rather than acting on it. A replay that
 * throws counts as not reproducing (a removed op can leave the rest invalid).
 */
export function minimize(
  target: Pick<FuzzTarget, "replay">,
  variant: string,
  trace: Trace,
  signature: string,
  options: MinimizeOptions = {},
): MinimizeResult {
  const deadline = performance.now() + (options.maxMs ?? 10_000);
  // Past the deadline the replay budget counts as spent, so every loop below stops.
  let maxReplays = options.maxReplays ?? 2000;
  const prefix = trace[0]?.op === "init" ? trace.slice(0, 1) : [];
  const body = trace.slice(prefix.length);
  let replays = 0;
  const tried = new Set<string>();
  const reproduces = (indices: readonly number[]): boolean => {
    const key = indices.join(",");
    if (tried.has(key)) return false;
    tried.add(key);
    replays++;
    if (performance.now() > deadline) maxReplays = Math.min(maxReplays, replays);
    try {
      const finding = target.replay([...prefix, ...indices.map((i) => body[i]!)], variant);
      return finding !== null && findingSignature(finding) === signature;
    } catch {
      return false;
    }
  };

  let current = body.map((_, i) => i);
  if (!reproduces(current)) return { trace: [...trace], replays, reproduced: false };
  let granularity = Math.min(2, current.length);
  while (current.length > 0 && replays < maxReplays) {
    const chunks = split(current, granularity);
    let reduced = false;
    // Try each chunk alone (unless it is the whole), then each complement.
    for (const chunk of granularity > 1 ? chunks : []) {
      if (replays >= maxReplays) break;
      if (reproduces(chunk)) {
        current = chunk;
        granularity = Math.min(2, current.length);
        reduced = true;
        break;
      }
    }
    for (let c = 0; !reduced && c < chunks.length && replays < maxReplays; c++) {
      const complement = chunks.filter((_, other) => other !== c).flat();
      if (reproduces(complement)) {
        current = complement;
        granularity = Math.max(Math.min(granularity - 1, current.length), 1);
        reduced = true;
      }
    }
    if (reduced) continue;
    if (granularity >= current.length) break;
    granularity = Math.min(granularity * 2, current.length);
  }
  return { trace: [...prefix, ...current.map((i) => body[i]!)], replays, reproduced: true };
}

/** Splits `items` into `parts` contiguous chunks of near-equal length. */
function split<T>(items: readonly T[], parts: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const end = start + Math.floor((items.length - start) / (parts - p));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks;
}
