/**
 * What a finding page shows, gathered from a finding's files (or from the record being saved):
 * the finding, its triage, the model variant's kernel reference, the raw input's size and hash,
 * the minimized trace replayed on the model for each op's result, and the replay command.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelReference } from "../models/model.js";
import { findModel } from "../models/registry.js";
import { replayRecords } from "../models/replay.js";
import { readJsonlFile, type TraceRecord } from "../sim/jsonl.js";
import type { SavedFinding } from "./fuzz-results.js";
import { type Triage, triageFinding } from "./triage.js";

/** One op of the minimized trace and what the model returned for it. */
export interface TraceRow {
  op: Record<string, unknown>;
  /** The result fields (`expect`, a dump's state...), or null when it could not be replayed. */
  result: Record<string, unknown> | null;
}

/** Everything a finding page shows. */
export interface FindingView {
  saved: SavedFinding;
  /** The finding's directory (absolute), where its files are. */
  dir: string;
  triage: Triage;
  /** The model's one-line summary, when it is a registered model. */
  modelSummary: string | null;
  /** The variant's kernel reference, when the model and variant are known. */
  kernel: KernelReference | null;
  /** Size and SHA-1 (as corpus file names use) of input.bin; null when there is none. */
  input: { bytes: number; sha1: string } | null;
  rows: TraceRow[];
  /** Why rows have no results, when they have none. */
  rowsNote: string | null;
  /** The command that replays the minimized trace, or null when there is nothing to replay. */
  replayCommand: string | null;
}

/** The pieces of a finding as saveFinding holds them in memory. */
export interface FindingParts {
  saved: SavedFinding;
  dir: string;
  input: Uint8Array | null;
  minimized: readonly Record<string, unknown>[];
}

/** Reads a finding directory (finding.json, minimized.jsonl, input.bin) into its parts. */
export function readFindingParts(dir: string): FindingParts {
  const saved = JSON.parse(readFileSync(join(dir, "finding.json"), "utf8")) as SavedFinding;
  const minimizedPath = join(dir, "minimized.jsonl");
  const minimized = existsSync(minimizedPath)
    ? readJsonlFile(minimizedPath).map((record) => record.fields)
    : [];
  const inputPath = join(dir, "input.bin");
  const input = existsSync(inputPath) ? readFileSync(inputPath) : null;
  return { saved, dir, input, minimized };
}

/** Builds the page's view of a finding; replays the minimized trace for the results. */
export function findingView(parts: FindingParts): FindingView {
  const { finding } = parts.saved;
  const def = findModel(finding.model);
  const bare = finding.variant.startsWith(`${finding.model}@`)
    ? finding.variant.slice(finding.model.length + 1)
    : finding.variant;
  const variant = def?.variants.find((info) => info.name === bare);
  const input =
    parts.input === null
      ? null
      : { bytes: parts.input.length, sha1: createHash("sha1").update(parts.input).digest("hex") };
  let rows: TraceRow[] = parts.minimized.map((op) => ({ op, result: null }));
  let rowsNote: string | null = null;
  let replayCommand: string | null = null;
  if (parts.minimized.length === 0) {
    rowsNote = "No trace: the worker died or ran past the time limit on the raw input.";
  } else if (def === undefined || variant === undefined) {
    rowsNote = `No results: ${finding.model}@${finding.variant} is not a registered model variant.`;
  } else {
    const file = join(parts.dir, "minimized.jsonl");
    replayCommand = `dmafuzz replay --model ${def.name} --variant ${variant.name} ${shellWord(file)}`;
    try {
      const records: TraceRecord[] = parts.minimized.map((fields, i) => ({
        file,
        line: i + 1,
        fields,
      }));
      const outcome = replayRecords(def, variant.name, records);
      if (outcome.kind === "recorded") {
        rows = parts.minimized.map((op, i) => ({ op, result: resultFields(op, outcome.trace[i]) }));
      } else rowsNote = "The minimized trace carries expectations; replay checks them.";
    } catch (error) {
      rowsNote = `No results: replaying the minimized trace failed (${(error as Error).message}).`;
    }
  }
  return {
    saved: parts.saved,
    dir: parts.dir,
    triage: triageFinding(finding),
    modelSummary: def?.summary ?? null,
    kernel: variant?.kernel ?? null,
    input,
    rows,
    rowsNote,
    replayCommand,
  };
}

/** The fields the replay added to an op: its result. */
function resultFields(
  op: Record<string, unknown>,
  recorded: Record<string, unknown> | undefined,
): Record<string, unknown> | null {
  if (recorded === undefined) return null;
  return Object.fromEntries(Object.entries(recorded).filter(([key]) => !Object.hasOwn(op, key)));
}

/** A path as one shell word (quoted when it holds anything but safe characters). */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
