import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { thisPackage } from "../../src/paths.js";
import { jobKey } from "../../src/report/results.js";
import { readJobLog } from "./job-log.js";
import { type BenchOptions, runBench } from "./run-bench.js";

// A small matrix of the real suite: 6 variants x 2 seeds x (the sampled workload, and 3 points of
// the quick fragmentation sweep) = 48 jobs of 3000 ops.
const JOBS = 48;

function options(outDir: string, extra: Partial<BenchOptions> = {}): BenchOptions {
  const pkg = thisPackage();
  return {
    suites: ["iova-longrun"],
    trials: 2,
    quick: true,
    workers: 2,
    outDir,
    resume: false,
    opsPerJob: 3000,
    packageRoot: pkg.root,
    version: pkg.version,
    ...extra,
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), "dmafuzz-bench-"));
const lines = (dir: string) =>
  readFileSync(join(dir, "results.jsonl"), "utf8").split("\n").filter(Boolean);

describe("benchmark runner", () => {
  it("stops at a job budget, keeps the finished jobs, and resumes to one record per job", async () => {
    const dir = tempDir();
    const first = await runBench(options(dir, { maxJobs: 10 }));
    expect(first).toMatchObject({
      total: JOBS,
      ran: 10,
      resumed: 0,
      interrupted: true,
      results: null,
    });
    expect(lines(dir)).toHaveLength(10);
    expect(existsSync(join(dir, "results.json"))).toBe(false);
    // A crash in the middle of a write leaves a torn last line: it is not a job.
    appendFileSync(join(dir, "results.jsonl"), '{"suite":"iova-longrun","vari');

    const second = await runBench(options(dir, { resume: true }));
    expect(second).toMatchObject({ total: JOBS, ran: JOBS - 10, resumed: 10, interrupted: false });
    const records = readJobLog(join(dir, "results.jsonl"));
    expect(records).toHaveLength(JOBS);
    expect(new Set(records.map(jobKey)).size).toBe(JOBS);
    expect(second.results?.jobs.map(jobKey).sort()).toEqual(records.map(jobKey).sort());
    expect(second.results?.run.resumedJobs).toBe(10);
    for (const name of ["results.json", "report.md", "results.csv", "index.html"]) {
      expect(existsSync(join(dir, name))).toBe(true);
    }

    // A fresh run in the same place moves the old log aside instead of losing it.
    await runBench(options(dir, { maxJobs: 1 }));
    expect(lines(dir)).toHaveLength(1);
    const previous = readdirSync(join(dir, "previous"));
    expect(previous).toHaveLength(1);
    expect(readJobLog(join(dir, "previous", previous[0] as string))).toHaveLength(JOBS);
  });

  it("gives identical metrics on 1 and 2 workers", async () => {
    const one = await runBench(options(tempDir(), { workers: 1 }));
    const two = await runBench(options(tempDir(), { workers: 2 }));
    const metrics = (r: typeof one) => r.results?.jobs.map((j) => [jobKey(j), j.metrics]);
    expect(metrics(one)).toHaveLength(JOBS);
    expect(metrics(two)).toEqual(metrics(one));
  });

  it("carries a suite's series from the workers into results.jsonl, results.json and charts", async () => {
    const dir = tempDir();
    const outcome = await runBench(
      options(dir, {
        suites: ["cma-pins"],
        trials: 1,
        opsPerJob: 2,
        workers: 2,
        sweep: { request: { axis: "churn", from: 0, to: 50, steps: 2 } },
      }),
    );
    const jobs = outcome.results?.jobs ?? [];
    // 4 variants x (the sampled workload, 3 quick pin-ms points and the 2 churn points asked for).
    expect(jobs).toHaveLength(24);
    expect(jobs.filter((j) => j.sweep?.axis === "churn").map((j) => j.sweep?.value)).toEqual([
      0, 0, 0, 0, 50, 50, 50, 50,
    ]);
    for (const job of jobs) {
      expect(job.series?.latencyMs).toHaveLength(2);
      expect(job.series?.successes).toHaveLength(3);
    }
    expect(readJobLog(join(dir, "results.jsonl")).map((j) => j.series)).toEqual(
      expect.arrayContaining(jobs.map((j) => j.series)),
    );
    expect(outcome.results?.suites[0]?.series?.map((s) => s.key)).toEqual([
      "latencyMs",
      "successes",
    ]);
    const html = readFileSync(join(dir, "index.html"), "utf8");
    expect(html).toContain("cma-pins: cma_alloc latency, CDF over all trials");
    expect(html).toContain("cma-pins: successful allocations, per trial over time");
    expect(html).toContain("cma-pins: success rate against fork churn (mean, 95% band)");
    expect(readFileSync(join(dir, "report.txt"), "utf8")).toContain(
      "--- sweep along fork churn ---",
    );
  });

  it("stops when aborted and says so", async () => {
    const controller = new AbortController();
    const dir = tempDir();
    const run = runBench(
      options(dir, {
        signal: controller.signal,
        progress: { write: () => controller.abort() },
      }),
    );
    const outcome = await run;
    expect(outcome.interrupted).toBe(true);
    expect(outcome.results).toBeNull();
    expect(lines(dir).length).toBe(outcome.ran);
  });
});
