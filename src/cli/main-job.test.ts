import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
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
  it("replays the package's golden/ and ../shared/golden beside it, each file once", () => {
    golden("pkg/golden/counter", {
      "a.one.jsonl": ['{"op":"inc","by":2,"expect":2}'],
      "README.md": ["not a trace"],
    });
    golden("shared/golden/counter", {
      // Same name as a committed file: replayed once, from the package (this copy would mismatch).
      "a.one.jsonl": ['{"op":"inc","by":2,"expect":99}'],
      "a.double.jsonl": ['{"op":"inc","by":2,"expect":4}', '{"op":"dump","expect":"ok","total":4}'],
    });
    const result = goldenJob([], context, sets);
    expect(result.exitCode).toBe(0);
    const out = join(root, "pkg", "reports", "latest");
    expect(result.stdout).toEqual([
      "note: skipped absent: model not registered",
      "counter/a.double.jsonl [counter@double]: ok (2 ops)",
      "counter/a.one.jsonl [counter@one]: ok (1 ops)",
      expect.stringMatching(/^golden replay: 2 files, 3 ops, 0 mismatches, in \d+ ms$/),
      `report: ${join(out, "summary.md")}`,
    ]);
    const summary = summaryOf(out);
    expect(summary).toMatchObject({
      job: "golden-replay",
      goldenDirs: [join(root, "pkg", "golden"), join(root, "shared", "golden")],
      notes: ["skipped absent: model not registered"],
      totals: { files: 2, ops: 3, mismatches: 0 },
      ok: true,
    });
    expect(summary.files[1]).toEqual({
      model: "counter",
      variant: "one",
      file: "counter/a.one.jsonl",
      root: join(root, "pkg", "golden"),
      status: "ok",
      ops: 1,
    });
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain(
      "| counter/a.one.jsonl | counter | one | ok | 1 |  |",
    );
  });

  it("adds every DMAFUZZ_GOLDEN directory and every --golden; exits 1 on a mismatch", () => {
    golden("pkg/golden/counter", { "a.one.jsonl": ['{"op":"inc","by":1,"expect":1}'] });
    golden("env1/counter", { "b.one.jsonl": ['{"op":"inc","by":2,"expect":2}'] });
    golden("env2/counter", { "c.double.jsonl": ['{"op":"inc","by":2,"expect":4}'] });
    golden("mine/counter", { "d.one.jsonl": ['{"op":"inc","by":2,"expect":3}'] });
    context.env = { DMAFUZZ_GOLDEN: [join(root, "env1"), "", join(root, "env2")].join(delimiter) };
    const out = join(root, "out");
    const result = goldenJob(["--golden", join(root, "mine"), "--out", out], context, sets);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.slice(1, 5)).toEqual([
      "counter/a.one.jsonl [counter@one]: ok (1 ops)",
      "counter/b.one.jsonl [counter@one]: ok (1 ops)",
      "counter/c.double.jsonl [counter@double]: ok (1 ops)",
      "counter/d.one.jsonl [counter@one]: mismatch at op 0 (line 1), field expect: expected 3, actual 2",
    ]);
    expect(summaryOf(out)).toMatchObject({
      ok: false,
      goldenDirs: ["pkg/golden", "env1", "env2", "mine"].map((dir) => join(root, dir)),
      totals: { files: 4, mismatches: 1 },
    });
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("MISMATCH");
  });

  it("fails with a clear message when no golden file is found at all", () => {
    golden("pkg/golden/unrelated", { "x.one.jsonl": ['{"op":"inc","by":1,"expect":1}'] });
    context.env = { DMAFUZZ_GOLDEN: join(root, "empty") };
    const run = () => goldenJob([], context, sets);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(
      /^main: no golden trace file found in .*pkg\/golden, .*empty; the package's golden\/ folder holds no trace/,
    );
  });

  it("notes a set whose folder no golden directory has", () => {
    golden("pkg/golden/counter", { "a.one.jsonl": ['{"op":"inc","by":1,"expect":1}'] });
    const twoSets: GoldenSet[] = [...sets, { model: "counter", dir: "more", files: [] }];
    const result = goldenJob([], context, twoSets);
    expect(result.exitCode).toBe(0);
    expect(result.stdout[1]).toBe("note: no more/ folder in any golden directory");
  });

  it("reports a malformed golden file as bad input, naming file and line", () => {
    golden("g/counter", { "c.one.jsonl": ['{"op":"inc","by":1,"expect":1}', "{oops"] });
    const run = () => goldenJob(["--golden", join(root, "g")], context, sets);
    expect(run).toThrow(TraceError);
    expect(run).toThrow(/c\.one\.jsonl:2: invalid JSON/);
  });

  it("reports an unwritable --out as bad input", () => {
    writeFileSync(join(root, "file"), "");
    golden("counter", { "a.one.jsonl": ['{"op":"inc","by":1,"expect":1}'] });
    const run = () =>
      goldenJob(["--golden", root, "--out", join(root, "file", "x")], context, sets);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/^cannot write the report to .*file\/x: ENOTDIR/);
  });

  it("rejects positional arguments", () => {
    expect(() => goldenJob(["extra"], context, sets)).toThrow("main: unexpected argument 'extra'");
  });
});
