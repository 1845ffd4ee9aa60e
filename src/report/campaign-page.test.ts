import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStatsCsv, writeCampaignPage } from "./campaign-page.js";
import { campaignDir } from "./campaign.fixture.js";

describe("a campaign page", () => {
  it("reads stats.csv rows, skipping a row cut short by a kill", () => {
    const rows = parseStatsCsv(
      "elapsed_s,execs,exec_per_s,cov,ft,corpus,findings\n1.5,10,7,1,2,3,0\n2,1",
    );
    expect(rows).toEqual([
      { elapsedS: 1.5, execs: 10, execPerSec: 7, cov: 1, ft: 2, corpus: 3, findings: 0 },
    ]);
  });

  it("charts growth over time, lists unexplained findings first and writes missing finding pages", async () => {
    const out = campaignDir();
    const findings = await writeCampaignPage(out);
    expect(findings.map((f) => [f.signature, f.triage.kind, f.page])).toEqual([
      ["iova-max32-stale", "known-bug", "findings/canary/finding.html"],
      ["spurious-failure:iova@v5.17:early-fail", "unexplained", "findings/other/finding.html"],
    ]);
    expect(existsSync(join(out, "findings", "other", "finding.html"))).toBe(true);
    const html = readFileSync(join(out, "index.html"), "utf8");
    expect(html.match(/<svg[\s>]/g)).toHaveLength(1);
    for (const title of ["coverage (branches and statements)", "features", "corpus size", "exec/s"])
      expect(html).toContain(title);
    const unexplained = html.indexOf('href="findings/other/finding.html"');
    const known = html.indexOf('href="findings/canary/finding.html"');
    expect(unexplained).toBeGreaterThan(0);
    expect(known).toBeGreaterThan(unexplained);
  });
});
