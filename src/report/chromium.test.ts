import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readResultsFile } from "./read-results.js";
import { renderReport } from "./render.js";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available) console.log(`skipping the headless Chromium check: ${CHROMIUM} is not installed`);

describe.skipIf(!available)("index.html in headless Chromium", () => {
  it("loads and shows every chart", async () => {
    const fixture = join(import.meta.dirname, "fixtures", "small-results.json");
    const dir = mkdtempSync(join(tmpdir(), "dmafuzz-chromium-"));
    copyFileSync(fixture, join(dir, "results.json"));
    await renderReport(dir, readResultsFile(fixture));
    const dom = execFileSync(
      CHROMIUM,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--dump-dom",
        `file://${join(dir, "index.html")}`,
      ],
      // Chromium logs D-Bus noise on stderr in containers; only the DOM on stdout matters.
      { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(dom.match(/<svg[\s>]/g)).toHaveLength(3);
    expect(dom).toContain("new has lower failure rate than old");
  });
});
