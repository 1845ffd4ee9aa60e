import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inputName } from "../engine/corpus.js";
import { type CampaignOptions, runCampaign } from "./campaign.js";
import type { CampaignStats } from "./stats-file.js";

// Campaigns run their workers from dist/ (vitest's global setup builds it).
const OVERLAP = "overlap:toy@planted:alloc-overlaps-live";
const ACCOUNTING = "accounting:toy@planted:free-slots-counter";
const root = mkdtempSync(join(tmpdir(), "dmafuzz-campaign-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a campaign on the toy target with 2 workers", () => {
  const outDir = join(root, "toy");
  const lines: string[] = [];
  const controller = new AbortController();
  const options: CampaignOptions = {
    target: "toy",
    workers: 2,
    seed: 1,
    outDir,
    resume: false,
    feedback: "full",
    maxTimeMs: 25_000,
    signal: controller.signal,
    log: (line) => {
      lines.push(line);
      // Both planted bugs found: stop as SIGINT would.
      if (lines.filter((l) => l.startsWith("FINDING ")).length === 2) controller.abort();
    },
  };
  const run = runCampaign(options);

  it("finds both planted bugs, prints them once each, and stops on the signal", async () => {
    const outcome = await run;
    expect(outcome.reason).toBe("signal");
    expect(outcome.newFindings.map((f) => f.signature).sort()).toEqual([ACCOUNTING, OVERLAP]);
    const findingLines = lines.filter((l) => l.startsWith("FINDING "));
    expect(findingLines).toHaveLength(2);
    expect(findingLines[0]).toMatch(/^FINDING \S+ at #\d+ \(\d+ ms\): .+ -> \S+findings\/\S+$/);
    expect(lines[0]).toMatch(/^#0 INITED cov: 0 ft: 0 corp: 0 exec\/s: 0 rss: \d+Mb$/);
    expect(
      lines.some((l) => /^#\d+ NEW cov: \d+ ft: \d+ corp: \d+ exec\/s: \d+ rss: \d+Mb$/.test(l)),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^#\d+ DONE /);
  }, 40_000);

  it("saves each finding whole: raw input, trace, minimized trace, finding.json and its page", async () => {
    await run;
    const dirs = readdirSync(join(outDir, "findings"));
    expect(dirs).toHaveLength(2);
    for (const dir of dirs) {
      const files = readdirSync(join(outDir, "findings", dir)).sort();
      expect(files).toEqual([
        "finding.html",
        "finding.json",
        "input.bin",
        "minimized.jsonl",
        "trace.jsonl",
      ]);
      const saved = JSON.parse(readFileSync(join(outDir, "findings", dir, "finding.json"), "utf8"));
      expect(saved.minimizedOps).toBeLessThanOrEqual(saved.traceOps);
      expect(saved.executions).toBeGreaterThan(0);
    }
  });

  it("writes a campaign page with its growth chart, linking every finding page", async () => {
    const { findings } = await run;
    const html = readFileSync(join(outDir, "index.html"), "utf8");
    expect(html).toContain("<svg");
    expect(findings).toHaveLength(2);
    for (const finding of findings) {
      expect(html).toContain(`href="${finding.dir}/finding.html"`);
      expect(finding.page).toBe(`${finding.dir}/finding.html`);
    }
  });

  it("keeps every shared corpus entry on disk under its SHA-1 (libFuzzer layout)", async () => {
    const { stats } = await run;
    const names = readdirSync(join(outDir, "corpus"));
    expect(names.length).toBeGreaterThan(10);
    expect(names.length).toBe(stats.corpusSize);
    for (const name of names.slice(0, 20)) {
      expect(inputName(readFileSync(join(outDir, "corpus", name)))).toBe(name);
    }
  });

  it("writes stats.json with totals and time to first, and a stats.csv row per interval", async () => {
    const { stats } = await run;
    const onDisk = JSON.parse(readFileSync(join(outDir, "stats.json"), "utf8")) as CampaignStats;
    expect(onDisk).toEqual(stats);
    expect(stats).toMatchObject({ target: "toy", variant: "planted", workers: 2, seed: 1 });
    expect(stats.execs).toBeGreaterThan(1000);
    expect(stats.codeFeatures).toBeGreaterThan(50);
    expect(stats.allFeatures).toBeGreaterThan(stats.codeFeatures);
    expect(stats.endTime).not.toBeNull();
    for (const finding of stats.findings) {
      expect(finding.execs).toBeGreaterThan(0);
      expect(existsSync(join(outDir, finding.dir, "finding.json"))).toBe(true);
    }
    const csv = readFileSync(join(outDir, "stats.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("elapsed_s,execs,exec_per_s,cov,ft,corpus,findings");
    expect(csv.at(-1)?.split(",")[1]).toBe(String(stats.execs));
  });

  it("resumes: the saved corpus seeds the workers, known findings are not reported again", async () => {
    const first = (await run).stats;
    const again: string[] = [];
    const outcome = await runCampaign({
      ...options,
      resume: true,
      maxTimeMs: 1500,
      signal: undefined,
      log: (line) => again.push(line),
    });
    expect(again[0]).toMatch(new RegExp(`^#${first.execs} INITED .* corp: ${first.corpusSize} `));
    expect(again.filter((l) => l.startsWith("FINDING "))).toEqual([]);
    expect(outcome.stats.execs).toBeGreaterThan(first.execs);
    expect(outcome.stats.findings).toEqual(first.findings);
    expect(outcome.stats.sessions).toHaveLength(2);
  }, 20_000);
});
