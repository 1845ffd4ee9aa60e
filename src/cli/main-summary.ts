/** The main job's result record and its Markdown rendering (summary.json and summary.md). */
import type { ReplayMismatch, ReplayOutcome } from "../models/replay.js";
import { canonicalJson } from "../sim/jsonl.js";

/** One golden trace replayed by the main job. */
export interface GoldenFileResult {
  model: string;
  variant: string;
  /** Path relative to its golden directory, with `/` separators. */
  file: string;
  /** The golden directory the file was read from. */
  root: string;
  status: ReplayOutcome["kind"];
  ops: number;
  mismatch?: ReplayMismatch;
}

/** The main job's summary, written as summary.json. */
export interface MainSummary {
  job: "golden-replay";
  /** The golden directories, in the order they were searched. */
  goldenDirs: string[];
  /** Why a model was skipped, and similar remarks. */
  notes: string[];
  files: GoldenFileResult[];
  totals: { files: number; ops: number; mismatches: number };
  durationMs: number;
  ok: boolean;
}

/** The one-line totals: `golden replay: N files, M ops, K mismatches, in T ms`. */
export function summaryLine(summary: MainSummary): string {
  const { files, ops, mismatches } = summary.totals;
  return `golden replay: ${files} files, ${ops} ops, ${mismatches} mismatches, in ${summary.durationMs} ms`;
}

/** summary.md: the totals, the notes and a table of every file. */
export function renderSummaryMarkdown(summary: MainSummary): string {
  const lines = [
    "# dmafuzz main job",
    "",
    `${summaryLine(summary)}. Result: **${summary.ok ? "all golden traces match" : "MISMATCH"}**.`,
    "",
    `Golden traces: ${summary.goldenDirs.map((dir) => `\`${dir}\``).join(", ")}`,
    "",
    ...summary.notes.map((note) => `- ${note}`),
    ...(summary.notes.length > 0 ? [""] : []),
    "| file | model | variant | status | ops | first mismatch |",
    "|---|---|---|---|---:|---|",
    ...summary.files.map(
      (row) =>
        `| ${row.file} | ${row.model} | ${row.variant} | ${row.status} | ${row.ops} | ${mismatchCell(row.mismatch)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

function mismatchCell(mismatch: ReplayMismatch | undefined): string {
  if (mismatch === undefined) return "";
  const expected = mismatch.expected === undefined ? "(missing)" : canonicalJson(mismatch.expected);
  const text = `op ${mismatch.index} (line ${mismatch.line}), ${mismatch.field}: expected ${expected}, actual ${canonicalJson(mismatch.actual)}`;
  return text.replaceAll("|", "\\|");
}
