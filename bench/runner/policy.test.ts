import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { clearPolicies } from "../../src/models/policy.js";
import { loadPolicyFiles } from "../../src/models/policy-load.js";
import { thisPackage } from "../../src/paths.js";
import { runBench } from "./run-bench.js";

const FIXTURES = "src/models/policy-fixtures";

afterAll(() => clearPolicies());

describe("a benchmark with users' policies", () => {
  it("runs their rows beside the built-ins: a copy equals its built-in, a faulty one fails its cell", async () => {
    const pkg = thisPackage();
    const policyFiles = [`${FIXTURES}/retry-copy.mjs`, `${FIXTURES}/throws.mjs`];
    await loadPolicyFiles(policyFiles);
    const outDir = mkdtempSync(join(tmpdir(), "dmafuzz-bench-policy-"));
    const outcome = await runBench({
      suites: ["cma-pins"],
      trials: 2,
      quick: true,
      workers: 2,
      outDir,
      resume: false,
      sweep: { none: true },
      policyFiles,
      packageRoot: pkg.root,
      version: pkg.version,
    });
    const jobs = outcome.results?.jobs ?? [];
    const suite = outcome.results?.suites[0];
    expect(suite?.variants).toEqual(expect.arrayContaining(["retry-copy", "throws"]));
    const copies = jobs.filter((j) => j.variant === "retry-copy");
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const builtin = jobs.find(
        (j) =>
          j.variant === "retry-5x100ms" && j.workload === copy.workload && j.seed === copy.seed,
      );
      expect(copy.metrics).toEqual(builtin?.metrics);
      expect(copy.series).toEqual(builtin?.series);
    }
    const failed = jobs.filter((j) => j.failed !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((j) => j.variant === "throws")).toBe(true);
    expect(failed[0]?.failed).toMatch(/hook cma_alloc threw: out of ideas/);
    const report = readFileSync(join(outDir, "report.md"), "utf8");
    expect(report).toContain("## Failed cells");
    expect(report).toMatch(/\| cma-pins \| \S+ \| throws \| \d+ \| policy throws/);
  }, 120_000);
});
