import { describe, expect, it } from "vitest";
import { counterModel } from "../models/replay.fixture.js";
import type { CliContext } from "./command.js";
import { errorResult, runCli } from "./run.js";

const context: CliContext = {
  registry: [counterModel],
  env: {},
  packageRoot: "/",
  version: "1.2.3",
};

describe("runCli", () => {
  it.each([["--help"], ["-h"], ["help"]])("prints the command list for %s", async (flag) => {
    const result = await runCli([flag], context);
    expect(result).toMatchObject({ exitCode: 0, stderr: [] });
    expect(result.stdout.join("\n")).toMatch(
      /^Usage: dmafuzz <command>[\s\S]*replay[\s\S]*list[\s\S]*main/,
    );
  });

  it.each(["replay", "list", "main"])(
    "prints the usage of %s for 'help %s' and '%s --help'",
    async (name) => {
      const viaHelp = await runCli(["help", name], context);
      expect(viaHelp.stdout.join("\n")).toMatch(new RegExp(`^Usage: dmafuzz ${name}`));
      expect(await runCli([name, "--help"], context)).toEqual(viaHelp);
    },
  );

  it("prints the version", async () => {
    expect(await runCli(["--version"], context)).toEqual({
      exitCode: 0,
      stdout: ["1.2.3"],
      stderr: [],
    });
  });

  it.each([
    [[], "dmafuzz: missing command (try 'dmafuzz --help')"],
    [["frob"], "dmafuzz: unknown command 'frob' (try 'dmafuzz --help')"],
    [["toString"], "dmafuzz: unknown command 'toString' (try 'dmafuzz --help')"],
    [["--frob"], "dmafuzz: unknown option '--frob' (try 'dmafuzz --help')"],
    [["help", "frob"], "dmafuzz: help: unknown command 'frob' (try 'dmafuzz --help')"],
    [["list", "extra"], "dmafuzz: list: unexpected argument 'extra'"],
    [["list", "--json=yes"], "dmafuzz: list: option '--json' does not take an argument"],
  ])("rejects %j with one stderr line and exit 2", async (argv, message) => {
    expect(await runCli(argv, context)).toEqual({ exitCode: 2, stdout: [], stderr: [message] });
  });

  it("reports an unexpected error as an internal error with its stack, exit 70", async () => {
    const broken = {
      ...counterModel,
      create: () => {
        throw new Error("boom");
      },
    };
    const result = await runCli(["replay", "--model", "counter", "/dev/null"], {
      ...context,
      registry: [broken],
    });
    expect(result.exitCode).toBe(70);
    expect(result.stderr[0]).toBe("dmafuzz: internal error: boom");
    expect(result.stderr[1]).toMatch(/^Error: boom\n\s+at /);
  });

  it("reports a thrown non-Error value as an internal error", () => {
    expect(errorResult("odd")).toEqual({
      exitCode: 70,
      stdout: [],
      stderr: ["dmafuzz: internal error: odd"],
    });
  });
});
