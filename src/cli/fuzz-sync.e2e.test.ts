import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { thisPackage } from "../paths.js";

// Four campaigns of the built `dmafuzz` bin, as separate processes sharing one sync directory.
const bin = join(thisPackage().root, "dist", "src", "cli", "main.js");
const root = mkdtempSync(join(tmpdir(), "dmafuzz-sync-e2e-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function fuzz(...args: string[]): Run {
  const child = spawn(process.execPath, [bin, "fuzz", ...args], { stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  const exited = new Promise<Awaited<Run["exited"]>>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

/** stats.json of a campaign, or undefined before its first write. */
function stats(out: string): { sync?: { importedInputs: number } } | undefined {
  try {
    return JSON.parse(readFileSync(join(out, "stats.json"), "utf8"));
  } catch {
    return undefined;
  }
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A folder's files (none when it does not exist: a campaign that found nothing of its own). */
const files = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith(".")) : [];

describe("dmafuzz fuzz --sync-dir (four processes)", () => {
  it("each campaign ends with every entry its peers published one sync interval before", async () => {
    const shared = join(root, "shared");
    const ids = ["m1", "m2", "m3", "m4"];
    const intervalS = 1;
    const started = ids.map((id, i) =>
      fuzz(
        ...["--target", "toy", "--workers", "1", "--seed", String(i * 10)],
        ...["--out", join(root, id), "--sync-dir", shared, "--sync-id", id],
        ...["--sync-interval", String(intervalS)],
      ),
    );
    // Until every campaign has taken entries from its peers (however slowly the machine starts
    // four processes), then stopped as a user stops them.
    await until(
      () => ids.every((id) => (stats(join(root, id))?.sync?.importedInputs ?? 0) > 0),
      90_000,
    );
    // Two more intervals, so that what the peers had published by then is at least one interval
    // older than each campaign's last sync (on a fast machine the first imports come at once).
    await new Promise((resolve) => setTimeout(resolve, 2.5 * intervalS * 1000));
    for (const run of started) run.child.kill("SIGINT");
    const runs = await Promise.all(started.map((run) => run.exited));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    for (const id of ids) {
      const stats = JSON.parse(readFileSync(join(root, id, "stats.json"), "utf8"));
      const lastSync = Date.parse(stats.sync.lastSync);
      const corpus = new Set(files(join(root, id, "corpus")));
      // Its own entries are all published, and the peers' are in its own corpus directory.
      for (const name of files(join(shared, id, "corpus"))) expect(corpus.has(name)).toBe(true);
      let due = 0;
      for (const peer of ids.filter((other) => other !== id)) {
        const dir = join(shared, peer, "corpus");
        for (const name of files(dir)) {
          if (statSync(join(dir, name)).mtimeMs > lastSync - intervalS * 1000) continue;
          due++;
          expect(corpus.has(name), `${peer}/${name} in ${id}`).toBe(true);
        }
      }
      expect(due).toBeGreaterThan(0);
      expect(stats.sync.importedInputs).toBeGreaterThan(0);
      expect(stats.corpusSize).toBe(corpus.size);
    }
    // Each campaign resumes on its own, without the sync directory, from what it holds.
    const resumed = await fuzz(
      "--target",
      "toy",
      "--out",
      join(root, "m1"),
      "--resume",
      "--runs",
      "0",
    ).exited;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`corpus ${files(join(root, "m1", "corpus")).length}`);
  }, 150_000);
});
