import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aggregate } from "./aggregate.js";
import { readResultsFile } from "./read-results.js";
import { renderReport } from "./render.js";
import type { BenchResults } from "./results.js";

// A hand-written results.json: suite "toy", baseline "old" vs "new", 10 trials each.
// failureRate: old 0.10..0.14 twice (median 0.12), new 0.01-0.03 (median 0.02): fully separated.
// walks: 50..59 for both (median 54.5): identical samples.
const fixture = join(import.meta.dirname, "fixtures", "small-results.json");
// The same run with per-trial series: latency samples old [s, s+10, s+20] for seed s (pooled:
// 1..30), new [1, 2, 3]; a queue-depth time series old [[0,0],[1,s],[2,2s]], new [[0,0],[1,1],[2,2]].
const seriesFixture = join(import.meta.dirname, "fixtures", "series-results.json");

async function rendered(results: BenchResults = readResultsFile(fixture)) {
  const dir = mkdtempSync(join(tmpdir(), "dmafuzz-report-"));
  copyFileSync(fixture, join(dir, "results.json"));
  await renderReport(dir, results);
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  return { md: read("report.md"), csv: read("results.csv"), html: read("index.html") };
}

describe("report from a fixed results.json", () => {
  it("aggregates the known medians, CIs and verdicts", () => {
    const agg = aggregate(readResultsFile(fixture));
    const cell = (variant: string, key: string) =>
      agg.cells.find((c) => c.variant === variant && c.metric.key === key);
    expect(cell("old", "failureRate")?.summary).toMatchObject({ median: 0.12, n: 10 });
    expect(cell("new", "failureRate")?.summary.median).toBe(0.02);
    expect(cell("old", "walks")?.summary).toMatchObject({ median: 54.5, q1: 52.25, iqr: 4.5 });
    const [lo, hi] = cell("old", "failureRate")?.ci ?? [NaN, NaN];
    expect(lo).toBeLessThanOrEqual(0.12);
    expect(hi).toBeGreaterThanOrEqual(0.12);
    expect(agg.comparisons.map((c) => c.comparison.verdict)).toEqual([
      "new has lower failure rate than old (median 0.0200 vs 0.120; p = 0.00015, A12 = 0.00, large)",
      "no clear difference in walks between new and old (median 54.5 vs 54.5; p = 1.0, A12 = 0.50, negligible)",
    ]);
  });

  it("writes the medians, the verdict table and the verdicts into report.md", async () => {
    const { md } = await rendered();
    expect(md).toContain("- dmafuzz 0.1.0, git 0123456789ab; Node v20.20.2");
    // Quantiles by hand (type 7): old q1 0.11, q3 0.13; new q1 0.0125, q3 0.02; walks 52.25, 56.75.
    expect(md).toMatch(
      /\| old \(baseline\) \| 12\.0% \[1\d\.\d+%, 1\d\.\d+%\] IQR 2\.00% \| 54\.5 \[/,
    );
    expect(md).toMatch(/\| new \| 2\.00% \[[\d.]+%, [\d.]+%\] IQR 0\.750% \| 54\.5 \[/);
    expect(md).toContain("IQR 4.50 |");
    expect(md).toContain("| failure rate | lower (p = 0.00015, A12 = 0.00) |");
    expect(md).toContain("| walks | ≈ (p = 1.0) |");
    expect(md).toContain("- new has lower failure rate than old (median 0.0200 vs 0.120;");
    expect(md).not.toContain("Regression");
  });

  it("writes one CSV row per job", async () => {
    const { csv } = await rendered();
    const rows = csv.trimEnd().split("\r\n");
    expect(rows[0]).toBe("suite,variant,workload,seed,ops,wall_ms,failureRate,walks");
    expect(rows).toHaveLength(21);
    expect(rows[1]).toBe("toy,old,steady,1,1000,1.5,0.1,50");
  });

  it("adds a regression section against an earlier run", async () => {
    const results = readResultsFile(fixture);
    const earlier = results.jobs.map((job) =>
      job.variant === "new" ? { ...job, metrics: { ...job.metrics, failureRate: 0.5 } } : job,
    );
    const baseline = {
      source: "earlier/results.json",
      environment: results.environment,
      jobs: earlier,
    };
    const { md, html } = await rendered({ ...results, baseline });
    expect(md).toContain("## Regression against an earlier run");
    expect(md).toContain("1 of 4 cell metrics differ from the baseline run.");
    expect(md).toContain(
      "- toy / steady: new in this run has lower failure rate than new in the baseline run (median 0.0200 vs 0.500;",
    );
    expect(html).toContain("Regression against an earlier run");
  });

  it("renders a self-contained index.html with one inline SVG per chart", async () => {
    const { html } = await rendered();
    // Two distribution charts (one per metric) and the failure-rate bar chart.
    expect(html.match(/<figure>/g)).toHaveLength(3);
    expect(html.match(/<svg[\s>]/g)).toHaveLength(3);
    expect(html.match(/<\/svg>/g)).toHaveLength(3);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(/i);
    expect(html).toContain("new has lower failure rate than old");
  });
});

describe("report with per-trial series", () => {
  it("pools the samples per cell and keeps each trial's time series", () => {
    const { series } = aggregate(readResultsFile(seriesFixture));
    const cell = (variant: string, key: string) =>
      series.find((c) => c.variant === variant && c.series.key === key);
    // Type-7 quantiles of 1..30: p50 15.5, p90 27.1, p99 29.71.
    expect(cell("old", "latencyMs")?.quantiles).toEqual({
      n: 30,
      p50: 15.5,
      p90: expect.closeTo(27.1, 9),
      p99: expect.closeTo(29.71, 9),
      max: 30,
    });
    expect(cell("new", "latencyMs")?.quantiles).toEqual({ n: 30, p50: 2, p90: 3, p99: 3, max: 3 });
    const queue = cell("old", "queue");
    expect(queue?.traces).toHaveLength(10);
    expect(queue?.traces[2]).toEqual({
      seed: 3,
      points: [
        [0, 0],
        [1, 3],
        [2, 6],
      ],
    });
  });

  it("writes the distribution tables and draws a CDF and a time-series chart", async () => {
    const { md, html } = await rendered(readResultsFile(seriesFixture));
    expect(md).toContain("### Distributions (pooled over trials)");
    expect(md).toContain("latency (ms), steady:");
    expect(md).toContain("| old (baseline) | 10 | 30 | 15.5 | 27.1 | 29.7 | 30 |");
    expect(md).toContain("| new | 10 | 30 | 2 | 3 | 3 | 3 |");
    expect(md).toContain("- **queue depth** (time, requests): requests queued over time.");
    // The scalar verdicts are those of the run without series.
    expect(md).toContain("- new has lower failure rate than old (median 0.0200 vs 0.120;");
    // Two distributions, the rate bars, the latency CDF and the queue-depth lines.
    expect(html.match(/<figure>/g)).toHaveLength(5);
    expect(html.match(/<svg[\s>]/g)).toHaveLength(5);
    expect(html).toContain("toy: latency, CDF over all trials");
    expect(html).toContain("toy: queue depth, per trial over time");
    expect(html).toContain("fraction of samples ≤ x");
    expect(html).toContain("queue depth (requests)");
    expect(html).toContain("<caption>latency (ms), steady</caption>");
  });

  it("refuses a job whose series is malformed, naming the file", () => {
    const bad = JSON.parse(readFileSync(seriesFixture, "utf8")) as BenchResults;
    const dir = mkdtempSync(join(tmpdir(), "dmafuzz-report-"));
    const path = join(dir, "results.json");
    const jobs = bad.jobs.map((j, i) => (i === 3 ? { ...j, series: { latencyMs: ["x"] } } : j));
    writeFileSync(path, JSON.stringify({ ...bad, jobs }));
    expect(() => readResultsFile(path)).toThrow(
      `${path}:0: jobs[3]: field "series": series "latencyMs": expected finite numbers or [t, value] pairs`,
    );
  });
});
