/**
 * Saving findings: one directory per signature under OUT/findings/, holding the raw input, the
 * replayable trace, the minimized trace and finding.json. A directory is assembled under a temp
 * name and renamed into place, so it appears whole or not at all, and the first finding of a
 * signature is never replaced by a later one (even one saved by another worker at the same time).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { type Finding, findingSignature } from "../../src/oracles/finding.js";
import { writeFileAtomic } from "../../src/sim/atomic-write.js";
import type { SavedFinding } from "../../src/report/fuzz-results.js";
import { formatJsonl } from "../../src/sim/jsonl.js";

/** Everything saved about one finding. */
export interface FindingRecord {
  finding: Finding;
  /** The raw fuzz input that produced it. */
  input: Uint8Array;
  /** The executed ops, starting with the model's init op (replayable with `dmafuzz replay`). */
  trace: readonly Record<string, unknown>[];
  /** The trace after delta debugging. */
  minimized: readonly Record<string, unknown>[];
  /** Executions (in this engine or campaign) until it was found. */
  executions: number;
  /** Milliseconds of fuzzing until it was found. */
  elapsedMs: number;
  /** The sync-directory peer it was taken from (absent: found by this campaign). */
  syncedFrom?: string;
}

export type { SavedFinding } from "../../src/report/fuzz-results.js";

/** The folder name for a signature: readable, filesystem-safe, unique by a hash suffix. */
export function findingSlug(signature: string): string {
  const readable = signature.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 80);
  return `${readable}-${createHash("sha1").update(signature).digest("hex").slice(0, 8)}`;
}

/** Distinguishes temp directories made by the same thread. */
let tempCounter = 0;

/**
 * Saves `record` into `outDir/findings/<slug>/` (input.bin, trace.jsonl, minimized.jsonl,
 * finding.json) unless a finding with the same signature is already saved there. Returns the
 * directory and whether this call saved it.
 */
export function saveFinding(
  outDir: string,
  record: FindingRecord,
  now: Date = new Date(),
): { dir: string; saved: boolean } {
  const signature = findingSignature(record.finding);
  const root = join(outDir, "findings");
  const dir = join(root, findingSlug(signature));
  if (existsSync(dir)) return { dir, saved: false };
  const temp = join(
    root,
    `.tmp-${findingSlug(signature)}-${process.pid}-${threadId}-${tempCounter++}`,
  );
  const document: SavedFinding = {
    signature,
    finding: record.finding,
    time: now.toISOString(),
    executions: record.executions,
    elapsedMs: record.elapsedMs,
    traceOps: record.trace.length,
    minimizedOps: record.minimized.length,
    ...(record.syncedFrom !== undefined && { syncedFrom: record.syncedFrom }),
  };
  try {
    writeFileAtomic(join(temp, "input.bin"), record.input);
    writeFileAtomic(join(temp, "trace.jsonl"), formatJsonl(record.trace));
    writeFileAtomic(join(temp, "minimized.jsonl"), formatJsonl(record.minimized));
    // finding.json last: a reader that finds it knows the other files are complete.
    writeFileAtomic(join(temp, "finding.json"), `${JSON.stringify(document, null, 2)}\n`);
    // rename(2) refuses to replace a non-empty directory: the first saver wins.
    renameSync(temp, dir);
    return { dir, saved: true };
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === "ENOTEMPTY" || code === "EEXIST") && existsSync(dir))
      return { dir, saved: false };
    throw error;
  }
}

/** The finding.json documents saved under `outDir/findings`, by signature (temp dirs skipped). */
export function loadSavedFindings(outDir: string): Map<string, SavedFinding> {
  const root = join(outDir, "findings");
  const saved = new Map<string, SavedFinding>();
  if (!existsSync(root)) return saved;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const file = join(root, entry.name, "finding.json");
    if (!existsSync(file)) continue;
    const document = JSON.parse(readFileSync(file, "utf8")) as SavedFinding;
    saved.set(document.signature, document);
  }
  return saved;
}

/** Removes temp directories left by a process that died while saving (never a saved finding). */
export function removeStaleTemps(outDir: string): void {
  const root = join(outDir, "findings");
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.startsWith(".tmp-")) {
      rmSync(join(root, entry.name), { recursive: true, force: true });
    }
  }
}
