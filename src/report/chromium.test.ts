import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { campaignDir } from "./campaign.fixture.js";
import { writeCampaignPage } from "./campaign-page.js";
import { readResultsFile } from "./read-results.js";
import { renderReport } from "./render.js";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) console.log(`skipping the headless Chromium check: ${CHROMIUM} is not installed`);

/** The DOM of a page as headless Chromium loaded it. */
function loadedDom(page: string): string {
  return execFileSync(
    CHROMIUM,
    ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", `file://${page}`],
    // Chromium logs D-Bus noise on stderr in containers; only the DOM on stdout matters.
    { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] },
  );
}

async function domOf(fixtureName: string): Promise<string> {
  const fixture = join(import.meta.dirname, "fixtures", fixtureName);
  const dir = mkdtempSync(join(tmpdir(), "dmafuzz-chromium-"));
  copyFileSync(fixture, join(dir, "results.json"));
  await renderReport(dir, readResultsFile(fixture));
  return loadedDom(join(dir, "index.html"));
}

describe.skipIf(!available)("index.html in headless Chromium", () => {
  it("loads and shows every chart", async () => {
    const dom = await domOf("small-results.json");
    expect(dom.match(/<svg[\s>]/g)).toHaveLength(3);
    expect(dom).toContain("new has lower failure rate than old");
  });

  it("shows the CDF and time-series charts of a run with series", async () => {
    const dom = await domOf("series-results.json");
    expect(dom.match(/<svg[\s>]/g)).toHaveLength(5);
    expect(dom).toContain("fraction of samples ≤ x");
    expect(dom).toContain("queue depth (requests)");
  });

  it("shows the sweep charts: each metric against the axis, a line and a band per variant", async () => {
    const dom = await domOf("sweep-results.json");
    // The 3 charts of small-results.json, then one sweep chart per metric.
    expect(dom.match(/<svg[\s>]/g)).toHaveLength(5);
    expect(dom).toContain("toy: failure rate against offered load (mean, 95% band)");
    expect(dom).toContain("offered load");
    expect(dom).toContain("old on steady: failure rate rises above 0 at load 0.5");
  });

  it("loads a campaign page with its growth chart, and a finding page", async () => {
    const out = campaignDir();
    await writeCampaignPage(out);
    const campaign = loadedDom(join(out, "index.html"));
    expect(campaign.match(/<svg[\s>]/g)).toHaveLength(1);
    expect(campaign).toContain("fuzzing time (s)");
    expect(campaign).toContain('href="findings/other/finding.html"');
    const finding = loadedDom(join(out, "findings", "canary", "finding.html"));
    expect(finding).toContain("known bug: iova-max32-stale");
    expect(finding).toContain("<pre>dmafuzz replay --model iova --variant v5.17 ");
    expect(finding.match(/<tr>/g)?.length).toBeGreaterThan(13);
  });
});
