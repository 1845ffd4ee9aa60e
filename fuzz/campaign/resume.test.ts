import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Finding } from "../../src/oracles/finding.js";
import { saveInput } from "../engine/corpus.js";
import { saveFinding } from "../engine/findings.js";
import { CampaignInputError } from "./input-error.js";
import { loadCampaignState } from "./resume.js";
import { appendCsvRow, type CampaignStats, prepareCsv, writeStats } from "./stats-file.js";

const toy = { target: "toy", variant: "planted" };
const finding: Finding = {
  kind: "overlap",
  model: "toy",
  variant: "planted",
  opIndex: 2,
  site: "alloc-overlaps-live",
  message: "alloc 2 overlaps 1",
  evidence: {},
};

function stats(overrides: Partial<CampaignStats> = {}): CampaignStats {
  return {
    ...toy,
    feedback: "full",
    workers: 2,
    seed: 1,
    execs: 5000,
    execPerSec: 1000,
    elapsedMs: 5000,
    corpusSize: 1,
    codeFeatures: 10,
    allFeatures: 12,
    findings: [],
    startTime: "2025-01-01T00:00:00.000Z",
    endTime: null,
    sessions: [],
    ...overrides,
  };
}

let out = "";
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), "dmafuzz-resume-"));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe("loadCampaignState", () => {
  it("refuses an OUT directory that holds a campaign unless resuming", () => {
    expect(loadCampaignState(join(out, "new"), false, toy).corpus).toEqual([]);
    saveInput(join(out, "corpus"), Uint8Array.of(1));
    expect(() => loadCampaignState(out, false, toy)).toThrow(CampaignInputError);
    expect(() => loadCampaignState(out, false, toy)).toThrow(/--resume/);
  });

  it("refuses to resume another target's campaign", () => {
    writeStats(out, stats({ target: "iova", variant: "v6.7" }));
    expect(() => loadCampaignState(out, true, toy)).toThrow(/iova@v6.7, not toy@planted/);
  });

  it("a damaged stats.json is bad input, not a crash", () => {
    writeFileSync(join(out, "stats.json"), '{"execs": 1');
    expect(() => loadCampaignState(out, true, toy)).toThrow(CampaignInputError);
  });

  it("resumes from the saved corpus, findings and totals, removing only a killed run's temps", () => {
    writeStats(out, stats());
    saveInput(join(out, "corpus"), Uint8Array.of(1, 2));
    writeFileSync(join(out, "corpus", ".abc.123.1.0.tmp"), "partial");
    mkdirSync(join(out, "findings", ".tmp-x-1-1-0"), { recursive: true });
    // Saved after the last stats.json write, as just before a kill.
    const { dir } = saveFinding(out, {
      finding,
      input: Uint8Array.of(3),
      trace: [],
      minimized: [],
      executions: 4321,
      elapsedMs: 987,
    });
    const state = loadCampaignState(out, true, toy);
    expect(state.prior?.execs).toBe(5000);
    expect(state.corpus.map((entry) => [...entry.data])).toEqual([[1, 2]]);
    expect(readdirSync(join(out, "corpus"))).toHaveLength(1);
    expect(readdirSync(join(out, "findings"))).toEqual([dir.split("/").pop()]);
    const signature = "overlap:toy@planted:alloc-overlaps-live";
    expect([...state.known]).toEqual([signature]);
    expect(state.findings.get(signature)).toMatchObject({ execs: 4321, ms: 987, kind: "overlap" });
  });
});

describe("stats.csv", () => {
  it("starts with a header and drops a row cut short by a kill", () => {
    prepareCsv(out);
    const row = { elapsedS: 1, execs: 10, execPerSec: 10, cov: 1, ft: 2, corpus: 1, findings: 0 };
    appendCsvRow(out, row);
    writeFileSync(join(out, "stats.csv"), "2.0,20,1", { flag: "a" });
    prepareCsv(out);
    appendCsvRow(out, { ...row, elapsedS: 3 });
    expect(readFileSync(join(out, "stats.csv"), "utf8").split("\n")).toEqual([
      "elapsed_s,execs,exec_per_s,cov,ft,corpus,findings",
      "1.0,10,10,1,2,1,0",
      "3.0,10,10,1,2,1,0",
      "",
    ]);
  });
});
