import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aggregate } from "./aggregate.js";
import { readResultsFile } from "./read-results.js";
import { renderReport } from "./render.js";
import { renderText, TEXT_WIDTH, toAscii, wrap } from "./text.js";

// small-results.json plus a sweep of the toy suite along "load" (0, 0.5, 1), 10 trials a point:
// failure rate old 0 | 0.10-0.14 | 0.50-0.54; new 0 | 0.05 in seed 1 only | 0.2 everywhere.
const fixture = join(import.meta.dirname, "fixtures", "sweep-results.json");
const series = join(import.meta.dirname, "fixtures", "series-results.json");

async function reports(path: string) {
  const dir = mkdtempSync(join(tmpdir(), "dmafuzz-text-"));
  await renderReport(dir, readResultsFile(path));
  const read = (name: string) => readFileSync(join(dir, name), "utf8");
  return { md: read("report.md"), txt: read("report.txt") };
}

describe("sweeps and the text report", () => {
  it("draws curves with bands and names the crossovers of the rate curves", () => {
    const agg = aggregate(readResultsFile(fixture));
    // The sweep's jobs are not the headline cell's: 10 trials there, as before.
    expect(agg.cells.find((c) => c.variant === "old")?.values).toHaveLength(10);
    const old = agg.sweeps.find((c) => c.variant === "old" && c.metric.key === "failureRate");
    expect(old?.points.map((p) => [p.x, p.n, Number(p.mean.toFixed(3))])).toEqual([
      [0, 10, 0],
      [0.5, 10, 0.12],
      [1, 10, 0.52],
    ]);
    expect(old?.points[1]?.ci[0]).toBeGreaterThan(0.1);
    const rises = agg.crossovers.map((c) => [c.curve.variant, c.kind, c.at.x, c.firstSeen.x]);
    // new's one failing trial at 0.5 is seen, but its band still holds 0: it rises at 1.
    expect(rises).toEqual([
      ["old", "rises", 0.5, 0.5],
      ["new", "rises", 1, 0.5],
    ]);
  });

  it("is pure ASCII with no line over 80 columns", async () => {
    for (const path of [fixture, series]) {
      const { txt } = await reports(path);
      expect(txt).toMatch(/^[\x20-\x7e\n]*$/);
      for (const line of txt.split("\n")) expect(line.length).toBeLessThanOrEqual(TEXT_WIDTH);
      expect(txt).toContain("=== toy ===");
    }
    expect(toAscii("≈ 5 × 2 ≤ 3 – ok é")).toBe("~ 5 x 2 <= 3 - ok e");
    const long = wrap("a ".repeat(100) + "x".repeat(200), 80, "  ");
    expect(long.every((l) => l.length <= 80)).toBe(true);
    expect(long.join("").replace(/\s/g, "")).toBe("a".repeat(100) + "x".repeat(200));
  });

  it("carries the numbers of report.md: tables, verdicts, sweep means and crossovers", async () => {
    const { md, txt } = await reports(fixture);
    const numbers = (text: string) => new Set(text.match(/\d+(\.\d+)?%?/g) ?? []);
    // Everything after the header (whose wording differs) that is a figure must be in report.md.
    const body = txt.slice(txt.indexOf("=== toy ==="));
    const mdNumbers = numbers(md);
    const missing = [...numbers(body)].filter((n) => !mdNumbers.has(n));
    expect(missing).toEqual([]);
    // The median [CI] cells of the comparison table appear verbatim in both.
    const cell = /12\.0% \[[\d.]+%, [\d.]+%\]/.exec(txt)?.[0];
    expect(cell).toBeDefined();
    expect(md).toContain(cell);
    expect(txt).toContain("old on steady: failure rate rises above 0 at load 0.5");
    expect(md).toContain("old on steady: failure rate rises above 0 at load 0.5");
    expect(txt.replace(/\s+/g, " ")).toContain(
      "new on steady: failure rate rises above 0 at load 1 (first seen at load 0.5)",
    );
    expect(txt).toMatch(/^new +lower +~$/m);
    expect(txt).toContain("Trade-off: The old policy retries");
  });

  it("renders the same text from the same results", () => {
    const results = readResultsFile(fixture);
    expect(renderText(results, aggregate(results))).toBe(renderText(results, aggregate(results)));
  });
});
