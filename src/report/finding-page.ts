/**
 * A finding's page (finding.html in its directory), the way syzbot shows a crash: what happened,
 * on which kernel variant, the triage label, the evidence, the minimized reproducer with each
 * op's result, and the one command that replays it.
 */
import { canonicalJson } from "../sim/jsonl.js";
import type { FindingView } from "./finding-view.js";
import { escapeHtml as e, htmlPage, htmlTable } from "./page.js";
import type { TriageReference } from "./triage.js";

/** Ops shown in the trace table; a longer minimized trace is cut (the file has them all). */
const MAX_ROWS = 500;

/** The HTML of a finding page. `campaignHref` links back to the campaign page when given. */
export function renderFindingPage(view: FindingView, campaignHref?: string): string {
  const { saved, triage } = view;
  const f = saved.finding;
  const kernel = view.kernel;
  const found = `${saved.executions.toLocaleString("en-US")} executions, ${(saved.elapsedMs / 1000).toFixed(1)} s of fuzzing (saved ${saved.time})`;
  const summary: [string, string][] = [
    ["triage", `${badge(view)} ${e(triage.label)}`],
    ["model", `<code>${e(f.model)}</code>${view.modelSummary ? `: ${e(view.modelSummary)}` : ""}`],
    [
      "variant",
      `<code>${e(f.model)}@${e(f.variant)}</code>${
        kernel
          ? `: <code>${e(kernel.file)}</code> as of ${e(kernel.version)}${kernel.commits?.length ? `, commits ${kernel.commits.map((c) => `<code>${e(c)}</code>`).join(", ")}` : ""}. ${e(kernel.differs)}`
          : ""
      }`,
    ],
    ["kind", e(f.kind)],
    ["site", `<code>${e(f.site)}</code>`],
    ["signature", `<code>${e(saved.signature)}</code>`],
    ["found after", e(found)],
    [
      "fired at",
      f.opIndex >= 0
        ? `op ${f.opIndex} of the full trace (${saved.traceOps} ops); minimized to ${saved.minimizedOps} ops`
        : "no op: the worker itself failed",
    ],
    [
      "raw input",
      view.input
        ? `${view.input.bytes.toLocaleString("en-US")} bytes, SHA-1 <code>${view.input.sha1}</code>`
        : "none saved",
    ],
  ];
  const parts = [
    `<p>${campaignHref ? `<a href="${e(campaignHref)}">campaign</a> · ` : ""}<a href="finding.json">finding.json</a> · <a href="minimized.jsonl">minimized.jsonl</a> · <a href="trace.jsonl">trace.jsonl</a> · <a href="input.bin">input.bin</a></p>`,
    `<h1>${badge(view)} ${e(f.message)}</h1>`,
    kvTable(summary),
    `<h2>Triage: ${e(triage.label)}</h2>`,
    `<p>${e(triage.explanation)}</p>`,
    triage.seedReport ? `<p>Seed report: ${e(triage.seedReport)}</p>` : "",
    triage.firesOn
      ? `<p>Must fire on ${list(triage.firesOn)}; must never fire on ${list(triage.silentOn ?? [])}.</p>`
      : "",
    triage.kernel.length > 0 ? referencesTable(triage.kernel) : "",
    "<h2>Replay</h2>",
    view.replayCommand
      ? `<pre>${e(view.replayCommand)}</pre><p><small>Prints the minimized trace with each op's result filled in (add <code>--json</code> for one JSON object). The model is deterministic: the same results every time.</small></p>`
      : `<p>${e(view.rowsNote ?? "Nothing to replay.")}</p>`,
    "<h2>Evidence</h2>",
    evidenceTable(f.evidence),
    `<h2>Minimized trace (${view.rows.length} ops)</h2>`,
    view.rowsNote && view.rows.length > 0 ? `<p>${e(view.rowsNote)}</p>` : "",
    traceTable(view),
  ];
  return htmlPage(`dmafuzz finding: ${saved.signature}`, parts.filter((p) => p !== "").join("\n"));
}

function badge(view: FindingView): string {
  const kind = view.triage.kind;
  const text =
    kind === "known-bug"
      ? "known bug"
      : kind === "kernel-behaviour"
        ? "kernel behaviour"
        : "unexplained";
  return `<span class="label ${kind}">${text}</span>`;
}

function kvTable(rows: readonly [string, string][]): string {
  const body = rows.map(([k, v]) => `<tr><th>${e(k)}</th><td class="l">${v}</td></tr>`).join("");
  return `<table class="kv"><tbody>${body}</tbody></table>`;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? "none" : items.map((i) => `<code>${e(i)}</code>`).join(", ");
}

function referencesTable(refs: readonly TriageReference[]): string {
  return htmlTable(
    ["kernel file", "function", "versions", "what it does"],
    refs.map((r) => [
      `<code>${e(r.file)}</code>`,
      `<code>${e(r.function)}</code>`,
      e(r.versions),
      e(r.fact),
    ]),
  );
}

/** Evidence as key/value rows; one level of nested objects is spread into `key.sub` rows. */
function evidenceTable(evidence: Record<string, unknown>): string {
  const rows: [string, string][] = [];
  for (const [key, value] of Object.entries(evidence)) {
    if (key === "kernel" && Array.isArray(value)) continue; // shown under Triage
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [sub, inner] of Object.entries(value))
        rows.push([`${key}.${sub}`, valueHtml(inner)]);
    } else rows.push([key, valueHtml(value)]);
  }
  return rows.length === 0 ? "<p>None.</p>" : kvTable(rows);
}

function traceTable(view: FindingView): string {
  if (view.rows.length === 0) return "";
  const shown = view.rows.slice(0, MAX_ROWS);
  const body = shown.map((row, i) => {
    const { op, ...args } = row.op;
    const argText = Object.entries(args)
      .map(([k, v]) => `${e(k)}=${e(typeof v === "string" ? v : canonicalJson(v))}`)
      .join(" ");
    const result = row.result === null ? "" : resultHtml(row.result);
    return [String(i), `<code>${e(String(op))}</code>`, `<code>${argText}</code>`, result];
  });
  const cut =
    view.rows.length > MAX_ROWS
      ? `<p><small>First ${MAX_ROWS} of ${view.rows.length} ops; minimized.jsonl has them all.</small></p>`
      : "";
  return htmlTable(["#", "op", "arguments", "result"], body, true) + cut;
}

function resultHtml(result: Record<string, unknown>): string {
  const entries = Object.entries(result);
  if (entries.length === 1 && entries[0]?.[0] === "expect") return valueHtml(entries[0][1]);
  return entries.map(([k, v]) => `${e(k)}: ${valueHtml(v)}`).join("<br>");
}

function valueHtml(value: unknown): string {
  if (typeof value === "string") return e(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null)
    return `<code>${e(String(value))}</code>`;
  const text = canonicalJson(value);
  return `<code>${e(text.length > 400 ? `${text.slice(0, 400)}…` : text)}</code>`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
