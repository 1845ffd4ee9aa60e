import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { thisPackage } from "../paths.js";
import type { CliContext } from "./command.js";
import { runCli } from "./run.js";

// The batch-engine recipes under examples/ run dmafuzz command lines: each must be one the CLI
// accepts (known command and flags), with the engines' placeholders filled in.
const pkg = thisPackage();
const context: CliContext = { registry: [], env: {}, packageRoot: pkg.root, version: pkg.version };
const recipes = ["github-actions", "kubernetes"].flatMap((dir) =>
  readdirSync(join(pkg.root, "examples", dir))
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join("examples", dir, name)),
);

/** The dmafuzz invocations of a recipe, as argv (placeholders replaced by sample values). */
function invocations(text: string): string[][] {
  const commands: string[][] = [];
  const code = text.replace(/^\s*#.*$/gm, "");
  const pattern =
    /(?:\bdmafuzz|dist\/src\/cli\/main\.js) (bench|fuzz|report)\b([\s\S]*?)(?=\n\s*(?:- |[\w-]+:|#)|\n*$)/g;
  for (const [, command, rest] of code.matchAll(pattern)) {
    const filled = rest!
      .replace(/\$\{\{[^}]*\}\}/g, "1")
      .replace(/\$\(\([^)]*\)\)/g, "1")
      .replace(/\$SHARDS/g, "4")
      .replace(/\$SUITE/g, "all")
      .replace(/\$JOB_COMPLETION_INDEX/g, "0")
      .replace(/"/g, "");
    commands.push([command!, ...filled.split(/\s+/).filter((token) => token !== "")]);
  }
  return commands;
}

describe("examples/ batch-engine recipes", () => {
  it("hold the sharded benchmark, its merge and the synced campaigns", () => {
    const all = recipes.flatMap((file) => invocations(readFileSync(join(pkg.root, file), "utf8")));
    const flags = new Set(all.flat().filter((token) => token.startsWith("--")));
    for (const flag of ["--shard", "--merge", "--sync-dir", "--sync-id", "--resume"]) {
      expect(flags).toContain(flag);
    }
  });

  it.each(recipes)("%s runs command lines the CLI accepts", async (file) => {
    const commands = invocations(readFileSync(join(pkg.root, file), "utf8"));
    expect(commands.length).toBeGreaterThan(0);
    for (const argv of commands) {
      const result = await runCli([...argv, "--help"], context);
      expect(result.stderr, argv.join(" ")).toEqual([]);
      expect(result.exitCode).toBe(0);
    }
  });
});
