/**
 * reports/latest/index.html of the main job: one self-contained page that says what ran and
 * links the detailed reports (golden replay summary, each fuzz campaign, the benchmark report).
 */
import type { FuzzStepResult } from "./fuzz-results.js";
import { escapeHtml } from "./html.js";

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

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right}code{background:#f6f6f6;padding:0 .2rem}.bad{color:#b00}.ok{color:#070}`;

/** Renders the index page. */
export function renderMainIndex(index: MainIndex): string {
  const e = escapeHtml;
  const golden = index.golden;
  const goldenLine =
    golden.mismatches === 0
      ? `<p class="ok">All ${golden.files} golden traces (${golden.ops} ops) recorded from the real kernel code replay exactly.</p>`
      : `<p class="bad">${golden.mismatches} of ${golden.files} golden traces do not replay exactly.</p>`;
  const fuzz =
    index.fuzz === null
      ? "<p>Skipped (--no-fuzz).</p>"
      : `<table><tr><th>target</th><th>variant</th><th>execs</th><th>exec/s</th><th>corpus</th><th>findings (canaries in bold)</th></tr>${index.fuzz
          .map(
            (f) =>
              `<tr><td><a href="${e(f.dir)}/stats.json">${e(f.target)}</a></td><td>${e(f.variant)}</td><td class="n">${f.execs.toLocaleString("en-US")}</td><td class="n">${f.execPerSec.toLocaleString("en-US")}</td><td class="n">${f.corpusSize}</td><td>${
                f.findings
                  .map((x) => {
                    const label = f.canaries.includes(x.signature)
                      ? `<b>${e(x.signature)}</b>`
                      : e(x.signature);
                    return `<a href="${e(f.dir)}/${e(x.dir)}/finding.json">${label}</a>`;
                  })
                  .join("<br>") || "none"
              }</td></tr>`,
          )
          .join("")}</table>`;
  const bench =
    index.bench === null
      ? "<p>Skipped (--no-bench).</p>"
      : `<ul>${index.bench.summary.map((s) => `<li>${e(s)}</li>`).join("")}</ul><p><a href="${e(index.bench.html)}">Benchmark report with charts</a></p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dmafuzz main job</title><style>${STYLE}</style></head><body>
<h1>dmafuzz main job</h1>
<p>dmafuzz ${e(index.version)}; ${e(index.environment)}; started ${e(index.startedAt)}, ${index.wallTimeS.toFixed(0)} s in all.</p>
<h2>Golden replay</h2>${goldenLine}<p><a href="summary.md">summary.md</a></p>
<h2>Fuzz campaigns</h2><p>Each model's target on the variant its first canary names as buggy; findings are deduplicated by signature, each with its input, trace and minimized trace.</p>${fuzz}
<h2>Policy benchmarks (quick)</h2>${bench}
</body></html>
`;
}
