/** A campaign directory for report tests, built from the fixture finding of a real campaign. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CampaignStats, SavedFinding } from "./fuzz-results.js";

const fixture = join(import.meta.dirname, "fixtures", "finding-iova-max32-stale");

/** A campaign directory: the fixture's canary finding and an unexplained copy of it. */
export function campaignDir(): string {
  const out = mkdtempSync(join(tmpdir(), "dmafuzz-campaign-"));
  cpSync(fixture, join(out, "findings", "canary"), { recursive: true });
  cpSync(fixture, join(out, "findings", "other"), { recursive: true });
  const file = join(out, "findings", "other", "finding.json");
  const saved = JSON.parse(readFileSync(file, "utf8")) as SavedFinding;
  delete saved.finding.canary;
  saved.signature = "spurious-failure:iova@v5.17:early-fail";
  writeFileSync(file, JSON.stringify(saved));
  const finding = (dir: string, signature: string) => ({
    signature,
    kind: "spurious-failure",
    message: saved.finding.message,
    dir: `findings/${dir}`,
    execs: 10,
    ms: 1000,
  });
  const stats: Partial<CampaignStats> = {
    target: "iova",
    variant: "v5.17",
    feedback: "full",
    execs: 3000,
    execPerSec: 1000,
    elapsedMs: 3000,
    corpusSize: 12,
    codeFeatures: 500,
    allFeatures: 520,
    sessions: [],
    findings: [finding("canary", "iova-max32-stale"), finding("other", saved.signature)],
  };
  writeFileSync(join(out, "stats.json"), JSON.stringify(stats));
  writeFileSync(
    join(out, "stats.csv"),
    "elapsed_s,execs,exec_per_s,cov,ft,corpus,findings\n1.0,1000,1000,400,410,8,1\n2.0,2000,1000,480,500,11,2\n3.0,3000,1000,500,520,12,2\n3.5,31",
  );
  return out;
}
