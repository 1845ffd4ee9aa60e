import { describe, expect, it } from "vitest";
import { counterModel } from "../models/replay.fixture.js";
import type { CliContext } from "./command.js";
import { listCommand } from "./list.js";

const context: CliContext = {
  registry: [counterModel],
  env: {},
  packageRoot: "/",
  version: "0.0.0-test",
};

describe("dmafuzz list", () => {
  it("lists models, variants and kernel references, marking the default", () => {
    expect(listCommand([], context)).toEqual({
      exitCode: 0,
      stderr: [],
      stdout: [
        "counter: a counter for tests",
        "  counter@one (default): lib/counter.c as of v1.0",
        "    adds as asked",
        "  counter@double: lib/counter.c as of v2.0, commits abc123",
        "    adds twice",
      ],
    });
  });

  it("prints one JSON object with --json", () => {
    const result = listCommand(["--json"], context);
    expect(JSON.parse(result.stdout[0] ?? "")).toEqual({
      models: [
        {
          name: "counter",
          summary: "a counter for tests",
          defaultVariant: "one",
          variants: [
            { name: "one", default: true, kernel: counterModel.variants[0]?.kernel },
            { name: "double", default: false, kernel: counterModel.variants[1]?.kernel },
          ],
        },
      ],
    });
  });
});
