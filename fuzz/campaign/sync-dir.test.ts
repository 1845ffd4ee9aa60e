import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inputName } from "../engine/corpus.js";
import { loadSavedFindings, saveFinding } from "../engine/findings.js";
import { CampaignSync } from "./campaign-sync.js";
import type { FindingNotice } from "./protocol.js";
import { SyncDir } from "./sync-dir.js";

const root = mkdtempSync(join(tmpdir(), "dmafuzz-sync-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const toy = { target: "toy", variant: "buggy" };
const bytes = (...values: number[]) => Uint8Array.from(values);

describe("SyncDir", () => {
  it("takes each peer entry once, only whole and only from peers on the same target", () => {
    const dir = join(root, "entries");
    const a = new SyncDir(dir, "a", toy);
    const b = new SyncDir(dir, "b", toy);
    const other = new SyncDir(dir, "c", { target: "iova", variant: "v6.7" });
    const one = bytes(1, 2, 3);
    expect(a.exportInput(inputName(one), one)).toBe(true);
    other.exportInput(inputName(bytes(9)), bytes(9));
    // A copy cut short (its content does not hash to its name) and a temp file are not taken.
    writeFileSync(join(dir, "a", "corpus", inputName(bytes(4, 5))), bytes(4));
    writeFileSync(join(dir, "a", "corpus", ".x.tmp"), bytes(7));
    expect(b.pull().inputs).toEqual([{ peer: "a", name: inputName(one), data: one }]);
    expect(b.pull().inputs).toEqual([]);
    // Once the upload is complete it is taken at the next pull.
    writeFileSync(join(dir, "a", "corpus", inputName(bytes(4, 5))), bytes(4, 5));
    expect(b.pull().inputs.map((i) => i.name)).toEqual([inputName(bytes(4, 5))]);
    // What b took is not written back into b's folder.
    expect(b.exportInput(inputName(one), one)).toBe(false);
  });

  it("refuses a folder that belongs to a campaign on another target or variant", () => {
    const dir = join(root, "claimed");
    new SyncDir(dir, "a", toy);
    expect(() => new SyncDir(dir, "a", { target: "toy", variant: "fixed" })).toThrow(
      /belongs to a campaign on toy@buggy/,
    );
    expect(() => new SyncDir(dir, ".hidden", toy)).toThrow(/sync id '.hidden'/);
  });
});

describe("CampaignSync", () => {
  const finding = {
    kind: "invariant" as const,
    model: "toy",
    variant: "buggy",
    opIndex: 1,
    site: "planted",
    message: "m",
    evidence: {},
  };

  it("imports peers' entries and findings into OUT, marked, and does not report its own again", () => {
    const dir = join(root, "campaigns");
    const outs = ["a", "b"].map((id) => join(root, `out-${id}`));
    for (const out of outs) mkdirSync(join(out, "findings"), { recursive: true });
    // Campaign a found an input and a finding.
    saveFinding(outs[0]!, {
      finding,
      input: bytes(1),
      trace: [{ op: "init" }, { op: "alloc", size: 1 }],
      minimized: [{ op: "init" }],
      executions: 10,
      elapsedMs: 5,
    });
    const corpusA = new Map([[inputName(bytes(2, 2)), bytes(2, 2)]]);
    const syncs = outs.map(
      (outDir, i) =>
        new CampaignSync({
          dir,
          id: i === 0 ? "a" : "b",
          identity: toy,
          intervalMs: 1000,
          outDir,
          corpus: i === 0 ? corpusA : new Map(),
        }),
    );
    const taken: { inputs: string[]; findings: FindingNotice[] } = { inputs: [], findings: [] };
    const handlers = {
      onInput: (name: string) => taken.inputs.push(name),
      onFinding: (notice: FindingNotice, peer: string) => {
        expect(peer).toBe("a");
        taken.findings.push(notice);
      },
    };
    syncs[0]!.sync(handlers);
    syncs[1]!.sync(handlers);
    expect(taken.inputs).toEqual([inputName(bytes(2, 2))]);
    expect(taken.findings.map((f) => [f.kind, f.execs, f.ms])).toEqual([["invariant", 10, 5]]);
    expect(readFileSync(join(outs[1]!, "corpus", inputName(bytes(2, 2))))).toEqual(
      Buffer.from([2, 2]),
    );
    const saved = [...loadSavedFindings(outs[1]!).values()];
    expect(saved.map((s) => [s.syncedFrom, s.traceOps, s.minimizedOps])).toEqual([["a", 2, 1]]);
    // b does not hand a's finding back; a takes nothing from b.
    syncs[1]!.sync(handlers);
    syncs[0]!.sync(handlers);
    expect(taken.findings).toHaveLength(1);
    expect(syncs[1]!.stats).toMatchObject({ importedInputs: 1, importedFindings: 1, syncs: 2 });
    expect(syncs[0]!.stats).toMatchObject({ importedInputs: 0, exportedInputs: 1 });
  });
});
