import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findModel } from "../models/registry.js";
import { replayRecords } from "../models/replay.js";
import { parseJsonl } from "../sim/jsonl.js";
import { tally, traceText } from "./render.js";
import { triageText } from "./triage.js";

const corpus = join(import.meta.dirname, "../../testdata/triage");
const logs = readdirSync(corpus).filter((f) => f.endsWith(".log"));
const results = logs.map((file) => triageText(readFileSync(join(corpus, file), "latin1"), file));
const byFile = new Map(results.map((r) => [r.file, r]));

/** Per corpus file: events recognised, decided, agreeing (the agreement table of the README). */
const EXPECTED: Record<string, [events: number, decided: number, agrees: number]> = {
  "blog-2015-07-mysqld-oom-3.13.log": [1, 1, 1],
  "forum-2016-02-mathkernel-oom-32bit-highmem.log": [1, 1, 1],
  "gh-acrn-5243-swiotlb.log": [1, 0, 0],
  "gh-amdsev-281-swiotlb-2mib.log": [1, 1, 1],
  "gh-anholt-76-contig-busy.log": [1, 0, 0],
  "gh-anholt-94-cma-vc4.log": [2, 0, 0],
  "gh-baytrail-12-wrapped-header.log": [1, 0, 0],
  "gh-dstack-1192-swiotlb-virtio.log": [1, 0, 0],
  "gh-edgetpu-408-swiotlb-old.log": [1, 0, 0],
  "gh-le9-5-journal-xorg.log": [1, 0, 0],
  "gh-mt76-500-swiotlb-fragmented.log": [2, 0, 0],
  "gh-mt7601-21-armel-order5.log": [1, 0, 0],
  "gh-rpi-2966-cma-pi3.log": [1, 0, 0],
  "gh-rtl8192ee-3-swiotlb-full.log": [1, 1, 1],
  "gh-slaclab-87-cma-repeated.log": [3, 0, 0],
  "gh-sof-3530-memory-alloc-failed.log": [1, 0, 0],
  "gh-sof-3609-gui-export.log": [1, 0, 0],
  "gh-sof-3844-iccmax.log": [1, 0, 0],
  "gh-sof-5000-hda-order4.log": [2, 0, 0],
  "gh-udmabuf-23-cma-reserved.log": [0, 0, 0],
  "gh-udmabuf-98-cma-truncated.log": [1, 0, 0],
  "gh-usbip-win-368-swiotlb-oversize.log": [1, 1, 1],
  "gh-xtensa-17-stack-quotes.log": [1, 0, 0],
  "gh-zfs-325-markdown-orders.log": [1, 0, 0],
  "lkml-2009-07-msgctl11-oom-2.6.31.log": [2, 1, 1],
  "lkml-2018-04-anaconda-oom-wrapped.log": [1, 1, 1],
  "lkml-2018-09-oom-4.19-rc2.log": [2, 2, 1],
  "lkml-2021-02-rockpro64-order5-6.log": [2, 2, 2],
  "lkml-2026-03-qubes-order5-interleaved.log": [1, 1, 1],
  "stable-2021-12-kdump-atomic-pool.log": [4, 1, 1],
  "stackexchange-593335-cma-blocks-truncated.log": [1, 0, 0],
};

function verdictsOf(file: string) {
  const r = byFile.get(file);
  if (r === undefined) throw new Error(`${file} not in the corpus`);
  return r.verdicts;
}

describe("triage on the real-log corpus (testdata/triage)", () => {
  it("every log file is cited in SOURCES and has an expected row", () => {
    const sources = readFileSync(join(corpus, "SOURCES"), "utf8");
    for (const file of logs) {
      expect(sources, file).toContain(file);
      expect(EXPECTED[file], file).toBeDefined();
    }
  });

  it.each(logs)("%s: events recognised, decided and agreeing as recorded", (file) => {
    const t = tally([byFile.get(file) as (typeof results)[number]]);
    expect([t.events, t.decided, t.agrees]).toEqual(EXPECTED[file]);
  });

  it("explains an order-5 failure with the kernel's arithmetic (Mem-Info interleaved with a reply)", () => {
    const [v] = verdictsOf("lkml-2026-03-qubes-order5-interleaved.log");
    expect(v?.variant).toBe("v6.6");
    expect(v?.refusedBy).toContain(
      "Node 0 DMA: free 226 - 31 (order-5 tail) = 195 <= min 33 + lowmem_reserve 194",
    );
    expect(v?.refusedBy[0]).toMatch(/DMA32: free 2176 - 31 .* but no free block at order >= 5$/);
    expect(v?.wouldChange[0]).toMatch(/order 4 .* succeeds from Node 0 DMA32/);
  });

  it("counts highatomic and CMA pages out of the free test without ALLOC_HARDER/ALLOC_CMA", () => {
    const [v] = verdictsOf("lkml-2021-02-rockpro64-order5-6.log");
    expect(v?.variant).toBe("v4.19");
    expect(v?.refusedBy[0]).toContain("15049 - 31 (order-5 tail) - 512 highatomic - 194 free CMA");
  });

  it("reports a dump printed after memory came back as a disagreement with its cause", () => {
    const [first, second] = verdictsOf("lkml-2018-09-oom-4.19-rc2.log");
    expect(first?.agreement).toBe("agrees");
    expect(first?.refusedBy).toContain(
      "Node 0 DMA32: free 14538 <= high 20289 + lowmem_reserve 661",
    );
    expect(second?.agreement).toBe("disagrees");
    expect(second?.cause).toMatch(/^ambiguous log: Mem-Info is printed after the failing attempt/);
  });

  it("checks a 2.6/3.x request with the pre-v4.4 order loop and a 32-bit HighMem zone", () => {
    const [v] = verdictsOf("lkml-2009-07-msgctl11-oom-2.6.31.log");
    expect(v?.variant).toBe("v3.10");
    const [hm] = verdictsOf("forum-2016-02-mathkernel-oom-32bit-highmem.log");
    expect(hm?.refusedBy[0]).toBe("Node 0 HighMem: free 130 <= high 7389 + lowmem_reserve 0");
    expect(hm?.refusedBy).toContain(
      "Node 0 Normal: free 20139 <= high 16504 + lowmem_reserve 9134",
    );
  });

  it("refuses swiotlb mappings over 256 KiB and on a full pool; leaves placement undecided", () => {
    expect(verdictsOf("gh-amdsev-281-swiotlb-2mib.log")[0]?.refusedBy[0]).toMatch(
      /1024 slots > IO_TLB_SEGSIZE 128/,
    );
    expect(verdictsOf("gh-rtl8192ee-3-swiotlb-full.log")[0]?.refusedBy[0]).toBe(
      "free slots 32768 - 32768 used = 0 < 2 needed",
    );
    const frag = verdictsOf("gh-mt76-500-swiotlb-fragmented.log")[0];
    expect(frag?.agreement).toBe("undecided");
    expect(frag?.notes[0]).toMatch(/1353 slots were free but no run of 2/);
  });

  it("replays the kdump GFP_DMA atomic pool failure on the pre-has_managed_dma pools", () => {
    const pool = verdictsOf("stable-2021-12-kdump-atomic-pool.log").find((v) =>
      v.event.text.includes("failed to allocate"),
    );
    expect(pool?.variant).toBe("pre-has-managed-dma");
    expect(pool?.agreement).toBe("agrees");
  });

  it("every trace it writes replays on its model with the recorded expectations", () => {
    for (const r of results) {
      for (const v of r.verdicts) {
        const text = traceText(v);
        if (text === null || v.trace === null) continue;
        const def = findModel(v.trace.model);
        expect(def, v.trace.model).toBeDefined();
        if (def === undefined) continue;
        const outcome = replayRecords(def, v.trace.variant, parseJsonl(text, r.file));
        expect(outcome.kind, `${r.file}: ${v.title}`).toBe("ok");
      }
    }
  });
});
