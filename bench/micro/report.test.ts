import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readResultsFile } from "../../src/report/read-results.js";
import type { Environment } from "../../src/report/results.js";
import { type MicroFigures, microResults, writeMicroReport } from "./report.js";

const environment: Environment = {
  node: "v20.0.0",
  v8: "11",
  platform: "linux",
  arch: "x64",
  cpu: "Test CPU",
  cores: 2,
  gitSha: null,
  dmafuzzVersion: "0.1.0",
};

function figures(opsPerSecond: number): MicroFigures {
  return {
    replay: {
      figures: [
        {
          model: "iova",
          trace: "iova/random-01.pre.jsonl",
          variant: "v5.17",
          ops: 1932,
          opsPerSecond,
          rme: 2.5,
          samples: 3,
          iterationMs: [0.9, 1, 1.2],
        },
      ],
    },
    memory: {
      liveIovas: 1_000_000,
      heapBytes: 0,
      arrayBufferBytes: 38_000_000,
      totalBytes: 38_000_000,
      bytesPerIova: 38,
      allocMs: 300,
    },
    pagealloc: {
      ramMib: 65536,
      pages: 16_777_216,
      bytesPerPage: 8.01,
      bootMs: 220,
      allocFreePairsPerSecond: 1_100_000,
    },
    cma: {
      figures: [
        {
          variant: "nofail",
          pins: "longterm",
          trials: 20,
          ok: 0,
          fail: 0,
          hang: 20,
          medianMs: 120_000,
          p95Ms: 120_000,
          maxMs: 120_000,
          runsPerSecond: 30,
          rme: 4,
          iterationMs: [30, 33],
        },
      ],
    },
  };
}

describe("bench:micro as a benchmark report", () => {
  it("writes results.json and a report that sets two runs side by side", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dmafuzz-micro-"));
    const earlierDir = mkdtempSync(join(tmpdir(), "dmafuzz-micro-"));
    const at = "2026-01-01T00:00:00.000Z";
    await writeMicroReport(earlierDir, microResults(figures(2_000_000), environment, at, 10));
    const earlier = join(earlierDir, "results.json");
    await writeMicroReport(dir, microResults(figures(1_500_000), environment, at, 10), earlier);

    const results = readResultsFile(join(dir, "results.json"));
    expect(results.suites.map((s) => s.name)).toEqual([
      "micro-replay",
      "micro-cma",
      "micro-memory",
    ]);
    expect(results.jobs).toHaveLength(4);
    const replay = results.jobs.find((j) => j.suite === "micro-replay");
    expect(replay).toMatchObject({
      workload: "iova/random-01.pre.jsonl @ v5.17",
      metrics: { opsPerSecond: 1_500_000, rme: 2.5 },
      series: { iterationMs: [0.9, 1, 1.2] },
    });
    const md = readFileSync(join(dir, "report.md"), "utf8");
    expect(md).toContain("| measured (baseline) | 1500000 [1500000, 1500000] IQR 0 |");
    expect(md).toContain(
      "| measured (baseline) | 38 [38, 38] IQR 0 | 300 [300, 300] IQR 0 | n/a |",
    );
    expect(md).toContain("## Regression against an earlier run");
    expect(md).toContain(
      "- micro-replay / iova/random-01.pre.jsonl @ v5.17: no clear difference in ops per second between measured in this run and measured in the baseline run (median 1500000 vs 2000000;",
    );
    const html = readFileSync(join(dir, "index.html"), "utf8");
    expect(html).toContain("micro-replay: iteration time, CDF over all trials");
  });
});
