import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../oracles/finding.js";
import { renderFindingPage } from "./finding-page.js";
import { findingView, readFindingParts } from "./finding-view.js";
import { byTriage, triageFinding } from "./triage.js";

// A finding directory as a campaign saved it (iova v5.17, the iova-max32-stale canary).
const fixture = join(import.meta.dirname, "fixtures", "finding-iova-max32-stale");

/** The page's text with tags removed and entities decoded, whitespace collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<style>[^<]*<\/style>/, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\s+/g, " ");
}

describe("a finding page", () => {
  const dir = mkdtempSync(join(tmpdir(), "dmafuzz-finding-"));
  cpSync(fixture, dir, { recursive: true });
  const view = findingView(readFindingParts(dir));
  const html = renderFindingPage(view, "../../index.html");
  const text = textOf(html);

  it("says what happened, where, and how it was triaged", () => {
    expect(text).toContain(
      "alloc_fast of 524288 pages below 1048575 failed (early-fail) although [524288, 1048575] is free",
    );
    expect(text).toContain("variant iova@v5.17 : drivers/iommu/iova.c as of v5.17, commits");
    expect(text).toContain("kind spurious-failure site early-fail signature iova-max32-stale");
    expect(text).toContain("Triage: known bug: iova-max32-stale");
    expect(text).toContain("Seed report: 5b61343b5059 (v5.18)");
    expect(text).toContain("must never fire on v5.18 , v6.2 , v6.7");
    expect(html).toContain('<a href="../../index.html">campaign</a>');
  });

  it("shows when it was found and the raw input's size and hash", () => {
    const input = readFileSync(join(dir, "input.bin"));
    const sha1 = createHash("sha1").update(input).digest("hex");
    expect(text).toContain("found after 8,016 executions, 6.1 s of fuzzing");
    expect(text).toContain(`raw input ${input.length} bytes, SHA-1 ${sha1}`);
    expect(text).toContain("fired at op 85 of the full trace (86 ops); minimized to 13 ops");
  });

  it("gives the replay command, and the evidence as a table", () => {
    const command = `dmafuzz replay --model iova --variant v5.17 ${join(dir, "minimized.jsonl")}`;
    expect(view.replayCommand).toBe(command);
    expect(html).toContain(`<pre>${command}</pre>`);
    expect(html).toContain(
      '<tr><th>max32_alloc_size</th><td class="l"><code>524288</code></td></tr>',
    );
    expect(html).toContain('<tr><th>op.op</th><td class="l">alloc_fast</td></tr>');
  });

  it("lists every op of the minimized trace with the model's result", () => {
    expect(view.rows).toHaveLength(13);
    expect(view.rows[0]?.result).toEqual({ expect: "ok" });
    expect(view.rows[12]?.op).toMatchObject({ op: "alloc_fast", size: 524288 });
    // The early fail the canary names: the last alloc_fast is refused.
    expect(view.rows[12]?.result).toEqual({ expect: { pfn: null } });
    expect(text).toContain(
      '12 alloc_fast size=524288 limit_pfn=1048575 flush=true cpu=0 {"pfn":null}',
    );
  });
});

describe("triage", () => {
  const base: Finding = {
    kind: "hang",
    model: "pagealloc",
    variant: "v6.6",
    opIndex: 3,
    site: "x",
    message: "kernel behaviour, not a model bug: ...",
    evidence: {},
  };
  const reference = {
    file: "mm/oom_kill.c",
    function: "out_of_memory",
    versions: "v6.6",
    fact: "f",
  };

  it("labels oracle-marked kernel behaviour with the oracle's kernel references", () => {
    const triage = triageFinding({
      ...base,
      evidence: { kernelBehaviour: true, kernel: [reference, { file: "incomplete" }] },
    });
    expect(triage).toMatchObject({
      kind: "kernel-behaviour",
      label: "documented kernel behaviour",
      explanation: base.message,
      kernel: [reference],
    });
  });

  it("labels a finding no canary or oracle explains as unexplained, and sorts those first", () => {
    const unexplained = triageFinding({ ...base, evidence: { kernelBehaviour: false } });
    expect(unexplained.kind).toBe("unexplained");
    const known = triageFinding({ ...base, canary: "pagealloc-noio-costly-hang" });
    expect(known.kind).toBe("known-bug");
    const kinds = byTriage(
      ["known-bug", "kernel-behaviour", "unexplained", "known-bug"] as const,
      (k) => k,
    );
    expect(kinds).toEqual(["unexplained", "known-bug", "known-bug", "kernel-behaviour"]);
  });
});
