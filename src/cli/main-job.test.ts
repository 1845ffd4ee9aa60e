import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { counterModel } from "../models/replay.fixture.js";
import { TraceError } from "../sim/jsonl.js";
import type { CliContext } from "./command.js";
import type { GoldenSet } from "../models/golden-sets.js";
import { goldenJob } from "./main-job.js";
import type { MainSummary } from "./main-summary.js";
import { UsageError } from "./usage-error.js";

const sets: GoldenSet[] = [
  {
    model: "counter",
    dir: "counter",
    files: [
      { suffix: ".one.jsonl", variant: "one" },
      { suffix: ".double.jsonl", variant: "double" },
    ],
  },
  { model: "absent", dir: "absent", files: [{ suffix: ".jsonl", variant: "x" }] },
];

let root: string;
let context: CliContext;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "dmafuzz-main-"));
  mkdirSync(join(root, "pkg"));
  context = {
    registry: [counterModel],
    env: {},
    packageRoot: join(root, "pkg"),
    version: "0.0.0-test",
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function golden(dir: string, files: Record<string, string[]>): void {
  mkdirSync(join(root, dir), { recursive: true });
  for (const [name, lines] of Object.entries(files))
    writeFileSync(join(root, dir, name), `${lines.join("\n")}\n`);
}

const summaryOf = (dir: string): MainSummary =>
  JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));

describe("dmafuzz main", () => {
  it("replays the golden sets from ../shared/golden and writes reports/latest", () => {
    golden("shared/golden/counter", {
      "a.one.jsonl": ['{"op":"inc","by":2,"expect":2}'],
      "a.double.jsonl": ['{"op":"inc","by":2,"expect":4}', '{"op":"dump","expect":"ok","total":4}'],
      "README.md": ["not a trace"],
    });
    const result = goldenJob([], context, sets);
    expect(result.exitCode).toBe(0);
    const out = join(root, "pkg", "reports", "latest");
    expect(result.stdout).toEqual([
      "counter/a.double.jsonl [counter@double]: ok (2 ops)",
      "counter/a.one.jsonl [counter@one]: ok (1 ops)",
      "note: skipped absent: model not registered",
      expect.stringMatching(/^golden replay: 2 files, 3 ops, 0 mismatches, in \d+ ms$/),
      `report: ${join(out, "summary.md")}`,
    ]);
    const summary = summaryOf(out);
    expect(summary).toMatchObject({
      job: "golden-replay",
      goldenDir: join(root, "shared", "golden"),
      notes: ["skipped absent: model not registered"],
      totals: { files: 2, ops: 3, mismatches: 0 },
      ok: true,
    });
    expect(summary.files[1]).toEqual({
      model: "counter",
      variant: "one",
      file: "counter/a.one.jsonl",
      status: "ok",
      ops: 1,
    });
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain(
      "| counter/a.one.jsonl | counter | one | ok | 1 |  |",
    );
  });

  it("exits 1 on a mismatch and honours --golden and --out over DMAFUZZ_GOLDEN", () => {
    golden("mine/counter", { "b.one.jsonl": ['{"op":"inc","by":2,"expect":3}'] });
    context.env = { DMAFUZZ_GOLDEN: join(root, "elsewhere") };
    const out = join(root, "out");
    const result = goldenJob(["--golden", join(root, "mine"), "--out", out], context, sets);
    expect(result.exitCode).toBe(1);
    expect(result.stdout[0]).toBe(
      "counter/b.one.jsonl [counter@one]: mismatch at op 0 (line 1), field expect: expected 3, actual 2",
    );
    expect(summaryOf(out)).toMatchObject({ ok: false, totals: { files: 1, mismatches: 1 } });
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("MISMATCH");
  });

  it("reads DMAFUZZ_GOLDEN and skips a model whose folder is missing", () => {
    context.env = { DMAFUZZ_GOLDEN: join(root, "empty") };
    const result = goldenJob([], context, sets);
    expect(result.exitCode).toBe(0);
    expect(result.stdout[0]).toBe(
      `note: skipped counter: no directory ${join(root, "empty", "counter")}`,
    );
    expect(result.stdout).toContainEqual(
      expect.stringMatching(/^golden replay: 0 files, 0 ops, 0 mismatches/),
    );
  });

  it("reports a malformed golden file as bad input, naming file and line", () => {
    golden("g/counter", { "c.one.jsonl": ['{"op":"inc","by":1,"expect":1}', "{oops"] });
    const run = () => goldenJob(["--golden", join(root, "g")], context, sets);
    expect(run).toThrow(TraceError);
    expect(run).toThrow(/c\.one\.jsonl:2: invalid JSON/);
  });

  it("reports an unwritable --out as bad input", () => {
    writeFileSync(join(root, "file"), "");
    const run = () =>
      goldenJob(["--golden", root, "--out", join(root, "file", "x")], context, sets);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/^cannot write the report to .*file\/x: ENOTDIR/);
  });

  it("rejects positional arguments", () => {
    expect(() => goldenJob(["extra"], context, sets)).toThrow("main: unexpected argument 'extra'");
  });
});
