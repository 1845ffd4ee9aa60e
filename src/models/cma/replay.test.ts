import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replayCommand } from "../../cli/replay.js";
import type { CliContext } from "../../cli/command.js";
import { formatJsonl } from "../../sim/jsonl.js";
import { models } from "../registry.js";
import { type CmaOp, encodeCmaOp } from "./ops.js";
import { wholeAreaPinned } from "./scenarios.js";

let dir: string;
let context: CliContext;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dmafuzz-cma-"));
  context = { registry: models, env: {}, packageRoot: dir, version: "0.0.0-test" };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("dmafuzz replay --model cma", () => {
  it("records a trace, and the recording replays as a golden file on the same variant only", () => {
    const trace: CmaOp[] = [...wholeAreaPinned("transient"), { op: "dump" }];
    const plain = join(dir, "plain.jsonl");
    writeFileSync(plain, formatJsonl(trace.map((op) => encodeCmaOp(op))));
    const recorded = replayCommand(["--model", "cma", "--variant", "pin-wait", plain], context);
    expect(recorded.exitCode).toBe(0);
    const golden = join(dir, "golden.jsonl");
    writeFileSync(golden, `${recorded.stdout.join("\n")}\n`);
    const lines = recorded.stdout
      .join("\n")
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-2)).toMatchObject({ op: "alloc", expect: { outcome: "ok", attempts: 2 } });

    const ok = replayCommand(["--model", "cma", "--variant", "pin-wait", golden], context);
    expect(ok).toEqual({ exitCode: 0, stdout: [`${golden}: ok (8 ops)`], stderr: [] });
    const other = replayCommand(["--model", "cma", "--variant", "fail-fast", golden], context);
    expect(other.exitCode).toBe(1);
    expect(other.stdout[0]).toContain("mismatch at op 6");
  });
});
