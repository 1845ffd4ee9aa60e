/**
 * reports/latest/index.html of the main job: one self-contained page that says what ran and
 * links the detailed reports (golden replay summary, each fuzz campaign, the benchmark report).
 */
import type { FuzzStepResult } from "./fuzz-results.js";
import { escapeHtml as e, htmlPage, htmlTable } from "./page.js";
import { byTriage } from "./triage.js";

/** What the main job did, for its index page. */
export interface MainIndex {
  version: string;
  environment: string;
  startedAt: string;
  wallTimeS: number;
  golden: { files: number; ops: number; mismatches: number };
  fuzz: FuzzStepResult[] | null;
  bench: { summary: string[]; html: string } | null;
}

/** Renders the index page. */
export function renderMainIndex(index: MainIndex): string {
  const golden = index.golden;
  const goldenLine =
    golden.mismatches === 0
      ? `<p class="ok">All ${golden.files} golden traces (${golden.ops} ops) recorded from the real kernel code replay exactly.</p>`
      : `<p class="bad">${golden.mismatches} of ${golden.files} golden traces do not replay exactly.</p>`;
  const fuzz = index.fuzz === null ? "<p>Skipped (--no-fuzz).</p>" : fuzzTables(index.fuzz);
  const bench =
    index.bench === null
      ? "<p>Skipped (--no-bench).</p>"
      : `<ul>${index.bench.summary.map((s) => `<li>${e(s)}</li>`).join("")}</ul><p><a href="${e(index.bench.html)}">Benchmark report with charts</a></p>`;
  const body = `<h1>dmafuzz main job</h1>
<p>dmafuzz ${e(index.version)}; ${e(index.environment)}; started ${e(index.startedAt)}, ${index.wallTimeS.toFixed(0)} s in all.</p>
<h2>Golden replay</h2>${goldenLine}<p><a href="summary.md">summary.md</a></p>
<h2>Fuzz campaigns</h2><p>Each model's target on the variant its first canary names as buggy; findings are deduplicated by signature, each with its page (evidence, minimized trace, replay command) and a triage label.</p>${fuzz}
<h2>Policy benchmarks (quick)</h2>${bench}`;
  return htmlPage("dmafuzz main job", body);
}

/** The campaigns table, then every finding of every campaign, unexplained first. */
function fuzzTables(steps: readonly FuzzStepResult[]): string {
  const campaigns = htmlTable(
    ["target", "variant", "execs", "exec/s", "corpus", "findings", "unexplained"],
    steps.map((f) => [
      `<a href="${e(f.dir)}/index.html">${e(f.target)}</a>`,
      `<code>${e(f.variant)}</code>`,
      f.execs.toLocaleString("en-US"),
      f.execPerSec.toLocaleString("en-US"),
      String(f.corpusSize),
      String(f.findings.length),
      String(f.findings.filter((x) => x.triage.kind === "unexplained").length),
    ]),
  );
  const all = steps.flatMap((step) => step.findings.map((finding) => ({ step, finding })));
  if (all.length === 0) return `${campaigns}<p>No findings.</p>`;
  const rows = byTriage(all, ({ finding }) => finding.triage.kind).map(({ step, finding }) => {
    const name = e(finding.signature);
    const link = finding.page ? `<a href="${e(step.dir)}/${e(finding.page)}">${name}</a>` : name;
    return [
      `<span class="label ${finding.triage.kind}">${e(finding.triage.label)}</span>`,
      link,
      `<code>${e(step.target)}@${e(step.variant)}</code>`,
      e(finding.message),
    ];
  });
  const findings = htmlTable(["triage", "finding", "campaign", "message"], rows, true);
  return `${campaigns}<h3>Findings (${all.length}), unexplained first</h3>${findings}`;
}
