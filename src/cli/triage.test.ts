import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { models } from "../models/registry.js";
import { runCli } from "./run.js";

const context = { registry: models, env: {}, packageRoot: process.cwd(), version: "0.0.0-test" };
const corpus = join(import.meta.dirname, "../../testdata/triage");

describe("dmafuzz triage", () => {
  it("writes text, Markdown, JSON and traces that dmafuzz replay checks", async () => {
    const out = mkdtempSync(join(tmpdir(), "triage-"));
    const log = join(corpus, "lkml-2026-03-qubes-order5-interleaved.log");
    const r = await runCli(["triage", "--out", out, log], context);
    expect(r.exitCode).toBe(0);
    expect(r.stdout[0]).toMatch(/1 event recognised \(1 decided: 1 agree/);
    expect(readdirSync(out).sort()).toEqual([
      "lkml-2026-03-qubes-order5-interleaved.1.meminfo.jsonl",
      "report.json",
      "report.md",
      "report.txt",
    ]);
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain("| 1 | 3 | v4l2src0:src");
    const json = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(json.tally).toMatchObject({ events: 1, decided: 1, agrees: 1 });
    const trace = join(out, "lkml-2026-03-qubes-order5-interleaved.1.meminfo.jsonl");
    const replay = await runCli(
      ["replay", "--model", "meminfo", "--variant", "v6.6", trace],
      context,
    );
    expect(replay.stdout).toEqual([`${trace}: ok (4 ops)`]);
  });

  it("prints JSON with --json and Markdown with --markdown", async () => {
    const log = join(corpus, "gh-rtl8192ee-3-swiotlb-full.log");
    const json = await runCli(["triage", "--json", log], context);
    expect(JSON.parse(json.stdout[0] ?? "").files[0].events[0].agreement).toBe("agrees");
    const md = await runCli(["triage", "--markdown", log], context);
    expect(md.stdout[0]).toBe("# Kernel log triage");
  });

  it("bad input: one line, exit 2", async () => {
    const missing = await runCli(["triage", join(corpus, "no-such.log")], context);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toEqual([
      `dmafuzz: ${join(corpus, "no-such.log")}: cannot read (ENOENT)`,
    ]);
    expect((await runCli(["triage"], context)).exitCode).toBe(2);
  });
});
