import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { dependencyBin, thisPackage } from "../../src/paths.js";
import { target } from "./iova.fuzz.js";

const root = thisPackage().root;
const jsfuzz = dependencyBin("jsfuzz");
// The CommonJS build of the target (vitest's global setup builds it): jsfuzz require()s it and
// instruments it through its require hook.
const cjsTarget = join(root, "dist", "cjs", "fuzz", "targets", "iova.fuzz.js");

/** Runs jsfuzz in `cwd` until it exits or `ms` pass; returns its output. */
function runJsfuzz(cwd: string, variant: string, ms: number): Promise<string> {
  return new Promise((resolve) => {
    // jsfuzz resolves the target relative to its working directory.
    const child = spawn(process.execPath, [jsfuzz, relative(cwd, cjsTarget), "corpus"], {
      cwd,
      env: { ...process.env, DMAFUZZ_VARIANT: variant },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

describe("the IOVA target under jsfuzz, unchanged", () => {
  it("finds the v5.17 retry overflow and saves a crash input that replays as that finding", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dmafuzz-jsfuzz-"));
    mkdirSync(join(cwd, "corpus"));
    const out = await runJsfuzz(cwd, "v5.17", 45_000);
    expect(out).toMatch(/#\d+ .*exec\/s: \d+/);
    expect(out).toContain("FindingError");
    const crash = readdirSync(cwd).find((f) => f.startsWith("crash-"));
    expect(crash, out.slice(-2000)).toBeDefined();
    const { finding } = target.run(readFileSync(join(cwd, crash as string)), "v5.17");
    expect(finding).not.toBeNull();
    expect(out).toContain(`site: '${finding?.site}'`);
  }, 60_000);
});
