import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { counterModel } from "../models/replay.fixture.js";
import type { CliContext } from "./command.js";
import { replayCommand } from "./replay.js";
import { runCli } from "./run.js";

let dir: string;
let context: CliContext;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dmafuzz-replay-"));
  context = { registry: [counterModel], env: {}, packageRoot: dir, version: "0.0.0-test" };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function trace(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const matching = [
  '{"op":"inc","by":2,"expect":2}',
  '{"op":"inc","by":3,"expect":5}',
  '{"op":"dump","expect":"ok","total":5}',
];

describe("dmafuzz replay", () => {
  it("prints ok and exits 0 for a matching trace", () => {
    const file = trace("good.jsonl", matching);
    expect(replayCommand(["--model", "counter", file], context)).toEqual({
      exitCode: 0,
      stdout: [`${file}: ok (3 ops)`],
      stderr: [],
    });
  });

  it("reports the first mismatch with op index and line, and exits 1", () => {
    const good = trace("good.jsonl", matching);
    const bad = trace("bad.jsonl", [
      '{"op":"inc","by":2,"expect":2}',
      '{"op":"inc","by":3,"expect":{"n":6}}',
    ]);
    const result = replayCommand(["--model", "counter", good, bad], context);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toEqual([
      `${good}: ok (3 ops)`,
      `${bad}: mismatch at op 1 (line 2), field expect: expected {"n":6}, actual 5`,
    ]);
  });

  it("uses the chosen variant and seed", () => {
    const file = trace("double.jsonl", ['{"op":"inc","by":2,"expect":4}']);
    expect(
      replayCommand(["--model", "counter", "--variant", "double", "--seed", "9", file], context)
        .exitCode,
    ).toBe(0);
    expect(replayCommand(["--model", "counter", file], context).exitCode).toBe(1);
  });

  it("prints a recorded trace, with expectations filled in, for a trace without them", () => {
    const file = trace("plain.jsonl", ['{"op":"inc","by":2}', '{"op":"dump"}']);
    const result = replayCommand(["--model", "counter", "--variant", "double", file], context);
    expect(result).toEqual({
      exitCode: 0,
      stdout: ['{"op":"inc","by":2,"expect":4}\n{"op":"dump","expect":"ok","total":4}'],
      stderr: [],
    });
    const recorded = trace("recorded.jsonl", result.stdout);
    expect(
      replayCommand(["--model", "counter", "--variant", "double", recorded], context).exitCode,
    ).toBe(0);
  });

  it("prints one JSON object with --json", () => {
    const good = trace("good.jsonl", matching);
    const bad = trace("bad.jsonl", ['{"op":"inc","by":1,"expect":2}']);
    const plain = trace("plain.jsonl", ['{"op":"inc","by":1}']);
    const result = replayCommand(["--json", "--model", "counter", good, bad, plain], context);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toHaveLength(1);
    expect(JSON.parse(result.stdout[0] ?? "")).toEqual({
      model: "counter",
      variant: "one",
      ok: false,
      files: [
        { file: good, status: "ok", ops: 3 },
        {
          file: bad,
          status: "mismatch",
          ops: 1,
          mismatch: { index: 0, line: 1, field: "expect", expected: 2, actual: 1 },
        },
        { file: plain, status: "recorded", ops: 1, trace: [{ op: "inc", by: 1, expect: 1 }] },
      ],
    });
  });
});

describe("dmafuzz replay, bad input (through runCli)", () => {
  const run = (args: string[]) => runCli(["replay", ...args], context);

  it("names file and line of a malformed line, exit 2, nothing on stdout", async () => {
    const good = trace("good.jsonl", matching);
    const file = trace("broken.jsonl", ['{"op":"inc","by":1}', "", '{"op":"inc",']);
    const result = await run(["--model", "counter", good, file]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(
      new RegExp(`^dmafuzz: ${file.replaceAll(/[.\\/]/g, "\\$&")}:3: invalid JSON`),
    );
  });

  it("names file and line of an invalid field", async () => {
    const file = trace("field.jsonl", ['{"op":"inc","by":1}', '{"op":"inc","by":"x"}']);
    const result = await run(["--model", "counter", file]);
    expect(result).toMatchObject({
      exitCode: 2,
      stderr: [
        `dmafuzz: ${file}:2: field "by": expected an integer in [0, 9007199254740991], got "x"`,
      ],
    });
  });

  it.each([
    [["--model", "nope", "f"], "dmafuzz: unknown model 'nope' (known: counter)"],
    [
      ["--model", "counter", "--variant", "v9", "f"],
      "dmafuzz: unknown variant 'v9' of model 'counter' (known: one, double)",
    ],
    [["f"], "dmafuzz: replay: --model is required"],
    [["--model", "counter"], "dmafuzz: replay: no trace file given"],
    [["--model"], "dmafuzz: replay: option '--model <value>' argument missing"],
    [["--model", "counter", "--frob", "f"], "dmafuzz: replay: unknown option '--frob'"],
    [
      ["--model", "counter", "--seed=-1", "f"],
      "dmafuzz: replay: --seed expects a non-negative integer, got '-1'",
    ],
    [
      ["--model", "counter", "--seed", "-1", "f"],
      "dmafuzz: replay: option '--seed' argument is ambiguous",
    ],
    [
      ["--model", "counter", "--seed", "1e3", "f"],
      "dmafuzz: replay: --seed expects a non-negative integer, got '1e3'",
    ],
    [
      ["--model", "counter", "/nonexistent/t.jsonl"],
      "dmafuzz: /nonexistent/t.jsonl:0: cannot read file: ENOENT",
    ],
  ])("rejects %j with one line and exit 2", async (args, message) => {
    expect(await run(args)).toEqual({ exitCode: 2, stdout: [], stderr: [message] });
  });

  it("prints usage with --help", async () => {
    const result = await run(["--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.join("\n")).toMatch(/^Usage: dmafuzz replay --model/);
  });
});
