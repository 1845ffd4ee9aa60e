/**
 * Renders a results file into report.md, results.csv and index.html beside it, each written
 * atomically. results.json itself is never rewritten here: `dmafuzz report DIR` re-renders from it.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../sim/atomic-write.js";
import { aggregate } from "./aggregate.js";
import { renderCharts } from "./charts.js";
import { renderCsv } from "./csv.js";
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import type { BenchResults } from "./results.js";
import { renderText } from "./text.js";

/** The files a report consists of, besides results.json and results.jsonl. */
export const REPORT_FILES = ["report.md", "results.csv", "index.html", "report.txt"] as const;

/** Writes the report of `results` into `dir`; returns the paths written. */
export async function renderReport(dir: string, results: BenchResults): Promise<string[]> {
  const agg = aggregate(results);
  const charts = await renderCharts(results, agg);
  const texts = [
    renderMarkdown(results, agg),
    renderCsv(results),
    renderHtml(results, agg, charts),
    renderText(results, agg),
  ];
  return REPORT_FILES.map((name, i) => {
    const path = join(dir, name);
    writeFileAtomic(path, texts[i] as string);
    return path;
  });
}
