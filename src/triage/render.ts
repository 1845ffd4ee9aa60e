/**
 * Triage results as text, Markdown and JSON, and the per-event replay traces as JSONL lines.
 */
import { formatJsonl } from "../sim/jsonl.js";
import type { TriageResult } from "./triage.js";
import type { EventVerdict } from "./verdict.js";

/** Counts over results: events recognised, decided, agreeing, disagreeing. */
export interface TriageTally {
  events: number;
  decided: number;
  agrees: number;
  disagrees: number;
  undecided: number;
  skippedLines: number;
  lines: number;
}

export function tally(results: readonly TriageResult[]): TriageTally {
  const t: TriageTally = {
    events: 0,
    decided: 0,
    agrees: 0,
    disagrees: 0,
    undecided: 0,
    skippedLines: 0,
    lines: 0,
  };
  for (const r of results) {
    t.skippedLines += r.parsed.skipped;
    t.lines += r.parsed.lines;
    for (const v of r.verdicts) {
      t.events++;
      if (v.agreement === "undecided") t.undecided++;
      else {
        t.decided++;
        if (v.agreement === "agrees") t.agrees++;
        else t.disagrees++;
      }
    }
  }
  return t;
}

/** The file name of event `index` (1-based) of `file`'s trace. */
export function traceName(file: string, index: number, v: EventVerdict): string {
  const base = (file.split(/[\\/]/).pop() ?? "log")
    .replace(/\.[^.]*$/, "")
    .replace(/[^A-Za-z0-9._-]/g, "_");
  return `${base}.${index}.${v.trace?.model ?? "none"}.jsonl`;
}

/** The JSONL text of a verdict's trace. */
export function traceText(v: EventVerdict): string | null {
  return v.trace === null ? null : formatJsonl(v.trace.ops);
}

function summaryLine(r: TriageResult): string {
  const t = tally([r]);
  return `${r.file}: ${t.events} event${t.events === 1 ? "" : "s"} recognised (${t.decided} decided: ${t.agrees} agree, ${t.disagrees} disagree; ${t.undecided} undecided), ${r.parsed.skipped} of ${r.parsed.lines} lines skipped`;
}

function modelName(v: EventVerdict): string {
  return v.model === null ? "none" : v.variant === null ? v.model : `${v.model}@${v.variant}`;
}

/** Plain text, one block per event; `traces` maps an event to its written trace path. */
export function renderText(
  results: readonly TriageResult[],
  traces: Map<EventVerdict, string>,
): string[] {
  const out: string[] = [];
  for (const r of results) {
    out.push(summaryLine(r));
    for (const note of r.parsed.notes) out.push(`  note: ${note}`);
    r.verdicts.forEach((v, i) => {
      out.push(`[${i + 1}] line ${v.event.line} ${v.event.kind}: ${v.title}`);
      out.push(`    kernel:  ${v.kernel}`);
      out.push(`    model:   ${modelName(v)}${v.variantWhy ? ` (${v.variantWhy})` : ""}`);
      out.push(`    verdict: ${v.agreement}: ${v.modelSays}`);
      if (v.cause) out.push(`    cause:   ${v.cause}`);
      const section = (name: string, items: readonly string[]) => {
        if (items.length === 0) return;
        out.push(`    ${name}:`);
        for (const item of items) out.push(`      - ${item}`);
      };
      section("refused by", v.refusedBy);
      section("would change it", v.wouldChange);
      section("assumptions", v.assumptions);
      section("notes", v.notes);
      const path = traces.get(v);
      if (path !== undefined && v.trace)
        out.push(
          `    trace:   ${path} (dmafuzz replay --model ${v.trace.model} --variant ${v.trace.variant} ${path})`,
        );
    });
  }
  const t = tally(results);
  if (results.length > 1)
    out.push(
      `total: ${t.events} events, ${t.decided} decided, ${t.agrees} agree, ${t.disagrees} disagree, ${t.undecided} undecided`,
    );
  return out;
}

/** Markdown: a table of events, then each event's arithmetic. */
export function renderMarkdown(
  results: readonly TriageResult[],
  traces: Map<EventVerdict, string>,
): string[] {
  const out = ["# Kernel log triage", ""];
  for (const r of results) {
    out.push(`## ${r.file}`, "", summaryLine(r), "");
    if (r.verdicts.length === 0) continue;
    out.push("| # | line | event | model | verdict |", "|---|---|---|---|---|");
    r.verdicts.forEach((v, i) =>
      out.push(
        `| ${i + 1} | ${v.event.line} | ${v.title.replace(/\|/g, "\\|")} | ${modelName(v)} | ${v.agreement} |`,
      ),
    );
    out.push("");
    r.verdicts.forEach((v, i) => {
      out.push(`### ${i + 1}. ${v.title.replace(/\|/g, "\\|")}`, "");
      out.push(
        `- Kernel: ${v.kernel}`,
        `- Model: \`${modelName(v)}\`${v.variantWhy ? ` (${v.variantWhy})` : ""}`,
        `- Verdict: **${v.agreement}**: ${v.modelSays}`,
      );
      if (v.cause) out.push(`- Cause: ${v.cause}`);
      const list = (name: string, items: readonly string[], code = false) => {
        if (items.length === 0) return;
        out.push(`- ${name}:`);
        for (const item of items) out.push(code ? `  - \`${item}\`` : `  - ${item}`);
      };
      list("Refused by", v.refusedBy, true);
      list("Would change it", v.wouldChange);
      list("Assumptions", v.assumptions);
      list("Notes", v.notes);
      const path = traces.get(v);
      if (path !== undefined && v.trace)
        out.push(
          `- Trace: \`${path}\` (\`dmafuzz replay --model ${v.trace.model} --variant ${v.trace.variant} ${path}\`)`,
        );
      out.push("");
    });
  }
  return out;
}

/** JSON: every verdict without its event's raw Mem-Info, and the trace path when one was written. */
export function renderJson(
  results: readonly TriageResult[],
  traces: Map<EventVerdict, string>,
): string {
  return JSON.stringify({
    tally: tally(results),
    files: results.map((r) => ({
      file: r.file,
      lines: r.parsed.lines,
      skipped: r.parsed.skipped,
      notes: r.parsed.notes,
      context: r.parsed.context,
      events: r.verdicts.map((full) => {
        const { event, trace, ...v } = full;
        const file = traces.get(full) ?? null;
        return {
          kind: event.kind,
          line: event.line,
          text: event.text,
          ...v,
          trace: trace && {
            model: trace.model,
            variant: trace.variant,
            ops: trace.ops.length,
            file,
          },
        };
      }),
    })),
  });
}
