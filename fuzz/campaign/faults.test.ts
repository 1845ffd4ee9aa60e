import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { saveInput } from "../engine/corpus.js";
import { FAULT_TRIGGER } from "../selftest/faulty.fuzz.js";
import { runCampaign } from "./campaign.js";

// The test-only target breaks its worker on inputs starting with FAULT_TRIGGER; the campaign is
// resumed from a corpus holding one such input, so every first worker meets it at once.
const root = mkdtempSync(join(tmpdir(), "dmafuzz-faults-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const killer = Uint8Array.of(...FAULT_TRIGGER, 0, 3, 0, 0, 1, 0, 0, 0);

async function faultyCampaign(variant: "hang" | "exit", maxTimeMs: number) {
  const outDir = join(root, variant);
  saveInput(join(outDir, "corpus"), killer);
  saveInput(join(outDir, "corpus"), Uint8Array.of(0, 0, 0, 0, 0, 5, 0, 0));
  const lines: string[] = [];
  const outcome = await runCampaign({
    target: "faulty",
    targetModule: "fuzz/selftest/faulty.fuzz.js",
    variant,
    workers: 1,
    seed: 1,
    outDir,
    resume: true,
    feedback: "full",
    maxTimeMs,
    timeoutMs: 1000,
    log: (line) => lines.push(line),
  });
  const dirs = readdirSync(join(outDir, "findings"));
  return { outDir, outcome, lines, dirs };
}

describe("a campaign whose worker breaks", () => {
  it("records an execution past the time limit as a timeout finding, replaces the worker and goes on", async () => {
    const { outDir, outcome, lines, dirs } = await faultyCampaign("hang", 4000);
    expect(outcome.newFindings.map((f) => f.signature)).toEqual([
      "timeout:faulty@hang:execution-timeout",
    ]);
    expect(lines.filter((l) => l.startsWith("FINDING timeout:faulty@hang"))).toHaveLength(1);
    expect(dirs).toHaveLength(1);
    const dir = join(outDir, "findings", dirs[0]!);
    expect(new Uint8Array(readFileSync(join(dir, "input.bin")))).toEqual(killer);
    expect(readdirSync(dir).sort()).toEqual([
      "finding.html",
      "finding.json",
      "input.bin",
      "minimized.jsonl",
      "trace.jsonl",
    ]);
    // The input was run again in a tracer thread: the trace ends with the op that hung.
    for (const file of ["trace.jsonl", "minimized.jsonl"])
      expect(readFileSync(join(dir, file), "utf8")).toBe('{"op":"hang"}\n');
    const saved = JSON.parse(readFileSync(join(dir, "finding.json"), "utf8"));
    expect(saved.finding.opIndex).toBe(0);
    // The replacement never gets the input that hung (it would hang again) and keeps fuzzing.
    expect(outcome.replacedWorkers).toBe(1);
    expect(outcome.stats.execs).toBeGreaterThan(1000);
    expect(outcome.reason).toBe("time");
  }, 20_000);

  it("records a worker that exits as a crash finding with the input it was running", async () => {
    const { outDir, outcome, dirs } = await faultyCampaign("exit", 2500);
    expect(outcome.newFindings.map((f) => f.signature)).toEqual([
      "crash:faulty@exit:worker-exit-3",
    ]);
    const saved = JSON.parse(
      readFileSync(join(outDir, "findings", dirs[0]!, "finding.json"), "utf8"),
    );
    expect(saved.finding).toMatchObject({ kind: "crash", model: "faulty", variant: "exit" });
    expect(new Uint8Array(readFileSync(join(outDir, "findings", dirs[0]!, "input.bin")))).toEqual(
      killer,
    );
    expect(outcome.replacedWorkers).toBe(1);
    expect(outcome.stats.execs).toBeGreaterThan(1000);
    const trace = readFileSync(join(outDir, "findings", dirs[0]!, "trace.jsonl"), "utf8");
    expect(trace).toBe('{"op":"exit"}\n');
  }, 20_000);
});
