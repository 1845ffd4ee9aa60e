import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Finding, findingSignature } from "../../src/oracles/finding.js";
import { parseJsonl } from "../../src/sim/jsonl.js";
import { type FindingRecord, findingSlug, loadSavedFindings, saveFinding } from "./findings.js";

const finding: Finding = {
  kind: "overlap",
  model: "toy",
  variant: "planted",
  opIndex: 3,
  site: "alloc-overlaps-live",
  message: "alloc 3 overlaps 1",
  evidence: { slot: 5 },
};

function record(overrides: Partial<FindingRecord> = {}): FindingRecord {
  return {
    finding,
    input: Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7),
    trace: [
      { op: "init", slots: 16 },
      { op: "alloc", id: 0, size: 2 },
      { op: "free", id: 0 },
    ],
    minimized: [
      { op: "init", slots: 16 },
      { op: "alloc", id: 0, size: 2 },
    ],
    executions: 1234,
    elapsedMs: 56,
    ...overrides,
  };
}

describe("saveFinding", () => {
  let out = "";
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), "dmafuzz-findings-"));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it("writes input.bin, trace.jsonl, minimized.jsonl and finding.json under the slug", () => {
    const { dir, saved } = saveFinding(out, record(), new Date("2025-01-02T03:04:05Z"));
    expect(saved).toBe(true);
    expect(dir).toBe(join(out, "findings", findingSlug(findingSignature(finding))));
    expect(readdirSync(dir).sort()).toEqual([
      "finding.json",
      "input.bin",
      "minimized.jsonl",
      "trace.jsonl",
    ]);
    expect([...readFileSync(join(dir, "input.bin"))]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const trace = parseJsonl(readFileSync(join(dir, "trace.jsonl"), "utf8"), "trace.jsonl");
    expect(trace.map((r) => r.fields)).toEqual(record().trace);
    const minimized = parseJsonl(readFileSync(join(dir, "minimized.jsonl"), "utf8"), "m");
    expect(minimized.map((r) => r.fields)).toEqual(record().minimized);
    const document = JSON.parse(readFileSync(join(dir, "finding.json"), "utf8")) as unknown;
    expect(document).toEqual({
      signature: "overlap:toy@planted:alloc-overlaps-live",
      finding,
      time: "2025-01-02T03:04:05.000Z",
      executions: 1234,
      elapsedMs: 56,
      traceOps: 3,
      minimizedOps: 2,
    });
    // Nothing but the finding directory: no temp directory left behind.
    expect(readdirSync(join(out, "findings"))).toEqual([findingSlug(findingSignature(finding))]);
  });

  it("keeps the first finding of a signature and never overwrites it", () => {
    saveFinding(out, record());
    const later = record({ input: Uint8Array.of(9), executions: 99999 });
    const again = saveFinding(out, later);
    expect(again.saved).toBe(false);
    expect([...readFileSync(join(again.dir, "input.bin"))]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(loadSavedFindings(out).get(findingSignature(finding))?.executions).toBe(1234);
    expect(readdirSync(join(out, "findings"))).toHaveLength(1);
  });

  it("saves different signatures apart, canaries by their id", () => {
    saveFinding(out, record());
    const other = { ...finding, site: "other-site" };
    const canary = { ...finding, canary: "iova-max32-stale" };
    expect(saveFinding(out, record({ finding: other })).saved).toBe(true);
    expect(saveFinding(out, record({ finding: canary })).saved).toBe(true);
    expect([...loadSavedFindings(out).keys()].sort()).toEqual([
      "iova-max32-stale",
      "overlap:toy@planted:alloc-overlaps-live",
      "overlap:toy@planted:other-site",
    ]);
  });

  it("slugs are filesystem-safe and distinct for signatures that read alike", () => {
    const a = findingSlug("crash:x@v:TypeError@f (a.js:1:2)");
    const b = findingSlug("crash:x@v:TypeError@f (a_js:1:2)");
    expect(a).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(a).not.toBe(b);
    expect(existsSync(join(out, "findings"))).toBe(false);
  });
});
