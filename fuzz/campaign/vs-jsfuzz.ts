/**
 * Executions per second of dmafuzz's engine against jsfuzz on the same fuzz target, variant,
 * machine and input-length cap, one fuzzing process each, run back to back for a few rounds:
 *
 *   node dist/fuzz/campaign/vs-jsfuzz.js [--target iova] [--variant v6.7] [--max-len 64]
 *                                        [--seconds 20] [--rounds 3]
 *
 * jsfuzz runs its unchanged binary on a CommonJS shim around the built target that cuts inputs to
 * --max-len (jsfuzz itself has no length option) and counts the bytes it executes; the shim sets
 * no canary filter that can match, so findings do not stop jsfuzz. dmafuzz runs
 * `dmafuzz fuzz --workers 1 --max-len N`. Both rates are taken between the first and the last
 * status line, so start-up (instrumenting the code) is not counted against either; besides
 * wall-clock rates it prints executions per CPU second of each engine's processes (Linux), which
 * load from other processes on a shared machine does not change.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { dependencyBin, thisPackage } from "../../src/paths.js";
import { readStats } from "./stats-file.js";

/** What one engine does per execution (printed with the figures). */
const PER_EXEC = {
  jsfuzz:
    "parent mutates an input, sends it over IPC to a child process, which runs fuzz(data) " +
    "(istanbul counters in every required file), sums all counters and replies",
  dmafuzz:
    "one worker thread mutates in place, runs the target with the state-feature sink " +
    "(istanbul counters in src/models), buckets the counters, updates code and state features, " +
    "schedules the corpus, copies the input to the heartbeat board",
};

/** The comparison's settings. */
export interface Options {
  target: string;
  variant: string;
  maxLen: number;
  seconds: number;
  rounds: number;
}

/** One engine run: executions per second over the status lines, and the mean input length. */
interface Measure {
  execPerSec: number;
  /** Executions per second of CPU time of all the engine's processes (null off Linux). */
  execPerCpuSec: number | null;
  meanInputBytes: number | null;
}

/** Reads `--target/--variant/--max-len/--seconds/--rounds`; throws a one-line error on bad input. */
export function parseOptions(argv: string[]): Options {
  const options: Options = { target: "iova", variant: "v6.7", maxLen: 64, seconds: 20, rounds: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`vs-jsfuzz: ${flag} needs a value`);
    if (flag === "--target") options.target = value;
    else if (flag === "--variant") options.variant = value;
    else if (flag === "--max-len") options.maxLen = Number(value);
    else if (flag === "--seconds") options.seconds = Number(value);
    else if (flag === "--rounds") options.rounds = Number(value);
    else throw new Error(`vs-jsfuzz: unknown option ${flag}`);
  }
  const counts = {
    "--max-len": options.maxLen,
    "--seconds": options.seconds,
    "--rounds": options.rounds,
  };
  for (const [flag, value] of Object.entries(counts)) {
    if (!(Number.isInteger(value) && value > 0)) {
      throw new Error(`vs-jsfuzz: ${flag} must be a positive integer`);
    }
  }
  return options;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/**
 * CPU seconds used so far by the processes of process group `group` (Linux /proc), or null when
 * /proc cannot be read. The load from other processes changes wall-clock rates, not this.
 */
export function groupCpuSeconds(group: number): number | null {
  let ticks = 0;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name (in parentheses): state ppid pgrp ... utime(14) stime(15).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== group) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return null;
  }
  return ticks / USER_HZ;
}

/** Rates between the first and the last status line, in wall and CPU time. */
interface Rates {
  wall: number;
  cpu: number | null;
}

/**
 * Runs `command` for `seconds` in its own process group, timing the status lines that match
 * `status` (group 1: the execution count); returns the rates between the first and last of them.
 */
function timeStatusLines(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; seconds: number; status: RegExp },
): Promise<Rates> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, { ...options, detached: true });
    const points: { at: number; execs: number; cpu: number | null }[] = [];
    let pending = "";
    let tail = "";
    const onData = (data: Buffer): void => {
      const text = pending + data.toString();
      tail = (tail + data.toString()).slice(-4000);
      const lines = text.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const match = options.status.exec(line);
        if (match === null) continue;
        const cpu = groupCpuSeconds(child.pid as number);
        points.push({ at: performance.now(), execs: Number(match[1]), cpu });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    // The whole group: jsfuzz forks its worker process.
    const stop = setTimeout(
      () => process.kill(-(child.pid as number), "SIGTERM"),
      options.seconds * 1000,
    );
    child.on("exit", () => {
      clearTimeout(stop);
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        // the group is gone already
      }
      const first = points[0];
      const last = points.at(-1);
      if (first === undefined || last === undefined || last.at - first.at < 1000) {
        reject(new Error(`${command}: too few status lines to time\n${tail}`));
        return;
      }
      const execs = last.execs - first.execs;
      const cpu =
        first.cpu === null || last.cpu === null || last.cpu <= first.cpu
          ? null
          : execs / (last.cpu - first.cpu);
      resolve({ wall: (execs * 1000) / (last.at - first.at), cpu });
    });
  });
}

/**
 * The CommonJS shim jsfuzz loads: the built target's fuzz(), inputs cut to `maxLen`, executions
 * and bytes written to `countsPath` every 4096 executions.
 */
export function jsfuzzShim(cjsTarget: string, maxLen: number, countsPath: string): string {
  return `const target = require(${JSON.stringify(cjsTarget)});
const { writeFileSync } = require("node:fs");
let execs = 0;
let bytes = 0;
module.exports.fuzz = (data) => {
  const length = Math.min(data.length, ${maxLen});
  execs++;
  bytes += length;
  if ((execs & 4095) === 0) writeFileSync(${JSON.stringify(countsPath)}, JSON.stringify({ execs, bytes }));
  target.fuzz(length === data.length ? data : data.subarray(0, length));
};
`;
}

async function runJsfuzz(options: Options, root: string): Promise<Measure> {
  const cwd = mkdtempSync(join(tmpdir(), "dmafuzz-vs-jsfuzz-"));
  try {
    const counts = join(cwd, "counts.json");
    const cjsTarget = join(root, "dist", "cjs", "fuzz", "targets", `${options.target}.fuzz.js`);
    writeFileSync(join(cwd, "shim.js"), jsfuzzShim(cjsTarget, options.maxLen, counts));
    const rates = await timeStatusLines(
      process.execPath,
      [dependencyBin("jsfuzz"), "shim.js", "corpus"],
      {
        cwd,
        env: { ...process.env, DMAFUZZ_VARIANT: options.variant, DMAFUZZ_CANARY: "(none)" },
        seconds: options.seconds,
        status: /^#(\d+) (?:PULSE|NEW)\s/,
      },
    );
    let meanInputBytes: number | null = null;
    try {
      const { execs, bytes } = JSON.parse(readFileSync(counts, "utf8")) as Record<string, number>;
      meanInputBytes = (bytes as number) / (execs as number);
    } catch {
      // fewer than 4096 executions: no counts written
    }
    return { execPerSec: rates.wall, execPerCpuSec: rates.cpu, meanInputBytes };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

async function runDmafuzz(options: Options, root: string, round: number): Promise<Measure> {
  const cwd = mkdtempSync(join(tmpdir(), "dmafuzz-vs-jsfuzz-"));
  try {
    const args = [
      join(root, "dist", "src", "cli", "main.js"),
      "fuzz",
      ...["--target", options.target, "--variant", options.variant, "--workers", "1"],
      ...["--max-len", String(options.maxLen), "--seed", String(round + 1), "--out", cwd],
      ...["--max-time", String(options.seconds + 5)],
    ];
    const rates = await timeStatusLines(process.execPath, args, {
      cwd,
      env: process.env,
      seconds: options.seconds,
      status: /^#(\d+) (?:pulse|NEW)\s/,
    });
    const stats = readStats(cwd);
    const mean = stats?.meanInputBytes;
    return {
      execPerSec: rates.wall,
      execPerCpuSec: rates.cpu,
      meanInputBytes: typeof mean === "number" ? mean : null,
    };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

function range(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const fmt = (v: number): string => (v >= 100 ? String(Math.round(v)) : v.toFixed(1));
  return `${fmt(sorted[0]!)}..${fmt(sorted.at(-1)!)} (median ${fmt(sorted[sorted.length >> 1]!)})`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = thisPackage().root;
  const { target, variant, maxLen, seconds, rounds } = options;
  console.log(
    `target ${target} ${variant}, inputs cut to ${maxLen} bytes, ${seconds} s per run, 1 process each`,
  );
  console.log(`jsfuzz per exec: ${PER_EXEC.jsfuzz}`);
  console.log(`dmafuzz per exec: ${PER_EXEC.dmafuzz}`);
  const wall = { jsfuzz: [] as number[], dmafuzz: [] as number[], ratio: [] as number[] };
  const cpu = { ratio: [] as number[] };
  const perCpu = (m: Measure): string =>
    m.execPerCpuSec === null ? "" : `, ${Math.round(m.execPerCpuSec)} per CPU-s`;
  const bytes = (m: Measure): string =>
    m.meanInputBytes === null ? "?" : m.meanInputBytes.toFixed(1);
  for (let round = 0; round < rounds; round++) {
    const js = await runJsfuzz(options, root);
    const dm = await runDmafuzz(options, root, round);
    wall.jsfuzz.push(js.execPerSec);
    wall.dmafuzz.push(dm.execPerSec);
    wall.ratio.push(dm.execPerSec / js.execPerSec);
    if (js.execPerCpuSec !== null && dm.execPerCpuSec !== null) {
      cpu.ratio.push(dm.execPerCpuSec / js.execPerCpuSec);
    }
    console.log(
      `round ${round + 1}: jsfuzz ${Math.round(js.execPerSec)} exec/s${perCpu(js)} ` +
        `(mean input ${bytes(js)} B); dmafuzz ${Math.round(dm.execPerSec)} exec/s${perCpu(dm)} ` +
        `(mean input ${bytes(dm)} B); ratio ${(dm.execPerSec / js.execPerSec).toFixed(1)}x`,
    );
  }
  console.log(
    `jsfuzz ${range(wall.jsfuzz)} exec/s; dmafuzz ${range(wall.dmafuzz)} exec/s; ` +
      `ratio ${range(wall.ratio)}x` +
      (cpu.ratio.length > 0 ? `; per CPU second ${range(cpu.ratio)}x` : ""),
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
