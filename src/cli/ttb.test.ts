import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { thisPackage } from "../paths.js";
import type { CliContext } from "./command.js";
import { ttbCommand } from "./ttb.js";
import { UsageError } from "./usage-error.js";

const context: CliContext = {
  registry: [],
  env: {},
  packageRoot: thisPackage().root,
  version: "0.0.0",
};
const quiet = { write: () => true };

describe("dmafuzz ttb --fp-budget-s", () => {
  it.each([
    ["0", "ttb: --fp-budget-s must be at least 1"],
    ["1.5", "ttb: --fp-budget-s expects a non-negative integer, got '1.5'"],
  ])("rejects %s", async (value, message) => {
    const run = ttbCommand(["--fp-budget-s", value, "--out", tmpdir()], context, quiet);
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
  });

  it("gives the false-positive watches its budget and the trials --budget-s", async () => {
    const out = mkdtempSync(join(tmpdir(), "dmafuzz-ttb-cli-"));
    await ttbCommand(
      [
        ...["--canaries", "iova-max32-stale", "--engines", "full", "--trials", "1"],
        ...["--budget-s", "2", "--fp-budget-s", "1", "--workers", "2", "--out", out],
      ],
      context,
      quiet,
    );
    const { records } = JSON.parse(readFileSync(join(out, "ttb.json"), "utf8")) as {
      records: { purpose: string; budgetMs: number }[];
    };
    expect(records.filter((r) => r.purpose === "ttb").map((r) => r.budgetMs)).toEqual([2000]);
    expect(records.filter((r) => r.purpose === "fp").map((r) => r.budgetMs)).toEqual([
      1000, 1000, 1000,
    ]);
    expect(readFileSync(join(out, "ttb.md"), "utf8")).toContain("One run of 1 s per variant.");
  }, 60_000);
});
