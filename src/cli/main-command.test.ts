import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { models } from "../models/registry.js";
import { thisPackage } from "../paths.js";
import { mainCommand } from "./main-command.js";

describe("dmafuzz main", () => {
  it("replays every golden trace and writes an index page that says so", async () => {
    const pkg = thisPackage();
    const out = mkdtempSync(join(tmpdir(), "dmafuzz-main-"));
    const lines: string[] = [];
    const context = {
      registry: models,
      env: process.env,
      packageRoot: pkg.root,
      version: pkg.version,
    };
    const result = await mainCommand(["--no-fuzz", "--no-bench", "--out", out], context, (l) =>
      lines.push(l),
    );
    expect(result.exitCode).toBe(0);
    expect(lines.some((l) => /^golden replay: \d+ files, \d+ ops, 0 mismatches/.test(l))).toBe(
      true,
    );
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html).toMatch(
      /All \d+ golden traces \(\d+ ops\) recorded from the real kernel code replay exactly/,
    );
    expect(html).toContain("Skipped (--no-fuzz).");
    expect(html).not.toMatch(/https?:\/\//);
  });
});
