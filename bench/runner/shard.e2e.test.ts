import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { thisPackage } from "../../src/paths.js";
import type { BenchResults } from "../../src/report/results.js";
import { parseShard, shardSlice } from "./shard.js";

// The built `dmafuzz` bin (vitest's global setup builds it): each shard a separate process.
const bin = join(thisPackage().root, "dist", "src", "cli", "main.js");
const root = mkdtempSync(join(tmpdir(), "dmafuzz-shard-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function dmafuzz(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}

const read = (dir: string) =>
  JSON.parse(readFileSync(join(root, dir, "results.json"), "utf8")) as BenchResults;
/** Everything of a job but its measured wall time. */
const trial = ({ wallMs: _, ...job }: BenchResults["jobs"][number]) => job;

describe("bench --shard and report --merge", () => {
  it("parses I/N and slices every N-th job from the I-th", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1/0", "1", "a/b", "1/3/4"])
      expect(parseShard(bad)).toBeNull();
    expect(shardSlice([0, 1, 2, 3, 4, 5, 6], { index: 2, count: 3 })).toEqual([1, 4]);
  });

  it("three shards as separate processes, merged, give the unsharded run's per-trial metrics", async () => {
    const bench = ["bench", "--suite", "cma-pins", "--quick", "--trials", "1", "--workers", "1"];
    const runs = await Promise.all([
      dmafuzz(...bench, "--out", join(root, "whole")),
      ...[1, 2, 3].map((i) => dmafuzz(...bench, "--shard", `${i}/3`, "--out", join(root, `s${i}`))),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(runs[1]!.stdout).toContain("bench: shard 1/3: ");
    const merged = await dmafuzz(
      ...["report", "--merge", join(root, "s3"), join(root, "s1"), join(root, "s2")],
      ...["--out", join(root, "merged")],
    );
    expect(merged.code, merged.stderr).toBe(0);
    const whole = read("whole");
    const result = read("merged");
    expect(result.jobs.map(trial)).toEqual(whole.jobs.map(trial));
    expect(result.suites).toEqual(whole.suites);
    expect(result.run).toMatchObject({ shards: 3, workers: 3, trials: 1, quick: true });
    const report = (dir: string) =>
      readFileSync(join(root, dir, "report.md"), "utf8")
        .split("\n")
        .filter((line) => !/started|workers/.test(line));
    expect(report("merged")).toEqual(report("whole"));

    // A shard is not a report, and an incomplete or mixed set of shards is bad input.
    const partial = await dmafuzz("report", join(root, "s1"));
    expect(partial.stderr).toMatch(/^dmafuzz: report: .* holds shard 1\/3 of a run/);
    const bad = [
      [["s1", "s2"], "shard 3/3 is missing"],
      [["s1", "s2", "s2", "s3"], "shard 2 given twice"],
      [["s1", "whole"], "not a shard of 3"],
    ] as const;
    const refused = await Promise.all(
      bad.map(([dirs]) =>
        dmafuzz("report", "--merge", ...dirs.map((d) => join(root, d)), "--out", join(root, "x")),
      ),
    );
    refused.forEach((r, i) => {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(bad[i]![1]);
    });
  }, 300_000);
});
