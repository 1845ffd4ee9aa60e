import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { thisPackage } from "../paths.js";

// The built `dmafuzz` bin (vitest's global setup builds it), killed the ways a user kills it.
const bin = join(thisPackage().root, "dist", "src", "cli", "main.js");
const root = mkdtempSync(join(tmpdir(), "dmafuzz-fuzz-e2e-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
}

function start(...args: string[]): Run {
  const child = spawn(process.execPath, [bin, "fuzz", ...args], { stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<Awaited<Run["exited"]>>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

/** Files that are saved for good: finding directories and corpus entries (no temps). */
function savedFiles(out: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(out, path), readFileSync(path));
    }
  };
  walk(join(out, "corpus"));
  walk(join(out, "findings"));
  return files;
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const savedFinding = (out: string) =>
  existsSync(join(out, "findings")) &&
  readdirSync(join(out, "findings")).some((d) =>
    existsSync(join(out, "findings", d, "finding.json")),
  );
const corpusCount = (out: string) =>
  existsSync(join(out, "corpus")) ? readdirSync(join(out, "corpus")).length : 0;

describe("dmafuzz fuzz (built binary)", () => {
  it("killed with SIGKILL and resumed: no saved finding or corpus entry is lost or changed", async () => {
    const out = join(root, "killed");
    const first = start("--target", "toy", "--workers", "2", "--out", out);
    await until(() => savedFinding(out) && corpusCount(out) >= 20, 25_000);
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const before = savedFiles(out);
    const prior = JSON.parse(readFileSync(join(out, "stats.json"), "utf8"));
    const signatures = readdirSync(join(out, "findings")).filter((d) => !d.startsWith("."));
    expect(signatures.length).toBeGreaterThan(0);

    const resumed = await start(
      "--target",
      "toy",
      "--workers",
      "2",
      "--out",
      out,
      "--resume",
      "--max-time",
      "2",
    ).exited;
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = savedFiles(out);
    for (const [path, bytes] of before) {
      expect(after.get(path), path).toEqual(bytes);
    }
    // Nothing left over from the kill, and the findings saved before are not reported again.
    expect(readdirSync(join(out, "findings")).filter((d) => d.startsWith("."))).toEqual([]);
    for (const dir of signatures) expect(resumed.stdout).not.toContain(`${dir}\n`);
    const stats = JSON.parse(readFileSync(join(out, "stats.json"), "utf8"));
    // The counters add up (those since the last stats.json write before the kill are lost).
    expect(stats.sessions).toHaveLength(2);
    expect(stats.sessions[0].end).toBeNull();
    expect(stats.execs).toBe(prior.execs + stats.sessions[1].execs);
    // Five files per finding: input.bin, trace, minimized trace, finding.json and finding.html.
    expect(stats.corpusSize).toBeGreaterThanOrEqual(before.size - signatures.length * 5);
  }, 40_000);

  it("SIGINT stops the workers cleanly, writes the stats and exits 0", async () => {
    const out = join(root, "interrupted");
    const run = start("--target", "toy", "--workers", "2", "--out", out);
    await until(() => existsSync(join(out, "stats.json")) && corpusCount(out) >= 5, 20_000);
    run.child.kill("SIGINT");
    const { code, stdout, stderr } = await run.exited;
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^#\d+ DONE cov: \d+ ft: \d+ corp: \d+ exec\/s: \d+ rss: \d+Mb$/m);
    expect(stdout).toContain("stopped by signal");
    const stats = JSON.parse(readFileSync(join(out, "stats.json"), "utf8"));
    expect(stats.endTime).not.toBeNull();
    expect(stats.sessions[0].end).not.toBeNull();
    expect(stats.corpusSize).toBe(corpusCount(out));
    const csv = readFileSync(join(out, "stats.csv"), "utf8").trim().split("\n");
    expect(csv.length).toBeGreaterThan(1);
    expect(csv.at(-1)?.split(",")[1]).toBe(String(stats.execs));
  }, 30_000);

  it("bad input: one 'dmafuzz:' line and exit 2", () => {
    const used = join(root, "killed");
    for (const [args, message] of [
      [["--target", "nosuch"], "unknown target 'nosuch'"],
      [["--target", "toy", "--variant", "v9"], "unknown variant 'v9' of toy"],
      [["--target", "toy", "--feedback", "more"], "--feedback expects one of"],
      [["--target", "toy", "--workers", "0"], "--workers must be at least 1"],
      [["--target", "toy", "--out", used], "already holds a campaign"],
    ] as const) {
      const r = spawnSync(process.execPath, [bin, "fuzz", ...args], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^dmafuzz: fuzz: /);
      expect(r.stderr).toContain(message);
    }
  });
});
