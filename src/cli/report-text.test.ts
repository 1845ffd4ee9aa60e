import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { thisPackage } from "../paths.js";
import { readResultsFile } from "../report/read-results.js";
import { renderReport } from "../report/render.js";
import { runCli } from "./run.js";

const fixture = join(import.meta.dirname, "..", "report", "fixtures", "sweep-results.json");
const pkg = thisPackage();
const context = { registry: [], env: {}, packageRoot: pkg.root, version: pkg.version };

describe("dmafuzz report DIR --text", () => {
  it("prints the text of report.txt, and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dmafuzz-text-cli-"));
    copyFileSync(fixture, join(dir, "results.json"));
    const out = await runCli(["report", dir, "--text"], context);
    expect(out.exitCode).toBe(0);
    const rendered = mkdtempSync(join(tmpdir(), "dmafuzz-text-cli-"));
    await renderReport(rendered, readResultsFile(fixture));
    const txt = readFileSync(join(rendered, "report.txt"), "utf8");
    expect(`${out.stdout.join("\n")}\n`).toBe(txt);
    expect(txt).toMatch(/^dmafuzz benchmark summary\n/);
  });
});
