import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEEP_BUGS } from "../deep/index.js";
import { summarizeTtb, type TrialRecord } from "./summary.js";
import { runTtb, selectCanaries, ttbJobs } from "./ttb.js";

const record = (
  engine: "full" | "none",
  found: boolean,
  ms: number,
  purpose: "ttb" | "fp" = "ttb",
): TrialRecord => ({
  canary: "c",
  model: "m",
  variant: purpose === "ttb" ? "bad" : "good",
  engine,
  seed: 1,
  budgetMs: 10_000,
  purpose,
  found,
  execs: ms * 10,
  ms,
  execPerSec: 10_000,
});

describe("time-to-bug statistics", () => {
  it("summarizes found trials, censors misses at the budget, and counts false positives", () => {
    const records = [
      ...[100, 200, 300, 400, 500, 600, 700, 800, 900, 1000].map((ms) => record("full", true, ms)),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map(() => record("none", false, 10_000)),
      record("none", true, 9_000),
      record("none", true, 9_500),
      record("full", true, 50, "fp"),
    ];
    const { rows, comparisons, falsePositives } = summarizeTtb(records);
    expect(rows.find((r) => r.engine === "full")).toMatchObject({
      trials: 10,
      found: 10,
      medianSeconds: 0.55,
      medianExecs: 5500,
    });
    expect(rows.find((r) => r.engine === "none")).toMatchObject({
      trials: 10,
      found: 2,
      medianSeconds: 9.25,
    });
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0]?.verdict).toMatch(/^none has higher seconds to find than full feedback/);
    expect(falsePositives).toEqual([{ canary: "c", variant: "good", trials: 1, fired: 1 }]);
  });

  it("plans trials per canary and engine on the first buggy variant, and one watch per fixed variant", () => {
    const { canaries } = selectCanaries(["iova-max32-stale"]);
    const jobs = ttbJobs({
      canaries,
      engines: ["full", "none"],
      trials: 3,
      budgetMs: 1000,
      seed: 5,
    });
    expect(jobs.filter((j) => j.purpose === "ttb")).toHaveLength(6);
    expect(new Set(jobs.filter((j) => j.purpose === "ttb").map((j) => j.variant))).toEqual(
      new Set(["v5.17"]),
    );
    expect(jobs.filter((j) => j.purpose === "fp").map((j) => j.variant)).toEqual([
      "v5.18",
      "v6.2",
      "v6.7",
    ]);
    expect(selectCanaries(["nope"]).unknown).toEqual(["nope"]);
  });

  it("gives the false-positive watches their own budget, by default the trials' budget", () => {
    const { canaries } = selectCanaries(["iova-max32-stale"]);
    const plan = { canaries, engines: ["full"] as const, trials: 2, budgetMs: 60_000, seed: 1 };
    const budgets = (jobs: ReturnType<typeof ttbJobs>, purpose: "ttb" | "fp") =>
      new Set(jobs.filter((j) => j.purpose === purpose).map((j) => j.budgetMs));
    const own = ttbJobs({ ...plan, fpBudgetMs: 5_000 });
    expect(budgets(own, "ttb")).toEqual(new Set([60_000]));
    expect(budgets(own, "fp")).toEqual(new Set([5_000]));
    expect(own.filter((j) => j.purpose === "fp")).toHaveLength(3);
    expect(budgets(ttbJobs(plan), "fp")).toEqual(new Set([60_000]));
  });
});

describe("dmafuzz ttb on the IOVA canary (built engine, worker threads)", () => {
  it("full feedback finds iova-max32-stale in both trials and never on a fixed variant", async () => {
    const out = mkdtempSync(join(tmpdir(), "dmafuzz-ttb-"));
    const { canaries } = selectCanaries(["iova-max32-stale"]);
    const { summary } = await runTtb({
      canaries: canaries.map((c) => ({ ...c, silentOn: ["v6.7"] })),
      engines: ["full"],
      trials: 2,
      budgetMs: 15_000,
      workers: 2,
      seed: 1,
      out,
    });
    expect(summary.rows[0]).toMatchObject({ engine: "full", trials: 2, found: 2 });
    expect(summary.falsePositives).toEqual([
      { canary: "iova-max32-stale", variant: "v6.7", trials: 1, fired: 0 },
    ]);
    for (const file of ["ttb.json", "ttb.md", "ttb.svg", "index.html"])
      expect(existsSync(join(out, file))).toBe(true);
    // The page has the look of the other reports: their style sheet and the chart inline.
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toContain("<figcaption>seconds to find per engine</figcaption><svg");
    expect(html).toContain("| iova-max32-stale | v5.17 | full | 2/2 |");
    expect(readFileSync(join(out, "ttb.md"), "utf8")).toContain(
      "| iova-max32-stale | v5.17 | full | 2/2 |",
    );
  }, 60_000);
});

describe("dmafuzz ttb --set deep (built engine, worker threads)", () => {
  it("times a deep bug per engine on its own variant and writes the survival report", async () => {
    const out = mkdtempSync(join(tmpdir(), "dmafuzz-ttb-deep-"));
    const bug = DEEP_BUGS.find((b) => b.id === "deep-iova-hole-ladder")!;
    const { summary, records } = await runTtb({
      canaries: [],
      deep: [bug],
      deepBudgetOverride: true,
      engines: ["full", "none"],
      trials: 2,
      budgetMs: 3_000,
      workers: 2,
      seed: 1,
      out,
    });
    expect(records.map((r) => [r.set, r.variant])).toEqual(
      Array(4).fill(["deep", "v6.7+synthetic-hole-ladder"]),
    );
    expect(summary.falsePositives).toEqual([]);
    for (const row of summary.rows) {
      expect(row.set).toBe("deep");
      expect(row.survival[0]).toEqual({ t: 0, s: 1 });
      expect(row.meanSecondsRestricted).toBeLessThanOrEqual(3);
    }
    const md = readFileSync(join(out, "ttb.md"), "utf8");
    expect(md).toContain("## Deep bugs");
    expect(md).toMatch(/\| deep-iova-hole-ladder \| iova \| planted \| 3 \| \d+\/2/);
    expect(existsSync(join(out, "ttb-survival.svg"))).toBe(true);
  }, 60_000);
});
