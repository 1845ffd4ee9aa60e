import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliContext } from "../../src/cli/command.js";
import { runCli } from "../../src/cli/run.js";
import { thisPackage } from "../../src/paths.js";
import { SUITE_NAMES } from "../suites/registry.js";

const pkg = thisPackage();
const context: CliContext = { registry: [], env: {}, packageRoot: pkg.root, version: pkg.version };
const dir = mkdtempSync(join(tmpdir(), "dmafuzz-bench-cli-"));

describe("dmafuzz bench and report: bad input", () => {
  it.each([
    [["bench"], "dmafuzz: bench: --suite is required"],
    [
      ["bench", "--suite", "nope"],
      `dmafuzz: bench: unknown suite 'nope' (known: ${SUITE_NAMES.join(", ")}, all)`,
    ],
    [["bench", "--suite", "all", "--trials", "0"], "dmafuzz: bench: --trials must be at least 1"],
    [
      ["bench", "--suite", "all", "--workers", "two"],
      "dmafuzz: bench: --workers expects a non-negative integer, got 'two'",
    ],
    [
      ["bench", "--suite", "alsa-resume", "--sweep", "pressure=0..1"],
      "dmafuzz: bench: --sweep 'pressure=0..1': expected AXIS=FROM..TO:STEPS with 1 to 100 steps, e.g. pressure=0..1:11",
    ],
    [
      ["bench", "--suite", "cma-pins", "--sweep", "pressure=0..1:3"],
      "dmafuzz: bench: --sweep: no chosen suite has the axis 'pressure' (axes: pin-ms, churn)",
    ],
    [
      ["bench", "--suite", "alsa-resume", "--sweep", "pressure=0..2:3"],
      "dmafuzz: bench: --sweep: pressure must be within 0..1, got 2",
    ],
    [
      ["bench", "--suite", "alsa-resume", "--sweep", "pressure=0..1:3", "--no-sweep"],
      "dmafuzz: bench: --sweep and --no-sweep exclude each other",
    ],
    [["report"], "dmafuzz: report: no report directory given"],
    [["report", dir], `dmafuzz: ${join(dir, "results.json")}:0: cannot read file: ENOENT`],
  ])("%j is one line and exit 2", async (argv, message) => {
    expect(await runCli(argv, context)).toEqual({ exitCode: 2, stdout: [], stderr: [message] });
  });

  it("refuses a results.json of another format", async () => {
    writeFileSync(join(dir, "results.json"), '{"format":"other"}');
    const result = await runCli(["report", dir], context);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toEqual([
      `dmafuzz: ${join(dir, "results.json")}:0: not a dmafuzz results.json (format "dmafuzz-bench-results/1")`,
    ]);
  });

  it("prints usage for bench and report", async () => {
    expect((await runCli(["bench", "--help"], context)).stdout[0]).toMatch(/^Usage: dmafuzz bench/);
    expect((await runCli(["help", "report"], context)).stdout[0]).toMatch(/^Usage: dmafuzz report/);
  });
});
