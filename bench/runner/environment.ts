/** The environment a run happened in, for results.json: Node, V8, CPU, cores and the git SHA. */
import { execFileSync } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import type { Environment } from "../../src/report/results.js";

/** Captures the environment; `packageRoot` is where `git rev-parse HEAD` runs. */
export function captureEnvironment(packageRoot: string, version: string): Environment {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    gitSha: gitSha(packageRoot),
    dmafuzzVersion: version,
  };
}

function gitSha(cwd: string): string | null {
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    }).trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : null;
  } catch {
    // Not a checkout, or no git: the report says "unknown".
    return null;
  }
}
